"""Reason agreement: on simulated people with hidden tastes, do the reasons point at the taste that
makes a pick relevant? Pure; no Django.

A hidden taste is a list of `HiddenInterest`s: the items that match it, and the tags and colour
families it is made of (simulated site users: `profiles.simulation.Interest`; planted synthetic
tastes: a theme). A pick is relevant when it matches one of the person's hidden interests. Its reason
agrees when what it cites shares one of those interests:
- "Because you liked X" ("People who liked X also liked this"): X matches it too;
- an interest of theirs: most of the likes in it match it;
- a tag or a colour: the hidden interest is made of it.
Reasons that cite nothing ("popular right now", "people whose likes overlap yours") neither agree
nor disagree; `reasons citing` says how often relevant picks got a reason that cites something.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recommender.engine.base import Recommendation
from recommender.engine.reasons import Reason, ReasonKind

# An interest reason agrees when at least this share of the likes it stands for match the hidden interest.
INTEREST_MAJORITY = 0.5
AGREEMENT = "reason agreement"
CITING = "reasons citing"


@dataclass(frozen=True)
class HiddenInterest:
    items: frozenset[int]
    tags: frozenset[str] = frozenset()
    colours: frozenset[str] = frozenset()


def reason_agrees(reason: Reason, pick: int, hidden: Sequence[HiddenInterest]) -> bool | None:
    """True or False for a relevant pick whose reason cites something; None otherwise."""
    behind = [interest for interest in hidden if pick in interest.items]
    if not behind:
        return None
    if reason.kind in (ReasonKind.LIKED_ITEM, ReasonKind.CO_LIKED_ITEM):
        return any(reason.item in interest.items for interest in behind)
    if reason.kind is ReasonKind.INTEREST:
        return any(_mostly_in(reason.items, interest.items) for interest in behind)
    if reason.kind is ReasonKind.TAG:
        return any(reason.tag in interest.tags for interest in behind)
    if reason.kind is ReasonKind.COLOUR:
        return any(reason.colour in interest.colours for interest in behind)
    return None


def _mostly_in(items: Sequence[int], matching: frozenset[int]) -> bool:
    return bool(items) and sum(item in matching for item in items) >= INTEREST_MAJORITY * len(items)


def reason_agreement(
    lists: Sequence[Sequence[Recommendation]], hidden: Sequence[Sequence[HiddenInterest]]
) -> dict[str, float]:
    """{AGREEMENT: share of citing reasons on relevant picks that agree, CITING: share of relevant
    picks whose reason cites something}; NaN where there is nothing to count."""
    verdicts = [
        reason_agrees(recommendation.reason, recommendation.item, interests)
        for recommendations, interests in zip(lists, hidden, strict=True)
        for recommendation in recommendations
        if any(recommendation.item in interest.items for interest in interests)
    ]
    citing = [verdict for verdict in verdicts if verdict is not None]
    return {
        AGREEMENT: sum(citing) / len(citing) if citing else float("nan"),
        CITING: len(citing) / len(verdicts) if verdicts else float("nan"),
    }
