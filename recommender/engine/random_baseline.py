"""Random: the floor. Seeded per user, so the same user gets the same list from the same seed."""

from __future__ import annotations

import numpy as np

from recommender.engine.base import Recommender, UserHistory
from recommender.engine.data import InteractionData
from recommender.engine.reasons import Reason, something_new


class RandomRecommender(Recommender):
    name = "random"

    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        self.seed = seed

    def _fit(self, data: InteractionData) -> None:
        pass

    def _score(self, history: UserHistory) -> np.ndarray:
        # A new user has no row, so their likes seed the draw instead.
        key = history.user if history.user is not None else int(history.liked.sum()) + 7919 * history.n_likes
        return np.random.default_rng([self.seed, key]).random(self.data.n_items)

    def explain(self, history: UserHistory, items: np.ndarray) -> list[Reason]:
        return [something_new() for _ in items]
