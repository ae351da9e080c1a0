"""Writes and the serving path of the recommender: building models, loading them once per process,
picks for /for-you/ with their reasons, a person's interests (the one taste model, also shown on
/me/), similar photos, and "not interested".

A model is built in the background (`rebuild_model_task`, on the Celery beat schedule and from the
admin) and stored in a RecommenderModel row. Each web process loads the newest ready model once and
keeps it until a newer one appears. Picks are always computed from the user's *current* likes and
"not interested" photos (the model folds them in), so a like or a hidden photo counts at once, not
only after the next rebuild; the ranked picks are kept in the shared cache under the model and those
likes and hidden photos, so a visit with nothing new reuses them. With no model yet, /for-you/ falls
back on popular and new photos.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import partial

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from gallery.models import Image
from imgsite import background
from imgsite.background import CACHE_ERRORS
from profiles.selectors import simulation_catalogue
from profiles.simulation import Interest as SimulatedInterest
from profiles.simulation import affinity
from recommender import selectors
from recommender.artefacts import (
    ALS_CANDIDATES,
    EASE_CANDIDATES,
    AlsSettings,
    UnreadableArtefact,
    als_recommender,
    ease_recommender,
    hybrid_from_bytes,
    hybrid_to_bytes,
    make_components,
)
from recommender.engine import (
    ContentRecommender,
    HybridRecommender,
    Reason,
    ReasonKind,
    ReasonWords,
    Recommendation,
    Recommender,
    reason_words,
)
from recommender.engine.base import UserHistory, history_from_likes
from recommender.engine.data import InteractionData
from recommender.engine.hybrid import DEFAULT_WEIGHTS
from recommender.engine.interests import Interest
from recommender.engine.reason_agreement import HiddenInterest
from recommender.engine.similar import SimilarItems, most_similar, nearest_neighbours
from recommender.engine.split import aligned_times
from recommender.engine.tuning import tune_weights
from recommender.features import SIMILAR_PHOTOS_EMPHASIS, group_scale
from recommender.models import BuildStatus, NotInterested, RecommenderModel

logger = logging.getLogger(__name__)

# Tuning on fewer warm validation users than this is noise: the default weights are used instead.
MIN_TUNING_USERS = 5
MODELS_KEPT = 5  # older rows (and their arrays) are deleted after each successful build
FOR_YOU_COUNT = 24
# How long a person's ranked picks stay in the shared cache (`_ranked`); a new model or a new like or
# hidden photo gives another key, so this only bounds how long unused entries take up room.
RANKED_CACHE_SECONDS = 6 * 3600
# A photo matches a simulated user's hidden taste when its affinity for one of their interests (see
# profiles.simulation: 3 x family share + 2 x tag share + 0.5 orientation + 0.3 size) reaches this:
# e.g. half its palette in the interest's colours and one of its two tags. About a quarter of the
# 136 sample photos match a typical interest.
TASTE_MATCH = 2.5
# Similar photos kept per photo in a built model: the pages show RELATED_COUNT; a caller asking for
# more than this gets them from the product with every photo's vector, computed per request.
SIMILAR_KEPT = 2 * selectors.RELATED_COUNT


@dataclass(frozen=True)
class LoadedModel:
    model_id: int
    built_at: datetime | None
    hybrid: HybridRecommender
    item_index: dict[int, int]  # image id -> item index
    item_ids: list[int]  # item index -> image id

    def indices(self, image_ids: Sequence[int]) -> list[int]:
        return [self.item_index[i] for i in image_ids if i in self.item_index]


@dataclass(frozen=True)
class Pick:
    """One photo on /for-you/ with why it was picked; `liked_image` is the photo a reason points at."""

    image: Image
    reason: Reason
    liked_image: Image | None = None

    @property
    def kind(self) -> str:
        return str(self.reason.kind)

    @property
    def words(self) -> ReasonWords:
        title = self.liked_image.title if self.liked_image is not None else ""
        return reason_words(self.reason, liked_title=title)

    @property
    def text(self) -> str:
        return self.words.text


@dataclass(frozen=True)
class TasteInterest:
    """One of a person's interests, in the site's ids: what /me/ shows and /for-you/ ranks by."""

    name: str  # its label: what /me/ and /for-you/ call it
    share: float  # of the person's likes
    image_ids: list[int]  # the person's likes in it, closest to its centre first
    tags: list[str]
    colour: str | None


@dataclass(frozen=True)
class Taste:
    interests: list[TasteInterest]
    model_id: int | None  # the served model whose item vectors they come from; None: no model yet


@dataclass(frozen=True)
class ForYou:
    picks: list[Pick]
    fallback: bool  # no model yet: popular and new photos instead of personal picks
    built_at: datetime | None
    like_count: int
    interests: list[TasteInterest] = field(default_factory=list)


# --- Building -----------------------------------------------------------------------------------


def build_model(*, tune: bool = True, als: AlsSettings | None = None) -> RecommenderModel:
    """Fit the hybrid on the site's current data and store it; the row says FAILED (and why) on error."""
    model = RecommenderModel.objects.create(status=BuildStatus.BUILDING)
    started = time.perf_counter()
    try:
        data = selectors.load_site_data()
        hybrid, chosen_als, metrics = _fit_hybrid(data, tune=tune, als=als)
        similar_started = time.perf_counter()
        similar = _similar_photos(hybrid)
        metrics["similar_seconds"] = round(time.perf_counter() - similar_started, 3)
        blob = hybrid_to_bytes(hybrid, chosen_als, similar=similar)
    except Exception as exc:  # a failed build must be visible in the admin, not only in a log
        logger.exception("Recommender build #%s failed", model.pk)
        model.status, model.error = BuildStatus.FAILED, f"{type(exc).__name__}: {exc}"
        model.save(update_fields=["status", "error"])
        raise
    metrics["build_seconds"] = round(time.perf_counter() - started, 3)
    model.status = BuildStatus.READY
    model.weights = hybrid.weights
    model.metrics = metrics
    model.n_users, model.n_items, model.n_interactions = data.n_users, data.n_items, data.interactions.nnz
    model.artefact = blob
    model.built_at = timezone.now()
    with transaction.atomic():
        model.save()
        _delete_old_models(keep_from=model)
    return model


def _fit_hybrid(
    data: InteractionData, *, tune: bool, als: AlsSettings | None
) -> tuple[HybridRecommender, AlsSettings, dict[str, object]]:
    """The hybrid with tuned weights, the better of EASE_CANDIDATES and, unless `als` is given, the
    better of ALS_CANDIDATES."""
    als_candidates = ALS_CANDIDATES if als is None else (als,)
    weights: dict[str, float] = dict(DEFAULT_WEIGHTS)
    chosen_als, chosen_ease = als_candidates[0], EASE_CANDIDATES[0]
    metrics: dict[str, object] = {}
    if tune and data.n_users:
        tuned = tune_weights(
            data,
            lambda: make_components(als_candidates[0]),
            alternatives={
                "als": [partial(als_recommender, settings) for settings in als_candidates],
                "ease": [partial(ease_recommender, settings) for settings in EASE_CANDIDATES],
            },
        )
        metrics.update({"validation_ndcg@10": round(tuned.ndcg, 4), "validation_users": tuned.n_users})
        if tuned.n_users >= MIN_TUNING_USERS:
            weights = tuned.weights
            chosen_als = als_candidates[tuned.chosen.get("als", 0)]
            chosen_ease = EASE_CANDIDATES[tuned.chosen.get("ease", 0)]
    metrics["tuned"] = weights != DEFAULT_WEIGHTS
    metrics["als"], metrics["ease"] = chosen_als.__dict__, chosen_ease.__dict__
    hybrid = HybridRecommender(
        weights=weights, make_components=lambda: make_components(chosen_als, chosen_ease)
    ).fit(data)
    metrics["fit_seconds"] = {name: round(seconds, 3) for name, seconds in hybrid.fit_seconds.items()}
    return hybrid, chosen_als, metrics


def _similar_photos(hybrid: HybridRecommender) -> SimilarItems | None:
    """Each photo's SIMILAR_KEPT similar photos, as `similar_image_ids` would compute them."""
    content = _content_with_vectors(hybrid)
    if content is None:
        return None
    return nearest_neighbours(content.vectors, _similar_scale(content), SIMILAR_KEPT)


def _delete_old_models(*, keep_from: RecommenderModel) -> None:
    kept = list(
        RecommenderModel.objects.order_by("-created_at", "-id").values_list("pk", flat=True)[:MODELS_KEPT]
    )
    RecommenderModel.objects.exclude(pk__in=[*kept, keep_from.pk]).exclude(
        status=BuildStatus.BUILDING
    ).delete()


REBUILD_NOT_QUEUED = (
    "The task queue (broker) cannot be reached, so no rebuild was queued. The scheduled rebuild runs "
    "once it is back; `manage.py rebuild_recommender` rebuilds now without it."
)


def schedule_rebuild() -> bool:
    """Queue a background rebuild now. False when the broker is down: nothing is lost, since the
    periodic rebuild (CELERY_BEAT_SCHEDULE) reads the same likes once it is back."""
    try:
        background.enqueue(background.REBUILD_MODEL)
    except background.BROKER_ERRORS as exc:
        logger.warning("recommender rebuild not queued, the broker is down: %s", exc)
        return False
    return True


# --- Loading, once per process ------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, LoadedModel] = {}
# (id, built_at) of stored models this code cannot read, so that each is tried (and logged) once.
_unreadable: set[tuple[int, datetime | None]] = set()


def current_model() -> LoadedModel | None:
    """The newest ready model; one small query per call, the arrays only when a newer model appears.

    None, as with no model yet, when the newest one was stored in a format this code cannot read
    (built by another version of the site, or damaged): the pages fall back, and the log says to
    rebuild it.
    """
    latest = selectors.latest_ready_model()
    if latest is None:
        return None
    key = (latest.pk, latest.built_at)
    cached = _cache.get("model")
    if cached is not None and (cached.model_id, cached.built_at) == key:
        return cached
    if key in _unreadable:
        return None
    with _lock:
        cached = _cache.get("model")
        if cached is None or (cached.model_id, cached.built_at) != key:
            try:
                cached = _load(latest)
            except UnreadableArtefact as exc:
                logger.error(
                    "Recommender model #%s cannot be loaded: %s. Rebuild it (manage.py "
                    "rebuild_recommender, or 'Rebuild now' on the admin's recommender models); until then "
                    "/for-you/ shows popular and new photos.",
                    latest.pk,
                    exc,
                )
                _unreadable.add(key)
                return None
            _cache["model"] = cached
    return cached


def _load(model: RecommenderModel) -> LoadedModel:
    hybrid = hybrid_from_bytes(selectors.model_artefact(model.pk))
    ids = hybrid.data.ids
    item_ids = [int(str(i)) for i in ids.item_ids] if ids is not None else []  # stored as ints
    return LoadedModel(
        model_id=model.pk,
        built_at=model.built_at,
        hybrid=hybrid,
        item_index={image_id: index for index, image_id in enumerate(item_ids)},
        item_ids=item_ids,
    )


def forget_loaded_model() -> None:
    """Drop this process's cached model (tests, and after deleting models by hand)."""
    _cache.clear()
    _unreadable.clear()


# --- Serving ------------------------------------------------------------------------------------


def for_you(user: AbstractBaseUser, *, count: int = FOR_YOU_COUNT) -> ForYou:
    liked = selectors.liked_image_ids(user)
    hidden = selectors.not_interested_image_ids(user)
    model = current_model()
    if model is None:
        return ForYou(_fallback_picks(liked, hidden, count), True, None, len(liked))
    history = history_from_likes(model.indices(liked), model.hybrid.data.n_items, model.indices(hidden))
    recommendations, interests = _ranked(model, history, count)
    return ForYou(_picks(model, recommendations), False, model.built_at, len(liked), interests)


def _ranked(
    model: LoadedModel, history: UserHistory, count: int
) -> tuple[list[Recommendation], list[TasteInterest]]:
    """The model's picks with their reasons, and the interests, for these likes and hidden photos.

    They depend on nothing else, so they are kept in the shared cache under the model and the
    history: a person who comes back before liking or hiding anything gets them without the ranking
    (most of the page's cost at 100,000 photos). Which of them are still visible is checked on each
    request (`_picks`).
    """
    key = _ranked_key(model, history, count)
    try:
        cached = cache.get(key)
    except CACHE_ERRORS:
        cached = None
    if isinstance(cached, tuple):
        return cached
    ranked = (
        model.hybrid.rank(history, count),
        _taste_interests(model.hybrid.interests(history), model.item_ids),
    )
    with contextlib.suppress(*CACHE_ERRORS):  # shown all the same, just not kept
        cache.set(key, ranked, RANKED_CACHE_SECONDS)
    return ranked


def _ranked_shape() -> str:
    """The classes a cached ranking is pickled as, with their fields: part of its key, so a release
    that changes them never reads another release's entries."""
    classes = (Recommendation, Reason, TasteInterest)
    described = [f"{c.__module__}.{c.__qualname__}({','.join(f.name for f in fields(c))})" for c in classes]
    return ";".join([*described, ",".join(ReasonKind)])


def _ranked_key(model: LoadedModel, history: UserHistory, count: int) -> str:
    built = model.built_at.isoformat() if model.built_at is not None else ""
    digest = hashlib.sha256(f"{RANKED_SHAPE}:{model.model_id}:{built}:{count}:".encode())
    digest.update(np.asarray(history.liked, dtype=np.int64).tobytes())
    digest.update(b":")
    digest.update(np.asarray(history.not_interested, dtype=np.int64).tobytes())
    return f"recommender:ranked:{digest.hexdigest()[:40]}"


def taste_for_likes(liked_image_ids: Sequence[int]) -> Taste:
    """The interests of someone who liked these photos, as /for-you/ ranks by them.

    On the served model's item vectors; before the first model is built, on vectors made the same
    way from the current catalogue (the model built next starts from the same ones).
    """
    model = current_model()
    content: Recommender | None
    if model is None:
        content, item_ids, model_id = *_catalogue_content(), None
    else:
        content = model.hybrid.components.get("content")
        item_ids, model_id = model.item_ids, model.model_id
    if not isinstance(content, ContentRecommender):
        return Taste([], model_id)
    index = {image_id: position for position, image_id in enumerate(item_ids)}
    liked = [index[i] for i in liked_image_ids if i in index]
    history = history_from_likes(liked, content.data.n_items)
    return Taste(_taste_interests(content.interests(history), item_ids), model_id)


def current_model_id() -> int | None:
    model = current_model()
    return model.model_id if model is not None else None


def _catalogue_content() -> tuple[ContentRecommender, list[int]]:
    """The content component fitted on the catalogue alone (no likes): item vectors as a build makes them."""
    site = selectors.load_catalogue_data()
    return ContentRecommender().fit(site), [int(str(i)) for i in (site.ids.item_ids if site.ids else [])]


def _taste_interests(interests: list[Interest], item_ids: Sequence[int]) -> list[TasteInterest]:
    return [
        TasteInterest(
            name=interest.label,
            share=interest.share,
            image_ids=[item_ids[i] for i in interest.members],
            tags=list(interest.tags),
            colour=interest.colour,
        )
        for interest in interests
    ]


RANKED_SHAPE = _ranked_shape()


def _picks(model: LoadedModel, recommendations: list[Recommendation]) -> list[Pick]:
    image_ids = [model.item_ids[r.item] for r in recommendations]
    reason_ids = [model.item_ids[r.reason.item] for r in recommendations if r.reason.item is not None]
    images, cited = selectors.pick_images(image_ids, reason_ids)
    picks = []
    for recommendation, image_id in zip(recommendations, image_ids, strict=True):
        image = images.get(image_id)
        if image is None:
            continue  # hidden, deleted or merged into its best shot since the model was built
        reason = recommendation.reason
        liked = cited.get(model.item_ids[reason.item]) if reason.item is not None else None
        if reason.item is not None and liked is None:  # the cited like's photo is gone since the build
            picks.append(Pick(image, Reason(ReasonKind.POPULAR)))
            continue
        picks.append(Pick(image, reason, liked))
    return picks


def _fallback_picks(liked: Sequence[int], hidden: Sequence[int], count: int) -> list[Pick]:
    seen = [*liked, *hidden]
    popular = selectors.popular_images(limit=count, exclude=seen)
    picks = [Pick(image, Reason(ReasonKind.POPULAR)) for image in popular]
    fresh = selectors.fresh_images(limit=count - len(picks), exclude=[*seen, *(p.image.pk for p in picks)])
    picks += [Pick(image, Reason(ReasonKind.FRESH)) for image in fresh]
    return picks


def similar_image_ids(image_id: int, *, count: int = selectors.RELATED_COUNT) -> list[int]:
    """Nearest neighbours on the feature vectors (cosine); [] when the photo is not in the model.

    The photos of the model's build: callers show only those still visible (`images_in_order`).
    """
    model = current_model()
    if model is None or image_id not in model.item_index:
        return []
    content = _content_with_vectors(model.hybrid)
    if content is None:
        return []
    index = model.item_index[image_id]
    stored = content.similar
    if stored is not None and count <= stored.width:
        similar = stored.of(index, count)  # computed when the model was built: a look-up
    else:  # a model stored before they were kept: the product with every photo's vector
        similar = most_similar(
            content.product, content.vectors, np.array([index]), _similar_scale(content), count
        )[0]
    return [model.item_ids[i] for i in similar]


def _content_with_vectors(hybrid: HybridRecommender) -> ContentRecommender | None:
    content = hybrid.components.get("content")
    if not isinstance(content, ContentRecommender) or not content.vectors.shape[1]:
        return None
    return content


def _similar_scale(content: ContentRecommender) -> np.ndarray:
    """Similar photos weigh each feature group's share of the cosine by scaling only the query's columns."""
    return group_scale(content.data.feature_groups, content.vectors.shape[1], SIMILAR_PHOTOS_EMPHASIS)


def mark_not_interested(*, user: AbstractBaseUser, image: Image) -> NotInterested:
    hidden, _ = NotInterested.objects.get_or_create(user_id=user.pk, image=image)
    return hidden


def undo_not_interested(*, user: AbstractBaseUser, image: Image) -> bool:
    deleted, _ = NotInterested.objects.filter(user_id=user.pk, image=image).delete()
    return bool(deleted)


# --- Evaluation ---------------------------------------------------------------------------------


def hidden_tastes(data: InteractionData, *, threshold: float = TASTE_MATCH) -> dict[int, list[int]]:
    """User index -> item indices matching that simulated user's hidden taste; {} with no simulated users."""
    return {
        user: sorted(set().union(*(interest.items for interest in interests)))
        for user, interests in hidden_interests(data, threshold=threshold).items()
    }


def hidden_interests(
    data: InteractionData, *, threshold: float = TASTE_MATCH
) -> dict[int, list[HiddenInterest]]:
    """User index -> that simulated user's hidden interests: the items matching each (affinity at
    least `threshold`), and the tags and colour families it is made of. {} with no simulated users."""
    tastes = selectors.simulated_tastes()
    if not tastes or data.ids is None:
        return {}
    catalogue = simulation_catalogue()
    image_ids = [int(i) for i in catalogue.images["image_id"]]
    item_index = {int(str(image_id)): index for index, image_id in enumerate(data.ids.item_ids)}
    user_index = {int(str(user_id)): index for index, user_id in enumerate(data.ids.user_ids)}
    result: dict[int, list[HiddenInterest]] = {}
    for user_id, interests in tastes.items():
        if user_id not in user_index:
            continue
        hidden = []
        for stored in interests:
            interest = SimulatedInterest(**stored)  # type: ignore[arg-type]
            rows = np.flatnonzero(affinity(catalogue, interest) >= threshold)
            items = {item_index[image_ids[row]] for row in rows if image_ids[row] in item_index}
            hidden.append(
                HiddenInterest(frozenset(items), frozenset(interest.tags), frozenset(interest.families))
            )
        result[user_index[user_id]] = hidden
    return result


def site_like_times(data: InteractionData) -> np.ndarray:
    """When each like in `data` was made (Unix seconds), in the order `split.time_split` wants."""
    if data.ids is None:
        return np.full(data.interactions.nnz, np.nan)
    events = selectors.like_times()
    user_index = {int(str(user_id)): index for index, user_id in enumerate(data.ids.user_ids)}
    item_index = {int(str(image_id)): index for index, image_id in enumerate(data.ids.item_ids)}
    known = events["user_id"].isin(user_index) & events["image_id"].isin(item_index)
    events = events[known]
    return aligned_times(
        data.interactions,
        events["user_id"].map(user_index).to_numpy(),
        events["image_id"].map(item_index).to_numpy(),
        events["seconds"].to_numpy(),
    )
