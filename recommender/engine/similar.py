"""Similar items: each item's nearest items on the content vectors, the "Similar photos" of a photo's
page and of the API. Pure numpy/scipy; no Django.

The similarity of a candidate to the query is the dot product of the candidate's unit vector with
the query's unit vector scaled column by column (`scale`: the caller's emphasis on some feature
groups); only candidates with a similarity above 0 count, and the query itself never does.

`most_similar` computes it exactly for a few queries, a product with every item's vector: its cost
grows with the catalogue (8-14 ms of CPU per photo at 100,000 photos). `nearest_neighbours` runs
it for every item once, when a model is built, in blocks of queries, so that serving is a look-up
in `SimilarItems` whatever the catalogue's size. Both pick with `top_k`, so the stored neighbours
are the ones the product gives, in the same order (ties to the lower index); only the products'
float32 rounding may differ between one query and a block of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.engine.base import top_k
from recommender.engine.data import FeatureMatrix, dense_rows
from recommender.engine.products import CatalogueProduct

# Queries per product when computing every item's neighbours: 512 x 100,000 float32 products are
# 200 MB, and larger blocks multiply no faster.
QUERIES_PER_BLOCK = 512
# ... against the items' vectors with the columns used by 1% of the items kept dense, not 25% as for
# a request's product: the tag columns in between made the block's sparse product most of its cost
# (at 100,000 photos, 1.24 -> 0.40 s of CPU per block; 277 dense columns instead of 169, 111 MB).
BLOCK_DENSE_SHARE = 0.01
NO_NEIGHBOUR = -1  # pads a row of SimilarItems.neighbours after its last neighbour


@dataclass(frozen=True)
class SimilarItems:
    """Each item's most similar items, best first: row i holds item i's, padded with NO_NEIGHBOUR
    where fewer items than the width have a similarity above 0."""

    neighbours: np.ndarray  # n_items x width, int32

    @property
    def n_items(self) -> int:
        return int(self.neighbours.shape[0])

    @property
    def width(self) -> int:
        return int(self.neighbours.shape[1])

    def of(self, item: int, count: int) -> np.ndarray:
        """The item's `count` most similar items (fewer when fewer have a similarity above 0)."""
        if count > self.width:
            raise ValueError(f"{count} neighbours asked for, {self.width} stored")
        row = self.neighbours[item, :count]
        return row[row != NO_NEIGHBOUR].astype(np.int64)


def queries(vectors: FeatureMatrix, items: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """The items' vectors as queries: dense, each column times its `scale`."""
    return dense_rows(vectors, items) * scale


def most_similar(
    product: CatalogueProduct, vectors: FeatureMatrix, items: np.ndarray, scale: np.ndarray, count: int
) -> list[np.ndarray]:
    """For each of `items`, its `count` most similar items, best first, by the exact product."""
    similarity = product.times_rows(queries(vectors, items, scale))
    picked = []
    for row, item in zip(similarity, items, strict=True):
        row[item] = -np.inf
        best = top_k(row, count)
        picked.append(best[row[best] > 0])
    return picked


def nearest_neighbours(vectors: FeatureMatrix, scale: np.ndarray, width: int) -> SimilarItems:
    """Every item's `width` most similar items, as `most_similar` gives them, block by block.

    A product of every item with every item: 100,000 x 100,000 x 277 columns at 100,000 photos, about
    75 s of CPU (see bench/README.md, issue 16).
    """
    n_items = vectors.shape[0]
    product = CatalogueProduct.of(vectors, dense_share=BLOCK_DENSE_SHARE)
    neighbours = np.full((n_items, width), NO_NEIGHBOUR, dtype=np.int32)
    for start in range(0, n_items, QUERIES_PER_BLOCK):
        items = np.arange(start, min(start + QUERIES_PER_BLOCK, n_items))
        for item, best in zip(items, most_similar(product, vectors, items, scale, width), strict=True):
            neighbours[item, : len(best)] = best
    return SimilarItems(neighbours)
