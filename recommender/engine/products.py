"""Products of the whole catalogue's item vectors with a few target vectors, the per-request cost of
content scores and similar photos. Pure numpy/scipy; no Django.

The site's item vectors are mostly a dense block (colour histogram, visual components, palette,
orientation and size: on nearly every photo) beside a wide, nearly empty block of tag columns.
Stored as one CSR matrix, a product walks every stored value with its column index; at 100,000
photos that was 26 ms per request. `CatalogueProduct` keeps the columns most items use as a dense
float32 array, which BLAS multiplies at memory speed (one pass for all targets), and the rest as
CSR. It holds a copy of the dense columns: n_items x dense columns x 4 bytes (about 75 MB at
100,000 photos with the site's features), beside the CSR matrix the rest of the engine reads rows from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommender.engine.data import FeatureMatrix

# A column goes in the dense block when at least this share of items have a value in it. Per stored
# value CSR costs 8 bytes (value and column index) and a scattered read; dense, 4 bytes in a row.
DENSE_COLUMN_SHARE = 0.25
ROWS_PER_BLOCK = 8192
# Up to this many targets, `times_rows` transposes `times`: scipy's sparse times sparse product
# transposes the catalogue's tag columns on each call (14.5 ms of CPU for one photo's similar photos
# at 100,000 photos, against 8.3 ms by `times`), which pays off only over a block of targets.
FEW_TARGETS = 8


@dataclass(frozen=True)
class CatalogueProduct:
    dense_columns: np.ndarray  # column indices of the dense block
    dense: np.ndarray  # n_items x len(dense_columns), float32
    sparse_columns: np.ndarray
    sparse: sp.csr_matrix  # n_items x len(sparse_columns)

    @classmethod
    def of(cls, vectors: FeatureMatrix, *, dense_share: float = DENSE_COLUMN_SHARE) -> CatalogueProduct:
        """The vectors laid out for products: the columns at least `dense_share` of the items use dense."""
        if not sp.issparse(vectors):
            dense = np.asarray(vectors, dtype=np.float32)
            columns = np.arange(dense.shape[1])
            empty = sp.csr_matrix((dense.shape[0], 0), dtype=np.float32)
            return cls(columns, dense, np.empty(0, dtype=np.int64), empty)
        matrix = sp.csr_matrix(vectors, dtype=np.float32)
        n_items, n_columns = matrix.shape
        used = np.bincount(matrix.indices, minlength=n_columns)
        is_dense = used >= dense_share * max(n_items, 1)
        dense_columns, sparse_columns = np.flatnonzero(is_dense), np.flatnonzero(~is_dense)
        dense = np.empty((n_items, len(dense_columns)), dtype=np.float32)
        for start in range(0, n_items, ROWS_PER_BLOCK):  # a block at a time: no full-size temporaries
            stop = min(start + ROWS_PER_BLOCK, n_items)
            dense[start:stop] = matrix[start:stop][:, dense_columns].toarray()
        sparse = sp.csr_matrix(matrix[:, sparse_columns], dtype=np.float32)
        return cls(dense_columns, dense, sparse_columns, sparse)

    def times(self, targets: np.ndarray) -> np.ndarray:
        """vectors @ targets.T: one column per target row, one row per item (float32)."""
        targets = np.asarray(targets, dtype=np.float32)
        products = self.dense @ np.ascontiguousarray(targets[:, self.dense_columns].T)
        if len(self.sparse_columns) and self.sparse.nnz:
            products += np.asarray(self.sparse @ targets[:, self.sparse_columns].T, dtype=np.float32)
        return products

    def times_rows(self, targets: np.ndarray) -> np.ndarray:
        """targets @ vectors.T: one row per target, one column per item (float32, a row per target
        in contiguous memory, as a per-target `top_k` reads it)."""
        targets = np.asarray(targets, dtype=np.float32)
        if len(targets) <= FEW_TARGETS:
            return np.ascontiguousarray(self.times(targets).T)
        products = np.ascontiguousarray(targets[:, self.dense_columns]) @ self.dense.T
        if len(self.sparse_columns) and self.sparse.nnz:
            # Sparse times sparse: a target has a few tags, each on a few items, so the tag columns'
            # product is mostly zeros for a block of targets (not so for one: see FEW_TARGETS).
            extra = sp.coo_matrix(self.sparse @ sp.csr_matrix(targets[:, self.sparse_columns]).T)
            products[extra.col, extra.row] += extra.data
        return products
