"""Reads of the photos' visual feature vectors, for similar photos, recommendations, interests and tag
suggestions. Only vectors made by the embedder the site runs now are returned; a photo without one
(not analysed yet, or analysed by another embedder before a switch) reads as a row of zeros, which
matches nothing. Rows are as long as the site's vectors (0 columns while no photo has one).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np

from gallery.analysis.descriptor import FloatArray, from_bytes
from gallery.analysis.onnx_encoder import EncoderUnavailable
from gallery.embedding import active_embedder, active_embedder_name
from gallery.models import Image
from gallery.selectors import visible_images

log = logging.getLogger(__name__)

StoredVector = tuple[bytes | memoryview | None, str]  # (visual_features, visual_features_by)


def visual_vector(image: Image) -> FloatArray:
    """One photo's vector as float32; empty when it has none from the site's embedder."""
    return vectors_from_rows([(image.visual_features, image.visual_features_by)])[0]


def visual_feature_matrix(image_ids: Sequence[int]) -> FloatArray:
    """(len(image_ids), length) float32, rows in the order of `image_ids`, in one query."""
    fetched = Image.objects.filter(pk__in=list(image_ids)).values_list(
        "id", "visual_features", "visual_features_by"
    )
    rows = {image_id: (blob, made_by) for image_id, blob, made_by in fetched.iterator(chunk_size=2000)}
    return vectors_from_rows(rows.get(image_id, (None, "")) for image_id in image_ids)


def photos_with_visual_features() -> int:
    """Visible photos with a vector from the site's embedder (fewer than all right after a switch)."""
    return (
        visible_images()
        .filter(visual_features_by=_site_embedder_name())
        .exclude(visual_features_by="")
        .count()
    )


def vectors_from_rows(rows: Iterable[StoredVector]) -> FloatArray:
    """(n, length) float32 from (visual_features, visual_features_by) pairs fetched with other columns."""
    name = _site_embedder_name()
    vectors = [from_bytes(blob) if made_by == name and name else None for blob, made_by in rows]
    # The embedder's own length even when no row has a vector yet, so that every matrix made while one
    # embedder runs has the same width (the tag suggester's model is fitted on one and applied to others).
    length = max((len(vector) for vector in vectors if vector is not None), default=_embedder_length(name))
    matrix = np.zeros((len(vectors), length), dtype=np.float32)
    for row, vector in enumerate(vectors):
        if vector is not None and len(vector) == length:
            matrix[row] = vector
    return matrix


@cache
def _embedder_length(name: str) -> int:
    """How many numbers the active embedder (called `name`) gives; 0 when none can run."""
    if not name:
        return 0
    try:
        return active_embedder().length
    except EncoderUnavailable:
        return 0


def _site_embedder_name() -> str:
    try:
        return active_embedder_name()
    except EncoderUnavailable as error:
        # The system check and the worker's start-up say so loudly; pages go on without vectors.
        log.warning("visual features unread: %s", error)
        return ""
