"""Reads about lists of photos: the query string that names a gallery list, a photo's place in it
(previous, next, which page), which photos of a page the viewer liked, and the viewer's likes.

A photo opened from a filtered, sorted gallery keeps that list in its URL (`/photos/42/?colour=blue
&sort=liked`): its page, the viewer and "← Gallery" read the list back with the gallery's own form
and selector, and step through it with the gallery's keyset (`gallery.cursor`), so there is one
definition of each filter and each order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import QueryDict
from django.urls import reverse

from gallery.cursor import after_key, before_key, encode_cursor, sort_key
from gallery.models import Image, Like
from gallery.selectors import (
    FILTER_NAMES,
    RELEVANCE,
    SORT_COLUMNS,
    GalleryFilters,
    gallery_order,
    list_sort,
    visible_images,
)


def filter_params(filters: GalleryFilters) -> dict[str, str]:
    """The query parameters naming the list `filters` describe: blanks and the default sort (relevance
    for a search, newest otherwise) left out, so links stay clean.

    Built from the parsed filters, never copied from the request, so only valid values travel on.
    """
    params = {}
    for name in FILTER_NAMES:
        value = getattr(filters, name)
        if value is not None and value != "":
            params[name] = str(value)
    default_sort = RELEVANCE if filters.q else "newest"
    if filters.sort != default_sort:
        params["sort"] = filters.sort
    return params


def list_query(filters: GalleryFilters) -> str:
    """The query string of `filter_params`, e.g. "?colour=blue&sort=liked" ("" for the whole gallery)."""
    params = filter_params(filters)
    return f"?{urlencode(params)}" if params else ""


def paged_query(query: QueryDict, *, page: int, after: str = "", before: str = "") -> str:
    """The list `query` names, at page `page` (page 1 has no number), from a cursor when given: the
    query string of the gallery's Previous and Next links (`gallery.pagination`)."""
    params = query.copy()
    for name in ("page", "after", "before"):
        params.pop(name, None)
    extra = {"page": str(page) if page > 1 else "", "after": after, "before": before}
    for name, value in extra.items():
        if value:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def gallery_url(filters: GalleryFilters) -> str:
    """The gallery page showing the list `filters` describe."""
    return reverse("gallery:index") + list_query(filters)


@dataclass(frozen=True)
class ListPosition:
    previous: Image | None
    next: Image | None
    # The gallery page (1-based) that shows the photo, or would; None when it is further down than
    # the numbered pages, where the gallery is read from a cursor (gallery.pagination).
    page_number: int | None
    start_after: str = ""  # then: the cursor of a gallery page that starts with the photo


def position_in_list(
    image: Image, filters: GalleryFilters, *, page_size: int, numbered_pages: int
) -> ListPosition:
    """Where `image` stands in the gallery list `filters` names: its neighbours and its page.

    Three small indexed queries (a fourth reads a search's rank). A photo outside the list (another
    version of a picture, or one the filters exclude) still gets the neighbours it would have, so next
    and previous stay in the list.
    The photos before it are counted only as far as the numbered pages reach: counting them all
    took seconds for a photo deep in a filtered list of 100,000 (bench/README.md).
    """
    sort = list_sort(filters)
    if sort not in SORT_COLUMNS:
        return ListPosition(previous=None, next=None, page_number=1)
    images = gallery_order(filters)
    key = _key_in_list(image, images, sort)
    if key is None:
        return ListPosition(previous=None, next=None, page_number=1)
    images = images.exclude(pk=image.pk)
    before = before_key(images, sort, key)
    previous = before.first()
    following = after_key(images, sort, key).first()
    reach = page_size * numbered_pages
    # Any `reach` of them will do: unordered, the count stops at the first it finds instead of
    # sorting every photo before it (87 -> 14 ms for a photo 4,900 deep in a list sorted by likes).
    ahead = before.order_by()[:reach].count()
    if ahead >= reach and previous is not None:
        return ListPosition(previous, following, None, encode_cursor(sort, previous))
    return ListPosition(previous, following, ahead // page_size + 1)


def gallery_list_url(filters: GalleryFilters, position: ListPosition, *, image_pk: int) -> str:
    """The gallery page that shows the photo, in the list it was opened from, scrolled to its card."""
    params = filter_params(filters)
    if position.page_number is None:
        params["after"] = position.start_after
    elif position.page_number > 1:
        params["page"] = str(position.page_number)
    query = f"?{urlencode(params)}" if params else ""
    return f"{reverse('gallery:index')}{query}#photo-{image_pk}"


def _key_in_list(image: Image, images: QuerySet[Image], sort: str) -> list[Any] | None:
    """`image`'s sort key in the list `images`; None when it has none there. A search's rank belongs
    to the search, not the photo, so it is read from the list: a photo the words do not match has none."""
    if sort != RELEVANCE:
        return sort_key(sort, image)
    ranked = images.filter(pk=image.pk).first()
    return None if ranked is None else sort_key(sort, ranked)


def liked_image_ids(user: User | AnonymousUser, images: Iterable[Image]) -> set[int]:
    """Which of `images` the user liked: one query for a page of cards, none when signed out."""
    return liked_ids_among(user, [image.pk for image in images])


def liked_ids_among(user: User | AnonymousUser, image_ids: Collection[int]) -> set[int]:
    """Which of the photos `image_ids` the user liked: one query, none when signed out or for none."""
    if not user.is_authenticated or not image_ids:
        return set()
    return set(
        Like.objects.filter(user_id=user.pk, image_id__in=image_ids).values_list("image_id", flat=True)
    )


def liked_images(user: User) -> QuerySet[Image]:
    """The visible photos `user` liked, the latest like first, every version they liked included."""
    liked_at = Like.objects.filter(user_id=user.pk, image=OuterRef("pk")).values("created_at")[:1]
    return (
        visible_images()
        .filter(likes__user_id=user.pk)
        .annotate(liked_at=Subquery(liked_at))
        .prefetch_related("image_tags__tag")  # alt text of untitled photos
        .order_by("-liked_at", "-id")
    )
