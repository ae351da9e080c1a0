"""The interface every algorithm shares, and the top-k selection they all use."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np
import scipy.sparse as sp

from recommender.engine.data import InteractionData
from recommender.engine.reasons import Reason


@dataclass(frozen=True)
class Recommendation:
    item: int
    score: float
    reason: Reason


@dataclass(frozen=True)
class UserHistory:
    """One person's history in the engine: liked items with weights, "not interested" items, their row if fitted.

    Not `profiles.models.UserProfile` (the site's privacy settings) nor a taste profile.
    """

    liked: np.ndarray
    weights: np.ndarray
    not_interested: np.ndarray
    user: int | None = None

    @property
    def n_likes(self) -> int:
        return len(self.liked)


def history_of(data: InteractionData, user: int) -> UserHistory:
    if not 0 <= user < data.n_users:
        raise ValueError(f"unknown user index {user} (the model knows {data.n_users} users)")
    # Read straight from the CSR arrays: scipy's row indexing builds a 1-row matrix, slower than the rest.
    liked, weights = csr_row(data.interactions, user)
    not_interested, _ = csr_row(data.not_interested, user)
    return UserHistory(
        liked=liked.astype(np.int64),
        weights=weights.astype(np.float32),
        not_interested=not_interested.astype(np.int64),
        user=user,
    )


def csr_row(matrix: sp.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    """(column indices, values) of one row, in stored order (views, not copies)."""
    start, stop = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:stop], matrix.data[start:stop]


def history_from_likes(
    liked_items: Sequence[int], n_items: int, not_interested_items: Sequence[int] = ()
) -> UserHistory:
    liked = np.unique(np.asarray(liked_items, dtype=np.int64))
    not_interested = np.unique(np.asarray(not_interested_items, dtype=np.int64))
    for name, items in (("liked", liked), ("not interested", not_interested)):
        if len(items) and (items.min() < 0 or items.max() >= n_items):
            raise ValueError(f"{name} items must be indices below {n_items}")
    return UserHistory(
        liked=liked, weights=np.ones(len(liked), dtype=np.float32), not_interested=not_interested
    )


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest finite scores, best first; ties go to the lower index."""
    if k <= 0 or not len(scores):
        return np.empty(0, dtype=np.int64)
    candidates = _above_sampled_threshold(scores, k)
    if candidates is None:
        candidates = np.flatnonzero(np.isfinite(scores))
    if len(candidates) > k:
        # argpartition alone would pick any of the items tied with the k-th; take the lowest indices.
        values = scores[candidates]
        kth = np.partition(values, len(values) - k)[len(values) - k]
        better = candidates[values > kth]
        tied = candidates[values == kth][: k - len(better)]  # candidates are in index order
        candidates = np.concatenate([better, tied])
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order]


SAMPLE_STRIDE = 32


def _above_sampled_threshold(scores: np.ndarray, k: int) -> np.ndarray | None:
    """The items scoring at least a threshold that about 4k items reach, or None to look at them all.

    Partitioning 100k scores costs a millisecond; a threshold read off every 32nd score and one
    comparison pass cost a twentieth of that. Exact: whenever k or more items reach the threshold,
    the k best (and every item tied with the k-th) are among them.
    """
    n = len(scores)
    if n < 64 * k:
        return None
    sample = scores[::SAMPLE_STRIDE]
    rank = min(len(sample), 4 * k // SAMPLE_STRIDE + 2)
    threshold = np.partition(sample, len(sample) - rank)[len(sample) - rank]
    if not np.isfinite(threshold):
        return None
    candidates = np.flatnonzero(scores >= threshold)
    candidates = candidates[np.isfinite(scores[candidates])]  # +inf is no score either
    return candidates if len(candidates) >= k else None


class Recommender(ABC):
    """fit(data) -> self; recommend(user, k) -> Recommendations, best first, each with a reason.

    `scores(history)` gives one float per item, -inf where the algorithm has no evidence at all; the
    hybrid blends these. Disliked items are never recommended; liked ones only when exclude_seen=False.
    """

    name: ClassVar[str] = "base"
    # True when evidence reaches only a few items (item-item): the hybrid then asks for evidence(history)
    # and blends those items alone instead of a mostly -inf array over the whole catalogue.
    sparse_evidence: ClassVar[bool] = False

    def __init__(self) -> None:
        self._data: InteractionData | None = None

    @property
    def is_active(self) -> bool:
        """False for a component that left itself out at fit time (EASE over its item limit)."""
        return True

    @property
    def data(self) -> InteractionData:
        if self._data is None:
            raise RuntimeError(f"{type(self).__name__} is not fitted: call fit(data) first")
        return self._data

    def fit(self, data: InteractionData) -> Self:
        self._fit(data)
        self._data = data
        return self

    def history(self, user: int) -> UserHistory:
        return history_of(self.data, user)

    def scores(self, history: UserHistory) -> np.ndarray:
        if self.data.n_items == 0:
            return np.empty(0, dtype=np.float32)
        return np.asarray(self._score(history))

    def evidence(self, history: UserHistory) -> tuple[np.ndarray, np.ndarray]:
        """(items, scores) for the items with a finite score, items sorted."""
        scores = self.scores(history)
        items = np.flatnonzero(np.isfinite(scores))
        return items, scores[items]

    def recommend(self, user: int, k: int = 10, exclude_seen: bool = True) -> list[Recommendation]:
        return self.rank(self.history(user), k, exclude_seen=exclude_seen)

    def recommend_for_likes(
        self, liked_items: Sequence[int], k: int = 10, not_interested_items: Sequence[int] = ()
    ) -> list[Recommendation]:
        """For someone the fitted matrix does not know (a new user, or likes since the last rebuild)."""
        history = history_from_likes(liked_items, self.data.n_items, not_interested_items)
        return self.rank(history, k, exclude_seen=True)

    def rank(self, history: UserHistory, k: int, exclude_seen: bool = True) -> list[Recommendation]:
        if k < 0:
            raise ValueError(f"k must be zero or more, got {k}")
        scores = self.masked_scores(history, exclude_seen)
        items = top_k(scores, k)
        return self.package(history, items, scores)

    def masked_scores(self, history: UserHistory, exclude_seen: bool) -> np.ndarray:
        scores = self.scores(history).copy()
        scores[history.not_interested] = -np.inf
        if exclude_seen:
            scores[history.liked] = -np.inf
        return scores

    def package(self, history: UserHistory, items: np.ndarray, scores: np.ndarray) -> list[Recommendation]:
        reasons = self.explain(history, items)
        return [
            Recommendation(item=int(item), score=float(scores[item]), reason=reason)
            for item, reason in zip(items, reasons, strict=True)
        ]

    @abstractmethod
    def _fit(self, data: InteractionData) -> None: ...

    @abstractmethod
    def _score(self, history: UserHistory) -> np.ndarray: ...

    @abstractmethod
    def explain(self, history: UserHistory, items: np.ndarray) -> list[Reason]: ...
