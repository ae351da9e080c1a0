"""Schemas of the profiles app's JSON API (profiles/api.py): taste profiles and statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class TasteProfile(Schema):
    username: str
    is_public: bool
    computed_at: datetime | None = Field(description="Null until the person has liked or tagged a photo.")
    profile: dict[str, Any] = Field(
        description="Favourite colours, shapes, sizes, tags (TF-IDF), cameras, years and interest clusters, "
        "as on /me/; empty until there is something to learn from."
    )


class ChartSummary(Schema):
    name: str
    title: str
    caption: str
    svg: str
    csv: str
    data: str = Field(description="This chart's rows in the API.")


class VisualFeatures(Schema):
    """What the site's similar photos, recommendations and interests see of each photo's look."""

    embedder: str = Field(description="The name stored beside each photo's vector, e.g. descriptor-v1.")
    kind: str = Field(description="built-in (no weights) or onnx (a pretrained image encoder).")
    description: str
    photo_count: int = Field(description="Analysed photos that have a vector from this embedder.")


class Statistics(Schema):
    photo_count: int
    visual_features: VisualFeatures
    charts: list[ChartSummary]


class ChartData(Schema):
    name: str
    title: str
    caption: str
    rows: list[dict[str, Any]] = Field(description="The chart's data, the same columns as its CSV.")
