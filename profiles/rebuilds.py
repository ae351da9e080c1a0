"""When a taste profile is rebuilt: a debounced background rebuild after likes and tags change.

Debounce: the first like or tag in a quiet period sets a per-user cache key for
REBUILD_DELAY_SECONDS and queues one rebuild that many seconds later; likes and tags arriving while
the key lives queue nothing, because that rebuild will read them. The rebuild deletes the key as it
starts (`profiles.services.rebuild_profile`), so anything committed during or after it queues a
fresh one. A burst of likes therefore costs one rebuild every few seconds at most.

This module imports no models, so `profiles.apps` can connect the receivers in `profiles.signals`
at import time, before the app registry is ready; the one model it writes (an owed rebuild, when the
broker is down) it looks up by name when it needs it.
"""

from __future__ import annotations

import contextlib
import logging

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from imgsite import background

logger = logging.getLogger(__name__)

REBUILD_DELAY_SECONDS: int = getattr(settings, "IMGSITE_PROFILE_REBUILD_DELAY", 5)


def rebuild_key(user_id: int) -> str:
    return f"profiles:rebuild-pending:{user_id}"


def schedule_profile_rebuild(*, user_id: int) -> bool:
    """Queue a rebuild of the user's profile unless one is already pending. True when queued."""
    try:
        if not cache.add(rebuild_key(user_id), True, timeout=REBUILD_DELAY_SECONDS):
            return False
        background.enqueue(background.REBUILD_PROFILE, user_id, countdown=REBUILD_DELAY_SECONDS)
    except (*background.BROKER_ERRORS, *background.CACHE_ERRORS) as exc:
        # The like or tag is saved and the page answers as usual; the rebuild it owes is kept in
        # the database until Redis is back (profiles.services.queue_owed_rebuilds), and the next
        # like may try again at once.
        logger.warning("profile rebuild for user %s owed, Redis is unreachable: %s", user_id, exc)
        forget_pending_rebuild(user_id)
        # A user deleted with their likes (removing simulated users) is owed nothing.
        if get_user_model().objects.filter(pk=user_id).exists():
            apps.get_model("profiles", "OwedProfileRebuild").objects.get_or_create(user_id=user_id)
        return False
    return True


def forget_pending_rebuild(user_id: int) -> None:
    with contextlib.suppress(*background.CACHE_ERRORS):
        cache.delete(rebuild_key(user_id))
