"""Reasons for a recommendation: structured evidence about the pick (the liked item, interest, tag or
colour behind it), how that evidence is found, and the one function that puts it into words.

A reason is computed from facts about the pick and the person's own likes (`explain_picks`), never
from whichever algorithm happened to score the pick highest, and never from anyone else's likes:
the only photos a reason may cite are the person's own. The first of these that holds wins:

1. "Because you liked X": X is the liked photo most like the pick by content (cosine of the item
   vectors), when that similarity reaches LIKED_SIMILARITY.
2. "From your interest: mountain, snow": the pick is close to one of the person's interests
   (INTEREST_SIMILARITY) and carries what the interest's name says (one of its tags, or its colours).
3. "People who liked X also liked this": X is the liked photo most often liked together with the
   pick (cosine of the item columns), when that reaches CO_LIKED_SIMILARITY. It cites the person's
   own like, like 1, but is worded apart and comes after what a reader can check by looking.
4. "Tagged cat, like 3 of your likes": a telling tag the pick shares with the person's likes.
5. "Matches your favourite colour blue".
6. "Popular with people whose likes overlap yours": people who liked the same photos liked this one.
7. "Popular right now".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

from recommender.engine.data import CatalogueVocabulary, FeatureMatrix, ItemMetadata, dense_rows
from recommender.engine.interests import Interest

# Calibrated with bench/reason_thresholds.py on the 136 sample photos and 50 simulated users: from
# these similarities up, the cited photo shares the hidden taste of the pick in 90% of cases or more
# (content: 91.5% at 0.65, 88.5% at 0.6; co-likes: 94% at 0.5). With today's item features, colour
# and shape alone reach a content cosine of 0.59 at most between tagged photos, so 0.65 also means
# "shows the same thing".
LIKED_SIMILARITY = 0.65
CO_LIKED_SIMILARITY = 0.5
# How close a pick must be to an interest's centre for the interest to be named as its reason.
INTEREST_SIMILARITY = 0.5


class ReasonKind(StrEnum):
    LIKED_ITEM = "liked_item"  # `item` is the liked item, most like the pick by content
    CO_LIKED_ITEM = "co_liked_item"  # `item` is the liked item most often liked together with the pick
    INTEREST = "interest"  # `interest` names one of the person's interests; `items` are its likes
    TAG = "tag"  # `tag` is on the pick and on `items`, the person's likes carrying it
    COLOUR = "colour"  # `colour` is the favourite colour family
    OVERLAP = "overlap"  # people whose likes overlap the person's liked it
    POPULAR = "popular"
    FRESH = "fresh"  # new in the collection: the site's fallback before a model is built
    EXPLORE = "explore"  # the random floor: no reason beyond chance


@dataclass(frozen=True)
class Reason:
    """Why an item was picked, as evidence: the kind, and the liked item, interest, tag or colour.

    Reasons carry no words; `reason_words` is the one place that phrases them, for the engine's
    reports and the site's cards alike. `items` are always the person's own likes.
    """

    kind: ReasonKind
    item: int | None = None
    tag: str | None = None
    colour: str | None = None
    interest: str | None = None
    items: tuple[int, ...] = ()


# How each kind of reason reads: this lead, then the name of its evidence (if it has one).
REASON_LEADS: dict[ReasonKind, str] = {
    ReasonKind.LIKED_ITEM: "Because you liked",
    ReasonKind.CO_LIKED_ITEM: "People who liked",
    ReasonKind.INTEREST: "From your interest:",
    ReasonKind.TAG: "Tagged",
    ReasonKind.COLOUR: "Matches your favourite colour",
    ReasonKind.OVERLAP: "Popular with people whose likes overlap yours",
    ReasonKind.POPULAR: "Popular right now",
    ReasonKind.FRESH: "New in the collection",
    ReasonKind.EXPLORE: "Something new to explore",
}


@dataclass(frozen=True)
class ReasonWords:
    lead: str
    subject: str = ""  # the liked item's title, the interest, tag or colour; "" when the kind names none
    tail: str = ""  # what follows the subject, e.g. ", like 3 of your likes"

    @property
    def text(self) -> str:
        return f"{self.lead} {self.subject}{self.tail}" if self.subject else self.lead


def reason_words(reason: Reason, *, liked_title: str = "") -> ReasonWords:
    """The words for `reason`; `liked_title` names the liked item of a (CO_)LIKED_ITEM reason."""
    subject = {
        ReasonKind.LIKED_ITEM: liked_title,
        ReasonKind.CO_LIKED_ITEM: liked_title,
        ReasonKind.INTEREST: reason.interest or "",
        ReasonKind.COLOUR: reason.colour or "",
        ReasonKind.TAG: reason.tag or "",
    }.get(reason.kind, "")
    tail = " also liked this" if reason.kind is ReasonKind.CO_LIKED_ITEM else ""
    if reason.kind is ReasonKind.TAG and reason.items:
        count = len(reason.items)
        tail = ", like a photo you liked" if count == 1 else f", like {count} of your likes"
    return ReasonWords(REASON_LEADS[reason.kind], subject, tail)


def because_you_liked(liked_item: int) -> Reason:
    return Reason(ReasonKind.LIKED_ITEM, item=liked_item)


def also_liked_with(liked_item: int) -> Reason:
    return Reason(ReasonKind.CO_LIKED_ITEM, item=liked_item)


def from_interest(interest: Interest) -> Reason:
    return Reason(ReasonKind.INTEREST, interest=interest.name, items=interest.members)


def shares_tag(tag: str, liked_with_tag: Sequence[int]) -> Reason:
    return Reason(ReasonKind.TAG, tag=tag, items=tuple(liked_with_tag))


def matches_favourite_colour(colour: str) -> Reason:
    return Reason(ReasonKind.COLOUR, colour=colour)


def liked_by_overlapping_people() -> Reason:
    return Reason(ReasonKind.OVERLAP)


def popular_right_now() -> Reason:
    return Reason(ReasonKind.POPULAR)


def something_new() -> Reason:
    return Reason(ReasonKind.EXPLORE)


@dataclass(frozen=True)
class ReasonEvidence:
    """What reasons may be drawn from. Leave out what an algorithm does not have: item-item has
    co-likes but no item vectors; content has vectors and interests but no co-likes."""

    metadata: ItemMetadata
    vocabulary: CatalogueVocabulary
    vectors: FeatureMatrix | None = None  # unit rows: content similarity is a dot product
    co_likes: sp.csr_matrix | None = None  # item x item cosine on who liked them, truncated
    interests: Sequence[Interest] = ()
    # The algorithm ranks by what people with overlapping likes liked (ALS): with no closer reason,
    # say so rather than "popular".
    collaborative: bool = False


def explain_picks(liked: np.ndarray, items: np.ndarray, evidence: ReasonEvidence) -> list[Reason]:
    """One reason per item in `items`, for someone whose likes are `liked` (by the rules above)."""
    if not len(items):
        return []
    content, co_liked = _similarities(liked, items, evidence)
    nearest_interest = _nearest_interest(items, evidence)
    liked_tags = _liked_items_by_tag(liked, evidence.metadata)
    colour = favourite_colour(liked, evidence.metadata)
    reasons = []
    for position, item in enumerate(items.tolist()):
        reason = (
            _look_alike_reason(liked, content[:, position])
            or _interest_reason(item, nearest_interest[position], evidence.metadata)
            or _liked_together_reason(liked, co_liked[:, position])
            or _tag_reason(item, liked_tags, len(liked), evidence)
            or _colour_reason(item, colour, evidence.metadata)
        )
        if reason is None:
            overlapping = len(liked) > 0 and (evidence.collaborative or co_liked[:, position].max() > 0)
            reason = liked_by_overlapping_people() if overlapping else popular_right_now()
        reasons.append(reason)
    return reasons


def _similarities(
    liked: np.ndarray, items: np.ndarray, evidence: ReasonEvidence
) -> tuple[np.ndarray, np.ndarray]:
    """(content, co-like) similarity of each liked item (rows) to each pick (columns); 0 where unknown."""
    shape = (len(liked), len(items))
    content = np.zeros(shape, dtype=np.float32)
    co_liked = np.zeros(shape, dtype=np.float32)
    if not len(liked):
        return content, co_liked
    if evidence.vectors is not None and evidence.vectors.shape[1]:
        content = dense_rows(evidence.vectors, liked) @ dense_rows(evidence.vectors, items).T
    if evidence.co_likes is not None and evidence.co_likes.shape[0]:
        # Rows are truncated to each item's best neighbours, so read both directions.
        forward = csr_block(evidence.co_likes, liked, items)
        backward = csr_block(evidence.co_likes, items, liked).T
        co_liked = np.maximum(forward, backward)
    return content, co_liked


def csr_block(matrix: sp.csr_matrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """matrix[rows][:, columns] as a dense float32 array, read straight from the CSR arrays (columns
    unique): scipy's fancy indexing builds two sparse matrices and cost most of a request's reasons."""
    starts = matrix.indptr[rows]
    counts = matrix.indptr[rows + 1] - starts
    positions = np.arange(int(counts.sum())) + np.repeat(starts - (np.cumsum(counts) - counts), counts)
    row_of = np.repeat(np.arange(len(rows)), counts)
    order = np.argsort(columns, kind="stable")
    sorted_columns = columns[order]
    found = np.minimum(np.searchsorted(sorted_columns, matrix.indices[positions]), len(columns) - 1)
    hit = sorted_columns[found] == matrix.indices[positions]
    block = np.zeros((len(rows), len(columns)), dtype=np.float32)
    block[row_of[hit], order[found[hit]]] = matrix.data[positions[hit]]
    return block


def _look_alike_reason(liked: np.ndarray, content: np.ndarray) -> Reason | None:
    """The liked item most like the pick by content, if alike enough."""
    if not len(liked):
        return None
    closest = int(np.argmax(content))
    return because_you_liked(int(liked[closest])) if content[closest] >= LIKED_SIMILARITY else None


def _liked_together_reason(liked: np.ndarray, co_liked: np.ndarray) -> Reason | None:
    """The liked item most often liked together with the pick, if often enough."""
    if not len(liked):
        return None
    together = int(np.argmax(co_liked))
    return also_liked_with(int(liked[together])) if co_liked[together] >= CO_LIKED_SIMILARITY else None


def _nearest_interest(items: np.ndarray, evidence: ReasonEvidence) -> list[Interest | None]:
    if not evidence.interests or evidence.vectors is None or not evidence.vectors.shape[1]:
        return [None] * len(items)
    centroids = np.stack([interest.centroid for interest in evidence.interests])
    closeness = dense_rows(evidence.vectors, items) @ centroids.T
    best = np.argmax(closeness, axis=1)
    return [
        evidence.interests[int(choice)] if closeness[row, choice] >= INTEREST_SIMILARITY else None
        for row, choice in enumerate(best)
    ]


def _interest_reason(item: int, interest: Interest | None, metadata: ItemMetadata) -> Reason | None:
    """The interest, when the pick carries what its name says: one of its tags, or its colour when the
    name is the colour (so the name is true of the pick)."""
    if interest is None or not interest.name:
        return None
    if interest.tags:
        named = bool(set(interest.tags) & set(metadata.tags[item]))
    else:
        named = set(interest.colours) <= set(metadata.colour_families[item])
    return from_interest(interest) if named else None


def _liked_items_by_tag(liked: np.ndarray, metadata: ItemMetadata) -> dict[str, list[int]]:
    by_tag: dict[str, list[int]] = {}
    for item in liked.tolist():
        for tag in set(metadata.tags[item]):
            by_tag.setdefault(tag, []).append(int(item))
    return by_tag


def _tag_reason(
    item: int, liked_tags: dict[str, list[int]], n_liked: int, evidence: ReasonEvidence
) -> Reason | None:
    """The pick's most telling tag shared with the likes: on two likes or more (one, for a new person);
    colour tags are left to the colour reason and tags on every photo tell nothing."""
    needed = 1 if n_liked <= 2 else 2
    families = set(evidence.metadata.colour_families[item])
    scored = [
        (len(liked_tags[tag]) * evidence.vocabulary.idf.get(tag, 0.0), tag)
        for tag in set(evidence.metadata.tags[item])
        if len(liked_tags.get(tag, ())) >= needed
        and tag not in families
        and evidence.vocabulary.idf.get(tag, 0.0) > 0
    ]
    if not scored:
        return None
    _, tag = min(scored, key=lambda pair: (-pair[0], pair[1]))  # ties: the first alphabetically
    return shares_tag(tag, liked_tags[tag])


def _colour_reason(item: int, colour: str | None, metadata: ItemMetadata) -> Reason | None:
    return matches_favourite_colour(colour) if colour and colour in metadata.colour_families[item] else None


def favourite_colour(liked: np.ndarray, metadata: ItemMetadata) -> str | None:
    """The colour family that leads the palettes of most liked items (ties: the first seen)."""
    counts = Counter(metadata.colour_families[item][0] for item in liked if metadata.colour_families[item])
    return counts.most_common(1)[0][0] if counts else None
