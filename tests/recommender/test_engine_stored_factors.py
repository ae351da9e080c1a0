"""ALS factors put back from a stored model serve exactly as the freshly fitted model did."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.engine import ALSRecommender
from recommender.engine.synthetic import planted_tastes


def fitted_and_fresh() -> tuple[ALSRecommender, ALSRecommender]:
    data = planted_tastes(n_users=60, n_items=200, n_interactions=1500, n_themes=6, seed=2).data
    fitted = ALSRecommender(factors=8, iterations=10, seed=1).fit(data)
    fresh = ALSRecommender(factors=8, iterations=0, seed=1).fit(data)  # how a stored model is rebuilt
    return fitted, fresh


def items(recommendations: list) -> list[int]:
    return [r.item for r in recommendations]


def test_factors_assigned_directly_fold_in_new_users_like_the_fitted_model() -> None:
    fitted, fresh = fitted_and_fresh()
    fresh.user_factors = fitted.user_factors  # what recommender/artefacts.py does
    fresh.item_factors = fitted.item_factors
    fresh.unit_item_factors = fitted.unit_item_factors

    likes = [3, 17, 40, 41]
    assert items(fresh.recommend_for_likes(likes, k=10)) == items(fitted.recommend_for_likes(likes, k=10))
    np.testing.assert_allclose(fresh.item_gram, fitted.item_gram, rtol=1e-6)


def test_use_factors_serves_known_and_new_users_like_the_fitted_model() -> None:
    fitted, fresh = fitted_and_fresh()
    fresh.use_factors(fitted.user_factors, fitted.item_factors)

    assert items(fresh.recommend(5, k=10)) == items(fitted.recommend(5, k=10))
    assert items(fresh.recommend_for_likes([1, 2], k=10)) == items(fitted.recommend_for_likes([1, 2], k=10))
    assert [r.reason for r in fresh.recommend(5, k=5)] == [r.reason for r in fitted.recommend(5, k=5)]


def test_use_factors_refuses_factors_of_different_widths() -> None:
    with pytest.raises(ValueError, match="as many columns"):
        ALSRecommender(factors=4).use_factors(np.zeros((3, 4)), np.zeros((5, 6)))
