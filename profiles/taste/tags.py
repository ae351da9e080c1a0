"""Favourite tags weighted by TF-IDF, so a tag on nearly every image says little about a taste."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

TOP_TAGS = 12


def inverse_document_frequency(document_frequency: dict[str, int], collection_size: int) -> dict[str, float]:
    """idf = ln((1 + N) / (1 + df)): 0 for a tag on every image, larger for rarer tags.

    Unlike scikit-learn's smoothed idf there is no "+1", on purpose: a tag that every image has
    carries no information about anyone's taste and should score nothing.
    """
    size = max(collection_size, 0)
    return {tag: math.log((1 + size) / (1 + min(count, size))) for tag, count in document_frequency.items()}


def tag_scores(image_tags: pd.DataFrame, weights: pd.Series, idf: dict[str, float]) -> pd.Series:
    """Score per tag: sum over the user's images of image weight x idf (a tag counts once per image)."""
    rows = image_tags[image_tags["image_id"].isin(weights.index)].drop_duplicates(["image_id", "tag"])
    if rows.empty:
        return pd.Series(dtype=float)
    # The frequencies cover every tag in the collection; 1.0 only guards against a tag added since.
    rows = rows.assign(
        score=rows["image_id"].map(weights).astype(float) * rows["tag"].map(lambda t: idf.get(t, 1.0))
    )
    scores = rows.groupby("tag")["score"].sum()
    return scores[scores > 0].sort_values(ascending=False, kind="stable")


def favourite_tags(scores: pd.Series, top: int = TOP_TAGS) -> list[dict[str, Any]]:
    """Top tags with their score and share of the total score."""
    if scores.empty:
        return []
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:top]
    total = float(scores.sum())
    return [
        {"tag": str(tag), "score": round(float(score), 4), "share": round(float(score) / total, 4)}
        for tag, score in ordered
    ]
