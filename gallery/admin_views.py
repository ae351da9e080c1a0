"""Staff-only pages added to the admin: start an ingest job, and watch one run.

`IngestJobAdmin.get_urls` wraps each view in `admin_site.admin_view`, so anonymous and non-staff
users are sent to the admin login before they get here; the views check model permissions on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from gallery.licences import is_free_licence, normalise_licence
from gallery.models import IngestJob, JobStatus, Source, Tag
from gallery.services import jobs
from gallery.services.tags import merge_tags
from gallery.sources.base import SourceError
from gallery.sources.registry import build_source

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# Staff start jobs by hand; a bigger run belongs on the command line, where it can be watched.
MAX_INGEST_COUNT = 1000
LOCAL_SOURCES = {Source.FOLDER}
SOURCES_WITH_DEFAULT_QUERY = {Source.COMMONS}


class IngestJobStartForm(forms.Form):
    source = forms.ChoiceField()
    query = forms.CharField(
        max_length=500,
        required=False,
        help_text="Commons: a category (Category:…) or search words, empty for the default selection. "
        "Openverse: search words. Unsplash Lite, URL list, folder: a folder or file on the server.",
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
        source, query = cleaned.get("source"), cleaned.get("query", "").strip()
        if source and source not in SOURCES_WITH_DEFAULT_QUERY and not query:
            self.add_error(
                "query", "This source needs something to look for: search words, a file or a folder."
            )
        if source in LOCAL_SOURCES:
            self._check_folder_options(query)
        if source and not self.errors:
            self._check_source_accepts(source, query)
        return cleaned

    def _check_folder_options(self, query: str) -> None:
        licence, author = (
            self.cleaned_data.get("licence", "").strip(),
            self.cleaned_data.get("author", "").strip(),
        )
        if not licence:
            self.add_error(
                "licence", "A folder has no licence of its own: say which licence its photos have."
            )
        elif not is_free_licence(normalise_licence(licence), settings.IMGSITE_EXTRA_LICENCES):
            self.add_error("licence", "Only CC0, public domain, CC BY and CC BY-SA photos are collected.")
        if not author:
            self.add_error("author", "Say who took the photos, so they can be credited.")
        if query and not Path(query).expanduser().is_dir():
            self.add_error("query", f"There is no folder {query!r} on the server.")

    def _check_source_accepts(self, source: str, query: str) -> None:
        # The source's own checks (files that must exist, option rules), so a job that could only
        # fail at once is refused here with the same message instead of being started.
        try:
            build_source(source, query, options=self.options())
        except SourceError as exc:
            self.add_error(None, str(exc))

    def options(self) -> dict[str, str]:
        options = {key: self.cleaned_data.get(key, "").strip() for key in ("licence", "author")}
        return {key: value for key, value in options.items() if value}


def source_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Source.choices]


def start_ingest_job(request: HttpRequest, *, model_admin: ModelAdmin[IngestJob]) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = IngestJobStartForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        job = jobs.create_ingest_job(
            source=form.cleaned_data["source"],
            query=form.cleaned_data["query"].strip(),
            wanted=form.cleaned_data["count"],
            options=form.options(),
        )
        job.refresh_from_db()
        if job.status == JobStatus.FAILED:
            messages.error(request, f"Ingest job #{job.pk} could not start: {job.errors[-1]}")
        else:
            messages.success(request, f"Started ingest job #{job.pk}.")
        return redirect(job_progress_url(job))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": IngestJob._meta,
        "title": "Start an ingest job",
        "form": form,
        "runs_in_process": settings.CELERY_TASK_ALWAYS_EAGER,
    }
    return TemplateResponse(request, "admin/gallery/ingestjob/start.html", context)


def cancel_ingest_job(
    request: HttpRequest, job_id: int, *, model_admin: ModelAdmin[IngestJob]
) -> HttpResponse:
    """Stop a queued or running job, whatever state its worker is in."""
    job = _controllable_job(request, job_id, model_admin=model_admin)
    if jobs.cancel_job(job):
        messages.success(request, f"Cancelled ingest job #{job.pk}; its worker stops after the current item.")
    else:
        messages.info(request, f"Ingest job #{job.pk} had already ended.")
    return redirect(job_progress_url(job))


def retry_ingest_job(
    request: HttpRequest, job_id: int, *, model_admin: ModelAdmin[IngestJob]
) -> HttpResponse:
    """Queue any job again; it resumes after the items it already counted."""
    job = _controllable_job(request, job_id, model_admin=model_admin)
    jobs.retry_job(job)
    job.refresh_from_db()
    if job.status == JobStatus.FAILED:
        messages.error(request, f"Ingest job #{job.pk} could not be queued: {job.errors[-1]}")
    else:
        messages.success(request, f"Queued ingest job #{job.pk} again; it resumes where it stopped.")
    return redirect(job_progress_url(job))


def _controllable_job(request: HttpRequest, job_id: int, *, model_admin: ModelAdmin[IngestJob]) -> IngestJob:
    # Whoever may start jobs may stop and restart them; only POST, so a link cannot do it.
    if request.method != "POST":
        raise PermissionDenied
    job = get_object_or_404(IngestJob, pk=job_id)
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    return job


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
        "can_control": model_admin.has_add_permission(request),
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
        "rejected": job.rejected,
        "failed": job.failed,
        "percent": job_percent(job),
        "outcome": job_outcome(job),
        "errors": [error if isinstance(error, str) else str(error) for error in job.errors],
        "warnings": [str(warning) for warning in job.warnings],
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def job_outcome(job: IngestJob) -> str:
    """One sentence on where the job stands and, once it ended, why it stored what it stored."""
    stored = f"{job.done} of {job.wanted}"
    if job.status == JobStatus.QUEUED:
        return "Waiting for a worker to pick it up."
    if job.status == JobStatus.RUNNING:
        return f"Running: {stored} photos stored so far."
    if job.status == JobStatus.CANCELLED:
        return f"Cancelled after storing {stored} photos."
    if job.status == JobStatus.FAILED:
        reason = job.errors[-1] if job.errors else "no reason was recorded"
        return f"Failed after storing {stored} photos: {reason}"
    if job.done >= job.wanted:
        return f"Done: stored all {job.wanted} photos."
    return f"Done: stored {stored} photos, because the source had no more new ones{_passed_over(job)}."


def _passed_over(job: IngestJob) -> str:
    """What the job passed over on its way, e.g. ' (3 already in the collection, 1 refused)'."""
    counts = [
        (job.skipped, "already in the collection"),
        (job.rejected, "refused"),
        (job.failed, "failed"),
    ]
    parts = [f"{count} {label}" for count, label in counts if count]
    return f" ({', '.join(parts)})" if parts else ""


def job_percent(job: IngestJob) -> int:
    """How far along the job is. A finished job is complete even when the source ran out early."""
    return 100 if job.is_finished else round(job.progress * 100)


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
