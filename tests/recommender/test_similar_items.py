"""Each item's similar items, computed once when a model is built and stored with it, are the ones the
product with every item's vector gives per request. No database needed."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.artefacts import (
    AlsSettings,
    hybrid_from_bytes,
    hybrid_to_bytes,
    make_components,
    npz_bytes,
    stored_arrays,
)
from recommender.engine import ContentRecommender, HybridRecommender, InteractionData
from recommender.engine import similar as similar_module
from recommender.engine.similar import NO_NEIGHBOUR, SimilarItems, most_similar, nearest_neighbours
from recommender.engine.synthetic import planted_tastes

N_ITEMS, WIDTH = 45, 8


def catalogue() -> InteractionData:
    """Signed random features (so some items have fewer than WIDTH items above 0), a dense block and a
    sparse block of 'tags' on a few items each, and one item with no features at all."""
    rng = np.random.default_rng(3)
    look = rng.normal(size=(N_ITEMS, 6))
    tags = (rng.random((N_ITEMS, 20)) < 0.1) * rng.random((N_ITEMS, 20))
    features = np.hstack([look, tags]).astype(np.float32)
    features[-1] = 0.0
    likes = sp.csr_matrix((rng.random((10, N_ITEMS)) < 0.2).astype(np.float32))
    groups = {"visual": slice(0, 6), "tags": slice(6, 26)}
    return InteractionData(likes, item_features=sp.csr_matrix(features), feature_groups=groups)


def fitted() -> ContentRecommender:
    return ContentRecommender().fit(catalogue())


def emphasis(content: ContentRecommender) -> np.ndarray:
    scale = np.ones(content.vectors.shape[1], dtype=np.float32)
    scale[:6] = 2.0
    return scale


def by_hand(content: ContentRecommender, scale: np.ndarray, item: int) -> list[int]:
    """Most similar first (ties to the lower index), the item itself and similarities <= 0 left out."""
    vectors = sp.csr_matrix(content.vectors).toarray().astype(np.float64)
    similarity = vectors @ (vectors[item] * scale)
    ranked = sorted((-similarity[other], other) for other in range(N_ITEMS) if other != item)
    return [other for negated, other in ranked if -negated > 0][:WIDTH]


def test_the_stored_neighbours_are_the_exact_products_best_with_the_emphasis_on_the_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(similar_module, "QUERIES_PER_BLOCK", 7)  # several blocks, the last one short
    content = fitted()
    scale = emphasis(content)

    stored = nearest_neighbours(content.vectors, scale, WIDTH)

    for item in range(N_ITEMS):
        expected = by_hand(content, scale, item)
        assert stored.of(item, WIDTH).tolist() == expected
        assert (
            most_similar(content.product, content.vectors, np.array([item]), scale, WIDTH)[0].tolist()
            == expected
        )
    assert (stored.neighbours == NO_NEIGHBOUR).any(), "some items have fewer than WIDTH similar items"
    assert stored.of(N_ITEMS - 1, WIDTH).tolist() == []  # no features: similar to nothing


def test_the_emphasis_changes_the_neighbours() -> None:
    content = fitted()
    plain = nearest_neighbours(content.vectors, np.ones(content.vectors.shape[1], dtype=np.float32), WIDTH)

    emphasised = nearest_neighbours(content.vectors, emphasis(content), WIDTH)

    assert (plain.neighbours != emphasised.neighbours).any()


def test_fewer_neighbours_are_the_first_of_the_stored_ones_and_more_are_refused() -> None:
    stored = SimilarItems(np.array([[4, 2, 9, NO_NEIGHBOUR]], dtype=np.int32))

    assert stored.of(0, 2).tolist() == [4, 2]
    assert stored.of(0, 4).tolist() == [4, 2, 9]
    with pytest.raises(ValueError, match="5 neighbours asked for, 4 stored"):
        stored.of(0, 5)


def built_hybrid() -> HybridRecommender:
    data = planted_tastes(n_users=60, n_items=90, n_interactions=900, n_themes=4, seed=2).data
    return HybridRecommender(
        weights={"content": 1.0, "als": 1.0},
        make_components=lambda: make_components(AlsSettings(iterations=2)),
    ).fit(data)


def test_a_stored_model_brings_back_its_similar_items_and_an_older_one_has_none() -> None:
    hybrid = built_hybrid()
    content = hybrid.components["content"]
    assert isinstance(content, ContentRecommender)
    similar = nearest_neighbours(content.vectors, np.ones(content.vectors.shape[1], dtype=np.float32), 5)
    blob = hybrid_to_bytes(hybrid, AlsSettings(iterations=2), similar=similar)
    arrays, _ = stored_arrays(blob)
    older = npz_bytes({name: array for name, array in arrays.items() if name != "similar_neighbours"})

    restored = hybrid_from_bytes(blob).components["content"]
    restored_older = hybrid_from_bytes(older).components["content"]

    assert isinstance(restored, ContentRecommender)
    assert restored.similar is not None
    assert np.array_equal(restored.similar.neighbours, similar.neighbours)
    assert isinstance(restored_older, ContentRecommender)
    assert restored_older.similar is None


def test_similar_items_of_another_catalogue_are_not_used() -> None:
    stored = SimilarItems(np.zeros((N_ITEMS + 1, WIDTH), dtype=np.int32))

    content = ContentRecommender(similar=stored).fit(catalogue())

    assert content.similar is None
