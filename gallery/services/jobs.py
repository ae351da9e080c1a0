"""Ingest job bookkeeping. This is the one place that writes an IngestJob's counters and status,
so staff watching a job page see consistent progress whichever worker did the work."""

from __future__ import annotations

import logging
from typing import Literal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gallery.models import IngestJob, JobStatus
from imgsite import background

log = logging.getLogger(__name__)

# A job keeps at most this many error lines; beyond it the count still grows.
MAX_ERROR_LINES = 500

Outcome = Literal["done", "skipped", "failed", "rejected"]


def create_ingest_job(
    *, source: str, query: str, wanted: int, options: dict[str, str] | None = None, enqueue: bool = True
) -> IngestJob:
    """Create a job and, once the transaction commits, hand it to a Celery worker."""
    job = IngestJob.objects.create(source=source, query=query, wanted=wanted, options=options or {})
    if enqueue:
        background.enqueue_on_commit(background.RUN_INGEST_JOB, job.pk)
    return job


def mark_running(job: IngestJob) -> None:
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])


def record_outcome(job: IngestJob, outcome: Outcome, message: str = "") -> None:
    """Count one item. Uses F() so concurrent workers never lose an increment."""
    IngestJob.objects.filter(pk=job.pk).update(**{outcome: F(outcome) + 1})
    if outcome == "failed" and message:
        append_error(job, message)
    job.refresh_from_db(fields=["done", "skipped", "failed", "rejected", "errors"])


def append_error(job: IngestJob, message: str) -> None:
    log.warning("ingest job %s: %s", job.pk, message)
    with transaction.atomic():
        locked = IngestJob.objects.select_for_update().get(pk=job.pk)
        if len(locked.errors) < MAX_ERROR_LINES:
            locked.errors.append(message)
            locked.save(update_fields=["errors"])


def record_analysis_failure(job_id: int, message: str) -> None:
    """An image was stored but could not be analysed; it counts as a failure of its job."""
    job = IngestJob.objects.filter(pk=job_id).first()
    if job is not None:
        IngestJob.objects.filter(pk=job_id).update(failed=F("failed") + 1)
        append_error(job, message)


def mark_finished(job: IngestJob) -> None:
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])


def mark_failed(job: IngestJob, message: str) -> None:
    """The source as a whole failed. The job ends, so none is left 'running' half-way."""
    append_error(job, message)
    job.refresh_from_db(fields=["errors"])
    job.status = JobStatus.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
