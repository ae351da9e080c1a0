"""EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): a closed-form item-item model.

With X the user-by-item matrix and lambda the L2 regularization,

    P = (X^T X + lambda I)^-1,    B = I - P diagMat(1 / diag(P)),  i.e.  B_ij = -P_ij / P_jj,  B_jj = 0,

and a person's scores are x_u B: each liked item j adds its row B_j (times the like's weight). Unlike
item-item cosine, B is learnt jointly, so two items that always come together do not both get the
credit for a third; it tops most reproducibility studies of top-N recommendation.

**Memory and the item limit.** B is a dense items x items float32 matrix: n^2 x 4 bytes (1,000 items:
4 MB; 5,000: 100 MB; 100,000: 40 GB). It is built in place (the Gram matrix, its Cholesky factor, the
inverse and B share one buffer), so fitting peaks near that size plus one block of the sparse product,
and each process serving the model holds it once (the web processes refit it when they load a new
model). Inverting costs about n^3 flops: 0.4 s at 2,000 items, 2.7 s at 4,000 and about 5 s at 5,000
on one core of the shared benchmark machine. Above `EASE_MAX_ITEMS` items the component is left out
(`is_active` is False, it has evidence for nothing, tuning gives it weight 0) and the hybrid runs on
its other components (content, item-item cosine, ALS, popularity), which stay within n x neighbours
or n x factors memory.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

from recommender.engine.base import Recommender, UserHistory
from recommender.engine.data import InteractionData
from recommender.engine.reasons import Reason, because_you_liked

# Catalogues with more items than this run without EASE: its matrix would take more than
# EASE_MAX_ITEMS^2 x 4 bytes = 100 MB per process, and the inversion more than ~5 s per fit.
EASE_MAX_ITEMS = 5_000
# Steck's lambda is in units of co-occurrence counts: large against X^T X's diagonal (how many people
# liked an item) it shrinks every weight. 250 was best on MovieLens-100k (NDCG@10 0.316 against 0.309
# at 100 and 0.304 at 1000); on the demo site (104 photos, about 11 likes each) 25 was best (0.358
# against 0.328 at 250). Tuning tries both (hybrid.default_alternatives) and keeps the better.
DEFAULT_REGULARIZATION = 250.0
SMALL_COLLECTION_REGULARIZATION = 25.0
_GRAM_BLOCK = 1024  # columns of X^T X computed at a time, so the sparse product never holds it all


def ease_memory_bytes(n_items: int) -> int:
    """What B costs in memory: n_items^2 float32 values."""
    return n_items * n_items * 4


def dense_gram(interactions: sp.csr_matrix) -> np.ndarray:
    """X^T X as a dense float32 array, built a block of columns at a time."""
    n_items = interactions.shape[1]
    by_item = sp.csr_matrix(interactions.T.tocsr(), dtype=np.float32)
    by_user = sp.csc_matrix(interactions, dtype=np.float32)
    gram = np.zeros((n_items, n_items), dtype=np.float32)
    for start in range(0, n_items, _GRAM_BLOCK):
        stop = min(start + _GRAM_BLOCK, n_items)
        block = by_item @ by_user[:, start:stop]
        gram[:, start:stop] = block.toarray()
    return gram


def ease_weights(interactions: sp.csr_matrix, regularization: float = DEFAULT_REGULARIZATION) -> np.ndarray:
    """B (items x items, float32, zero diagonal) from the closed form above, in one n x n buffer."""
    if regularization <= 0:
        raise ValueError(f"EASE regularization must be positive, got {regularization}")
    matrix = dense_gram(interactions)
    matrix[np.diag_indices_from(matrix)] += regularization
    _invert_symmetric_in_place(matrix)
    diagonal = matrix.diagonal().copy()
    matrix /= -diagonal[None, :]
    np.fill_diagonal(matrix, 0.0)
    return matrix


def _invert_symmetric_in_place(matrix: np.ndarray) -> None:
    """Invert a symmetric positive definite C-ordered float32 matrix with LAPACK's potrf/potri.

    The transpose of a C-ordered matrix is a Fortran-ordered view of the same (symmetric) values, so
    LAPACK works on our buffer without a copy; it fills one triangle, mirrored here block by block.
    """
    if not len(matrix):
        return
    fortran = matrix.T
    factor, info = lapack.spotrf(fortran, lower=0, clean=0, overwrite_a=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"X^T X + lambda I is not positive definite (potrf info {info})")
    inverse, info = lapack.spotri(factor, lower=0, overwrite_c=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"could not invert X^T X + lambda I (potri info {info})")
    if not np.shares_memory(inverse, matrix):  # LAPACK copied after all: take its result
        matrix[...] = inverse.T
    # Fortran upper triangle = C lower triangle: copy it onto the upper one.
    n = len(matrix)
    for start in range(0, n, _GRAM_BLOCK):
        stop = min(start + _GRAM_BLOCK, n)
        matrix[start:stop, stop:] = matrix[stop:, start:stop].T
        block = matrix[start:stop, start:stop]
        block[...] = np.tril(block) + np.tril(block, -1).T


class EaseRecommender(Recommender):
    name = "ease"

    def __init__(
        self, regularization: float = DEFAULT_REGULARIZATION, max_items: int = EASE_MAX_ITEMS
    ) -> None:
        super().__init__()
        self.regularization = regularization
        self.max_items = max_items
        self.weights_matrix = np.zeros((0, 0), dtype=np.float32)

    @property
    def is_active(self) -> bool:
        """False when the catalogue was over max_items at fit time: the component then scores nothing."""
        return self._data is not None and self.weights_matrix.shape[0] == self.data.n_items

    def _fit(self, data: InteractionData) -> None:
        if data.n_items > self.max_items:
            self.weights_matrix = np.zeros((0, 0), dtype=np.float32)
            return
        self.weights_matrix = ease_weights(data.interactions, self.regularization)

    def _score(self, history: UserHistory) -> np.ndarray:
        if not history.n_likes or not self.is_active:
            return np.full(self.data.n_items, -np.inf, dtype=np.float32)
        return np.asarray(history.weights @ self.weights_matrix[history.liked], dtype=np.float32)

    def explain(self, history: UserHistory, items: np.ndarray) -> list[Reason]:
        if not len(items):
            return []
        # contributions[j, i]: what liked item j adds to candidate i.
        contributions = self.weights_matrix[np.ix_(history.liked, items)] * history.weights[:, None]
        best = np.argmax(contributions, axis=0)
        return [because_you_liked(int(history.liked[j])) for j in best]
