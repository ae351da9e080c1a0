"""Likes and user tags change a profile: queue a (debounced) rebuild once the change is committed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gallery.models import ImageTag, Like, TagOrigin
from profiles import services


def _rebuild_after_commit(user_id: int | None) -> None:
    if user_id is None:
        return
    # After commit, so the rebuild (maybe in another process) sees the change, and a rolled-back
    # like queues nothing.
    transaction.on_commit(lambda: services.schedule_profile_rebuild(user_id=user_id))


@receiver([post_save, post_delete], sender=Like, dispatch_uid="profiles_like_changed")
def like_changed(sender: type[Like], instance: Like, **kwargs: Any) -> None:
    _rebuild_after_commit(instance.user_id)


@receiver([post_save, post_delete], sender=ImageTag, dispatch_uid="profiles_image_tag_changed")
def image_tag_changed(sender: type[ImageTag], instance: ImageTag, **kwargs: Any) -> None:
    if instance.origin == TagOrigin.USER:
        _rebuild_after_commit(instance.user_id)
