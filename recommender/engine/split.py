"""Per-user holdout: a share of each user's interactions is hidden for testing.

`holdout_split` hides a seeded random share; `time_split` hides each user's latest interactions, as a
site meets them (train on the past, predict what comes next). A split the user provides (a data set's
own base/test files) is read by `recommender.engine.external.read_given_split`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Split:
    train: sp.csr_matrix
    test: sp.csr_matrix

    @property
    def test_users(self) -> np.ndarray:
        return np.flatnonzero(np.diff(self.test.indptr) > 0)

    def relevant(self, user: int) -> np.ndarray:
        return self.test[user].indices


def holdout_split(
    interactions: sp.csr_matrix, share: float = 0.2, min_interactions: int = 5, seed: int = 0
) -> Split:
    """Hold out floor(share * n), at least one, of the interactions of each user with n >= min_interactions.

    Users with fewer interactions stay whole in training: they still shape the model, but are too thin
    to test on. The same seed gives the same split.
    """
    matrix = sp.csr_matrix(interactions)
    matrix.sort_indices()
    return _hold_out_lowest(matrix, np.random.default_rng(seed).random(matrix.nnz), share, min_interactions)


def time_split(
    interactions: sp.csr_matrix, times: np.ndarray, share: float = 0.2, min_interactions: int = 5
) -> Split:
    """Hold out each user's latest floor(share * n), at least one, interactions (users with n >=
    min_interactions).

    `times` holds one timestamp (any increasing number, e.g. seconds) per stored interaction, in the
    order of `interactions.data` once its indices are sorted (as `InteractionData` keeps them). Of two
    interactions at the same time, the one with the higher item index counts as the later.
    """
    matrix = sp.csr_matrix(interactions)
    if not matrix.has_sorted_indices:
        raise ValueError("interactions must have sorted indices, as InteractionData keeps them")
    stamps = np.asarray(times, dtype=np.float64)
    if stamps.shape != (matrix.nnz,):
        raise ValueError(f"times must hold one timestamp per interaction ({matrix.nnz}), got {stamps.shape}")
    if not np.isfinite(stamps).all():
        raise ValueError("every interaction needs a timestamp for a time split")
    # Lowest key is held out first: the latest time, then the highest item index.
    latest_first = np.lexsort((-matrix.indices, -stamps))
    keys = np.empty(matrix.nnz)
    keys[latest_first] = np.arange(matrix.nnz)
    return _hold_out_lowest(matrix, keys, share, min_interactions)


def _hold_out_lowest(matrix: sp.csr_matrix, keys: np.ndarray, share: float, min_interactions: int) -> Split:
    """In each row with >= min_interactions entries, hold out the floor(share * n) (at least one) with
    the lowest keys."""
    if not 0.0 < share < 1.0:
        raise ValueError(f"holdout share must be between 0 and 1, got {share}")
    counts = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    order = np.lexsort((keys, rows))
    rank = np.empty(matrix.nnz, dtype=np.int64)
    rank[order] = np.arange(matrix.nnz) - matrix.indptr[rows[order]]
    n_held = np.where(counts >= min_interactions, np.maximum(1, np.floor(share * counts)), 0).astype(np.int64)
    held = rank < n_held[rows]
    return Split(train=_subset(matrix, rows, ~held), test=_subset(matrix, rows, held))


def _subset(matrix: sp.csr_matrix, rows: np.ndarray, keep: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix((matrix.data[keep], (rows[keep], matrix.indices[keep])), shape=matrix.shape)


def aligned_times(
    interactions: sp.csr_matrix, users: np.ndarray, items: np.ndarray, seconds: np.ndarray
) -> np.ndarray:
    """The latest of the given (user index, item index, seconds) events at each stored interaction, in
    `time_split`'s order (NaN where no event matches). Events outside the matrix are ignored."""
    matrix = sp.csr_matrix(interactions)
    matrix.sort_indices()
    n_items = matrix.shape[1]
    stored = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr)) * n_items
    stored += matrix.indices
    keys = np.asarray(users, dtype=np.int64) * n_items + np.asarray(items, dtype=np.int64)
    stamps = np.asarray(seconds, dtype=np.float64)
    order = np.lexsort((stamps, keys))  # by event key, the latest last
    keys, stamps = keys[order], stamps[order]
    positions = np.searchsorted(keys, stored, side="right") - 1
    found = positions >= 0
    found[found] = keys[positions[found]] == stored[found]
    times = np.full(matrix.nnz, np.nan)
    times[found] = stamps[positions[found]]
    return times
