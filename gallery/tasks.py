"""Celery tasks: ids in, load, call one service. Retries are declared here, on the task."""

from __future__ import annotations

import logging
import math

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError

from gallery.services import jobs
from gallery.services.analysis import analyse_image, mark_analysis_timed_out
from gallery.services.ingest import RunEnd, run_ingest_job_slice
from gallery.services.sweeper import resume_stale_work
from gallery.services.tag_review import find_wrong_tags
from gallery.services.tag_suggestions import apply_pending_answers, train_suggester

log = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_ingest_job_task(self: Task, job_id: int) -> str:
    try:
        end = run_ingest_job_slice(job_id, slice_seconds=settings.IMGSITE_INGEST_SLICE_SECONDS)
    except SoftTimeLimitExceeded:
        # One item outlasted the slice and the soft limit. The run gave back its lease without
        # counting that item, so the next delivery retries it; the hard limit never comes.
        end = RunEnd.PAUSED
    if end == RunEnd.BUSY:
        # A second delivery of a job another worker is running: wait for that run's lease, which
        # runs out only if it died; then this delivery resumes the job or finds it finished.
        left = jobs.lease_seconds_left(job_id) or 0.0
        log.info("ingest job %s is held by another run; this delivery waits %.0f s", job_id, left)
        raise self.retry(countdown=math.ceil(left) + 1, max_retries=None)
    if end == RunEnd.PAUSED:
        jobs.queue_job(job_id)
    return str(end)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def analyse_image_task(image_id: int) -> None:
    try:
        analyse_image(image_id)
    except SoftTimeLimitExceeded:
        # Left pending, the sweeper would send it again and again; a failure is shown to staff.
        mark_analysis_timed_out(image_id, seconds=settings.CELERY_TASK_SOFT_TIME_LIMIT)


@shared_task
def resume_stale_work_task() -> dict[str, int]:
    return resume_stale_work().as_counts()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def learn_tag_answers_task() -> int:
    """Learn the tag answers not learnt yet; queued after each answer and run by beat as a catch-up."""
    return apply_pending_answers()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def train_tag_suggester_task() -> dict[str, int]:
    """Retrain the tag suggester from scratch (new tags join its vocabulary) and look for wrong tags."""
    summary = train_suggester()
    return {"photos": summary.photos, "tags": summary.tags, "to_review": find_wrong_tags()}
