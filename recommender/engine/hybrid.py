"""The hybrid: content, item-item, ALS, EASE and popularity scores, each rescaled to 0..1, blended by weights.

EASE takes part up to its item limit (ease.py: EASE_MAX_ITEMS, n^2 x 4 bytes); above it, it leaves
itself out and the others run. Tuning also picks ALS's settings from `default_alternatives`.

Weights are either given or tuned on a validation split (see tuning.py). People with at most
`cold_likes` likes (default 2) give the collaborative parts too little to go on, so they get
COLD_WEIGHTS: content plus popularity, and popularity alone with no likes at all. The final list is
re-ranked with MMR (diversity.py) unless diversity_lambda is None. Each item's reason is drawn from
evidence about that item and the person's own likes (reasons.explain_picks: content similarity, co-likes,
the person's interests, shared tags and colours), not from the component that scored it highest.

A request (`rank`) goes: weighted_parts (each component's raw scores and its 0..1 scale) -> blended
(one pass per dense component over the catalogue; item-item only at the items it reaches) ->
diversified (top pool_factor * k by a sampled threshold, then MMR on that pool) -> explain (evidence
read at the k final items only). At 100k items the two catalogue-wide products, content and ALS,
are most of the time; everything else works on the pool or the final k.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TypedDict

import numpy as np

from recommender.engine.als import ALSRecommender
from recommender.engine.base import Recommendation, Recommender, UserHistory, top_k
from recommender.engine.blend import WeightedPart, blend_parts, sparse_weighted_part, weighted_part
from recommender.engine.content import ContentRecommender
from recommender.engine.data import CatalogueVocabulary, FeatureMatrix, InteractionData, dense_rows
from recommender.engine.diversity import DEFAULT_LAMBDA, mmr_order
from recommender.engine.ease import SMALL_COLLECTION_REGULARIZATION, EaseRecommender
from recommender.engine.interests import Interest
from recommender.engine.item_knn import ItemKNNRecommender
from recommender.engine.popularity import PopularityRecommender
from recommender.engine.reasons import Reason, ReasonEvidence, explain_picks
from recommender.engine.tuning import Alternatives, tune_weights

DEFAULT_WEIGHTS = {"content": 0.5, "item_knn": 1.0, "als": 1.0, "ease": 1.0, "popularity": 0.1}
COLD_WEIGHTS = {"content": 1.0, "popularity": 0.5}


# ALS settings that suit different data: light regularization for many narrow tastes (the planted
# catalogues), strong regularization and fewer factors for dense, mainstream tastes (MovieLens). Tuning
# keeps the one that scores best on validation.
class AlsOptions(TypedDict):
    factors: int
    regularization: float
    alpha: float


SMOOTH_ALS: AlsOptions = {"factors": 32, "regularization": 20.0, "alpha": 1.0}


def default_alternatives(seed: int = 0) -> dict[str, list[Callable[[], Recommender]]]:
    return {
        "als": [lambda: ALSRecommender(seed=seed), lambda: ALSRecommender(seed=seed, **SMOOTH_ALS)],
        "ease": [EaseRecommender, lambda: EaseRecommender(regularization=SMALL_COLLECTION_REGULARIZATION)],
    }


def default_components() -> dict[str, Recommender]:
    return {
        "content": ContentRecommender(),
        "item_knn": ItemKNNRecommender(),
        "als": ALSRecommender(),
        "ease": EaseRecommender(),
        "popularity": PopularityRecommender(),
    }


class HybridRecommender(Recommender):
    name = "hybrid"

    def __init__(
        self,
        weights: Mapping[str, float] | None = None,
        make_components: Callable[[], dict[str, Recommender]] = default_components,
        cold_weights: Mapping[str, float] = COLD_WEIGHTS,
        cold_likes: int = 2,
        diversity_lambda: float | None = DEFAULT_LAMBDA,
        pool_factor: int = 5,
        tune: bool = False,
        seed: int = 0,
        alternatives: Alternatives | None = None,
    ) -> None:
        super().__init__()
        self.make_components = make_components
        self.components = make_components()
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        self.cold_weights = dict(cold_weights)
        self.cold_likes = cold_likes
        self.diversity_lambda = diversity_lambda
        self.pool_factor = pool_factor
        self.tune = tune
        self.seed = seed
        self.alternatives = default_alternatives(seed) if alternatives is None else alternatives
        self.fit_seconds: dict[str, float] = {}
        self.vocabulary = CatalogueVocabulary(idf={}, family_share={})
        self._check_weights(self.weights)
        self._check_weights(self.cold_weights)

    def _check_weights(self, weights: Mapping[str, float]) -> None:
        unknown = set(weights) - set(self.components)
        if unknown:
            raise ValueError(
                f"weights for unknown components {sorted(unknown)}; known: {sorted(self.components)}"
            )

    def _fit(self, data: InteractionData) -> None:
        if self.tune:
            started = time.perf_counter()
            tuned = tune_weights(data, self.make_components, seed=self.seed, alternatives=self.alternatives)
            self.weights = tuned.weights
            for name, index in tuned.chosen.items():
                self.components[name] = self.alternatives[name][index]()
            self.fit_seconds["tuning"] = time.perf_counter() - started
        for name, component in self.components.items():
            started = time.perf_counter()
            component.fit(data)
            self.fit_seconds[name] = time.perf_counter() - started
        self.vocabulary = data.metadata.vocabulary

    def weights_for(self, history: UserHistory) -> dict[str, float]:
        return self.cold_weights if history.n_likes <= self.cold_likes else self.weights

    def weighted_parts(self, history: UserHistory) -> dict[str, WeightedPart]:
        """Each weighted component with evidence for this person, in the order of the weights."""
        parts = {}
        for name, weight in self.weights_for(history).items():
            component = self.components[name]
            if weight <= 0 or not component.is_active:  # EASE over its item limit: nothing to score
                continue
            part = (
                sparse_weighted_part(weight, *component.evidence(history))
                if component.sparse_evidence
                else weighted_part(weight, component.scores(history))
            )
            if part is not None:
                parts[name] = part
        return parts

    def _score(self, history: UserHistory) -> np.ndarray:
        return blend_parts(list(self.weighted_parts(history).values()), self.data.n_items)

    def rank(self, history: UserHistory, k: int, exclude_seen: bool = True) -> list[Recommendation]:
        if k < 0:
            raise ValueError(f"k must be zero or more, got {k}")
        parts = self.weighted_parts(history) if self.data.n_items else {}
        scores = self.blended(history, parts, exclude_seen)
        items = self.diversified(scores, k)
        reasons = self.explain(history, items)
        return [
            Recommendation(item=int(item), score=float(scores[item]), reason=reason)
            for item, reason in zip(items, reasons, strict=True)
        ]

    def blended(
        self, history: UserHistory, parts: Mapping[str, WeightedPart], exclude_seen: bool = True
    ) -> np.ndarray:
        """The blend over the catalogue, -inf for "not interested" items (and liked ones, with exclude_seen)."""
        scores = blend_parts(list(parts.values()), self.data.n_items)
        scores[history.not_interested] = -np.inf
        if exclude_seen:
            scores[history.liked] = -np.inf
        return scores

    def diversified(self, scores: np.ndarray, k: int) -> np.ndarray:
        """The k items to show, in order: the best pool_factor * k by score, re-ranked by MMR."""
        vectors = self._unit_vectors()
        if self.diversity_lambda is None or vectors is None:
            return top_k(scores, k)
        pool = top_k(scores, self.pool_factor * k)
        picks = mmr_order(scores[pool], dense_rows(vectors, pool), k, self.diversity_lambda)
        return pool[picks]

    def _unit_vectors(self) -> FeatureMatrix | None:
        content = self.components.get("content")
        if isinstance(content, ContentRecommender) and content.vectors.shape[1] > 0:
            return content.vectors
        als = self.components.get("als")
        if isinstance(als, ALSRecommender) and len(als.item_factors):
            return als.unit_item_factors
        return None

    def explain(self, history: UserHistory, items: np.ndarray) -> list[Reason]:
        return explain_picks(history.liked, items, self.reason_evidence(history))

    def reason_evidence(self, history: UserHistory) -> ReasonEvidence:
        """Content vectors and the person's interests, and co-likes, from whichever components have them."""
        content = self.components.get("content")
        item_knn = self.components.get("item_knn")
        has_vectors = isinstance(content, ContentRecommender) and content.vectors.shape[1] > 0
        return ReasonEvidence(
            metadata=self.data.metadata,
            vocabulary=self.vocabulary,
            vectors=content.vectors if isinstance(content, ContentRecommender) and has_vectors else None,
            co_likes=item_knn.similarity if isinstance(item_knn, ItemKNNRecommender) else None,
            interests=self.interests(history),
        )

    def interests(self, history: UserHistory) -> list[Interest]:
        """The person's interests: the content component's, the one taste model."""
        content = self.components.get("content")
        return content.interests(history) if isinstance(content, ContentRecommender) else []
