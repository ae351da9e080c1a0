"""Reads of the photos' visual feature vectors, for similar photos, recommendations, interests and tag
suggestions. Only vectors made by the embedder the site runs now are returned; a photo without one
(not analysed yet, or analysed by another embedder before a switch) reads as a row of zeros, which
matches nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from gallery.analysis.descriptor import FloatArray, from_bytes
from gallery.embedding import active_embedder
from gallery.models import Image


def visual_vector(image: Image) -> FloatArray:
    """One photo's vector, float32 of the active embedder's length; zeros when it has none from it."""
    embedder = active_embedder()
    return _checked(image.visual_features, image.visual_features_by, embedder.name, embedder.length)


def visual_feature_matrix(image_ids: Sequence[int]) -> FloatArray:
    """(len(image_ids), length) float32, rows in the order of `image_ids`, in one query."""
    embedder = active_embedder()
    matrix = np.zeros((len(image_ids), embedder.length), dtype=np.float32)
    rows = Image.objects.filter(pk__in=list(image_ids), visual_features_by=embedder.name).values_list(
        "id", "visual_features"
    )
    position = {image_id: row for row, image_id in enumerate(image_ids)}
    for image_id, blob in rows.iterator(chunk_size=2000):
        matrix[position[image_id]] = _checked(blob, embedder.name, embedder.name, embedder.length)
    return matrix


def vectors_from_rows(rows: Iterable[tuple[bytes | memoryview | None, str]]) -> FloatArray:
    """(n, length) from (visual_features, visual_features_by) pairs already fetched with other columns."""
    embedder = active_embedder()
    vectors = [_checked(blob, by, embedder.name, embedder.length) for blob, by in rows]
    return np.stack(vectors) if vectors else np.zeros((0, embedder.length), dtype=np.float32)


def _checked(blob: bytes | memoryview | None, made_by: str, name: str, length: int) -> FloatArray:
    vector = from_bytes(blob) if made_by == name else np.zeros(0, dtype=np.float32)
    return vector if len(vector) == length else np.zeros(length, dtype=np.float32)
