"""Popularity: the baseline every personalised algorithm has to beat."""

from __future__ import annotations

import numpy as np

from recommender.engine.base import Recommender, UserHistory
from recommender.engine.data import InteractionData
from recommender.engine.reasons import Reason, popular_right_now


def item_popularity(data: InteractionData) -> np.ndarray:
    """How many users interacted with each item (weights ignored, so one heavy user cannot make a hit)."""
    return np.asarray(data.interactions.getnnz(axis=0), dtype=np.float32)


class PopularityRecommender(Recommender):
    name = "popularity"

    def __init__(self) -> None:
        super().__init__()
        self.popularity = np.empty(0)

    def _fit(self, data: InteractionData) -> None:
        # log1p: the hundredth like matters less than the first, which keeps blended scores balanced.
        self.popularity = np.log1p(item_popularity(data))

    def _score(self, history: UserHistory) -> np.ndarray:
        return self.popularity

    def explain(self, history: UserHistory, items: np.ndarray) -> list[Reason]:
        return [popular_right_now() for _ in items]
