"""Dominant colours of an image by k-means clustering in CIELAB.

The caller passes the visible pixels of a small copy of the image (96 px on the long edge, some 7,000
pixels): clustering all 12 megapixels takes some 20 seconds (bench/analyse.py) for the same colours.

- k-means (scikit-learn, k=5, fixed seed, one k-means++ initialisation) runs on a random sample of at most
  2,000 of those pixels, in Lab so that clusters follow visible differences. On a photo-like image 2,000
  points converged in half the iterations 4,000 needed, with an inertia within 1.5% of theirs.
- Every pixel is then assigned to its nearest centre, and a colour's share is its cluster's size over all
  pixels, so shares sum to 1. A colour's RGB is the mean of its members' RGB.
- Clusters closer than ``MERGE_BELOW_DELTA_E`` (CIE76) are merged, and k never exceeds the number of
  distinct colours, so a solid image gives one colour and never five near-copies of it.
- Colours are ranked by share, largest first, and named from gallery.analysis.palette.
"""

from __future__ import annotations

import functools
from typing import Final

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans
from threadpoolctl import ThreadpoolController

from gallery.analysis.palette import colour_family, nearest_css_name, rgb_to_hex, srgb_to_lab
from gallery.analysis.result import DominantColour

DEFAULT_K: Final = 5
SAMPLE_SIZE: Final = 2000
SEED: Final = 0
MERGE_BELOW_DELTA_E: Final = 4.0


def dominant_colours(
    pixels: npt.NDArray[np.uint8], *, k: int = DEFAULT_K, sample_size: int = SAMPLE_SIZE
) -> list[DominantColour]:
    """Up to `k` dominant colours of `pixels` (shape (n, 3), RGB 0..255), ranked by share."""
    pixels = np.asarray(pixels, dtype=np.uint8).reshape(-1, 3)
    if len(pixels) == 0:
        return []
    lab = srgb_to_lab(pixels)
    chosen = _sample_indices(len(pixels), sample_size)
    clusters = min(k, _distinct_count(pixels[chosen]))
    with _threads().limit(limits=1):
        centres = (
            KMeans(n_clusters=clusters, n_init=1, random_state=SEED).fit(lab[chosen]).cluster_centers_
            if clusters > 1
            else lab.mean(axis=0, keepdims=True)
        )
    labels = _nearest(lab, centres)
    group_of = _merge_close(centres, np.bincount(labels, minlength=len(centres)))
    return _describe_groups(pixels, group_of[labels])


@functools.cache
def _threads() -> ThreadpoolController:
    """Found once per process: looking up the thread pools costs milliseconds.

    k-means on a few thousand points gains nothing from threads, and each worker process already has
    a core to itself; measured on a busy 2-core machine, OpenMP's spinning threads made one fit take
    240 ms instead of 3 ms.
    """
    return ThreadpoolController()


def _sample_indices(count: int, size: int) -> npt.NDArray[np.intp]:
    if count <= size:
        return np.arange(count)
    return np.random.default_rng(SEED).choice(count, size=size, replace=False)


def _distinct_count(pixels: npt.NDArray[np.uint8]) -> int:
    packed = (pixels[:, 0].astype(np.int32) << 16) | (pixels[:, 1].astype(np.int32) << 8) | pixels[:, 2]
    return len(np.unique(packed))


def _nearest(lab: npt.NDArray[np.float64], centres: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    # |x - c|^2 = |x|^2 - 2 x.c + |c|^2, and |x|^2 is the same for every centre.
    scores = (centres**2).sum(axis=1) - 2 * lab @ centres.T
    return np.argmin(scores, axis=1)


def _merge_close(centres: npt.NDArray[np.float64], counts: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Map each cluster to a colour group, so that near-identical centres count as one colour."""
    group_of = np.zeros(len(centres), dtype=np.intp)
    leaders: list[int] = []
    for index in np.argsort(-counts, kind="stable"):
        for group, leader in enumerate(leaders):
            if np.linalg.norm(centres[leader] - centres[index]) < MERGE_BELOW_DELTA_E:
                group_of[index] = group
                break
        else:
            group_of[index] = len(leaders)
            leaders.append(int(index))
    return group_of


def _describe_groups(pixels: npt.NDArray[np.uint8], groups: npt.NDArray[np.intp]) -> list[DominantColour]:
    counts = np.bincount(groups)
    sums = np.stack([np.bincount(groups, weights=pixels[:, channel]) for channel in range(3)], axis=1)
    colours = [
        _describe(sums[group] / counts[group], counts[group] / len(pixels))
        for group in np.flatnonzero(counts)
    ]
    colours.sort(key=lambda colour: -colour.share)
    return colours


def _describe(mean: npt.NDArray[np.float64], share: float) -> DominantColour:
    rgb = (round(float(mean[0])), round(float(mean[1])), round(float(mean[2])))
    return DominantColour(
        rgb=rgb,
        share=float(share),
        hex=rgb_to_hex(rgb),
        name=nearest_css_name(rgb),
        family=colour_family(rgb),
    )
