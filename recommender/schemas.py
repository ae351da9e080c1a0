"""Schemas of the recommender's JSON API (recommender/api.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from gallery.schemas import PhotoCard


class ReasonOut(Schema):
    """Why a photo was picked; the fields other than `kind` and `text` say what the reason points at."""

    kind: Literal[
        "liked_item", "co_liked_item", "interest", "tag", "colour", "overlap", "popular", "explore", "fresh"
    ]
    text: str = Field(description="As shown on /for-you/, e.g. “Because you liked Harbour at dusk”.")
    liked_photo_id: int | None = Field(
        default=None, description="kind=liked_item or co_liked_item: the photo you liked."
    )
    interest: str | None = Field(default=None, description="kind=interest: the interest's name, as on /me/.")
    tag: str | None = Field(default=None, description="kind=tag: the tag.")
    colour: str | None = Field(default=None, description="kind=colour: the colour family.")


class PickOut(Schema):
    photo: PhotoCard
    reason: ReasonOut


class Recommendations(Schema):
    items: list[PickOut]
    fallback: bool = Field(description="True when no model is built yet: popular and new photos instead.")
    model_built_at: datetime | None
    like_count: int = Field(description="Your likes the picks were computed from.")


class RebuildQueued(Schema):
    queued: bool
    detail: str


class NotInterestedState(Schema):
    not_interested: bool
