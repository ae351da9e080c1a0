"""Cursor pages over the gallery's sorts (keyset pagination).

A cursor holds the sort key of the last photo on a page (its sort's columns, ending with the id), so
the next page starts strictly after it: photos added meanwhile never shift a page or repeat a photo,
as an offset would. Cursors are signed, so a client can neither read nor forge one, and a cursor
made for one sort is refused by another.

The keys here must follow `gallery.selectors` ordering for each sort; tests page through every sort
and compare with `gallery_images`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

from gallery.models import Image

_SALT = "imgsite.gallery.cursor"


class InvalidCursor(ValueError):
    pass


def _sort_key(sort: str, image: Image) -> list[Any]:
    if sort == "liked":
        return [int(getattr(image, "like_count", 0)), image.created_at.isoformat(), image.pk]
    if sort == "taken":
        return [image.taken_at.isoformat() if image.taken_at else None, image.pk]
    return [image.created_at.isoformat(), image.pk]


def sign_key(sort: str, key: list[Any]) -> str:
    """An opaque cursor for `key` in `sort` (also used for lists other than the gallery, e.g. likes)."""
    return signing.dumps({"sort": sort, "key": key}, salt=_SALT, compress=True)


def encode_cursor(sort: str, image: Image) -> str:
    return sign_key(sort, _sort_key(sort, image))


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    try:
        payload = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature as exc:
        raise InvalidCursor("This cursor is not one the API gave out.") from exc
    if (
        not isinstance(payload, dict)
        or payload.get("sort") != sort
        or not isinstance(payload.get("key"), list)
    ):
        raise InvalidCursor("This cursor belongs to another sort order; start again without it.")
    return list(payload["key"])


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def after_key(images: QuerySet[Image], sort: str, key: list[Any]) -> QuerySet[Image]:
    """The photos that come after `key` in `sort`'s order (each sort's order ends with -id)."""
    if sort == "liked":
        likes, created, pk = int(key[0]), _when(key[1]), int(key[2])
        return images.filter(
            Q(like_count__lt=likes)
            | Q(like_count=likes, created_at__lt=created)
            | Q(like_count=likes, created_at=created, pk__lt=pk)
        )
    if sort == "taken":
        taken, pk = key[0], int(key[1])
        if taken is None:  # past the dated photos: the undated ones come last, newest id first
            return images.filter(taken_at__isnull=True, pk__lt=pk)
        when = _when(taken)
        return images.filter(Q(taken_at__lt=when) | Q(taken_at=when, pk__lt=pk) | Q(taken_at__isnull=True))
    created, pk = _when(key[0]), int(key[1])
    return images.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk))


def cursor_page(
    images: QuerySet[Image], *, sort: str, cursor: str | None, limit: int
) -> tuple[list[Image], str | None]:
    """One page of `images` (already sorted by `sort`) and the cursor of the next, None at the end."""
    if cursor:
        images = after_key(images, sort, decode_cursor(cursor, sort))
    page = list(images[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, encode_cursor(sort, page[-1])
