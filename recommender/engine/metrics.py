"""Ranking metrics for one recommended list against the held-out items, plus list-level measures.

Relevance is binary: an item is relevant when the user really interacted with it (or, for simulated
users, when it belongs to their hidden taste).
- precision@k = hits in the top k / k (a list shorter than k is not rewarded for being short);
- recall@k = hits in the top k / number of relevant items;
- NDCG@k = DCG / ideal DCG, DCG = sum over hits at rank r (1-based) of 1 / log2(r + 1);
- AP@k = sum over hits at rank r of precision@r, divided by min(number relevant, k); MAP is its mean;
- coverage = share of the catalogue that appears in at least one list;
- novelty = mean over recommended items of -log2 p(i), p(i) = (users who interacted + 1) / (users + 1),
  smoothed so an item nobody has touched gets a finite (high) value.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np


def _hits(recommended: Sequence[int], relevant: Collection[int], k: int) -> np.ndarray:
    relevant_set = set(relevant)
    return np.array([item in relevant_set for item in list(recommended)[:k]], dtype=np.float64)


def precision_at_k(recommended: Sequence[int], relevant: Collection[int], k: int) -> float:
    return float(_hits(recommended, relevant, k).sum() / k) if k > 0 else 0.0


def recall_at_k(recommended: Sequence[int], relevant: Collection[int], k: int) -> float:
    n_relevant = len(set(relevant))
    if n_relevant == 0:
        return 0.0
    return float(_hits(recommended, relevant, k).sum() / n_relevant)


def ndcg_at_k(recommended: Sequence[int], relevant: Collection[int], k: int) -> float:
    hits = _hits(recommended, relevant, k)
    n_ideal = min(len(set(relevant)), k)
    if n_ideal == 0:
        return 0.0
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    return float((hits * discounts[: len(hits)]).sum() / discounts[:n_ideal].sum())


def average_precision_at_k(recommended: Sequence[int], relevant: Collection[int], k: int) -> float:
    hits = _hits(recommended, relevant, k)
    n_ideal = min(len(set(relevant)), k)
    if n_ideal == 0:
        return 0.0
    precision_at_rank = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision_at_rank * hits).sum() / n_ideal)


def catalogue_coverage(lists: Iterable[Sequence[int]], n_items: int) -> float:
    if n_items == 0:
        return 0.0
    shown = {item for items in lists for item in items}
    return len(shown) / n_items


def novelty(lists: Iterable[Sequence[int]], interaction_counts: np.ndarray, n_users: int) -> float:
    items = [item for items in lists for item in items]
    if not items:
        return 0.0
    probability = (np.asarray(interaction_counts, dtype=np.float64)[items] + 1.0) / (n_users + 1.0)
    return float(np.mean(-np.log2(probability)))
