"""Ingest job bookkeeping. This is the one place that writes an IngestJob's counters and status,
so staff watching a job page see consistent progress whichever worker did the work."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from gallery.models import IngestJob, JobStatus
from imgsite.background import BROKER_ERRORS, RUN_INGEST_JOB, enqueue

log = logging.getLogger(__name__)

# A job keeps at most this many error lines; beyond it the count still grows.
MAX_ERROR_LINES = 500

Outcome = Literal["done", "skipped", "failed", "rejected"]
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)
NOT_QUEUED = (
    "could not reach the task queue (broker), so nothing ran: {error}. Retry the job once it is back."
)


def create_ingest_job(
    *, source: str, query: str, wanted: int, options: dict[str, str] | None = None, enqueue: bool = True
) -> IngestJob:
    """Create a job and, once the transaction commits, hand it to a Celery worker."""
    job = IngestJob.objects.create(source=source, query=query, wanted=wanted, options=options or {})
    if enqueue:
        transaction.on_commit(lambda: queue_job(job.pk))
    return job


def queue_job(job_id: int) -> bool:
    """Send the job to a worker. With the broker down the job fails saying so, and staff can retry it."""
    try:
        enqueue(RUN_INGEST_JOB, job_id)
    except BROKER_ERRORS as exc:
        log.error("ingest job %s not queued: %s", job_id, exc)
        finish(
            job_id,
            JobStatus.FAILED,
            NOT_QUEUED.format(error=str(exc).rstrip(".")),
            only_from=(JobStatus.QUEUED,),
        )
        return False
    return True


def lease_expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.IMGSITE_JOB_LEASE_SECONDS)


def take_lease(job_id: int, *, owner: str) -> IngestJob | None:
    """Hold the job for this run, unless another live run holds it or it has ended.

    One conditional UPDATE, so of two deliveries of the same job only one can win.
    """
    now = timezone.now()
    taken = (
        IngestJob.objects.filter(pk=job_id, status__in=UNFINISHED)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(
            lease_owner=owner,
            lease_expires_at=lease_expiry(now),
            status=JobStatus.RUNNING,
            started_at=Coalesce(F("started_at"), now),
        )
    )
    return IngestJob.objects.get(pk=job_id) if taken else None


def lease_seconds_left(job_id: int) -> float | None:
    """Seconds until another run's lease on an unfinished job runs out; None when none holds it."""
    job = IngestJob.objects.filter(pk=job_id, status__in=UNFINISHED).first()
    if job is None or job.lease_expires_at is None:
        return None
    left = (job.lease_expires_at - timezone.now()).total_seconds()
    return left if left > 0 else None


def holds_lease(job: IngestJob, *, owner: str) -> bool:
    """Whether this run may go on with the next item: a read, as `record_outcome` renews the lease.
    False when the job was cancelled, retried or taken over."""
    return IngestJob.objects.filter(pk=job.pk, lease_owner=owner, status=JobStatus.RUNNING).exists()


def release_lease(job: IngestJob, *, owner: str) -> None:
    IngestJob.objects.filter(pk=job.pk, lease_owner=owner).update(lease_owner="", lease_expires_at=None)


def cancel_job(job: IngestJob) -> bool:
    """Stop a queued or running job. Its worker notices at the next item and stops there."""
    return finish(job.pk, JobStatus.CANCELLED, "", only_from=UNFINISHED)


def retry_job(job: IngestJob) -> None:
    """Queue any job again. It resumes after the items it already counted; a run still holding the
    job loses its lease and stops at its next item."""
    IngestJob.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED, finished_at=None, lease_owner="", lease_expires_at=None
    )
    transaction.on_commit(lambda: queue_job(job.pk))


def record_outcome(job: IngestJob, outcome: Outcome, message: str = "", *, owner: str = "") -> bool:
    """Count one item and move the job's position past it, in one UPDATE, with F() so concurrent
    workers never lose an increment and a resumed job never counts an item twice.

    With `owner`, only while that run still holds the lease on the running job, and the same UPDATE
    renews the lease: a run that lost it (the job was cancelled or retried, or the run stalled and
    another took the job over) must not count, and False tells it to stop.
    """
    rows = IngestJob.objects.filter(pk=job.pk)
    changes: dict[str, object] = {outcome: F(outcome) + 1, "position": F("position") + 1}
    if owner:
        rows = rows.filter(lease_owner=owner, status=JobStatus.RUNNING)
        changes["lease_expires_at"] = lease_expiry(timezone.now())
    counted = rows.update(**changes)
    if counted and outcome == "failed" and message:
        append_error(job, message)
    job.refresh_from_db(fields=["done", "skipped", "failed", "rejected", "errors", "position"])
    return counted == 1


def append_error(job: IngestJob, message: str) -> None:
    log.warning("ingest job %s: %s", job.pk, message)
    with transaction.atomic():
        locked = IngestJob.objects.select_for_update().get(pk=job.pk)
        if len(locked.errors) < MAX_ERROR_LINES:
            locked.errors.append(message)
            locked.save(update_fields=["errors"])


def record_warning(job: IngestJob, message: str) -> None:
    """An item was stored but staff should look at it (e.g. its file names another licence)."""
    log.info("ingest job %s: %s", job.pk, message)
    with transaction.atomic():
        locked = IngestJob.objects.select_for_update().get(pk=job.pk)
        if len(locked.warnings) < MAX_ERROR_LINES:
            locked.warnings.append(message)
            locked.save(update_fields=["warnings"])


def record_analysis_failure(job_id: int, message: str) -> None:
    """An image was stored but could not be analysed; it counts as a failure of its job."""
    job = IngestJob.objects.filter(pk=job_id).first()
    if job is not None:
        IngestJob.objects.filter(pk=job_id).update(failed=F("failed") + 1)
        append_error(job, message)


def mark_finished(job: IngestJob) -> None:
    finish(job.pk, JobStatus.DONE, "", only_from=(JobStatus.RUNNING,))
    job.refresh_from_db()


def mark_failed(job: IngestJob, message: str) -> None:
    """The source as a whole failed. The job ends, so none is left 'running' half-way."""
    finish(job.pk, JobStatus.FAILED, message, only_from=UNFINISHED)
    job.refresh_from_db()


def finish(job_id: int, status: JobStatus, message: str, *, only_from: tuple[JobStatus, ...]) -> bool:
    """End a job that is still in one of `only_from`, so a cancelled job is never marked done later."""
    ended = IngestJob.objects.filter(pk=job_id, status__in=only_from).update(
        status=status, finished_at=timezone.now(), lease_owner="", lease_expires_at=None
    )
    if ended and message:
        job = IngestJob.objects.get(pk=job_id)
        append_error(job, message)
    return ended == 1
