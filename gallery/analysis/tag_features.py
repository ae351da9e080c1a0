"""The feature vector the tag suggester reads for a photo. No Django here.

One function builds it from what the analysis stored, so the site, the evaluation and the benchmark
read photos the same way:

- the visual vector (gallery.analysis.descriptor, or the deployer's embedder): texture, shape and
  layout, whatever the colours;
- the 112-bin HSV histogram (gallery.analysis.features), square-rooted, so that distances between
  histograms behave like the Hellinger distance and large flat areas do not swamp the rest.

The model standardises every feature, so neither block needs weighting here. `recipe` names the
mix with the embedder's name: a model trained on one recipe is never asked about vectors of another
(the services retrain instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from gallery.analysis.features import HISTOGRAM_LENGTH

COLOUR_RECIPE: Final = "colour-v1"


def recipe(embedder_name: str) -> str:
    """The name of the features built with this embedder's vectors, stored with a trained model."""
    return f"{embedder_name}+{COLOUR_RECIPE}"


def colour_block(histogram: Sequence[float]) -> npt.NDArray[np.float64]:
    """The square-rooted colour histogram; zeros for a photo without one."""
    if len(histogram) != HISTOGRAM_LENGTH:
        return np.zeros(HISTOGRAM_LENGTH)
    return np.sqrt(np.clip(np.asarray(histogram, dtype=np.float64), 0.0, None))


def feature_vector(histogram: Sequence[float], visual: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    """The suggester's features of one photo: its visual vector, then its colour block."""
    return np.concatenate([np.asarray(visual, dtype=np.float64), colour_block(histogram)])
