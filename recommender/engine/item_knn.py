"""Item-item collaborative filtering: cosine between item columns, kept to each item's top neighbours.

The similarity matrix is built block by block from the sparse product X^T X and truncated to
`neighbours` entries per item as it goes, so memory stays near n_items * neighbours; a dense
n_items x n_items matrix is never formed. An item's score for a user is the sum, over the user's liked
items, of weight * similarity to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommender.engine.base import Recommender, UserHistory
from recommender.engine.data import CatalogueVocabulary, InteractionData
from recommender.engine.reasons import Reason, ReasonEvidence, explain_picks


def top_n_per_row(block: sp.csr_matrix, n: int, first_item: int) -> sp.csr_matrix:
    """Keep the n largest positive entries of each row of a block of rows of X^T X, dropping the diagonal.

    A loop with argpartition per row beats a vectorised sort of the whole block: rows hold hundreds to
    thousands of entries, and sorting them all costs far more than partitioning each.
    """
    indptr, data, indices = block.indptr, block.data, block.indices
    keep = []
    for row in range(block.shape[0]):
        start, stop = indptr[row], indptr[row + 1]
        values = np.where(indices[start:stop] == first_item + row, -np.inf, data[start:stop])
        positions = (
            np.flatnonzero(values > 0) if stop - start <= n + 1 else np.argpartition(-values, n)[: n + 1]
        )
        positions = positions[values[positions] > 0]
        if len(positions) > n:
            positions = positions[np.argsort(-values[positions], kind="stable")[:n]]
        keep.append(start + positions)
    kept = np.concatenate(keep) if keep else np.empty(0, dtype=np.int64)
    rows = np.repeat(np.arange(block.shape[0]), np.diff(indptr))[kept]
    return sp.csr_matrix((data[kept], (rows, indices[kept])), shape=block.shape, dtype=np.float32)


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
        block = sp.csr_matrix(by_item[start:stop] @ normalised)
        blocks.append(top_n_per_row(block, neighbours, start))
    if not blocks:
        return sp.csr_matrix((0, 0), dtype=np.float32)
    return sp.csr_matrix(sp.vstack(blocks, format="csr"), dtype=np.float32)


@dataclass(frozen=True)
class NeighbourEntries:
    """The stored entries of some rows of the similarity matrix, row after row."""

    items: np.ndarray  # the neighbour of each entry
    similarities: np.ndarray
    counts: np.ndarray  # how many entries each row gave


def neighbour_entries(similarity: sp.csr_matrix, rows: np.ndarray) -> NeighbourEntries:
    """Gathered straight from the CSR arrays: scipy's row indexing builds a sub-matrix and costs more
    than the arithmetic that follows."""
    starts = similarity.indptr[rows]
    counts = similarity.indptr[rows + 1] - starts
    offsets = np.cumsum(counts) - counts
    positions = np.arange(int(counts.sum())) + np.repeat(starts - offsets, counts)
    return NeighbourEntries(similarity.indices[positions], similarity.data[positions], counts)


class ItemKNNRecommender(Recommender):
    name = "item_knn"
    sparse_evidence = True

    def __init__(self, neighbours: int = 50, similarity: sp.csr_matrix | None = None) -> None:
        """`similarity`: neighbours computed by an earlier fit on the same data (a stored model), used
        instead of computing them again, which is most of loading a large model."""
        super().__init__()
        self.neighbours = neighbours
        self.stored_similarity = similarity
        self.similarity = sp.csr_matrix((0, 0), dtype=np.float32)
        self.vocabulary = CatalogueVocabulary(idf={}, family_share={})

    def _fit(self, data: InteractionData) -> None:
        stored = self.stored_similarity
        if stored is not None and stored.shape == (data.n_items, data.n_items):
            self.similarity = stored
        else:
            self.similarity = cosine_neighbours(data.interactions, self.neighbours)
        self.vocabulary = data.metadata.vocabulary

    def _score(self, history: UserHistory) -> np.ndarray:
        scores = np.full(self.data.n_items, -np.inf, dtype=np.float32)
        items, values = self.evidence(history)
        scores[items] = values  # the rest: no liked item has them among its neighbours, no evidence
        return scores

    def evidence(self, history: UserHistory) -> tuple[np.ndarray, np.ndarray]:
        """The items among the likes' neighbours, sorted, with the weighted sum of their similarities."""
        if not history.n_likes or not self.data.n_items:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        neighbours = neighbour_entries(self.similarity, history.liked)
        contributions = neighbours.similarities * np.repeat(
            history.weights.astype(np.float32), neighbours.counts
        )
        n_items = self.data.n_items
        if len(neighbours.items) > n_items // 16:  # a heavy user: one pass over the catalogue beats a sort
            sums = np.bincount(neighbours.items, weights=contributions, minlength=n_items)
            items = np.flatnonzero(np.bincount(neighbours.items, minlength=n_items))
            return items, sums[items].astype(np.float32)
        items, inverse = np.unique(neighbours.items, return_inverse=True)
        return items, np.bincount(inverse, weights=contributions, minlength=len(items)).astype(np.float32)

    def explain(self, history: UserHistory, items: np.ndarray) -> list[Reason]:
        evidence = ReasonEvidence(self.data.metadata, self.vocabulary, co_likes=self.similarity)
        return explain_picks(history.liked, items, evidence)
