"""A stored model serves exactly as the model that was built; models stored in the first format
still load; bytes that are no model this code can read say so rather than failing anywhere."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.artefacts import (
    AlsSettings,
    UnreadableArtefact,
    hybrid_from_bytes,
    hybrid_to_bytes,
    joined_names,
    make_components,
)
from recommender.engine import ALSRecommender, HybridRecommender, InteractionData
from recommender.engine.synthetic import planted_tastes

ALS = AlsSettings(factors=8, iterations=3)


def site_like_data() -> InteractionData:
    """Sparse features with each row's columns out of order (as the site's stacked feature groups
    can be), tags, colours and some "not interested"."""
    planted = planted_tastes(n_users=80, n_items=150, n_interactions=1500, n_themes=5, seed=4).data
    features = sp.csr_matrix(np.where(planted.item_features > 0.3, planted.item_features, 0))
    for row in range(features.shape[0]):  # reverse each row's stored order: same matrix, not sorted
        start, stop = features.indptr[row], features.indptr[row + 1]
        features.indices[start:stop] = features.indices[start:stop][::-1].copy()
        features.data[start:stop] = features.data[start:stop][::-1].copy()
    features.has_sorted_indices = False
    hidden = sp.csr_matrix(([1.0, 1.0, 1.0], ([0, 1, 2], [7, 8, 9])), shape=planted.interactions.shape)
    return InteractionData(
        interactions=planted.interactions,
        item_features=features,
        metadata=planted.metadata,
        not_interested=hidden,
    )


def built_model(data: InteractionData | None = None) -> HybridRecommender:
    weights = {"content": 0.5, "item_knn": 1.0, "als": 1.0, "popularity": 0.1}
    return HybridRecommender(weights=weights, make_components=lambda: make_components(ALS)).fit(
        data or site_like_data()
    )


def served(hybrid: HybridRecommender) -> list[list[tuple[int, float, object]]]:
    """What a handful of known people, a newcomer and someone with one like are shown, with reasons."""
    known = [hybrid.recommend(user, k=10) for user in (0, 1, 5, 17, 42)]
    new = [hybrid.recommend_for_likes(likes, k=10) for likes in ([3, 17, 40, 41, 90], [12], [])]
    return [[(r.item, r.score, r.reason) for r in picks] for picks in known + new]


def version_1_bytes(hybrid: HybridRecommender) -> bytes:
    """The bytes the first format held for this model: its JSON as a numpy string, tags and colours
    as lists, every array deflated."""
    with np.load(io.BytesIO(hybrid_to_bytes(hybrid, ALS))) as stored:
        arrays = {name: stored[name] for name in stored.files}
    config = json.loads(arrays["config"].tobytes())
    config["version"] = 1
    config["tags"] = [list(tags) for tags in hybrid.data.metadata.tags]
    config["colour_families"] = [list(families) for families in hybrid.data.metadata.colour_families]
    arrays["config"] = np.array(json.dumps(config))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def test_a_stored_model_shows_the_same_picks_scores_and_reasons_as_the_built_one() -> None:
    built = built_model()

    restored = hybrid_from_bytes(hybrid_to_bytes(built, ALS))

    assert served(restored) == served(built)
    assert restored.data.metadata == built.data.metadata


def test_a_model_stored_in_the_first_format_still_loads_and_serves_as_built() -> None:
    built = built_model()

    restored = hybrid_from_bytes(version_1_bytes(built))

    assert served(restored) == served(built)


def test_the_stored_als_factors_are_served_not_fitted_again() -> None:
    built = built_model()

    restored = hybrid_from_bytes(hybrid_to_bytes(built, ALS))

    fitted, loaded = built.components["als"], restored.components["als"]
    assert isinstance(fitted, ALSRecommender)
    assert isinstance(loaded, ALSRecommender)
    np.testing.assert_array_equal(loaded.item_factors, fitted.item_factors)
    np.testing.assert_array_equal(loaded.user_factors, fitted.user_factors)
    np.testing.assert_allclose(loaded.item_gram, fitted.item_gram, rtol=1e-6)


def test_a_model_of_a_format_this_code_does_not_know_is_refused_with_its_version() -> None:
    with np.load(io.BytesIO(hybrid_to_bytes(built_model(), ALS))) as stored:
        arrays = {name: stored[name] for name in stored.files}
    config = json.loads(arrays["config"].tobytes())
    arrays["config"] = np.frombuffer(json.dumps({**config, "version": 99}).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)

    with pytest.raises(UnreadableArtefact, match="format 99"):
        hybrid_from_bytes(buffer.getvalue())


@pytest.mark.parametrize("blob", [b"", b"not a model", b"PK\x03\x04 damaged"])
def test_bytes_that_are_no_model_are_refused_as_unreadable(blob: bytes) -> None:
    with pytest.raises(UnreadableArtefact, match="cannot be read"):
        hybrid_from_bytes(blob)


def test_tags_holding_the_separator_are_refused_when_storing_not_split_apart_on_load() -> None:
    with pytest.raises(ValueError, match="separator"):
        joined_names([("sea",), ("sea\x1fsand",)])
