"""Item-item collaborative filtering: cosine between item columns, kept to each item's top neighbours.

The similarity matrix is built block by block from the sparse product X^T X and truncated to
`neighbours` entries per item as it goes, so memory stays near n_items * neighbours; a dense
n_items x n_items matrix is never formed. An item's score for a user is the sum, over the user's liked
items, of weight * similarity to it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.engine.base import Recommender, UserProfile
from recommender.engine.data import InteractionData
from recommender.engine.reasons import Reason, because_you_liked


def top_n_per_row(block: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """Keep the n largest entries of each row (ties: lower column first), vectorised over the block."""
    block.sort_indices()
    counts = np.diff(block.indptr)
    rows = np.repeat(np.arange(block.shape[0]), counts)
    order = np.lexsort((block.indices, -block.data, rows))
    rank = np.arange(block.nnz) - np.repeat(block.indptr[:-1], counts)
    keep = order[rank < n]  # `order` is grouped by row, so rank counts places within each row
    kept_rows = rows[keep]
    return sp.csr_matrix(
        (block.data[keep], (kept_rows, block.indices[keep])), shape=block.shape, dtype=np.float32
    )


def cosine_neighbours(interactions: sp.csr_matrix, neighbours: int, block_items: int = 2048) -> sp.csr_matrix:
    """Item x item cosine similarities, each row truncated to its `neighbours` best, self excluded."""
    n_items = interactions.shape[1]
    norms = np.sqrt(np.asarray(interactions.multiply(interactions).sum(axis=0)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    normalised = sp.csr_matrix(interactions @ sp.diags(scale.astype(np.float32)), dtype=np.float32)
    by_item = normalised.T.tocsr()
    blocks = []
    for start in range(0, n_items, block_items):
        stop = min(start + block_items, n_items)
        block = _without_self(sp.csr_matrix(by_item[start:stop] @ normalised), start)
        blocks.append(top_n_per_row(block, neighbours))
    if not blocks:
        return sp.csr_matrix((0, 0), dtype=np.float32)
    return sp.csr_matrix(sp.vstack(blocks, format="csr"), dtype=np.float32)


def _without_self(block: sp.csr_matrix, offset: int) -> sp.csr_matrix:
    coo = block.tocoo()
    keep = (coo.row + offset != coo.col) & (coo.data > 0)
    return sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=block.shape)


class ItemKNNRecommender(Recommender):
    name = "item_knn"

    def __init__(self, neighbours: int = 50) -> None:
        super().__init__()
        self.neighbours = neighbours
        self.similarity = sp.csr_matrix((0, 0), dtype=np.float32)

    def _fit(self, data: InteractionData) -> None:
        self.similarity = cosine_neighbours(data.interactions, self.neighbours)

    def _score(self, profile: UserProfile) -> np.ndarray:
        n_items = self.data.n_items
        if not profile.n_likes:
            return np.full(n_items, -np.inf)
        rows = self.similarity[profile.liked]
        scores = np.asarray(rows.T @ profile.weights.astype(np.float32), dtype=np.float64).ravel()
        reached = np.zeros(n_items, dtype=bool)
        reached[rows.indices] = True
        scores[~reached] = -np.inf  # no liked item has this one among its neighbours: no evidence
        return scores

    def explain(self, profile: UserProfile, items: np.ndarray) -> list[Reason]:
        meta = self.data.meta
        if not len(items):
            return []
        # contributions[j, i]: how much liked item j adds to candidate i.
        contributions = (self.similarity[profile.liked][:, items]).toarray() * profile.weights[:, None]
        best = np.argmax(contributions, axis=0)
        return [because_you_liked(int(profile.liked[j]), meta) for j in best]
