"""Assemble a whole taste profile from ProfileInputs. Plain data in, JSON-safe dict out."""

from __future__ import annotations

from typing import Any

import pandas as pd
from threadpoolctl import threadpool_limits

from profiles.taste.colours import family_distribution, favourite_colours, weighted_palette
from profiles.taste.inputs import LIKE_WEIGHT, TAG_WEIGHT, ProfileInputs, image_weights
from profiles.taste.interests import describe_interests
from profiles.taste.tags import favourite_tags, inverse_document_frequency, tag_scores

# Bump when the shape of the profile dict changes, so old snapshots can be told apart.
PROFILE_VERSION = 2  # 2: interests come from the taste model the recommender ranks by
TOP_CAMERAS = 5


def build_profile(inputs: ProfileInputs) -> dict[str, Any]:
    """The profile of one user: favourite colours, shapes, tags, cameras, years and interests.

    The interests are the taste model's (`inputs.interests`), not computed here, so /me/ and
    /for-you/ show the same ones.
    """
    # A profile clusters tens of points: OpenMP threads cost far more than they save (about 5x
    # slower measured on 2 cores), so k-means runs on one thread here.
    with threadpool_limits(limits=1):
        return _build_profile(inputs)


def _build_profile(inputs: ProfileInputs) -> dict[str, Any]:
    weights = image_weights(inputs)
    palette = weighted_palette(inputs.colours, weights)
    idf = inverse_document_frequency(inputs.tag_document_frequency, inputs.collection_size)
    images = inputs.images[inputs.images["image_id"].isin(weights.index)]
    return {
        "version": PROFILE_VERSION,
        "weights": {"like": LIKE_WEIGHT, "tag": TAG_WEIGHT},
        "like_count": int(inputs.likes["image_id"].nunique()),
        "tagged_image_count": int(inputs.user_tags["image_id"].nunique()),
        "image_count": len(weights),
        "colours": favourite_colours(palette),
        "colour_families": family_distribution(palette),
        "orientation": {
            "user": weighted_distribution(images, "orientation", weights),
            "collection": dict(inputs.collection_orientation),
        },
        "size_class": {
            "user": weighted_distribution(images, "size_class", weights),
            "collection": dict(inputs.collection_size_class),
        },
        "tags": favourite_tags(tag_scores(inputs.image_tags, weights, idf)),
        "cameras": top_cameras(images, weights),
        "years": years_taken(images, weights),
        "likes_over_time": likes_per_day(inputs.likes),
        "interests": describe_interests(inputs.interests, palette),
        "taste_model_id": inputs.taste_model_id,
    }


def weighted_distribution(images: pd.DataFrame, column: str, weights: pd.Series) -> dict[str, float]:
    """Share of the weight per value of `column`, ignoring blanks, largest first."""
    values = images[["image_id", column]].dropna()
    values = values[values[column].astype(str) != ""]
    if values.empty:
        return {}
    totals = values.assign(weight=values["image_id"].map(weights)).groupby(column)["weight"].sum()
    totals = totals.sort_values(ascending=False, kind="stable")
    grand = float(totals.sum())
    return {str(key): round(float(value) / grand, 4) for key, value in totals.items()}


def top_cameras(images: pd.DataFrame, weights: pd.Series, top: int = TOP_CAMERAS) -> list[dict[str, Any]]:
    """Camera make and model of the user's images, by weight."""
    names = pd.Series(
        [
            camera_name(make, model)
            for make, model in zip(
                images["camera_make"].tolist(), images["camera_model"].tolist(), strict=True
            )
        ],
        dtype=object,
    )
    frame = pd.DataFrame({"camera": names, "weight": images["image_id"].map(weights).to_numpy()})
    frame = frame[frame["camera"] != ""]
    if frame.empty:
        return []
    totals = frame.groupby("camera")["weight"].sum()
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [{"camera": str(name), "weight": round(float(weight), 4)} for name, weight in ordered]


def years_taken(images: pd.DataFrame, weights: pd.Series) -> dict[str, float]:
    """Weight per year the user's images were taken, oldest year first."""
    taken = pd.to_datetime(images["taken_at"], utc=True, errors="coerce")
    frame = pd.DataFrame({"year": taken.dt.year, "weight": images["image_id"].map(weights).to_numpy()})
    frame = frame.dropna()
    if frame.empty:
        return {}
    totals = frame.groupby("year")["weight"].sum().sort_index()
    return {
        str(int(year)): round(float(weight), 4)
        for year, weight in zip(totals.index.tolist(), totals.tolist(), strict=True)
    }


def likes_per_day(likes: pd.DataFrame) -> list[list[Any]]:
    """[[ISO date, likes that day], ...] in date order, days without likes left out."""
    if likes.empty:
        return []
    days = pd.to_datetime(likes["created_at"], utc=True, errors="coerce").dropna().dt.strftime("%Y-%m-%d")
    counts = days.value_counts().sort_index()
    return [[str(day), int(count)] for day, count in counts.items()]


def camera_name(make: object, model: object) -> str:
    """ "Canon EOS 5D" from make and model; many cameras repeat the make in the model, so say it once."""
    make_text = str(make or "").strip()
    model_text = str(model or "").strip()
    if make_text and model_text.lower().startswith(make_text.lower()):
        return model_text
    return f"{make_text} {model_text}".strip()
