"""Staff curation: images, tags and ingest jobs in the Django admin.

Derived fields (pixels, camera EXIF, colours, analysis results) are read-only here: they come from
the files and are rewritten by re-analysis, so hand edits would only be overwritten.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import ngettext

from gallery import admin_views
from gallery.admin_tagging import TagReviewAdmin, TagSuggesterAdmin, TagSuggestionAdmin
from gallery.analysis.quality import QUALITY_LEVELS, reasons_for
from gallery.models import Colour, Image, ImageTag, IngestJob, Tag, TagReview, TagSuggester, TagSuggestion
from gallery.services import jobs
from gallery.services.analysis import queue_analysis
from gallery.services.duplicates import NotInGroup, merge_group
from gallery.services.export import image_metadata
from gallery.services.storage import delete_image
from gallery.swatches import swatch_svg

THUMBNAIL_BOX = 64
PREVIEW_BOX = 480


def fit_within(width: int | None, height: int | None, box: int) -> tuple[int, int]:
    """The size an image of width x height is drawn at inside a box x box square."""
    if not width or not height:
        return (box, box)
    scale = min(box / width, box / height, 1.0)
    return (max(1, round(width * scale)), max(1, round(height * scale)))


def camera_label(make: str, model: str) -> str:
    """'Canon EOS 5D' rather than 'Canon Canon EOS 5D' when the model already names the maker."""
    make, model = make.strip(), model.strip()
    if make and model.lower().startswith(make.lower()):
        return model
    return " ".join(part for part in (make, model) if part)


def swatch(hex_colour: str, *, size: int = 16) -> SafeString:
    # Sized by a class in admin_extra.css: the Content-Security-Policy forbids inline styles.
    return swatch_svg(hex_colour, css_class=f"colour-swatch colour-swatch--{size}", title=hex_colour)


class CameraMakeFilter(admin.SimpleListFilter):
    title = "camera make"
    parameter_name = "camera_make"
    UNKNOWN = "__unknown__"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        makes = (
            Image.objects.exclude(camera_make="")
            .order_by("camera_make")
            .values_list("camera_make", flat=True)
            .distinct()
        )
        return [*((make, make) for make in makes), (self.UNKNOWN, "Unknown")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(camera_make="" if value == self.UNKNOWN else value)


class QualityFilter(admin.SimpleListFilter):
    """Photos by quality score band. Choosing "Low" also lists the worst first (see ImageAdmin.get_ordering)."""

    title = "quality"
    parameter_name = "quality"
    LOW = "low"
    UNJUDGED = "unjudged"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        good, best = QUALITY_LEVELS["good"], QUALITY_LEVELS["best"]
        return [
            (self.LOW, f"Low (below {good}), worst first"),
            ("good", f"Good ({good} to {best - 1})"),
            ("best", f"The best ({best}+)"),
            (self.UNJUDGED, "Not judged yet"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == self.LOW:
            return queryset.filter(quality_score__lt=QUALITY_LEVELS["good"])
        if value == "good":
            return queryset.filter(
                quality_score__gte=QUALITY_LEVELS["good"], quality_score__lt=QUALITY_LEVELS["best"]
            )
        if value == "best":
            return queryset.filter(quality_score__gte=QUALITY_LEVELS["best"])
        if value == self.UNJUDGED:
            return queryset.filter(quality_score__isnull=True)
        return queryset


_COLOUR_FIELDS: tuple[str, ...] = ("rank", "colour_swatch", "hex", "name", "family", "share_percent")


class DuplicateFilter(admin.SimpleListFilter):
    """Near-duplicate groups to review: the photos with other versions, listed group by group."""

    title = "near-duplicates"
    parameter_name = "versions"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        return [
            ("grouped", "Has other versions"),
            ("best", "Best shot of a group"),
            ("other", "Not the best shot"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        grouped = queryset.filter(duplicate_group__isnull=False).order_by("duplicate_group", "-is_group_best")
        if self.value() == "grouped":
            return grouped
        if self.value() == "best":
            return grouped.filter(is_group_best=True)
        if self.value() == "other":
            return grouped.filter(is_group_best=False)
        return queryset


class ColourInline(admin.TabularInline):
    model = Colour
    fields = _COLOUR_FIELDS
    readonly_fields = _COLOUR_FIELDS
    extra = 0
    max_num = 0
    can_delete = False

    # The admin also renders a blank template row, whose colour has no hex or share yet.
    @admin.display(description="swatch")
    def colour_swatch(self, colour: Colour) -> SafeString | str:
        return swatch(colour.hex, size=24) if colour.hex else ""

    @admin.display(description="share")
    def share_percent(self, colour: Colour) -> str:
        return f"{colour.share:.0%}" if colour.share is not None else ""


class ImageTagInline(admin.TabularInline):
    model = ImageTag
    fields = ["tag", "origin", "user", "confidence"]
    autocomplete_fields = ["tag"]
    raw_id_fields = ["user"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImageTag]:
        return super().get_queryset(request).select_related("tag", "user")


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    # Quality beside the title: the "Low" filter is staff's list of the worst photos and why, and the
    # changelist is narrow next to its filters. Orientation and size class stay as filters.
    list_display = [
        "thumbnail_img",
        "title_or_hash",
        "quality_score",
        "quality_reasons",
        "source",
        "licence",
        "status",
        "camera",
    ]
    list_display_links = ["thumbnail_img", "title_or_hash"]
    list_filter = [
        "source",
        "licence",
        "orientation",
        "size_class",
        "status",
        CameraMakeFilter,
        DuplicateFilter,
        QualityFilter,
    ]
    # The admin notices that tag names span a relation and keeps the results distinct.
    search_fields = ["title", "image_tags__tag__name", "camera_make", "camera_model"]
    search_help_text = "Search titles, tag names and camera make or model."
    list_per_page = 50
    actions = ["reanalyse", "export_json", "keep_best_shot", "keep_selected_version"]
    inlines = [ColourInline, ImageTagInline]
    readonly_fields = [
        "preview_img",
        "sha256",
        "file",
        "thumbnail",
        "preview",
        "width",
        "height",
        "format",
        "mode",
        "file_size",
        "orientation",
        "size_class",
        "taken_at",
        "taken_at_offset",
        "camera_make",
        "camera_model",
        "lens",
        "iso",
        "f_number",
        "exposure_time",
        "focal_length",
        "gps_latitude",
        "gps_longitude",
        "gps_altitude",
        "exif_json",
        "phash",
        "duplicate_versions",
        "quality_score",
        "quality_reasons",
        "quality_values_json",
        "status",
        "analysis_error",
        "source",
        "source_id",
        "file_url",
        "ingest_job",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["preview_img", ("status", "analysis_error"), "title", "description"]}),
        (
            "Provenance",
            {
                "fields": [
                    ("source", "source_id"),
                    "file_url",
                    "source_page_url",
                    ("licence", "licence_url"),
                    "author",
                    "attribution",
                    "ingest_job",
                ]
            },
        ),
        (
            "Pixels",
            {"fields": [("width", "height"), ("format", "mode", "file_size"), ("orientation", "size_class")]},
        ),
        (
            "Camera",
            {
                "fields": [
                    ("taken_at", "taken_at_offset"),
                    ("camera_make", "camera_model"),
                    "lens",
                    ("iso", "f_number", "exposure_time", "focal_length"),
                    ("gps_latitude", "gps_longitude", "gps_altitude"),
                ]
            },
        ),
        ("Near-duplicates", {"fields": ["duplicate_versions"]}),
        ("Quality", {"fields": ["quality_score", "quality_reasons", "quality_values_json"]}),
        ("EXIF", {"fields": ["exif_json"]}),
        (
            "Files",
            {
                "fields": ["sha256", "file", "thumbnail", "preview", "phash", ("created_at", "updated_at")],
                "classes": ["collapse"],
            },
        ),
    ]

    class Media:
        css = {"all": ["admin_extra/admin_extra.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Image]:
        return super().get_queryset(request).prefetch_related("colours")

    def get_ordering(self, request: HttpRequest) -> list[str]:
        # Staff looking at low-quality photos want the worst first; a clicked column still wins.
        if request.GET.get(QualityFilter.parameter_name) == QualityFilter.LOW:
            return ["quality_score", "-id"]
        return list(super().get_ordering(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Images arrive through ingest jobs, which download, deduplicate and analyse them.
        return False

    @admin.display(description="thumbnail")
    def thumbnail_img(self, image: Image) -> SafeString:
        picture = _img_tag(image, image.thumbnail, box=THUMBNAIL_BOX) or "—"
        return format_html('{}<span class="admin-palette">{}</span>', picture, self.palette(image))

    @admin.display(description="photo")
    def preview_img(self, image: Image) -> SafeString | str:
        picture = image.preview or image.thumbnail
        return _img_tag(image, picture, box=PREVIEW_BOX) or "No preview yet."

    @admin.display(description="title", ordering="title")
    def title_or_hash(self, image: Image) -> str:
        return Truncator(str(image)).chars(60)

    @admin.display(description="camera", ordering="camera_make")
    def camera(self, image: Image) -> str:
        return camera_label(image.camera_make, image.camera_model) or "—"

    def palette(self, image: Image) -> SafeString:
        # Reads the prefetched colours; filtering or ordering here would query once per row.
        return format_html_join("", "{}", ((swatch(colour.hex, size=12),) for colour in image.colours.all()))

    @admin.display(description="Versions")
    def duplicate_versions(self, image: Image) -> SafeString | str:
        if image.duplicate_group is None:
            return "No other versions."
        members = Image.objects.filter(duplicate_group=image.duplicate_group).order_by("-is_group_best", "pk")
        url = reverse("admin:gallery_image_changelist")
        return format_html(
            '{}<p><a href="{}?duplicate_group__exact={}">Review the group</a> · best shot marked ★</p>',
            format_html_join(
                "",
                '<a href="{}" class="admin-version">{} {}{}</a> ',
                (
                    (
                        reverse("admin:gallery_image_change", args=[member.pk]),
                        _img_tag(member, member.thumbnail, box=THUMBNAIL_BOX) or "",
                        f"{member.width} x {member.height}",
                        " ★" if member.is_group_best else "",
                    )
                    for member in members
                ),
            ),
            url,
            image.duplicate_group,
        )

    @admin.action(
        description="Keep the best shot of each group, merging the other versions into it",
        permissions=["delete"],
    )
    def keep_best_shot(self, request: HttpRequest, queryset: QuerySet[Image]) -> None:
        groups = set(queryset.exclude(duplicate_group=None).values_list("duplicate_group", flat=True))
        best = Image.objects.filter(duplicate_group__in=groups, is_group_best=True)
        self._merge_keeping(request, list(best.values_list("pk", flat=True)))

    @admin.action(
        description="Keep the selected version, merging its group's other versions into it",
        permissions=["delete"],
    )
    def keep_selected_version(self, request: HttpRequest, queryset: QuerySet[Image]) -> None:
        chosen = list(queryset.exclude(duplicate_group=None).values_list("pk", "duplicate_group"))
        groups = [group for _, group in chosen]
        # Two versions chosen from one group is ambiguous: that group is left for another look.
        ambiguous = {group for group in groups if groups.count(group) > 1}
        if ambiguous:
            self.message_user(
                request,
                "Choose one version per group; groups with two chosen were left alone.",
                messages.WARNING,
            )
        self._merge_keeping(request, [pk for pk, group in chosen if group not in ambiguous])

    def _merge_keeping(self, request: HttpRequest, keep_ids: list[int]) -> None:
        if not keep_ids:
            self.message_user(request, "None of the selected photos has other versions.", messages.WARNING)
            return
        groups = deleted = likes = tags = 0
        for keep_id in keep_ids:
            try:
                outcome = merge_group(keep_id=keep_id)
            except NotInGroup:  # merged by someone else meanwhile
                continue
            groups += 1
            deleted += len(outcome.deleted)
            likes += outcome.likes_moved
            tags += outcome.tags_moved
        self.message_user(
            request,
            f"Merged {groups} group(s): deleted {deleted} other version(s), moved {likes} like(s) and {tags} tag(s).",
            messages.SUCCESS,
        )

    @admin.display(description="problems")
    def quality_reasons(self, image: Image) -> SafeString | str:
        reasons = reasons_for(image.quality_values or {})
        return format_html_join(mark_safe("<br>"), "{}", ((reason,) for reason in reasons)) or "—"

    @admin.display(description="measurements")
    def quality_values_json(self, image: Image) -> SafeString:
        text = json.dumps(image.quality_values, indent=2, sort_keys=True)
        return format_html('<pre class="exif-json">{}</pre>', text)

    @admin.display(description="EXIF")
    def exif_json(self, image: Image) -> SafeString:
        text = json.dumps(image.exif, indent=2, sort_keys=True, ensure_ascii=False, default=str)
        return format_html('<pre class="exif-json">{}</pre>', text)

    @admin.action(description="Re-analyse selected images")
    def reanalyse(self, request: HttpRequest, queryset: QuerySet[Image]) -> None:
        count = queue_analysis(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("Queued %(count)d image for analysis.", "Queued %(count)d images for analysis.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description="Export selected as JSON")
    def export_json(self, request: HttpRequest, queryset: QuerySet[Image]) -> HttpResponse:
        response = JsonResponse(
            image_metadata(queryset), safe=False, json_dumps_params={"indent": 2, "ensure_ascii": False}
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="imgsite-images-{stamp}.json"'
        return response

    def delete_model(self, request: HttpRequest, obj: Image) -> None:
        delete_image(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Image]) -> None:
        # All or nothing: files go only once every row is gone (delete_image waits for the commit).
        with transaction.atomic():
            for image in queryset:
                delete_image(image)


def _img_tag(image: Image, picture: Any, *, box: int) -> SafeString | None:
    if not picture:
        return None
    width, height = fit_within(image.width, image.height, box)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy" class="admin-picture">',
        picture.url,
        width,
        height,
        image.title or "",
    )


def _short_time(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j M H:i") if moment else "—"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "image_count"]
    search_fields = ["name"]
    actions = ["merge_into"]
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).annotate(image_count=Count("image_tags__image", distinct=True))

    @admin.display(description="images", ordering="image_count")
    def image_count(self, tag: Tag) -> int:
        return int(getattr(tag, "image_count", 0))

    @admin.action(description="Merge into…", permissions=["change", "delete"])
    def merge_into(self, request: HttpRequest, queryset: QuerySet[Tag]) -> HttpResponse | None:
        return admin_views.merge_tags_action(request, queryset, model_admin=self)


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    # The error lines are on each job's progress page; the list says in one line how each job ended.
    list_display = [
        "job",
        "source",
        "outcome",
        "wanted",
        "done",
        "skipped",
        "refused",
        "failed_items",
        "progress_bar",
        "created",
        "finished",
    ]
    list_display_links = None
    list_filter = ["status", "source"]
    search_fields = ["query"]
    actions = ["cancel_jobs", "retry_jobs"]
    change_list_template = "admin/gallery/ingestjob/change_list.html"

    class Media:
        css = {"all": ["admin_extra/admin_extra.css"]}

    def has_change_permission(self, request: HttpRequest, obj: IngestJob | None = None) -> bool:
        # Counters and errors are written by the ingest service alone, so staff can trust them.
        return False

    def delete_model(self, request: HttpRequest, obj: IngestJob) -> None:
        # Any job may go, even one a worker is running or one stuck "running" by a dead worker:
        # a cancelled job's worker stops at its next item, and its photos stay in the collection.
        jobs.cancel_job(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[IngestJob]) -> None:
        for job in queryset:
            jobs.cancel_job(job)
        super().delete_queryset(request, queryset)

    @admin.action(description="Cancel the selected jobs")
    def cancel_jobs(self, request: HttpRequest, queryset: QuerySet[IngestJob]) -> None:
        cancelled = sum(jobs.cancel_job(job) for job in queryset)
        self.message_user(request, f"Cancelled {cancelled} job(s); finished ones are left as they were.")

    @admin.action(description="Retry the selected jobs (resume where they stopped)")
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet[IngestJob]) -> None:
        for job in queryset:
            jobs.retry_job(job)
        self.message_user(request, f"Queued {queryset.count()} job(s) again.")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self.has_add_permission(request):
            actions.pop("cancel_jobs", None)
            actions.pop("retry_jobs", None)
        return actions

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("start/", wrap(self.start_view), name="gallery_ingestjob_start"),
            path("<int:job_id>/progress/", wrap(self.progress_view), name="gallery_ingestjob_progress"),
            path("<int:job_id>/cancel/", wrap(self.cancel_view), name="gallery_ingestjob_cancel"),
            path("<int:job_id>/retry/", wrap(self.retry_view), name="gallery_ingestjob_retry"),
            path(
                "<int:job_id>/progress.json",
                wrap(self.progress_json_view),
                name="gallery_ingestjob_progress_json",
            ),
            *super().get_urls(),
        ]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The generic add form would make a job nobody runs; starting one goes through the service.
        return redirect("admin:gallery_ingestjob_start")

    def start_view(self, request: HttpRequest) -> HttpResponse:
        return admin_views.start_ingest_job(request, model_admin=self)

    def cancel_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        return admin_views.cancel_ingest_job(request, job_id, model_admin=self)

    def retry_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        return admin_views.retry_ingest_job(request, job_id, model_admin=self)

    def progress_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        return admin_views.ingest_job_progress(request, job_id, model_admin=self)

    def progress_json_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        return admin_views.ingest_job_progress_json(request, job_id, model_admin=self)

    @admin.display(description="job", ordering="id")
    def job(self, job: IngestJob) -> SafeString:
        label = Truncator(job.query or "(default selection)").chars(40)
        return format_html('<a href="{}">#{} {}</a>', admin_views.job_progress_url(job), job.pk, label)

    @admin.display(description="status", ordering="status")
    def outcome(self, job: IngestJob) -> SafeString:
        sentence = admin_views.job_outcome(job)
        return format_html(
            '<span class="status-{}" title="{}">{}</span>',
            job.status,
            sentence,
            Truncator(sentence).chars(70),
        )

    @admin.display(description="refused", ordering="rejected")
    def refused(self, job: IngestJob) -> int:
        return job.rejected

    @admin.display(description="failed items", ordering="failed")
    def failed_items(self, job: IngestJob) -> int:
        return job.failed

    @admin.display(description="created", ordering="created_at")
    def created(self, job: IngestJob) -> str:
        return _short_time(job.created_at)

    @admin.display(description="finished", ordering="finished_at")
    def finished(self, job: IngestJob) -> str:
        return _short_time(job.finished_at)

    @admin.display(description="progress")
    def progress_bar(self, job: IngestJob) -> SafeString:
        percent = admin_views.job_percent(job)
        return format_html(
            '<progress class="job-list-bar" max="100" value="{}">{}%</progress> {}%',
            percent,
            percent,
            percent,
        )


admin.site.register(TagSuggestion, TagSuggestionAdmin)
admin.site.register(TagReview, TagReviewAdmin)
admin.site.register(TagSuggester, TagSuggesterAdmin)
