"""Tag curation: folding synonyms into one tag without losing any image link.

An image link is identified by (image, origin, user): source and auto links are unique per image
and origin, user links per image and user. Moving a synonym's links to the target tag would break
those constraints where the image already carries the target with the same origin and user, so
such links are folded into the existing one (keeping the higher confidence) instead of moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from gallery.collection_version import collection_changed
from gallery.models import ImageTag, Tag

# Stay under SQLite's bound-parameter limit on big tags.
_CHUNK = 500

LinkKey = tuple[int, str, int | None]


@dataclass(frozen=True)
class Link:
    id: int
    image_id: int
    origin: str
    user_id: int | None
    confidence: float

    @property
    def key(self) -> LinkKey:
        return (self.image_id, self.origin, self.user_id)


@dataclass
class MergePlan:
    move: list[int] = field(default_factory=list)
    drop: list[int] = field(default_factory=list)
    # Confidence to raise on links that absorb a duplicate, by link id.
    raise_confidence: dict[int, float] = field(default_factory=dict)


def plan_merge(target_links: Iterable[Link], other_links: Iterable[Link]) -> MergePlan:
    """Decide which links move to the target and which are duplicates of a link it will have."""
    plan = MergePlan()
    kept: dict[LinkKey, Link] = {link.key: link for link in target_links}
    for link in other_links:
        existing = kept.get(link.key)
        if existing is None:
            plan.move.append(link.id)
            kept[link.key] = link
            continue
        plan.drop.append(link.id)
        best = max(plan.raise_confidence.get(existing.id, existing.confidence), link.confidence)
        if best > existing.confidence:
            plan.raise_confidence[existing.id] = best
    return plan


def merge_tags(*, target: Tag, others: Iterable[Tag]) -> int:
    """Fold `others` into `target` and delete them. Returns how many image links were moved.

    Every image keeps every tag link it had, now pointing at `target`; links that would duplicate
    one the image already has for the target are dropped.
    """
    other_ids = sorted({tag.pk for tag in others} - {target.pk})
    if not other_ids:
        return 0
    with transaction.atomic():
        # Lock the tags so a concurrent merge or delete of the same tags waits for this one.
        list(Tag.objects.select_for_update().filter(pk__in=[target.pk, *other_ids]))
        plan = plan_merge(_links(tag_ids=[target.pk]), _links(tag_ids=other_ids))
        for ids in _chunks(plan.drop):
            ImageTag.objects.filter(pk__in=ids).delete()
        for ids in _chunks(plan.move):
            ImageTag.objects.filter(pk__in=ids).update(tag=target)
        for link_id, confidence in plan.raise_confidence.items():
            ImageTag.objects.filter(pk=link_id).update(confidence=confidence)
        Tag.objects.filter(pk__in=other_ids).delete()
        collection_changed()  # links moved by bulk update send no signal
    return len(plan.move)


def _links(*, tag_ids: list[int]) -> Iterator[Link]:
    # Oldest first, so when two synonyms both link an image the earlier link is the one kept.
    rows = (
        ImageTag.objects.filter(tag_id__in=tag_ids)
        .order_by("created_at", "id")
        .values_list("id", "image_id", "origin", "user_id", "confidence")
    )
    for row_id, image_id, origin, user_id, confidence in rows.iterator(chunk_size=2000):
        yield Link(id=row_id, image_id=image_id, origin=origin, user_id=user_id, confidence=confidence)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]
