"""Celery tasks for the recommender: thin, as everywhere (load, call one service)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from recommender.services import build_model


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def rebuild_model_task() -> int:
    """Fit and store a new model; returns its id. On the beat schedule and queued from the admin."""
    return build_model().pk
