"""Background work for profiles. Tasks are thin: ids in, load, call one service."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from profiles import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def rebuild_profile_task(user_id: int) -> int | None:
    """Rebuild one user's taste profile; returns the new snapshot id (None if the user is gone)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    return services.rebuild_profile(user).pk


@shared_task
def queue_owed_rebuilds_task() -> int:
    """Periodic: queue the profile rebuilds that likes and tags owed while the broker was down."""
    return services.queue_owed_rebuilds()
