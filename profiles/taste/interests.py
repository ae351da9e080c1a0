"""A person's interests as /me/ shows them. Pure; no Django.

The interests themselves are the site's one taste model, computed by the recommender
(`recommender.engine.interests.find_interests`, on the served model's item vectors, from the
person's likes) and handed in as `InterestGroup`s; /for-you/ ranks by the same groups. This module
only adds what the dashboard draws: each interest's leading colours from its photos' palettes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

SWATCHES = 3


@dataclass(frozen=True)
class InterestGroup:
    """One interest from the taste model: its name, share of likes, and the liked photos in it
    (closest to its centre first)."""

    name: str
    share: float
    image_ids: list[int]
    tags: list[str]
    colour: str | None


def describe_interests(groups: list[InterestGroup], palette: pd.DataFrame) -> list[dict[str, Any]]:
    """The profile's "interests": one JSON-safe dict per group, in the taste model's order."""
    return [_describe(group, palette) for group in groups if group.image_ids]


def _describe(group: InterestGroup, palette: pd.DataFrame) -> dict[str, Any]:
    own = palette[palette["image_id"].isin(group.image_ids)]
    heaviest = own.sort_values("mass", ascending=False, kind="stable").drop_duplicates("hex")
    return {
        "label": group.name,
        "share": round(group.share, 4),
        "size": len(group.image_ids),
        "representative_image_id": group.image_ids[0],
        "member_image_ids": list(group.image_ids),
        "top_tags": list(group.tags),
        "top_family": group.colour or "",
        "colours": [str(h) for h in heaviest["hex"].head(SWATCHES)],
    }
