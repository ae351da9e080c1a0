"""Likes and user tags change a profile: queue a (debounced) rebuild once the change is committed.
So does a near-duplicate merge, which moves likes and tags in bulk (`gallery.signals`).

Senders are named ("gallery.Like") rather than imported, and the rebuild is scheduled through
`profiles.rebuilds`, which imports no models: so `profiles.apps` imports this module at its top and
the receivers are connected as the app loads, with no import inside `ready()`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gallery.signals import likes_and_tags_moved
from profiles import rebuilds


def _rebuild_after_commit(user_id: int | None) -> None:
    if user_id is None:
        return
    # After commit, so the rebuild (maybe in another process) sees the change, and a rolled-back
    # like queues nothing.
    transaction.on_commit(lambda: rebuilds.schedule_profile_rebuild(user_id=user_id))


@receiver([post_save, post_delete], sender="gallery.Like", dispatch_uid="profiles_like_changed")
def like_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    _rebuild_after_commit(instance.user_id)


@receiver([post_save, post_delete], sender="gallery.ImageTag", dispatch_uid="profiles_image_tag_changed")
def image_tag_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    # Only user tags have a user (the imagetag_user_iff_user_origin constraint), and only they
    # say something about that person's taste; source and automatic tags have none.
    _rebuild_after_commit(instance.user_id)


@receiver(likes_and_tags_moved, dispatch_uid="profiles_likes_and_tags_moved")
def likes_and_tags_moved_in_bulk(sender: type[Any], user_ids: list[int], **kwargs: Any) -> None:
    # A near-duplicate merge moves likes and tags with bulk updates, which send no post_save.
    for user_id in user_ids:
        _rebuild_after_commit(user_id)
