"""Putting scores from different algorithms on one scale so they can be added."""

from __future__ import annotations

from collections.abc import Mapping

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


def blend(parts: Mapping[str, np.ndarray], n_items: int) -> np.ndarray:
    """Sum of weighted rescaled parts; an item no part has evidence for stays out (-inf)."""
    if not parts:
        return np.full(n_items, -np.inf)
    total = np.zeros(n_items, dtype=np.float32)
    evidence = np.zeros(n_items, dtype=bool)
    for part in parts.values():
        known = ~np.isnan(part)
        evidence |= known
        total += np.where(known, part, 0.0)
    total[~evidence] = -np.inf
    return total
