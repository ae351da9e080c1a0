"""Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008), solved with conjugate gradient.

Every interaction r_ui gives a preference p_ui = 1 with confidence c_ui = 1 + alpha * r_ui; every other
cell is p = 0 with confidence 1. One half-step solves, for each user u,
    (Y^T Y + Y_u^T (C_u - I) Y_u + reg * I) x_u = Y_u^T C_u 1
and the other does the same for items. Y^T Y is shared by all users (the "YtY trick"), so the per-user
work is only over that user's interactions. Rather than forming and factorising a factors x factors
matrix per user (the closed form), a few conjugate-gradient steps warm-started from the previous
factors are enough (Takacs et al. 2011; the `implicit` library's CPU default does the same).

The work is done over chunks of consecutive rows: each chunk gathers the other side's factors for its
interactions once and reuses them in cache for every CG step. That keeps everything in numpy with no
Python loop per user.
"""

from __future__ import annotations

import itertools
from typing import Self

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from recommender.engine.base import Recommender, UserHistory
from recommender.engine.data import CatalogueVocabulary, InteractionData
from recommender.engine.reasons import Reason, ReasonEvidence, explain_picks


def chunk_bounds(indptr: np.ndarray, chunk_nnz: int) -> np.ndarray:
    """Row boundaries splitting a CSR matrix into runs of rows holding about chunk_nnz non-zeros each."""
    n_rows, nnz = len(indptr) - 1, int(indptr[-1])
    starts = np.searchsorted(indptr, np.arange(0, max(nnz, 1), chunk_nnz), side="right") - 1
    return np.unique(np.concatenate([[0], np.clip(starts, 0, n_rows), [n_rows]]))


def solve_side(
    confidence_extra: sp.csr_matrix,
    fixed: np.ndarray,
    current: np.ndarray,
    regularization: float,
    cg_steps: int,
    chunk_nnz: int = 8192,
) -> None:
    """Update `current` (rows x f) in place, given the other side's factors `fixed` (cols x f).

    confidence_extra holds c - 1 = alpha * r at each interaction.
    """
    n_factors = fixed.shape[1]
    gram = (fixed.T @ fixed + regularization * np.eye(n_factors)).astype(np.float32)
    indptr = confidence_extra.indptr
    bounds = chunk_bounds(indptr, chunk_nnz)
    for first, last in itertools.pairwise(bounds):
        start, stop = int(indptr[first]), int(indptr[last])
        local_indptr = indptr[first : last + 1] - start
        extra = confidence_extra.data[start:stop]
        gathered = fixed[confidence_extra.indices[start:stop]]
        current[first:last] = _conjugate_gradient(
            gram, gathered, extra, local_indptr, current[first:last], cg_steps
        )


def _conjugate_gradient(
    gram: np.ndarray,
    gathered: np.ndarray,
    extra: np.ndarray,
    local_indptr: np.ndarray,
    x: np.ndarray,
    steps: int,
) -> np.ndarray:
    n_rows, n_nnz = len(local_indptr) - 1, len(extra)
    counts = np.diff(local_indptr)
    columns = np.arange(n_nnz)

    def segment_sum(values: np.ndarray) -> np.ndarray:
        return sp.csr_matrix((values, columns, local_indptr), shape=(n_rows, n_nnz)) @ gathered

    def apply(v: np.ndarray) -> np.ndarray:
        dots = np.einsum("nf,nf->n", np.repeat(v, counts, axis=0), gathered)
        return np.asarray(v @ gram + segment_sum(extra * dots), dtype=np.float32)

    x = x.copy()
    residual = np.asarray(segment_sum(1.0 + extra), dtype=np.float32) - apply(x)
    direction = residual.copy()
    rs_old = np.einsum("nf,nf->n", residual, residual)
    for _ in range(steps):
        a_dir = apply(direction)
        step = rs_old / np.maximum(np.einsum("nf,nf->n", direction, a_dir), 1e-20)
        x += step[:, None] * direction
        residual -= step[:, None] * a_dir
        rs_new = np.einsum("nf,nf->n", residual, residual)
        direction = residual + (rs_new / np.maximum(rs_old, 1e-20))[:, None] * direction
        rs_old = rs_new
    return x


class ALSRecommender(Recommender):
    name = "als"

    def __init__(
        self,
        factors: int = 64,
        iterations: int = 15,
        regularization: float = 0.05,
        alpha: float = 10.0,
        cg_steps: int = 3,
        seed: int = 0,
        stored_factors: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """`stored_factors`: (user, item) factors of an earlier fit on the same data (a stored model),
        served instead of fitting again."""
        super().__init__()
        self.factors, self.iterations, self.cg_steps = factors, iterations, cg_steps
        self.regularization, self.alpha, self.seed = regularization, alpha, seed
        self.stored_factors = stored_factors
        # Public and settable: use_factors() sets all three at once.
        self.user_factors = np.zeros((0, factors), dtype=np.float32)
        self.item_factors = np.zeros((0, factors), dtype=np.float32)
        self.unit_item_factors: np.ndarray = self.item_factors
        self._gram = np.eye(factors, dtype=np.float32)
        self._gram_of: np.ndarray | None = None
        self.vocabulary = CatalogueVocabulary(idf={}, family_share={})

    def _fit(self, data: InteractionData) -> None:
        self.vocabulary = data.metadata.vocabulary
        stored = self.stored_factors
        if stored is not None and (len(stored[0]), len(stored[1])) == (data.n_users, data.n_items):
            self.use_factors(*stored)
            return
        rng = np.random.default_rng(self.seed)
        users = (rng.standard_normal((data.n_users, self.factors)) * 0.01).astype(np.float32)
        items = (rng.standard_normal((data.n_items, self.factors)) * 0.01).astype(np.float32)
        by_user = sp.csr_matrix(data.interactions * self.alpha, dtype=np.float32)
        by_item = sp.csr_matrix(by_user.T.tocsr(), dtype=np.float32)
        # The products here are small (a chunk x factors by factors x factors); BLAS threads only add
        # hand-off cost, and on a busy machine spinning threads made a fit five times slower.
        with threadpool_limits(limits=1, user_api="blas"):
            for _ in range(self.iterations):
                solve_side(by_user, items, users, self.regularization, self.cg_steps)
                solve_side(by_item, users, items, self.regularization, self.cg_steps)
        self.use_factors(users, items)

    def use_factors(self, user_factors: np.ndarray, item_factors: np.ndarray) -> Self:
        """Serve these factors (fitted here, or stored from an earlier fit) and what derives from them."""
        if user_factors.ndim != 2 or item_factors.ndim != 2 or user_factors.shape[1] != item_factors.shape[1]:
            raise ValueError(
                f"user and item factors must be 2-d with as many columns, got {user_factors.shape} and "
                f"{item_factors.shape}"
            )
        self.user_factors = np.ascontiguousarray(user_factors, dtype=np.float32)
        self.item_factors = np.ascontiguousarray(item_factors, dtype=np.float32)
        norms = np.linalg.norm(self.item_factors, axis=1, keepdims=True)
        self.unit_item_factors = (self.item_factors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return self  # the Gram matrix follows on first use (item_gram)

    @property
    def item_gram(self) -> np.ndarray:
        """Y^T Y + reg * I, for folding in new users: computed on the first fold-in and kept, rather
        than at every fit and load (8 ms at 100k items and 64 factors on one thread).

        Follows whatever item_factors holds now, so factors assigned directly never meet a Gram
        matrix left over from other factors.
        """
        if self._gram_of is not self.item_factors:
            self._refresh_gram()
        return self._gram

    def _refresh_gram(self) -> None:
        items = self.item_factors
        self._gram = items.T @ items + self.regularization * np.eye(items.shape[1], dtype=np.float32)
        self._gram_of = items

    def user_vector(self, history: UserHistory) -> np.ndarray:
        """The fitted factors, or for someone the model has not seen, the exact least-squares fold-in."""
        if history.user is not None:
            return self.user_factors[history.user]
        liked_factors = self.item_factors[history.liked]
        extra = self.alpha * history.weights
        lhs = self.item_gram + liked_factors.T @ (extra[:, None] * liked_factors)
        rhs = liked_factors.T @ (1.0 + extra)
        return np.linalg.solve(lhs, rhs).astype(np.float32)

    def _score(self, history: UserHistory) -> np.ndarray:
        if not history.n_likes:
            return np.full(self.data.n_items, -np.inf)
        return self.item_factors @ self.user_vector(history)

    def explain(self, history: UserHistory, items: np.ndarray) -> list[Reason]:
        # Latent factors are no evidence a person can check: cite what the pick shares with the likes,
        # or the people whose likes overlap theirs, never "because you liked" the nearest factor vector.
        evidence = ReasonEvidence(self.data.metadata, self.vocabulary, collaborative=True)
        return explain_picks(history.liked, items, evidence)
