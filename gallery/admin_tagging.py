"""Staff curation of tag suggestions: accept or reject in bulk, "Tags to review" with keep and remove.

Registered from gallery/admin.py. Every write goes through the services, so a staff answer teaches
the suggester exactly as a visitor's does.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from gallery.models import Image, ReviewStatus, TagReview, TagSuggester, TagSuggestion, Verdict
from gallery.services.tag_review import keep_tags, remove_tags
from gallery.services.tag_suggestions import answer_suggestion, queue_training

THUMBNAIL_PX = 64


def _thumbnail(image: Image) -> SafeString | str:
    if not image.thumbnail:
        return "—"
    link = reverse("admin:gallery_image_change", args=[image.pk])
    # Sized by attributes: the Content-Security-Policy forbids inline styles.
    scale = min(
        THUMBNAIL_PX / (image.width or THUMBNAIL_PX), THUMBNAIL_PX / (image.height or THUMBNAIL_PX), 1.0
    )
    return format_html(
        '<a href="{}"><img src="{}" alt="{}" width="{}" height="{}" loading="lazy" class="admin-picture"></a>',
        link,
        image.thumbnail.url,
        image.title or f"Image {image.pk}",
        max(1, round((image.width or THUMBNAIL_PX) * scale)),
        max(1, round((image.height or THUMBNAIL_PX) * scale)),
    )


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the admin site only lets staff users in
    return request.user


class _PhotoTagListAdmin(admin.ModelAdmin):
    """A read-only list of (photo, tag) rows the site made, each shown with the photo's thumbnail;
    staff answer them with actions and buttons, never by editing a row."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("image", "tag")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="photo")
    def picture(self, row: TagSuggestion | TagReview) -> SafeString | str:
        return _thumbnail(row.image)


class TagSuggestionAdmin(_PhotoTagListAdmin):
    list_display = ["picture", "image", "tag", "confidence_percent"]
    search_fields = ["tag__name", "image__title"]
    ordering = ["-confidence", "pk"]
    list_per_page = 100
    actions = ["accept_selected", "reject_selected"]
    readonly_fields = ["image", "tag", "confidence"]

    @admin.display(description="confidence", ordering="confidence")
    def confidence_percent(self, suggestion: TagSuggestion) -> str:
        return f"{suggestion.confidence:.0%}"

    @admin.action(description="Accept selected suggestions (add the tags to their photos)")
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[TagSuggestion]) -> None:
        self._answer(request, queryset, Verdict.ACCEPT)

    @admin.action(description="Reject selected suggestions")
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[TagSuggestion]) -> None:
        self._answer(request, queryset, Verdict.REJECT)

    def _answer(self, request: HttpRequest, queryset: QuerySet[TagSuggestion], verdict: str) -> None:
        suggestions = list(queryset)
        for suggestion in suggestions:
            answer_suggestion(user=_staff(request), suggestion=suggestion, verdict=verdict)
        done = "accepted" if verdict == Verdict.ACCEPT else "rejected"
        count = len(suggestions)
        self.message_user(
            request,
            ngettext(f"{count} suggestion {done}.", f"{count} suggestions {done}.", count)
            + " The suggester learns from them in the background.",
            messages.SUCCESS,
        )


class ReviewStatusFilter(admin.SimpleListFilter):
    """Open reviews by default: the list is a to-do list."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        return [*ReviewStatus.choices, ("all", "All")]

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or ReviewStatus.OPEN) == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value() or ReviewStatus.OPEN
        return queryset if value == "all" else queryset.filter(status=value)


class TagReviewAdmin(_PhotoTagListAdmin):
    # The decision next to what it is about, before the photo's title, which can be long.
    list_display = ["picture", "tag", "probability_percent", "decide", "image", "status"]
    list_display_links = None
    list_filter = [ReviewStatusFilter]
    search_fields = ["tag__name", "image__title"]
    ordering = ["probability", "pk"]
    list_per_page = 100
    actions = ["keep_selected", "remove_selected"]

    class Media:
        css = {"all": ["admin_extra/admin_extra.css"]}

    @admin.display(description="likely right", ordering="probability")
    def probability_percent(self, review: TagReview) -> str:
        return f"{review.probability:.0%}"

    @admin.display(description="decide")
    def decide(self, review: TagReview) -> SafeString | str:
        if review.status != ReviewStatus.OPEN:
            return review.get_status_display()
        # Buttons of the changelist's own form (which carries the CSRF token), sent to our views.
        return format_html(
            '<button type="submit" class="button" formaction="{}">Keep</button> '
            '<button type="submit" class="button admin-danger" formaction="{}">Remove</button>',
            reverse("admin:gallery_tagreview_keep", args=[review.pk]),
            reverse("admin:gallery_tagreview_remove", args=[review.pk]),
        )

    @admin.action(description="Keep selected tags (stop listing them)")
    def keep_selected(self, request: HttpRequest, queryset: QuerySet[TagReview]) -> None:
        count = keep_tags(reviews=list(queryset), user=_staff(request))
        self.message_user(request, ngettext(f"{count} tag kept.", f"{count} tags kept.", count))

    @admin.action(description="Remove selected tags from their photos")
    def remove_selected(self, request: HttpRequest, queryset: QuerySet[TagReview]) -> None:
        count = remove_tags(reviews=list(queryset), user=_staff(request))
        self.message_user(request, ngettext(f"{count} tag removed.", f"{count} tags removed.", count))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("<int:pk>/keep/", self.admin_site.admin_view(self.keep_view), name="gallery_tagreview_keep"),
            path(
                "<int:pk>/remove/",
                self.admin_site.admin_view(self.remove_view),
                name="gallery_tagreview_remove",
            ),
        ]
        return own + super().get_urls()

    def keep_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._decide(request, pk, keep=True)

    def remove_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._decide(request, pk, keep=False)

    def _decide(self, request: HttpRequest, pk: int, *, keep: bool) -> HttpResponse:
        return _decide_view(request, pk=pk, keep=keep, model_admin=self)


@require_POST
def _decide_view(request: HttpRequest, *, pk: int, keep: bool, model_admin: TagReviewAdmin) -> HttpResponse:
    review = get_object_or_404(TagReview.objects.select_related("tag", "image"), pk=pk)
    if not model_admin.has_delete_permission(request) and not keep:
        messages.error(request, "You may not remove tags.")
    elif keep:
        keep_tags(reviews=[review], user=_staff(request))
        messages.success(request, f"Kept “{review.tag.name}” on {review.image}.")
    else:
        remove_tags(reviews=[review], user=_staff(request))
        messages.success(request, f"Removed “{review.tag.name}” from {review.image}.")
    return HttpResponseRedirect(reverse("admin:gallery_tagreview_changelist"))


class TagSuggesterAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "feature_kind",
        "version",
        "training_photos",
        "vocabulary",
        "answers_applied",
        "trained_at",
    ]
    readonly_fields = [
        "feature_kind",
        "version",
        "training_photos",
        "vocabulary",
        "answers_applied",
        "trained_at",
    ]
    fields = ["name", *readonly_fields]
    actions = ["train_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="tags")
    def vocabulary(self, suggester: TagSuggester) -> str:
        return (
            f"{len(suggester.tags)}: "
            + ", ".join(suggester.tags[:12])
            + ("…" if len(suggester.tags) > 12 else "")
        )

    @admin.action(description="Retrain now and look for tags to review")
    def train_now(self, request: HttpRequest, queryset: QuerySet[TagSuggester]) -> None:
        if queue_training():
            self.message_user(
                request, "Retraining queued; suggestions and tags to review refresh when it ends."
            )
        else:
            self.message_user(request, "The task queue is unreachable; nothing was queued.", messages.ERROR)
