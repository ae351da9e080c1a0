"""EASE: the closed form, what it learns on data built with a known structure, and its item limit."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from recommender.artefacts import AlsSettings, hybrid_from_bytes, hybrid_to_bytes, make_components
from recommender.engine import HybridRecommender, InteractionData, ReasonKind, Recommender
from recommender.engine.ease import EaseRecommender, ease_memory_bytes, ease_weights
from recommender.engine.tuning import tune_weights


def paired_items(n_pairs: int = 6, users_per_pair: int = 8, seed: int = 0) -> sp.csr_matrix:
    """Items come in pairs (0, 1), (2, 3), ...: everyone who likes one of a pair likes the other, plus
    one random item elsewhere (noise)."""
    rng = np.random.default_rng(seed)
    rows: list[int] = []
    cols: list[int] = []
    for pair in range(n_pairs):
        for _ in range(users_per_pair):
            user = len(rows) // 3
            noise = int(rng.integers(0, 2 * n_pairs))
            rows += [user] * 3
            cols += [2 * pair, 2 * pair + 1, noise]
    n_users = len(rows) // 3
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_users, 2 * n_pairs))
    matrix.data[:] = 1.0
    return matrix


def test_the_weights_are_stecks_closed_form() -> None:
    interactions = paired_items()
    gram = (interactions.T @ interactions).toarray().astype(np.float64) + 5.0 * np.eye(interactions.shape[1])
    inverse = np.linalg.inv(gram)
    expected = -inverse / np.diag(inverse)[None, :]
    np.fill_diagonal(expected, 0.0)

    weights = ease_weights(interactions, regularization=5.0)

    assert weights.dtype == np.float32
    np.testing.assert_allclose(weights, expected, atol=1e-5)
    assert not np.diag(weights).any()


def test_it_learns_that_the_items_of_a_pair_go_together() -> None:
    weights = ease_weights(paired_items(), regularization=1.0)

    partners = np.argmax(weights, axis=1)

    assert partners.tolist() == [item ^ 1 for item in range(weights.shape[0])]


def test_someone_who_liked_one_of_a_pair_is_shown_the_other_first_because_of_it() -> None:
    ease = EaseRecommender(regularization=1.0).fit(InteractionData(paired_items()))

    picks = ease.recommend_for_likes([4], k=3)

    assert picks[0].item == 5
    assert picks[0].reason.kind == ReasonKind.LIKED_ITEM
    assert picks[0].reason.item == 4


def test_above_its_item_limit_it_is_left_out_and_the_hybrid_runs_on_the_rest() -> None:
    data = InteractionData(paired_items())
    ease = EaseRecommender(max_items=data.n_items - 1).fit(data)

    assert not ease.is_active
    assert ease.weights_matrix.size == 0  # no n x n matrix was built
    assert not np.isfinite(ease.scores(ease.history(0))).any()

    hybrid = HybridRecommender(make_components=lambda: _components(ease_max_items=data.n_items - 1))
    hybrid.fit(data)
    parts = hybrid.weighted_parts(hybrid.history(0))
    assert "ease" not in parts
    assert {"item_knn", "als"} <= set(parts)
    assert len(hybrid.recommend(0, k=3)) == 3


def test_tuning_gives_a_component_that_left_itself_out_no_weight() -> None:
    data = InteractionData(paired_items(n_pairs=8, users_per_pair=10))

    result = tune_weights(data, lambda: _components(ease_max_items=0))

    assert result.weights["ease"] == 0.0
    assert all("ease" not in weights for weights, _ in result.scores)


def test_a_stored_model_brings_its_ease_component_back() -> None:
    data = InteractionData(paired_items())
    hybrid = HybridRecommender(
        weights={"ease": 1.0, "popularity": 0.1}, make_components=lambda: _components()
    ).fit(data)

    restored = hybrid_from_bytes(hybrid_to_bytes(hybrid, AlsSettings(iterations=2)))

    assert [r.item for r in restored.recommend_for_likes([4], k=5)] == [
        r.item for r in hybrid.recommend_for_likes([4], k=5)
    ]


def test_its_memory_is_items_squared_times_four_bytes() -> None:
    assert ease_memory_bytes(5_000) == 100_000_000


def _components(ease_max_items: int = 5_000) -> dict[str, Recommender]:
    components = make_components(AlsSettings(iterations=2))
    components["ease"] = EaseRecommender(regularization=1.0, max_items=ease_max_items)
    return components
