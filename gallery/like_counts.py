"""Each photo's like count (Image.like_count), kept in the transaction that adds or removes a Like.

One like added or removed moves its photo's count by one with an F() expression (an UPDATE that
reads the row it writes), so two people liking at once are both counted. The receivers in
`gallery.receivers` call `count_like_added` and `count_like_removed` for every Like saved or
deleted one by one, which covers the like and unlike services, the API, the admin and the likes a
deleted user takes with them. Code that writes likes in bulk (bulk_create, update), which sends no
signals, calls `recount_likes` for the photos it touched.

Models are looked up in the app registry, so `gallery.apps` can import the receivers at its top.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from gallery.collection_version import likes_changed


def _images() -> QuerySet[Any]:
    return apps.get_model("gallery", "Image")._default_manager.all()


def count_like_added(image_id: int) -> None:
    _images().filter(pk=image_id).update(like_count=F("like_count") + 1)
    likes_changed()


def count_like_removed(image_id: int) -> None:
    # Never below zero, even if a count was wrong before (the column is unsigned on PostgreSQL).
    _images().filter(pk=image_id, like_count__gt=0).update(like_count=F("like_count") - 1)
    likes_changed()


def stored_like_count(image_id: int) -> int:
    """The photo's like count as stored now (0 for a photo that is gone)."""
    return int(_images().filter(pk=image_id).values_list("like_count", flat=True).first() or 0)


def recount_likes(image_ids: Iterable[int] | None = None) -> int:
    """Set the like count of these photos (all of them for None) from their likes; returns how many
    photos were updated. For writes that bypass the receivers, and for repairs."""
    likes = (
        apps.get_model("gallery", "Like")
        ._default_manager.filter(image=OuterRef("pk"))
        .order_by()
        .values("image")
        .annotate(n=Count("pk"))
        .values("n")
    )
    images = _images() if image_ids is None else _images().filter(pk__in=list(image_ids))
    updated = int(images.update(like_count=Coalesce(Subquery(likes, output_field=IntegerField()), 0)))
    likes_changed()
    return updated
