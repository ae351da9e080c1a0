"""Maximal marginal relevance (Carbonell & Goldstein 1998): so one interest does not fill the page.

Items are picked one at a time, each maximising
    lambda * relevance - (1 - lambda) * (highest cosine similarity to an item already picked),
with relevance rescaled to 0..1 over the candidate pool so lambda means the same for every algorithm.

DEFAULT_LAMBDA = 0.7: relevance still leads (an item must be within 0.3 * similarity of the next best
to jump it), yet a near-duplicate of a picked item (similarity ~1) loses 0.3, enough to let the second
interest in after a few items. lambda = 1 keeps the relevance order; lambda = 0 is pure novelty.
"""

from __future__ import annotations

import numpy as np

DEFAULT_LAMBDA = 0.7


def mmr_order(
    relevance: np.ndarray, unit_vectors: np.ndarray, k: int, lambda_: float = DEFAULT_LAMBDA
) -> np.ndarray:
    """Positions (into the candidate pool) of the k picks, in order. Pool rows are unit-length vectors."""
    if not 0.0 <= lambda_ <= 1.0:
        raise ValueError(f"MMR lambda must be between 0 and 1, got {lambda_}")
    n = len(relevance)
    k = min(k, n)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    span = relevance.max() - relevance.min()
    scaled = (relevance - relevance.min()) / span if span > 0 else np.ones(n)
    similarity = unit_vectors @ unit_vectors.T
    closest = np.zeros(n)
    available = np.ones(n, dtype=bool)
    picks = []
    for _ in range(k):
        value = np.where(available, lambda_ * scaled - (1.0 - lambda_) * closest, -np.inf)
        pick = int(np.argmax(value))  # ties go to the earlier, i.e. more relevant, candidate
        picks.append(pick)
        available[pick] = False
        closest = np.maximum(closest, similarity[:, pick])
    return np.asarray(picks, dtype=np.int64)
