"""The feature vector the tag suggester reads for a photo. No Django here.

One function builds it from what the analysis stored, so the site, the evaluation and the benchmark
read photos the same way. FEATURE_KIND names the recipe: a model trained on one recipe is never
asked about vectors of another (the services retrain instead).

Colour: the 112-bin HSV histogram (gallery.analysis.features), square-rooted, so that distances
between histograms behave like the Hellinger distance and large flat areas do not swamp the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from gallery.analysis.features import HISTOGRAM_LENGTH

FEATURE_KIND: Final = "colour-v1"
COLOUR_ONLY_KIND: Final = "colour-v1"


def colour_block(histogram: Sequence[float]) -> npt.NDArray[np.float64]:
    """The square-rooted colour histogram; zeros for a photo without one."""
    values = np.zeros(HISTOGRAM_LENGTH)
    if len(histogram) == HISTOGRAM_LENGTH:
        values = np.sqrt(np.clip(np.asarray(histogram, dtype=np.float64), 0.0, None))
    return values


def feature_vector(histogram: Sequence[float]) -> npt.NDArray[np.float64]:
    """The suggester's features of one photo (recipe FEATURE_KIND)."""
    return colour_block(histogram)


def feature_matrix(histograms: Sequence[Sequence[float]]) -> npt.NDArray[np.float64]:
    if not histograms:
        return np.zeros((0, HISTOGRAM_LENGTH))
    return np.vstack([feature_vector(histogram) for histogram in histograms])
