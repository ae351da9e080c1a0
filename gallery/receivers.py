"""Model signals the gallery keeps its stored counts by: like counts (`gallery.like_counts`) and the
collection's version (`gallery.collection_version`), which keys the cached filter counts.

Senders are named ("gallery.Like") rather than imported and neither module imports models, so
`gallery.apps` imports this module at its top and the receivers are connected as the app loads.
Bulk writes send no signals: the services that make them call the same functions themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gallery.collection_version import collection_changed
from gallery.like_counts import count_like_added, count_like_removed


@receiver(post_save, sender="gallery.Like", dispatch_uid="gallery_like_added")
def like_added(sender: type[Any], instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        count_like_added(instance.image_id)


@receiver(post_delete, sender="gallery.Like", dispatch_uid="gallery_like_removed")
def like_removed(sender: type[Any], instance: Any, origin: Any = None, **kwargs: Any) -> None:
    if _deleting_its_photo(origin, instance.image_id):
        return  # the photo goes too: nothing left to count
    count_like_removed(instance.image_id)


def _deleting_its_photo(origin: Any, image_id: int) -> bool:
    """Whether the delete that took this like started from its photo (a cascade)."""
    if isinstance(origin, QuerySet):
        return bool(origin.model._meta.label == "gallery.Image")
    meta = getattr(origin, "_meta", None)
    return meta is not None and meta.label == "gallery.Image" and origin.pk == image_id


@receiver([post_save, post_delete], sender="gallery.Image", dispatch_uid="gallery_image_changed")
@receiver([post_save, post_delete], sender="gallery.Colour", dispatch_uid="gallery_colour_changed")
@receiver([post_save, post_delete], sender="gallery.ImageTag", dispatch_uid="gallery_image_tag_changed")
@receiver([post_save, post_delete], sender="gallery.Tag", dispatch_uid="gallery_tag_changed")
def photos_changed(sender: type[Any], **kwargs: Any) -> None:
    collection_changed()
