"""The serving shortcuts give the same lists as the plain whole-catalogue computation they replace."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from recommender.engine import HybridRecommender, ItemKNNRecommender
from recommender.engine.base import history_from_likes, top_k
from recommender.engine.blend import blend_parts, rescaled, sparse_weighted_part, weighted_part
from recommender.engine.products import CatalogueProduct
from recommender.engine.synthetic import planted_tastes


def plain_blend(parts: Mapping[str, np.ndarray], n_items: int) -> np.ndarray:
    """The blend written plainly: sum the weighted 0..1 arrays; no evidence anywhere stays -inf."""
    total = np.zeros(n_items, dtype=np.float32)
    evidence = np.zeros(n_items, dtype=bool)
    for part in parts.values():
        known = ~np.isnan(part)
        evidence |= known
        total += np.where(known, part, 0.0)
    total[~evidence] = -np.inf
    return total


def full_sort_top_k(scores: np.ndarray, k: int) -> list[int]:
    finite = np.flatnonzero(np.isfinite(scores))
    return finite[np.lexsort((finite, -scores[finite]))][:k].tolist()


def test_top_k_of_a_large_catalogue_matches_a_full_sort_with_ties_and_missing_scores() -> None:
    rng = np.random.default_rng(5)
    scores = np.round(rng.random(50_000), 3).astype(np.float32)  # many exact ties
    scores[rng.choice(50_000, 20_000, replace=False)] = -np.inf  # no evidence
    scores[7] = np.nan

    for k in (1, 20, 100, 700):
        assert top_k(scores, k).tolist() == full_sort_top_k(scores, k)


def test_top_k_of_a_catalogue_with_fewer_scores_than_k_returns_all_of_them() -> None:
    scores = np.full(10_000, -np.inf)
    scores[[3, 9000, 42]] = [0.5, 0.9, 0.5]

    assert top_k(scores, 20).tolist() == [9000, 3, 42]


def test_blending_parts_gives_the_same_scores_as_blending_rescaled_arrays() -> None:
    rng = np.random.default_rng(2)
    dense = rng.standard_normal(1000).astype(np.float32)
    sparse = np.full(1000, -np.inf, dtype=np.float32)
    sparse[rng.choice(1000, 80, replace=False)] = rng.random(80).astype(np.float32)
    none = np.full(1000, -np.inf)
    weights = {"dense": 0.5, "sparse": 1.0, "none": 1.0}
    arrays = {"dense": dense, "sparse": sparse, "none": none}

    expected = plain_blend({name: weights[name] * rescaled(arrays[name]) for name in arrays}, 1000)
    parts = [weighted_part(weights[name], arrays[name]) for name in arrays]
    blended = blend_parts([part for part in parts if part is not None], 1000)

    assert parts[2] is None  # no evidence at all: left out, as an all-NaN part adds nothing
    np.testing.assert_array_equal(blended, expected)


def test_a_sparse_part_alone_leaves_the_items_without_evidence_out() -> None:
    part = sparse_weighted_part(1.0, np.array([2, 5]), np.array([0.2, 0.4], dtype=np.float32))
    assert part is not None

    blended = blend_parts([part], 8)

    assert np.flatnonzero(np.isfinite(blended)).tolist() == [2, 5]
    assert blended[5] == 1.0
    assert np.isnan(part.at(np.array([0, 5]))[0])


def test_item_knn_scores_light_and_heavy_users_as_a_sum_of_neighbour_similarities() -> None:
    planted = planted_tastes(n_users=200, n_items=400, n_interactions=6000, n_themes=10, seed=3)
    knn = ItemKNNRecommender(neighbours=20).fit(planted.data)

    for liked in ([4, 17], list(range(0, 400, 3))):  # a few likes, and enough to take the bincount path
        history = history_from_likes(liked, 400)
        dense = np.asarray(knn.similarity[history.liked].sum(axis=0)).ravel()
        items, values = knn.evidence(history)
        assert items.tolist() == np.flatnonzero(dense).tolist()
        np.testing.assert_allclose(values, dense[items], rtol=1e-5)


def test_the_hybrid_list_is_the_blend_of_its_components_best_first_without_mmr() -> None:
    planted = planted_tastes(n_users=60, n_items=3000, n_interactions=3000, n_themes=30, seed=6)
    hybrid = HybridRecommender(diversity_lambda=None).fit(planted.data)

    for user in range(0, 60, 7):
        history = hybrid.history(user)
        weighted = {
            name: weight * rescaled(hybrid.components[name].scores(history))
            for name, weight in hybrid.weights_for(history).items()
        }
        scores = plain_blend(weighted, planted.data.n_items)
        scores[history.liked] = -np.inf
        assert [r.item for r in hybrid.recommend(user, k=20)] == full_sort_top_k(scores, 20)


def test_the_catalogue_product_equals_the_plain_product_of_the_vectors() -> None:
    rng = np.random.default_rng(3)
    n_items = 500
    dense_part = rng.random((n_items, 6)) * (rng.random((n_items, 6)) < 0.8)  # on most items
    tag_part = rng.random((n_items, 40)) * (rng.random((n_items, 40)) < 0.02)  # on a few each
    features = np.hstack([tag_part[:, :20], dense_part, tag_part[:, 20:], np.zeros((n_items, 3))])
    features[7] = 0.0  # a featureless item
    vectors = sp.csr_matrix(features, dtype=np.float32)
    targets = rng.random((5, features.shape[1])).astype(np.float32)

    product = CatalogueProduct.of(vectors)

    assert len(product.dense_columns) == 6  # the columns most items use, kept dense
    np.testing.assert_allclose(product.times(targets), features @ targets.T, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        CatalogueProduct.of(features).times(targets[:1]), features @ targets[:1].T, rtol=1e-5, atol=1e-6
    )
