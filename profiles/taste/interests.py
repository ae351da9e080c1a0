"""Interest clusters: a user's images grouped by what they look like and what they show.

Each image becomes one feature vector made of four blocks, each scaled to unit length so none
dominates by its size: the colour histogram from the analysis, the palette's colour-family shares,
the image's tags weighted by idf, and what it looks like (the visual feature vector: texture, shape,
layout), centred on the mean of the user's images first, since all vectors share a large common part. The images are clustered with k-means (image weights as sample
weights). The number of interests is chosen by silhouette: k = 2..4 are tried (never more than
n - 1), the best score wins, and the user gets a single interest when there are fewer than
MIN_IMAGES_TO_SPLIT images or no split reaches MIN_SILHOUETTE.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from gallery.analysis.palette import FAMILIES

MAX_INTERESTS = 4
MIN_IMAGES_TO_SPLIT = 4
MIN_SILHOUETTE = 0.15


def feature_matrix(
    image_ids: list[int],
    images: pd.DataFrame,
    palette: pd.DataFrame,
    image_tags: pd.DataFrame,
    idf: dict[str, float],
) -> np.ndarray:
    """One row per image id: [histogram | family shares | idf-weighted tags | look], each block unit length."""
    blocks = [
        _histogram_block(image_ids, images),
        _family_block(image_ids, palette),
        _tag_block(image_ids, image_tags, idf),
        _visual_block(image_ids, images),
    ]
    return np.hstack([_unit_rows(block) for block in blocks])


def choose_cluster_count(features: np.ndarray, weights: np.ndarray) -> int:
    """k by best silhouette over 2..4; 1 when the images are too few or do not split cleanly."""
    return len(best_clustering(features, weights)[1])


def best_clustering(features: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(label per image, centres) of the clustering chosen by the silhouette rule above."""
    n = len(features)
    single = (np.zeros(n, dtype=int), np.average(features, axis=0, weights=weights)[np.newaxis, :])
    distinct = len(np.unique(features.round(6), axis=0))
    if n < MIN_IMAGES_TO_SPLIT or distinct < 2:
        return single
    best, best_score = single, MIN_SILHOUETTE
    for k in range(2, min(MAX_INTERESTS, n - 1, distinct) + 1):
        model = _kmeans(features, weights, k)
        if len(set(model.labels_)) < 2:
            continue
        score = float(silhouette_score(features, model.labels_))
        if score > best_score:
            best, best_score = (model.labels_, model.cluster_centers_), score
    return best


def interest_clusters(
    weights: pd.Series,
    images: pd.DataFrame,
    palette: pd.DataFrame,
    image_tags: pd.DataFrame,
    idf: dict[str, float],
) -> list[dict[str, Any]]:
    """The user's interests, largest first, each with a representative image, label and members."""
    image_ids = [int(i) for i in weights.index]
    if not image_ids:
        return []
    features = feature_matrix(image_ids, images, palette, image_tags, idf)
    weight_array = weights.to_numpy(dtype=float)
    labels, centres = best_clustering(features, weight_array)
    total = float(weight_array.sum())
    interests = []
    for label in range(len(centres)):
        mask = labels == label
        if not mask.any():
            continue
        members = [image_ids[i] for i in np.flatnonzero(mask)]
        distances = np.linalg.norm(features[mask] - centres[label], axis=1)
        ordered = [members[i] for i in np.argsort(distances, kind="stable")]
        interests.append(
            _describe(ordered, float(weight_array[mask].sum()) / total, weights, palette, image_tags, idf)
        )
    interests.sort(key=lambda interest: (-interest["share"], interest["representative_image_id"]))
    return interests


def _describe(
    members: list[int],
    share: float,
    weights: pd.Series,
    palette: pd.DataFrame,
    image_tags: pd.DataFrame,
    idf: dict[str, float],
) -> dict[str, Any]:
    """Label an interest by its strongest colour family and its two strongest tags."""
    own_palette = palette[palette["image_id"].isin(members)]
    families = own_palette.groupby("family")["mass"].sum().sort_values(ascending=False, kind="stable")
    colours = own_palette.sort_values("mass", ascending=False, kind="stable").drop_duplicates("hex")
    own_tags = image_tags[image_tags["image_id"].isin(members)].drop_duplicates(["image_id", "tag"])
    tag_scores = (
        own_tags.assign(
            score=own_tags["image_id"].map(weights) * own_tags["tag"].map(lambda t: idf.get(t, 1.0))
        )
        .groupby("tag")["score"]
        .sum()
    )
    tag_scores = tag_scores[tag_scores > 0]
    top_tags = [str(t) for t, _ in sorted(tag_scores.items(), key=lambda item: (-item[1], item[0]))[:3]]
    family = str(families.index[0]) if not families.empty else ""
    # The family already names the colour; a tag repeating it (an automatic colour tag) adds nothing.
    label_tags = [tag for tag in top_tags if tag != family][:2]
    label_parts = [part for part in [family, ", ".join(label_tags)] if part]
    return {
        "label": " · ".join(label_parts) or "photos",
        "share": round(share, 4),
        "size": len(members),
        "representative_image_id": members[0],
        "member_image_ids": members,
        "top_tags": top_tags,
        "top_family": family,
        "colours": [str(h) for h in colours["hex"].head(3)],
    }


def _kmeans(features: np.ndarray, weights: np.ndarray, k: int) -> KMeans:
    return KMeans(n_clusters=k, n_init=5, random_state=0).fit(features, sample_weight=weights)


def _histogram_block(image_ids: list[int], images: pd.DataFrame) -> np.ndarray:
    by_id: dict[int, list[float]] = {
        int(image_id): list(histogram or [])
        for image_id, histogram in zip(images["image_id"].tolist(), images["histogram"].tolist(), strict=True)
    }
    histograms = [by_id.get(i, []) for i in image_ids]
    width = max((len(h) for h in histograms), default=0)
    block = np.zeros((len(image_ids), width))
    for row, histogram in enumerate(histograms):
        block[row, : len(histogram)] = histogram
    return block


def _visual_block(image_ids: list[int], images: pd.DataFrame) -> np.ndarray:
    """The images' visual vectors, centred on the mean of those that have one; zeros for the others."""
    if "visual" not in images.columns:
        return np.zeros((len(image_ids), 0))
    column = images["visual"]
    by_id = {
        int(image_id): np.asarray(vector, dtype=float).ravel()
        for image_id, vector in zip(images["image_id"].tolist(), column.tolist(), strict=True)
        if isinstance(vector, np.ndarray | list) and np.any(vector)
    }
    width = max((len(vector) for vector in by_id.values()), default=0)
    block = np.zeros((len(image_ids), width))
    rows = [row for row, image_id in enumerate(image_ids) if len(by_id.get(image_id, ())) == width > 0]
    for row in rows:
        block[row] = by_id[image_ids[row]]
    if rows:
        block[rows] -= block[rows].mean(axis=0)
    return block


def _family_block(image_ids: list[int], palette: pd.DataFrame) -> np.ndarray:
    block = np.zeros((len(image_ids), len(FAMILIES)))
    position = {image_id: row for row, image_id in enumerate(image_ids)}
    column = {family: col for col, family in enumerate(FAMILIES)}
    entries = zip(
        palette["image_id"].tolist(), palette["family"].tolist(), palette["share"].tolist(), strict=True
    )
    for image_id, family, share in entries:
        if int(image_id) in position and family in column:
            block[position[int(image_id)], column[family]] += float(share)
    return block


def _tag_block(image_ids: list[int], image_tags: pd.DataFrame, idf: dict[str, float]) -> np.ndarray:
    rows = image_tags[image_tags["image_id"].isin(image_ids)].drop_duplicates(["image_id", "tag"])
    vocabulary = sorted(set(rows["tag"]))
    block = np.zeros((len(image_ids), len(vocabulary)))
    position = {image_id: row for row, image_id in enumerate(image_ids)}
    column = {tag: col for col, tag in enumerate(vocabulary)}
    for image_id, tag in zip(rows["image_id"].tolist(), rows["tag"].tolist(), strict=True):
        block[position[int(image_id)], column[tag]] = idf.get(tag, 1.0)
    return block


def _unit_rows(block: np.ndarray) -> np.ndarray:
    if block.size == 0:
        return block
    norms = np.linalg.norm(block, axis=1, keepdims=True)
    return np.divide(block, norms, out=np.zeros_like(block), where=norms > 0)
