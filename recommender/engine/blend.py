"""Putting scores from different algorithms on one scale so they can be added.

Each weighted component contributes weight * (score - low) / span, where low and span come from the
min and max of its finite scores (min-max to 0..1 over the items it has evidence for); `rescaled` does
that on a whole array (weight tuning uses it). `WeightedPart` and `blend_parts` sum the weighted parts
without materialising a 0..1 copy per component: a dense component is added in one pass, a sparse one
(item-item reaches only the neighbours of the likes) only at the items it has evidence for, and the
reasons read a part only at the final k items. An item no part has evidence for stays out (-inf).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def rescaled(scores: np.ndarray) -> np.ndarray:
    """Min-max to 0..1 over the items with evidence (finite scores); the others get NaN."""
    finite = np.isfinite(scores)
    if not finite.any():
        return np.full(len(scores), np.nan, dtype=np.float32)
    low = np.min(scores, where=finite, initial=np.inf)
    high = np.max(scores, where=finite, initial=-np.inf)
    span = high - low if high > low else 1.0
    out = ((scores - low) / span).astype(np.float32)
    out[~finite] = np.nan
    return out


@dataclass(frozen=True)
class WeightedPart:
    """One component's raw scores and the map onto the blend: weight * (score - low) / span.

    With `items` None, `values` covers the whole catalogue and every value is finite (evidence for
    every item). Otherwise `items` (sorted, unique) are the only items with evidence and `values` their
    raw scores.
    """

    weight: float
    values: np.ndarray
    low: np.floating[Any]
    span: np.floating[Any] | float
    items: np.ndarray | None = None

    def weighted(self, raw: np.ndarray) -> np.ndarray:
        # The same operations, in the same order and dtypes, as weight * rescaled(scores), with one
        # temporary instead of four.
        scaled = np.true_divide(raw - self.low, self.span).astype(np.float32, copy=False)
        scaled *= self.weight
        return scaled

    def at(self, items: np.ndarray) -> np.ndarray:
        """The weighted 0..1 part at these items; NaN where the component has no evidence."""
        if self.items is None:
            return self.weighted(self.values[items])
        positions = np.minimum(np.searchsorted(self.items, items), max(len(self.items) - 1, 0))
        found = self.items[positions] == items
        out = np.full(len(items), np.nan, dtype=np.float32)
        out[found] = self.weighted(self.values[positions[found]])
        return out


def weighted_part(weight: float, scores: np.ndarray) -> WeightedPart | None:
    """A dense score vector as a part; None when it has no finite score (no evidence at all)."""
    if not len(scores):
        return None
    low, high = scores.min(), scores.max()  # two fast reductions; -inf or NaN anywhere shows up here
    if np.isfinite(low) and np.isfinite(high):
        return WeightedPart(weight, scores, low, high - low if high > low else 1.0)
    items = np.flatnonzero(np.isfinite(scores))
    return sparse_weighted_part(weight, items, scores[items])


def sparse_weighted_part(weight: float, items: np.ndarray, values: np.ndarray) -> WeightedPart | None:
    """Scores known only at `items` (sorted, unique) as a part; None when there are none."""
    if not len(items):
        return None
    low, high = values.min(), values.max()
    return WeightedPart(weight, values, low, high - low if high > low else 1.0, items)


def blend_parts(parts: Sequence[WeightedPart], n_items: int) -> np.ndarray:
    """Sum of the parts' weighted 0..1 scores; -inf where no part has evidence."""
    if not parts:
        return np.full(n_items, -np.inf)
    total = np.zeros(n_items, dtype=np.float32)
    covered = any(part.items is None for part in parts)
    evidence = None if covered else np.zeros(n_items, dtype=bool)
    for part in parts:
        if part.items is None:
            total += part.weighted(part.values)
        else:
            total[part.items] += part.weighted(part.values)
            if evidence is not None:
                evidence[part.items] = True
    if evidence is not None:
        total[~evidence] = -np.inf
    return total
