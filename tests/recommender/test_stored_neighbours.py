"""A stored model brings its item-item neighbours back as they were computed, and serves as built."""

from __future__ import annotations

import io

import numpy as np

from recommender.artefacts import AlsSettings, hybrid_from_bytes, hybrid_to_bytes, make_components
from recommender.engine import HybridRecommender, ItemKNNRecommender
from recommender.engine.synthetic import planted_tastes


def built_model() -> HybridRecommender:
    data = planted_tastes(n_users=80, n_items=150, n_interactions=1500, n_themes=5, seed=4).data
    weights = {"content": 0.5, "item_knn": 1.0, "als": 1.0, "popularity": 0.1}
    return HybridRecommender(
        weights=weights, make_components=lambda: make_components(AlsSettings(iterations=3))
    ).fit(data)


def neighbours_of(hybrid: HybridRecommender) -> ItemKNNRecommender:
    component = hybrid.components["item_knn"]
    assert isinstance(component, ItemKNNRecommender)
    return component


def picks(hybrid: HybridRecommender, likes: list[int]) -> list[tuple[int, object]]:
    return [(r.item, r.reason) for r in hybrid.recommend_for_likes(likes, k=10)]


def test_a_restored_model_has_the_built_neighbours_and_recommends_and_explains_as_built() -> None:
    built = built_model()
    restored = hybrid_from_bytes(hybrid_to_bytes(built, AlsSettings(iterations=3)))

    assert (neighbours_of(restored).similarity != neighbours_of(built).similarity).nnz == 0
    assert picks(restored, [3, 17, 40]) == picks(built, [3, 17, 40])


def test_a_model_stored_before_the_neighbours_were_kept_computes_them_on_load() -> None:
    built = built_model()
    with np.load(io.BytesIO(hybrid_to_bytes(built, AlsSettings(iterations=3)))) as stored:
        older = {name: stored[name] for name in stored.files if not name.startswith("item_knn_")}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **older)

    restored = hybrid_from_bytes(buffer.getvalue())

    assert (neighbours_of(restored).similarity != neighbours_of(built).similarity).nnz == 0
    assert picks(restored, [3, 17, 40]) == picks(built, [3, 17, 40])


def test_neighbours_for_another_catalogue_are_not_used() -> None:
    built = built_model()
    other = planted_tastes(n_users=80, n_items=120, n_interactions=1200, n_themes=5, seed=5).data

    component = ItemKNNRecommender(similarity=neighbours_of(built).similarity).fit(other)

    assert component.similarity.shape == (120, 120)


def test_the_served_neighbours_are_the_stored_ones_not_computed_again() -> None:
    built = built_model()
    with np.load(io.BytesIO(hybrid_to_bytes(built, AlsSettings(iterations=3)))) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["item_knn_data"] = arrays["item_knn_data"] * 0.5  # marked, so that a recomputation shows
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)

    restored = hybrid_from_bytes(buffer.getvalue())

    np.testing.assert_allclose(
        neighbours_of(restored).similarity.toarray(), neighbours_of(built).similarity.toarray() * 0.5
    )
