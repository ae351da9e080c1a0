"""Celery tasks: ids in, load, call one service. Retries are declared here, on the task."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from gallery.models import IngestJob
from gallery.services.analysis import analyse_image
from gallery.services.ingest import run_ingest_job


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_ingest_job_task(job_id: int) -> None:
    job = IngestJob.objects.filter(pk=job_id).first()
    if job is not None and not job.is_finished:
        run_ingest_job(job)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def analyse_image_task(image_id: int) -> None:
    analyse_image(image_id)
