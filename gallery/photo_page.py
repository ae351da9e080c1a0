"""Reads for a photo's page and the full-screen viewer: what every viewer sees alike, kept under the
collection's version, and what is one person's own, read on each request.

A signed-in person's photo page is never cached whole (gallery.page_cache), and it ran 14 queries at
100,000 photos (bench/README.md). Most of what it shows is the same for everyone: the photo's fields,
palette, tags and other versions change only with a save or delete of a photo, colour or tag, which
replaces the collection's version (gallery.collection_version), so they are kept under it; so is the
photo's place in the list it was opened from, also under the likes' version when that list is sorted
by likes. A list of the viewer's own likes (`liked=me`) is theirs, never shared. The like count,
which a like changes without touching the collection's version, and whether this person liked the
photo are read on each request, in one query; their own tags are marked from the shared tag rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from gallery.collection_version import cached_for_this_version
from gallery.models import Colour, Image, ImageTag
from gallery.photo_lists import ListPosition, list_query, position_in_list
from gallery.selectors import GalleryFilters, image_for_page, liked_by, list_sort, other_versions

LIKES_ORDER = "liked"  # the one sort that a like moves photos in (gallery.selectors.SORT_COLUMNS)


@dataclass(frozen=True)
class PhotoFacts:
    """What a photo's page shows of the photo itself, the same for every viewer."""

    image: Image  # its tags prefetched (alt text); its like count as it was when read: read it anew
    colours: list[Colour]
    image_tags: list[ImageTag]  # all of them, each with its user's id, so a viewer's own can be marked
    versions: list[Image]


@dataclass(frozen=True)
class LikeState:
    liked: bool  # by the person asking
    count: int  # by everyone, as stored now


def photo_facts(pk: int) -> PhotoFacts:
    """The visible photo `pk`'s facts (404 when it is not visible), read once per collection version."""
    return cached_for_this_version("photo", str(pk), lambda: _read_photo_facts(pk))


def _read_photo_facts(pk: int) -> PhotoFacts:
    image = image_for_page(pk)
    return PhotoFacts(
        image=image,
        colours=list(image.colours.all()),
        image_tags=list(image.image_tags.all()),
        versions=list(other_versions(image)),
    )


def is_own_list(filters: GalleryFilters) -> bool:
    """Whether the list names the viewer's own likes, so that it is theirs and not everyone's."""
    return bool(filters.liked)


def shared_position_in_list(
    image: Image, filters: GalleryFilters, *, page_size: int, numbered_pages: int
) -> ListPosition:
    """`position_in_list`, kept for everyone who opens the photo from the same list until the list
    can have changed: the collection's version, and the likes' version for a list sorted by likes."""

    def position() -> ListPosition:
        return position_in_list(image, filters, page_size=page_size, numbered_pages=numbered_pages)

    if is_own_list(filters):
        return position()
    key = f"{image.pk}:{page_size}:{numbered_pages}:{list_query(filters)}"
    return cached_for_this_version("list-position", key, position, likes=list_sort(filters) == LIKES_ORDER)


def like_state(user: User | AnonymousUser, image_pk: int) -> LikeState:
    """Whether `user` liked the photo and how many people did, in one query."""
    row = (
        Image.objects.filter(pk=image_pk)
        .annotate(liked=liked_by(user.pk if user.is_authenticated else None))
        .values_list("liked", "like_count")
        .first()
    )
    return LikeState(liked=False, count=0) if row is None else LikeState(liked=bool(row[0]), count=row[1])
