"""The plain data the engine works on: interactions, "not interested", item features and metadata.

Conventions:
- `interactions` is a CSR user-by-item matrix of positive implicit feedback. A value is a weight (a like
  is 1.0; a user tag might be 0.5); zero means "no interaction". Negative values are refused.
- "Not interested" is a separate CSR matrix `not_interested` of the same shape; any stored non-zero
  counts. Every algorithm leaves those items out of that user's recommendations, and the content
  recommender also pushes down items that look like them. Keeping it separate (rather than negative
  weights) keeps ALS and item-item cosine on the non-negative data they are defined for.
- `item_features` has one row per item: dense float32 or CSR (colour histogram, palette families,
  tags as TF-IDF, orientation and size one-hots, ...). `feature_groups` optionally names column ranges
  so an algorithm can weight them. A catalogue with no features has zero columns.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp

FeatureMatrix: TypeAlias = np.ndarray | sp.csr_matrix


@dataclass(frozen=True)
class IdMap:
    """External ids (database primary keys, CSV values) for each user and item index."""

    user_ids: Sequence[Hashable] = ()
    item_ids: Sequence[Hashable] = ()
    _user_index: dict[Hashable, int] = field(default_factory=dict, repr=False, compare=False)
    _item_index: dict[Hashable, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._user_index.update({uid: index for index, uid in enumerate(self.user_ids)})
        self._item_index.update({iid: index for index, iid in enumerate(self.item_ids)})
        if len(self._user_index) != len(self.user_ids) or len(self._item_index) != len(self.item_ids):
            raise ValueError("IdMap: external ids must be unique")

    def user_index(self, user_id: Hashable) -> int:
        return self._user_index[user_id]

    def item_index(self, item_id: Hashable) -> int:
        return self._item_index[item_id]

    def item_id(self, index: int) -> Hashable:
        return self.item_ids[index]


@dataclass(frozen=True)
class ItemMetadata:
    """What reasons are made of. Colour families are listed strongest first."""

    titles: Sequence[str] = ()
    tags: Sequence[Sequence[str]] = ()
    colour_families: Sequence[Sequence[str]] = ()

    @classmethod
    def untitled(cls, n_items: int) -> ItemMetadata:
        return cls(
            titles=[f"item {i}" for i in range(n_items)], tags=[()] * n_items, colour_families=[()] * n_items
        )

    @cached_property
    def vocabulary(self) -> CatalogueVocabulary:
        """This catalogue's tag and colour statistics, counted on first use and then shared by every
        component fitted on it (counting 100,000 photos' tags was a quarter second each time)."""
        return CatalogueVocabulary.of(self)

    def check(self, n_items: int) -> None:
        for name, values in (
            ("titles", self.titles),
            ("tags", self.tags),
            ("colour_families", self.colour_families),
        ):
            if len(values) != n_items:
                raise ValueError(f"ItemMetadata.{name} has {len(values)} entries for {n_items} items")


@dataclass(frozen=True)
class CatalogueVocabulary:
    """What makes a tag or colour telling: computed once per catalogue (ItemMetadata.vocabulary), not
    per request."""

    idf: Mapping[str, float]  # ln((1 + N) / (1 + images with the tag)): 0 for a tag on every image
    family_share: Mapping[str, float]  # share of the collection in each colour family
    unique_idf: float = math.inf  # the idf of a tag on one image only

    @classmethod
    def of(cls, metadata: ItemMetadata) -> CatalogueVocabulary:
        n_items = len(metadata.tags)
        counts = Counter(tag for tags in metadata.tags for tag in set(tags))
        families = Counter(family for found in metadata.colour_families for family in set(found))
        return cls(
            idf={tag: math.log((1 + n_items) / (1 + count)) for tag, count in counts.items()},
            family_share={family: count / max(n_items, 1) for family, count in families.items()},
            unique_idf=math.log((1 + n_items) / 2),
        )


@dataclass(frozen=True, init=False)
class InteractionData:
    """Interactions, "not interested" records, item features and metadata, each under one name.

    Only `interactions` is required; the others default to empty (no "not interested", zero feature
    columns, untitled items), so every attribute is always set and never None.
    """

    interactions: sp.csr_matrix
    item_features: FeatureMatrix
    metadata: ItemMetadata
    not_interested: sp.csr_matrix
    feature_groups: dict[str, slice]
    ids: IdMap | None

    def __init__(
        self,
        interactions: sp.csr_matrix,
        item_features: FeatureMatrix | None = None,
        metadata: ItemMetadata | None = None,
        not_interested: sp.csr_matrix | None = None,
        feature_groups: dict[str, slice] | None = None,
        ids: IdMap | None = None,
    ) -> None:
        matrix = sp.csr_matrix(interactions, dtype=np.float32)
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        if matrix.nnz and matrix.data.min() < 0:
            raise ValueError("interactions must be non-negative; put 'not interested' in not_interested")
        n_users, n_items = matrix.shape
        if not_interested is None:
            not_interested = sp.csr_matrix((n_users, n_items), dtype=np.float32)
        hidden = sp.csr_matrix(not_interested, dtype=np.float32)
        if hidden.shape != matrix.shape:
            raise ValueError(
                f"not_interested shape {hidden.shape} does not match interactions {matrix.shape}"
            )
        hidden.eliminate_zeros()
        metadata = metadata or ItemMetadata.untitled(n_items)
        metadata.check(n_items)
        # Frozen: fields are set once, here.
        object.__setattr__(self, "interactions", matrix)
        object.__setattr__(self, "item_features", _checked_features(item_features, n_items))
        object.__setattr__(self, "metadata", metadata)
        object.__setattr__(self, "not_interested", hidden)
        object.__setattr__(self, "feature_groups", dict(feature_groups or {}))
        object.__setattr__(self, "ids", ids)

    @property
    def n_users(self) -> int:
        return int(self.interactions.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.interactions.shape[1])

    def with_interactions(self, interactions: sp.csr_matrix) -> InteractionData:
        """The same catalogue with other interactions, e.g. the training part of a split."""
        return InteractionData(
            interactions=interactions,
            item_features=self.item_features,
            metadata=self.metadata,
            not_interested=self.not_interested,
            feature_groups=self.feature_groups,
            ids=self.ids,
        )


def _checked_features(features: FeatureMatrix | None, n_items: int) -> FeatureMatrix:
    if features is None:
        return np.zeros((n_items, 0), dtype=np.float32)
    checked: FeatureMatrix = (
        sp.csr_matrix(features, dtype=np.float32)
        if sp.issparse(features)
        else np.asarray(features, dtype=np.float32)
    )
    if checked.ndim != 2 or checked.shape[0] != n_items:
        raise ValueError(f"item_features must have one row per item ({n_items}), got shape {checked.shape}")
    return checked


def l2_normalise_rows(features: FeatureMatrix) -> FeatureMatrix:
    """Rows scaled to unit length, so a dot product is a cosine; all-zero rows stay zero."""
    if sp.issparse(features):
        # On the CSR arrays: scipy's multiply() and diagonal product took half a second at 100,000
        # photos (a stored model's load refits this).
        sparse = sp.csr_matrix(features, dtype=np.float32)
        if not sparse.has_canonical_format:
            sparse = sparse.copy()
            sparse.sum_duplicates()
        counts = np.diff(sparse.indptr)
        squared = np.zeros(sparse.shape[0], dtype=np.float32)
        if sparse.nnz:  # row sums as scipy's sum(axis=1) adds them; empty rows stay 0
            squared[counts > 0] = np.add.reduceat(sparse.data * sparse.data, sparse.indptr[:-1][counts > 0])
        scale = _inverse_norms(np.sqrt(squared))
        scaled = sparse.data * np.repeat(scale, counts)
        # The structure is the input's: shared, not copied (42 MB at 100,000 photos); neither changes it.
        return sp.csr_matrix((scaled, sparse.indices, sparse.indptr), shape=sparse.shape)
    dense = np.asarray(features, dtype=np.float32)
    return (dense * _inverse_norms(np.linalg.norm(dense, axis=1))[:, None]).astype(np.float32)


def _inverse_norms(norms: np.ndarray) -> np.ndarray:
    inverse = np.zeros_like(norms, dtype=np.float32)
    nonzero = norms > 0
    inverse[nonzero] = 1.0 / norms[nonzero]
    return inverse


def dense_rows(features: FeatureMatrix, rows: np.ndarray) -> np.ndarray:
    """Selected rows as a dense float32 array, whatever the storage."""
    picked = features[rows]
    if sp.issparse(picked):
        return np.asarray(picked.toarray(), dtype=np.float32)
    return np.asarray(picked, dtype=np.float32)
