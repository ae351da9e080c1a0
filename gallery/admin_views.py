"""Staff-only pages added to the admin: start an ingest job, and watch one run.

`IngestJobAdmin.get_urls` wraps each view in `admin_site.admin_view`, so anonymous and non-staff
users are sent to the admin login before they get here; the views check model permissions on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from gallery.models import IngestJob, Source, Tag
from gallery.services.tags import merge_tags

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# Staff start jobs by hand; a bigger run belongs on the command line, where it can be watched.
MAX_INGEST_COUNT = 1000
LOCAL_SOURCES = {"folder"}


class IngestJobStartForm(forms.Form):
    source = forms.ChoiceField()
    query = forms.CharField(
        max_length=500,
        help_text="Commons category or search text, Openverse search, or a file or folder on the server.",
    )
    count = forms.IntegerField(
        min_value=1, max_value=MAX_INGEST_COUNT, initial=20, help_text="How many new photos to collect."
    )
    licence = forms.CharField(
        max_length=100, required=False, help_text="Folder source only: the licence of every photo in it."
    )
    author = forms.CharField(max_length=500, required=False, help_text="Folder source only: who took them.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = source_choices()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("source") in LOCAL_SOURCES:
            if not cleaned.get("licence", "").strip():
                self.add_error(
                    "licence", "A folder has no licence of its own: say which licence its photos have."
                )
            query = cleaned.get("query", "")
            if query and not Path(query).is_dir():
                self.add_error("query", f"There is no folder {query!r} on the server.")
        return cleaned

    def options(self) -> dict[str, str]:
        options = {key: self.cleaned_data[key].strip() for key in ("licence", "author")}
        return {key: value for key, value in options.items() if value}


def source_choices() -> list[tuple[str, str]]:
    from gallery.sources.registry import SOURCE_NAMES

    labels = dict(Source.choices)
    return [(name, str(labels.get(name, name))) for name in SOURCE_NAMES]


def start_ingest_job(request: HttpRequest, *, model_admin: ModelAdmin[IngestJob]) -> HttpResponse:
    from gallery.services.jobs import create_ingest_job

    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = IngestJobStartForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        job = create_ingest_job(
            source=form.cleaned_data["source"],
            query=form.cleaned_data["query"].strip(),
            wanted=form.cleaned_data["count"],
            options=form.options(),
        )
        messages.success(request, f"Started ingest job #{job.pk}.")
        return redirect(job_progress_url(job))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": IngestJob._meta,
        "title": "Start an ingest job",
        "form": form,
    }
    return TemplateResponse(request, "admin/gallery/ingestjob/start.html", context)


def ingest_job_progress(
    request: HttpRequest, job_id: int, *, model_admin: ModelAdmin[IngestJob]
) -> HttpResponse:
    job = _viewable_job(request, job_id, model_admin=model_admin)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": IngestJob._meta,
        "title": f"Ingest job #{job.pk}",
        "job": job,
        "progress": job_progress_data(job),
        "progress_json_url": reverse("admin:gallery_ingestjob_progress_json", args=[job.pk]),
    }
    return TemplateResponse(request, "admin/gallery/ingestjob/progress.html", context)


def ingest_job_progress_json(
    request: HttpRequest, job_id: int, *, model_admin: ModelAdmin[IngestJob]
) -> JsonResponse:
    job = _viewable_job(request, job_id, model_admin=model_admin)
    return JsonResponse(job_progress_data(job))


def job_progress_url(job: IngestJob) -> str:
    return reverse("admin:gallery_ingestjob_progress", args=[job.pk])


def job_progress_data(job: IngestJob) -> dict[str, Any]:
    """What the progress page shows, as the JSON its script polls."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.is_finished,
        "wanted": job.wanted,
        "done": job.done,
        "skipped": job.skipped,
        "failed": job.failed,
        "percent": round(job.progress * 100),
        "errors": [error if isinstance(error, str) else str(error) for error in job.errors],
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def _viewable_job(request: HttpRequest, job_id: int, *, model_admin: ModelAdmin[IngestJob]) -> IngestJob:
    job = get_object_or_404(IngestJob, pk=job_id)
    if not model_admin.has_view_permission(request, job):
        raise PermissionDenied
    return job


class TagMergeForm(forms.Form):
    target = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="Keep this tag")

    def __init__(self, *args: Any, tags: Sequence[Tag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(tag.pk, _tag_label(tag)) for tag in tags]
        # The tag on most images is the likeliest name to keep.
        field.initial = tags[0].pk if tags else None


def merge_tags_action(
    request: HttpRequest, queryset: QuerySet[Tag], *, model_admin: ModelAdmin[Tag]
) -> HttpResponse | None:
    """The "Merge into…" action: a confirmation page to pick the tag to keep, then the merge.

    Returning None sends the admin back to the tag list, where the message says what happened.
    """
    tags = list(
        queryset.annotate(image_count=Count("image_tags__image", distinct=True)).order_by(
            "-image_count", "name"
        )
    )
    if len(tags) < 2:
        model_admin.message_user(request, "Select at least two tags to merge.", messages.WARNING)
        return None
    form = TagMergeForm(request.POST if "apply" in request.POST else None, tags=tags)
    if form.is_valid():
        by_id = {tag.pk: tag for tag in tags}
        target = by_id[form.cleaned_data["target"]]
        others = [tag for tag in tags if tag.pk != target.pk]
        moved = merge_tags(target=target, others=others)
        names = ", ".join(repr(tag.name) for tag in others)
        model_admin.message_user(
            request, f"Merged {names} into {target.name!r}; {moved} image links moved.", messages.SUCCESS
        )
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Tag._meta,
        "title": "Merge tags",
        "form": form,
        "tags": tags,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/gallery/tag/merge_confirmation.html", context)


def _tag_label(tag: Tag) -> str:
    count = int(getattr(tag, "image_count", 0))
    return f"{tag.name} ({count} image{'' if count == 1 else 's'})"
