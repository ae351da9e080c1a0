"""A fitted hybrid as bytes and back: numpy's .npz, loaded with allow_pickle=False. Pure; no Django.

Stored: the data the model was fitted on (likes, "not interested", item features, ids and the
metadata reasons are made of, as JSON), the blend weights and settings, the ALS factors, the
item-item neighbours and each photo's similar photos (`similar_neighbours`, when the build computed
them). On load the other deterministic components (content, popularity, EASE) are
refitted from the stored data, which takes little time (EASE, a closed form, about 5 s at its
5,000-item limit; it is not refitted when its weight is 0); the ALS factors, the one iterative part,
the item-item neighbours (seconds of CPU at 100,000 photos and a million likes) and the similar
photos are put back as they were computed, so the served model is exactly the one that was built.
A model stored without similar photos (any built before they were kept) loads all the same, and its
similar photos are computed per request.

Loading is each web process's first request after a rebuild, so version 2 is laid out for reading:
arrays that deflate well (indices, the neighbours' similarities) are compressed and the others
(feature values, ALS factors: floats that deflate by a few per cent at most) are stored as they are;
the feature matrix is stored sorted, so the content component need not sort a copy; the JSON is
UTF-8 bytes (version 1 kept it as a numpy string, four bytes a character) and holds each photo's
tags and colour families as one string (a list of lists was most of the JSON's time). Version 1
artefacts still load, and serve as before; one of a version this code does not know, or damaged
bytes, raise UnreadableArtefact, which the site answers with its no-model pages and a logged
"rebuild it" (recommender.services.current_model).
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Sequence
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
from recommender.engine.similar import SimilarItems

FORMAT_VERSION = 2
# 1: the JSON as a numpy unicode string, tags as lists, every array deflated, features unsorted.
READABLE_VERSIONS = (1, 2)
# An array is stored deflated when a sample of it shrinks below this share of its size.
WORTH_DEFLATING = 0.75
DEFLATE_SAMPLE_BYTES = 1 << 20
# Between a photo's tags (colour families) in version 2: no tag may hold it (gallery.tagging).
NAME_SEPARATOR = "\x1f"


class UnreadableArtefact(ValueError):
    """The stored bytes are no model this code can load (another format version, or damaged)."""


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


def als_recommender(
    als: AlsSettings, stored_factors: tuple[np.ndarray, np.ndarray] | None = None
) -> ALSRecommender:
    return ALSRecommender(
        factors=als.factors,
        iterations=als.iterations,
        regularization=als.regularization,
        alpha=als.alpha,
        seed=als.seed,
        stored_factors=stored_factors,
    )


def hybrid_to_bytes(
    hybrid: HybridRecommender, als: AlsSettings, *, similar: SimilarItems | None = None
) -> bytes:
    """The model's bytes; `similar`: each item's similar items (default: the content component's)."""
    data = hybrid.data
    factors = hybrid.components["als"]
    if not isinstance(factors, ALSRecommender):
        raise TypeError("the hybrid's 'als' component is not an ALSRecommender")
    arrays: dict[str, np.ndarray] = {}
    _put_csr(arrays, "interactions", data.interactions)
    # "negatives" is the stored key for not_interested, kept so models built before the rename load.
    _put_csr(arrays, "negatives", data.not_interested)
    _put_csr(arrays, "features", _canonical(sp.csr_matrix(data.item_features)))
    arrays["als_user_factors"] = factors.user_factors
    arrays["als_item_factors"] = factors.item_factors
    item_knn = hybrid.components.get("item_knn")
    if isinstance(item_knn, ItemKNNRecommender):
        _put_csr(arrays, "item_knn", item_knn.similarity)
    content = hybrid.components.get("content")
    if similar is None and isinstance(content, ContentRecommender):
        similar = content.similar
    if similar is not None:
        arrays["similar_neighbours"] = similar.neighbours
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
        "tags": joined_names(data.metadata.tags),
        "colour_families": joined_names(data.metadata.colour_families),
    }
    arrays["config"] = np.frombuffer(json.dumps(config).encode(), dtype=np.uint8)
    return npz_bytes(arrays)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz that np.load reads, each array deflated only when that makes it much smaller."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            npy = io.BytesIO()
            np.lib.format.write_array(npy, np.asanyarray(array), allow_pickle=False)
            raw = npy.getvalue()
            method = zipfile.ZIP_DEFLATED if _deflates_well(raw) else zipfile.ZIP_STORED
            archive.writestr(f"{name}.npy", raw, compress_type=method)
    return buffer.getvalue()


def _deflates_well(raw: bytes) -> bool:
    sample = raw[:DEFLATE_SAMPLE_BYTES]
    return len(zlib.compress(sample, 1)) < WORTH_DEFLATING * len(sample)


def stored_arrays(blob: bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays of a stored model and its configuration; UnreadableArtefact when they are not."""
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        config = json.loads(_config_text(arrays["config"]))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise UnreadableArtefact(f"the stored model cannot be read ({type(exc).__name__}: {exc})") from exc
    if not isinstance(config, dict) or config.get("version") not in READABLE_VERSIONS:
        version = config.get("version") if isinstance(config, dict) else None
        raise UnreadableArtefact(
            f"the stored model has format {version}, this code reads {list(READABLE_VERSIONS)}"
        )
    return arrays, config


def _config_text(stored: np.ndarray) -> str | bytes:
    return str(stored) if stored.dtype.kind == "U" else stored.tobytes()


def hybrid_from_bytes(blob: bytes) -> HybridRecommender:
    arrays, config = stored_arrays(blob)
    data = InteractionData(
        interactions=_get_csr(arrays, "interactions"),
        not_interested=_get_csr(arrays, "negatives"),
        item_features=_get_csr(arrays, "features"),
        feature_groups={name: slice(start, stop) for name, (start, stop) in config["feature_groups"].items()},
        metadata=ItemMetadata(
            titles=config["titles"],
            tags=_names(config, "tags"),
            colour_families=_names(config, "colour_families"),
        ),
        ids=IdMap(user_ids=config["user_ids"], item_ids=config["item_ids"]),
    )
    als = AlsSettings(**config["als"])
    ease = EaseSettings(**config.get("ease", {}))
    if max(config["weights"].get("ease", 0.0), config["cold_weights"].get("ease", 0.0)) <= 0:
        ease = EaseSettings(ease.regularization, max_items=0)  # unused: not worth its n^2 matrix
    # Refit everything but ALS and the item-item neighbours, which are put back as fitted. The
    # neighbours are stored since computing them was most of a load (half a minute at 100,000 photos
    # and a million likes); models stored before that compute them again.
    components = make_components(als, ease)
    components["als"] = als_recommender(als, (arrays["als_user_factors"], arrays["als_item_factors"]))
    if "item_knn_shape" in arrays:
        components["item_knn"] = ItemKNNRecommender(similarity=_get_csr(arrays, "item_knn"))
    if "similar_neighbours" in arrays:
        components["content"] = ContentRecommender(similar=SimilarItems(arrays["similar_neighbours"]))
    hybrid = HybridRecommender(
        weights=config["weights"],
        make_components=lambda: components,
        cold_weights=config["cold_weights"],
        cold_likes=config["cold_likes"],
        diversity_lambda=config["diversity_lambda"],
    ).fit(data)
    return hybrid


def joined_names(lists: Sequence[Sequence[str]]) -> list[str]:
    """Each item's tags (or colour families) as one string: a list of 100,000 strings loads several
    times faster than 100,000 lists of strings."""
    for names in lists:
        if any(not name or NAME_SEPARATOR in name for name in names):
            raise ValueError(f"a name in {list(names)} is empty or holds the separator {NAME_SEPARATOR!r}")
    return [NAME_SEPARATOR.join(names) for names in lists]


def split_names(joined: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(text.split(NAME_SEPARATOR)) if text else () for text in joined]


def _names(config: dict[str, Any], key: str) -> list[tuple[str, ...]]:
    if config["version"] == 1:  # lists of names
        return [tuple(names) for names in config[key]]
    return split_names(config[key])


def _ease_settings(hybrid: HybridRecommender) -> EaseSettings:
    component = hybrid.components.get("ease")
    if isinstance(component, EaseRecommender):
        return EaseSettings(component.regularization, component.max_items)
    return EaseSettings(max_items=0)


def _put_csr(arrays: dict[str, np.ndarray], name: str, matrix: sp.csr_matrix) -> None:
    matrix = sp.csr_matrix(matrix)
    arrays[f"{name}_data"] = matrix.data
    arrays[f"{name}_indices"] = matrix.indices
    arrays[f"{name}_indptr"] = matrix.indptr
    arrays[f"{name}_shape"] = np.asarray(matrix.shape, dtype=np.int64)


def _canonical(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Sorted indices without duplicates, so that the load need not sort them (a copy of 11 million
    entries at 100,000 photos)."""
    if matrix.has_canonical_format:
        return matrix
    matrix = matrix.copy()
    matrix.sum_duplicates()
    return matrix


def _get_csr(arrays: dict[str, np.ndarray], name: str) -> sp.csr_matrix:
    shape = tuple(int(n) for n in arrays[f"{name}_shape"])
    return sp.csr_matrix(
        (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"]), shape=shape
    )
