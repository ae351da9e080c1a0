"""Near-duplicate groups: place a newly analysed photo, regroup the collection, merge a group.

The rule for "the same picture" and the best-shot choice are pure (gallery.analysis.near_duplicates);
this module keeps their results on `Image.duplicate_group` and `Image.is_group_best`, so the gallery
filters an indexed column instead of grouping on every request.

Each process holds one hash index with the 64-byte layout digests, built from the `phash` and
`layout_digest` columns the first time it is needed and topped up with the rows added, analysed or
re-analysed since, so web and worker processes share nothing but the database. At 100,000 photos that is about
8 MiB of index and 10 MiB of digests. The few candidates that pass the quick check are re-read from
the database for their full layouts, so a photo deleted since the index saw it is never grouped.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gallery.analysis.near_duplicates import (
    CANDIDATE_BITS,
    HashIndex,
    PhotoPrint,
    Shot,
    best_shot,
    group_photos,
    hash_value,
    matches_for,
    quick_check,
)
from gallery.collection_version import collection_changed
from gallery.like_counts import recount_likes
from gallery.models import AnalysisStatus, Image, ImageTag, Like, TagOrigin
from gallery.services.storage import delete_image
from gallery.signals import likes_and_tags_moved

log = logging.getLogger(__name__)


class _CollectionIndex:
    """The process's hash index and layout digests over analysed photos, refreshed on each look-up
    with the photos added, analysed or re-analysed since the last (`Image.updated_at`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index = HashIndex()
        self._digests: dict[int, bytes] = {}
        self._held: dict[int, int] = {}  # the hash the index holds for each photo
        self._seen_up_to = 0
        self._changed_since: datetime | None = None

    def candidates(self, value: int) -> list[tuple[int, int, bytes]]:
        """(id, bits apart, layout digest) of the photos within the candidate radius of `value`."""
        with self._lock:
            self._refresh()
            near = self._index.within(value, CANDIDATE_BITS)
            return [(image_id, bits, self._digests.get(image_id, b"")) for image_id, bits in near]

    def _refresh(self) -> None:
        newest = Image.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if newest < self._seen_up_to:
            # The newest photos were deleted or the database was restored: start again.
            self._forget()
        started = timezone.now()
        changed = Q(pk__gt=self._seen_up_to)
        if self._changed_since is not None:
            # A photo analysed late (a retry) or again keeps its id; a write that committed just
            # after the last look-up may carry an earlier time, hence the margin.
            changed |= Q(updated_at__gte=self._changed_since - CHANGE_MARGIN)
        rows = analysed_with_hash().filter(changed).order_by("pk").values_list("pk", "phash", "layout_digest")
        for image_id, phash, digest in rows.iterator(chunk_size=5000):
            value = hash_value(phash)
            if self._held.get(image_id) != value:
                # A replaced hash stays in the index too: the candidates are re-read before matching.
                self._index.add(image_id, value)
                self._held[image_id] = value
            self._digests[image_id] = bytes(digest or b"")
            self._seen_up_to = max(self._seen_up_to, image_id)
        self._changed_since = started

    def _forget(self) -> None:
        self._index, self._digests, self._held = HashIndex(), {}, {}
        self._seen_up_to, self._changed_since = 0, None

    def forget(self) -> None:
        with self._lock:
            self._forget()


# How far before the last look-up the next one reads changed photos again: longer than a photo's
# analysis transaction takes to commit.
CHANGE_MARGIN = timedelta(seconds=30)
collection_index = _CollectionIndex()


def analysed_with_hash() -> QuerySet[Image]:
    return Image.objects.filter(status=AnalysisStatus.DONE).exclude(phash="")


def _print_of(image: Image) -> PhotoPrint:
    return PhotoPrint(
        image.pk, image.phash, bytes(image.layout_signature or b""), bytes(image.layout_digest or b"")
    )


def place_in_group(image: Image) -> list[int]:
    """Check a freshly analysed photo against the collection and group it with its other versions.

    Returns the ids of the versions it matched (empty when it is a picture of its own).
    """
    if not image.phash:
        return []
    photo = _print_of(image)
    near = [c for c in collection_index.candidates(hash_value(image.phash)) if c[0] != image.pk]
    worth = [image_id for image_id, _ in quick_check(photo.digest, near)]
    if not worth:
        return []
    # Re-read: the index may hold a photo deleted since, and only the survivors' full layouts are needed.
    rows = analysed_with_hash().filter(pk__in=worth).only("pk", "phash", "layout_signature", "layout_digest")
    query = hash_value(image.phash)
    candidates = [(_print_of(row), (hash_value(row.phash) ^ query).bit_count()) for row in rows]
    matched = [match.id for match in matches_for(photo, candidates)]
    if matched:
        join_group([image.pk, *matched])
    return matched


@transaction.atomic
def join_group(image_ids: list[int]) -> int:
    """Put these photos, and every group any of them is in, into one group; returns its id.

    The group keeps the smallest id among the groups joined (or among the photos, for a new group), so
    links to an existing group stay valid.
    """
    existing = {
        group
        for group in Image.objects.filter(pk__in=image_ids).values_list("duplicate_group", flat=True)
        if group is not None
    }
    group_id = min(existing) if existing else min(image_ids)
    Image.objects.filter(Q(pk__in=image_ids) | Q(duplicate_group__in=existing)).update(
        duplicate_group=group_id
    )
    choose_best_shot(group_id)
    return group_id


def shot_of(image: Image) -> Shot:
    # The one place the best-shot choice reads an image.
    return Shot(
        id=image.pk,
        pixels=(image.width or 0) * (image.height or 0),
        file_size=image.file_size,
        quality=image.quality_score,
    )


def choose_best_shot(group_id: int) -> int | None:
    """Mark the group's best shot; a group left with one photo is dissolved. Returns the best id."""
    collection_changed()  # the gallery shows best shots only: its counts change with them
    members = list(
        Image.objects.filter(duplicate_group=group_id).only(
            "pk", "width", "height", "file_size", "quality_score"
        )
    )
    if not members:
        return None
    if len(members) == 1:
        Image.objects.filter(pk=members[0].pk).update(duplicate_group=None, is_group_best=True)
        return members[0].pk
    best = best_shot([shot_of(member) for member in members])
    Image.objects.filter(duplicate_group=group_id).exclude(pk=best).update(is_group_best=False)
    Image.objects.filter(pk=best).update(is_group_best=True)
    return best


@transaction.atomic
def regroup_collection() -> int:
    """Group every analysed photo from scratch (after a migration or a change of rule); returns groups."""
    rows = analysed_with_hash().only("pk", "phash", "layout_signature", "layout_digest")
    groups = group_photos([_print_of(row) for row in rows.iterator(chunk_size=2000)])
    Image.objects.filter(duplicate_group__isnull=False).update(duplicate_group=None, is_group_best=True)
    collection_changed()
    for members in groups:
        Image.objects.filter(pk__in=members).update(duplicate_group=members[0])
        choose_best_shot(members[0])
    collection_index.forget()
    return len(groups)


# --- Merging a group ---------------------------------------------------------------------------------


class NotInGroup(Exception):
    """The photo to keep has no other versions."""


@dataclass(frozen=True)
class MergeOutcome:
    kept: int
    deleted: list[int]
    likes_moved: int
    tags_moved: int


@transaction.atomic
def merge_group(*, keep_id: int) -> MergeOutcome:
    """Keep one version: the others' likes and tags move onto it, then they are deleted with their files.

    A person who liked two versions keeps one like, and a tag already on the kept photo is not added
    twice. Automatic colour tags do not move: they describe the kept photo's own pixels. All of it
    happens in one transaction, and files go only after it commits.
    """
    keep = Image.objects.select_for_update().get(pk=keep_id)
    if keep.duplicate_group is None:
        raise NotInGroup(f"{keep} has no other versions")
    others = list(
        Image.objects.select_for_update().filter(duplicate_group=keep.duplicate_group).exclude(pk=keep.pk)
    )
    other_ids = [other.pk for other in others]
    movers = _people_with_likes_or_tags_on(other_ids)
    likes_moved = _move_likes(keep, other_ids)
    tags_moved = _move_tags(keep, other_ids)
    likes_and_tags_moved.send(sender=Image, user_ids=movers)
    for other in others:
        delete_image(other)
    Image.objects.filter(pk=keep.pk).update(duplicate_group=None, is_group_best=True)
    collection_changed()
    log.info("merged %s into image %s", other_ids, keep.pk)
    return MergeOutcome(keep.pk, other_ids, likes_moved, tags_moved)


def _people_with_likes_or_tags_on(image_ids: list[int]) -> list[int]:
    likers = Like.objects.filter(image_id__in=image_ids).values_list("user_id", flat=True)
    taggers = ImageTag.objects.filter(image_id__in=image_ids, user__isnull=False).values_list(
        "user_id", flat=True
    )
    return sorted({*likers, *(user_id for user_id in taggers if user_id is not None)})


def _move_likes(keep: Image, other_ids: list[int]) -> int:
    likers = set(Like.objects.filter(image=keep).values_list("user_id", flat=True))
    moving = []
    # Oldest first, so a person who liked two versions keeps the date of their first like.
    for like in Like.objects.filter(image_id__in=other_ids).order_by("created_at", "pk"):
        if like.user_id not in likers:
            likers.add(like.user_id)
            moving.append(like.pk)
    moved = Like.objects.filter(pk__in=moving).update(image=keep)
    recount_likes([keep.pk])  # a bulk update: the like receivers do not see it
    return moved


def _tag_key(image_tag: ImageTag) -> tuple[int, str, int | None]:
    # The model's unique constraints: (tag, user) for user tags, (tag, origin) for the others.
    if image_tag.origin == TagOrigin.USER:
        return (image_tag.tag_id, TagOrigin.USER, image_tag.user_id)
    return (image_tag.tag_id, image_tag.origin, None)


def _move_tags(keep: Image, other_ids: list[int]) -> int:
    present = {_tag_key(image_tag) for image_tag in ImageTag.objects.filter(image=keep)}
    moving = []
    others = ImageTag.objects.filter(image_id__in=other_ids).exclude(origin=TagOrigin.AUTO)
    for image_tag in others.order_by("created_at", "pk"):
        key = _tag_key(image_tag)
        if key not in present:
            present.add(key)
            moving.append(image_tag.pk)
    return ImageTag.objects.filter(pk__in=moving).update(image=keep)
