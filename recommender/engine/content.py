"""Content-based: each item scored by its cosine to the closest of the person's interests.

The interests are the site's one taste model (`recommender.engine.interests.find_interests`, also
shown on /me/), computed on this component's unit item vectors.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from recommender.engine.base import Recommender, UserHistory
from recommender.engine.data import (
    CatalogueVocabulary,
    FeatureMatrix,
    InteractionData,
    dense_rows,
    l2_normalise_rows,
)
from recommender.engine.interests import Interest, find_interests
from recommender.engine.products import CatalogueProduct
from recommender.engine.reasons import Reason, ReasonEvidence, explain_picks
from recommender.engine.similar import SimilarItems


def weighted_features(
    features: FeatureMatrix, groups: Mapping[str, slice], weights: Mapping[str, float]
) -> FeatureMatrix:
    """Scale named column groups, e.g. to let tags count twice as much as the colour histogram."""
    if not weights:
        return features
    scale = np.ones(features.shape[1], dtype=np.float32)
    for name, weight in weights.items():
        if name not in groups:
            raise ValueError(f"unknown feature group {name!r}; known: {sorted(groups)}")
        scale[groups[name]] = weight
    if sp.issparse(features):
        return sp.csr_matrix(features @ sp.diags(scale), dtype=np.float32)
    return features * scale


class ContentRecommender(Recommender):
    name = "content"

    def __init__(
        self,
        not_interested_penalty: float = 0.5,
        group_weights: Mapping[str, float] | None = None,
        similar: SimilarItems | None = None,
    ) -> None:
        """`similar`: each item's similar items, computed when the model was built
        (`similar.nearest_neighbours` on these vectors) and stored with it; kept only for a
        catalogue of as many items."""
        super().__init__()
        self.not_interested_penalty = not_interested_penalty
        self.group_weights = dict(group_weights or {})
        self.stored_similar = similar
        self.similar: SimilarItems | None = None
        self.vectors: FeatureMatrix = np.zeros((0, 0), dtype=np.float32)
        self.product = CatalogueProduct.of(self.vectors)  # the same vectors, laid out for products
        self.vocabulary = CatalogueVocabulary(idf={}, family_share={})
        # The last history's interests: a request asks for them for its scores and again for its
        # reasons. One slot, replaced as a whole, so concurrent requests never see another's.
        self._last_interests: tuple[UserHistory, list[Interest]] | None = None

    def _fit(self, data: InteractionData) -> None:
        weighted = weighted_features(data.item_features, data.feature_groups, self.group_weights)
        self.vectors = l2_normalise_rows(weighted)
        self.product = CatalogueProduct.of(self.vectors)
        self.vocabulary = data.metadata.vocabulary
        stored = self.stored_similar
        self.similar = stored if stored is not None and stored.n_items == data.n_items else None
        self._last_interests = None

    def interests(self, history: UserHistory) -> list[Interest]:
        """The person's interests (largest first), from their likes and this catalogue's vectors."""
        last = self._last_interests
        if last is not None and last[0] is history:
            return last[1]
        found = (
            find_interests(
                dense_rows(self.vectors, history.liked),
                history.liked,
                history.weights,
                self.data.metadata,
                self.vocabulary,
            )
            if history.n_likes and self.vectors.shape[1]
            else []
        )
        self._last_interests = (history, found)
        return found

    def _score(self, history: UserHistory) -> np.ndarray:
        n_items = self.data.n_items
        interests = self.interests(history)
        if not interests:
            return np.full(n_items, -np.inf)  # no likes (or featureless ones): no evidence about anything
        centroids = np.stack([interest.centroid for interest in interests])
        penalised = len(history.not_interested) and self.not_interested_penalty
        if not penalised:
            return self._best_match(self.product.times(centroids))
        # One pass over the catalogue for the interests and the "not interested" photos together.
        products = self.product.times(
            np.vstack([centroids, dense_rows(self.vectors, history.not_interested)])
        )
        scores = self._best_match(products[:, : len(centroids)])
        closeness = self._best_match(products[:, len(centroids) :])
        scores -= self.not_interested_penalty * np.clip(closeness, 0.0, None)
        return scores

    @staticmethod
    def _best_match(products: np.ndarray) -> np.ndarray:
        """Each item's highest product (row maximum) over a few target columns."""
        # A running maximum over the few columns: 3x faster than .max(axis=1) along rows of length 3.
        best = products[:, 0].copy()
        for column in range(1, products.shape[1]):
            np.maximum(best, products[:, column], out=best)
        return best

    def reason_evidence(self, history: UserHistory) -> ReasonEvidence:
        return ReasonEvidence(
            metadata=self.data.metadata,
            vocabulary=self.vocabulary,
            vectors=self.vectors,
            interests=self.interests(history),
        )

    def explain(self, history: UserHistory, items: np.ndarray) -> list[Reason]:
        return explain_picks(history.liked, items, self.reason_evidence(history))
