"""A fitted hybrid as bytes and back: numpy's .npz, loaded with allow_pickle=False. Pure; no Django.

Stored: the data the model was fitted on (likes, "not interested", item features, ids and the
metadata reasons are made of, as JSON), the blend weights and settings, the ALS factors and the
item-item neighbours. On load the other deterministic components (content, popularity, EASE) are
refitted from the stored data, which takes little time (EASE, a closed form, about 5 s at its
5,000-item limit; it is not refitted when its weight is 0); the ALS factors, the one iterative part,
and the item-item neighbours (seconds of CPU at 100,000 photos and a million likes) are put back as
they were fitted, so the served model is exactly the one that was built.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.engine import (
    ALSRecommender,
    ContentRecommender,
    HybridRecommender,
    IdMap,
    InteractionData,
    ItemKNNRecommender,
    ItemMetadata,
    PopularityRecommender,
    Recommender,
)
from recommender.engine.ease import (
    DEFAULT_REGULARIZATION,
    EASE_MAX_ITEMS,
    SMALL_COLLECTION_REGULARIZATION,
    EaseRecommender,
)
from recommender.engine.hybrid import SMOOTH_ALS

FORMAT_VERSION = 1


@dataclass(frozen=True)
class AlsSettings:
    factors: int = 64
    iterations: int = 15
    regularization: float = 0.05
    alpha: float = 10.0
    seed: int = 0


# The ALS settings tried when a build tunes the blend (see recommender.engine.hybrid.SMOOTH_ALS).
ALS_CANDIDATES = (AlsSettings(), AlsSettings(**SMOOTH_ALS))


@dataclass(frozen=True)
class EaseSettings:
    regularization: float = DEFAULT_REGULARIZATION
    max_items: int = EASE_MAX_ITEMS


# The EASE settings tried when a build tunes the blend (see recommender.engine.ease).
EASE_CANDIDATES = (EaseSettings(), EaseSettings(regularization=SMALL_COLLECTION_REGULARIZATION))


def make_components(als: AlsSettings, ease: EaseSettings | None = None) -> dict[str, Recommender]:
    ease = ease or EaseSettings()
    return {
        "content": ContentRecommender(),
        "item_knn": ItemKNNRecommender(),
        "als": als_recommender(als),
        "ease": ease_recommender(ease),
        "popularity": PopularityRecommender(),
    }


def ease_recommender(ease: EaseSettings) -> EaseRecommender:
    return EaseRecommender(regularization=ease.regularization, max_items=ease.max_items)


def als_recommender(als: AlsSettings) -> ALSRecommender:
    return ALSRecommender(
        factors=als.factors,
        iterations=als.iterations,
        regularization=als.regularization,
        alpha=als.alpha,
        seed=als.seed,
    )


def hybrid_to_bytes(hybrid: HybridRecommender, als: AlsSettings) -> bytes:
    data = hybrid.data
    factors = hybrid.components["als"]
    if not isinstance(factors, ALSRecommender):
        raise TypeError("the hybrid's 'als' component is not an ALSRecommender")
    arrays: dict[str, np.ndarray] = {}
    _put_csr(arrays, "interactions", data.interactions)
    # "negatives" is the stored key for not_interested, kept so models built before the rename load.
    _put_csr(arrays, "negatives", data.not_interested)
    _put_csr(arrays, "features", sp.csr_matrix(data.item_features))
    arrays["als_user_factors"] = factors.user_factors
    arrays["als_item_factors"] = factors.item_factors
    item_knn = hybrid.components.get("item_knn")
    if isinstance(item_knn, ItemKNNRecommender):
        _put_csr(arrays, "item_knn", item_knn.similarity)
    ids = data.ids or IdMap()
    config = {
        "version": FORMAT_VERSION,
        "weights": hybrid.weights,
        "cold_weights": hybrid.cold_weights,
        "cold_likes": hybrid.cold_likes,
        "diversity_lambda": hybrid.diversity_lambda,
        "als": als.__dict__,
        "ease": _ease_settings(hybrid).__dict__,
        "feature_groups": {name: [part.start, part.stop] for name, part in data.feature_groups.items()},
        "user_ids": list(ids.user_ids),
        "item_ids": list(ids.item_ids),
        "titles": list(data.metadata.titles),
        "tags": [list(tags) for tags in data.metadata.tags],
        "colour_families": [list(families) for families in data.metadata.colour_families],
    }
    arrays["config"] = np.array(json.dumps(config))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def hybrid_from_bytes(blob: bytes) -> HybridRecommender:
    with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    config: dict[str, Any] = json.loads(str(arrays["config"]))
    if config.get("version") != FORMAT_VERSION:
        raise ValueError(f"stored model format {config.get('version')} is not {FORMAT_VERSION}: rebuild it")
    data = InteractionData(
        interactions=_get_csr(arrays, "interactions"),
        not_interested=_get_csr(arrays, "negatives"),
        item_features=_get_csr(arrays, "features"),
        feature_groups={name: slice(start, stop) for name, (start, stop) in config["feature_groups"].items()},
        metadata=ItemMetadata(
            titles=config["titles"],
            tags=[tuple(tags) for tags in config["tags"]],
            colour_families=[tuple(families) for families in config["colour_families"]],
        ),
        ids=IdMap(user_ids=config["user_ids"], item_ids=config["item_ids"]),
    )
    als = AlsSettings(**config["als"])
    ease = EaseSettings(**config.get("ease", {}))
    if max(config["weights"].get("ease", 0.0), config["cold_weights"].get("ease", 0.0)) <= 0:
        ease = EaseSettings(ease.regularization, max_items=0)  # unused: not worth its n^2 matrix
    # Refit everything but ALS and the item-item neighbours; ALS gets zero iterations, then its stored
    # factors. The neighbours are stored since computing them was most of a load (half a minute at
    # 100,000 photos and a million likes); models stored before that compute them again.
    components = make_components(AlsSettings(**{**als.__dict__, "iterations": 0}), ease)
    if "item_knn_shape" in arrays:
        components["item_knn"] = ItemKNNRecommender(similarity=_get_csr(arrays, "item_knn"))
    hybrid = HybridRecommender(
        weights=config["weights"],
        make_components=lambda: components,
        cold_weights=config["cold_weights"],
        cold_likes=config["cold_likes"],
        diversity_lambda=config["diversity_lambda"],
    ).fit(data)
    _restore_als(components["als"], arrays["als_user_factors"], arrays["als_item_factors"])
    return hybrid


def _ease_settings(hybrid: HybridRecommender) -> EaseSettings:
    component = hybrid.components.get("ease")
    if isinstance(component, EaseRecommender):
        return EaseSettings(component.regularization, component.max_items)
    return EaseSettings(max_items=0)


def _restore_als(component: Recommender, users: np.ndarray, items: np.ndarray) -> None:
    if not isinstance(component, ALSRecommender):
        raise TypeError("the hybrid's 'als' component is not an ALSRecommender")
    component.use_factors(users, items)


def _put_csr(arrays: dict[str, np.ndarray], name: str, matrix: sp.csr_matrix) -> None:
    matrix = sp.csr_matrix(matrix)
    arrays[f"{name}_data"] = matrix.data
    arrays[f"{name}_indices"] = matrix.indices
    arrays[f"{name}_indptr"] = matrix.indptr
    arrays[f"{name}_shape"] = np.asarray(matrix.shape, dtype=np.int64)


def _get_csr(arrays: dict[str, np.ndarray], name: str) -> sp.csr_matrix:
    shape = tuple(int(n) for n in arrays[f"{name}_shape"])
    return sp.csr_matrix(
        (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"]), shape=shape
    )
