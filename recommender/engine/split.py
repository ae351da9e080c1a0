"""Seeded per-user holdout: a share of each user's interactions is hidden for testing."""

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
    if not 0.0 < share < 1.0:
        raise ValueError(f"holdout share must be between 0 and 1, got {share}")
    matrix = sp.csr_matrix(interactions)
    matrix.sort_indices()
    counts = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), counts)
    keys = np.random.default_rng(seed).random(matrix.nnz)
    order = np.lexsort((keys, rows))
    rank = np.empty(matrix.nnz, dtype=np.int64)
    rank[order] = np.arange(matrix.nnz) - matrix.indptr[rows[order]]
    n_held = np.where(counts >= min_interactions, np.maximum(1, np.floor(share * counts)), 0).astype(np.int64)
    held = rank < n_held[rows]
    return Split(train=_subset(matrix, rows, ~held), test=_subset(matrix, rows, held))


def _subset(matrix: sp.csr_matrix, rows: np.ndarray, keep: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix((matrix.data[keep], (rows[keep], matrix.indices[keep])), shape=matrix.shape)
