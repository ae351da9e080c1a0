"""Reasons shown under a recommendation, each pointing at the liked item, tag or colour behind it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from recommender.engine.data import ItemMetadata


class ReasonKind(StrEnum):
    LIKED_ITEM = "liked_item"  # "Because you liked <title>"; `item` is the liked item
    COLOUR = "colour"  # "Matches your favourite colour <family>"; `colour` is the family
    TAG = "tag"  # "Popular with people who like <tag>"; `tag` is the tag
    POPULAR = "popular"  # "Popular right now"
    EXPLORE = "explore"  # the random floor: no reason beyond chance


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    text: str
    item: int | None = None
    tag: str | None = None
    colour: str | None = None


def because_you_liked(liked_item: int, metadata: ItemMetadata) -> Reason:
    return Reason(ReasonKind.LIKED_ITEM, f"Because you liked {metadata.titles[liked_item]}", item=liked_item)


def matches_favourite_colour(colour: str) -> Reason:
    return Reason(ReasonKind.COLOUR, f"Matches your favourite colour {colour}", colour=colour)


def popular_with_tag(tag: str) -> Reason:
    return Reason(ReasonKind.TAG, f"Popular with people who like {tag}", tag=tag)


def popular_right_now() -> Reason:
    return Reason(ReasonKind.POPULAR, "Popular right now")


def something_new() -> Reason:
    return Reason(ReasonKind.EXPLORE, "Something new to explore")


def favourite_colour(liked: np.ndarray, metadata: ItemMetadata) -> str | None:
    """The colour family that leads the palettes of most liked items (ties: the first seen)."""
    counts = Counter(metadata.colour_families[item][0] for item in liked if metadata.colour_families[item])
    return counts.most_common(1)[0][0] if counts else None


def liked_tag_counts(liked: np.ndarray, metadata: ItemMetadata) -> Counter[str]:
    """How often each tag appears on the liked items: counted once per request, not per candidate."""
    return Counter(tag for liked_item in liked for tag in metadata.tags[liked_item])


def favourite_tag_among(tags: Sequence[str], counts: Counter[str]) -> str | None:
    """Of these tags (a candidate's), the one most often on liked items (ties: the first alphabetically);
    None when the liked items have none of them."""
    counted = [(counts[tag], tag) for tag in set(tags) if counts[tag]]
    if not counted:
        return None
    best = max(count for count, _ in counted)
    return min(tag for count, tag in counted if count == best)


def most_similar_liked(candidate: np.ndarray, liked_vectors: np.ndarray, liked: np.ndarray) -> int:
    """The liked item whose (unit-length) vector is closest to the candidate's."""
    return int(liked[int(np.argmax(liked_vectors @ candidate))])
