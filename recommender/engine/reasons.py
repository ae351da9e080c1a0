"""Reasons for a recommendation: structured evidence (the liked item, tag or colour behind it), and
the one function that puts them into words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from recommender.engine.data import ItemMetadata


class ReasonKind(StrEnum):
    LIKED_ITEM = "liked_item"  # `item` is the liked item
    COLOUR = "colour"  # `colour` is the favourite colour family
    TAG = "tag"  # `tag` is the liked tag
    POPULAR = "popular"
    FRESH = "fresh"  # new in the collection: the site's fallback before a model is built
    EXPLORE = "explore"  # the random floor: no reason beyond chance


@dataclass(frozen=True)
class Reason:
    """Why an item was picked, as evidence: the kind, and the liked item, tag or colour behind it.

    Reasons carry no words; `reason_words` is the one place that phrases them, for the engine's
    reports and the site's cards alike.
    """

    kind: ReasonKind
    item: int | None = None
    tag: str | None = None
    colour: str | None = None


# How each kind of reason reads: this lead, then the name of its evidence (if it has one).
REASON_LEADS: dict[ReasonKind, str] = {
    ReasonKind.LIKED_ITEM: "Because you liked",
    ReasonKind.COLOUR: "Matches your favourite colour",
    ReasonKind.TAG: "Popular with people who like",
    ReasonKind.POPULAR: "Popular right now",
    ReasonKind.FRESH: "New in the collection",
    ReasonKind.EXPLORE: "Something new to explore",
}


@dataclass(frozen=True)
class ReasonWords:
    lead: str
    subject: str = ""  # the liked item's title, the tag or the colour; "" when the kind names none

    @property
    def text(self) -> str:
        return f"{self.lead} {self.subject}" if self.subject else self.lead


def reason_words(reason: Reason, *, liked_title: str = "") -> ReasonWords:
    """The words for `reason`; `liked_title` names the liked item of a LIKED_ITEM reason."""
    subject = {
        ReasonKind.LIKED_ITEM: liked_title,
        ReasonKind.COLOUR: reason.colour or "",
        ReasonKind.TAG: reason.tag or "",
    }.get(reason.kind, "")
    return ReasonWords(REASON_LEADS[reason.kind], subject)


def because_you_liked(liked_item: int) -> Reason:
    return Reason(ReasonKind.LIKED_ITEM, item=liked_item)


def matches_favourite_colour(colour: str) -> Reason:
    return Reason(ReasonKind.COLOUR, colour=colour)


def popular_with_tag(tag: str) -> Reason:
    return Reason(ReasonKind.TAG, tag=tag)


def popular_right_now() -> Reason:
    return Reason(ReasonKind.POPULAR)


def something_new() -> Reason:
    return Reason(ReasonKind.EXPLORE)


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
