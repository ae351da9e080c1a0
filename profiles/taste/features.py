"""Photo feature vectors for the collection map on /stats/: colour histogram, colour families,
idf-weighted tags and what the photo looks like (its visual feature vector, centred on the mean, since
all vectors share a large common part), each block scaled to unit length so none dominates by its size.
Pure; no Django.

(A person's interests are computed by the recommender's taste model on its own item features, not on these.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gallery.analysis.palette import FAMILIES


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
