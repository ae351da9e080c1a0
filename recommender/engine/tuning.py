"""Grid search of the hybrid's weights on a validation split of the training data.

The components are fitted once on the validation-training part. A component may come with
`alternatives` (settings that suit different data: ALS wants strong regularization on MovieLens and
little on sparse planted tastes); each is fitted and the one with the best validation NDCG on its own
is kept (`TuningResult.chosen`). A component that switched itself off (EASE above its item limit) is
left out of the grid. Then each validation user's rescaled
component scores are computed once and kept only for a candidate pool (the union of each component's
top `pool` unseen items), so every weight combination costs a small matrix product per user.
A blend's top k could in principle reach outside that pool; with pool >> k it does not in practice.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from recommender.engine.base import Recommender, history_of, top_k
from recommender.engine.blend import rescaled
from recommender.engine.data import InteractionData
from recommender.engine.metrics import ndcg_at_k
from recommender.engine.split import Split, holdout_split

DEFAULT_GRID: dict[str, tuple[float, ...]] = {
    "content": (0.0, 0.5, 1.0),
    "item_knn": (0.0, 0.5, 1.0),
    "als": (0.0, 0.5, 1.0),
    "ease": (0.0, 0.5, 1.0),
    "popularity": (0.0, 0.1, 0.3),
}


Alternatives = Mapping[str, Sequence[Callable[[], Recommender]]]


@dataclass(frozen=True)
class TuningResult:
    weights: dict[str, float]
    ndcg: float  # mean validation NDCG@k of the chosen weights
    n_users: int
    scores: list[tuple[dict[str, float], float]] = field(default_factory=list)
    chosen: dict[str, int] = field(default_factory=dict)  # component -> index of the alternative kept


@dataclass(frozen=True)
class _UserPool:
    candidates: np.ndarray
    parts: np.ndarray  # (n_components, n_candidates), 0 where a component has no evidence
    relevant: np.ndarray


def tune_weights(
    data: InteractionData,
    make_components: Callable[[], dict[str, Recommender]],
    grid: Mapping[str, Sequence[float]] = DEFAULT_GRID,
    k: int = 10,
    validation_share: float = 0.2,
    max_users: int = 300,
    pool: int = 200,
    cold_likes: int = 2,
    seed: int = 0,
    alternatives: Alternatives | None = None,
) -> TuningResult:
    components = make_components()
    split = holdout_split(data.interactions, validation_share, seed=seed)
    train = data.with_interactions(split.train)
    for name in [name for name in grid if name in components]:
        components[name].fit(train)
    users = _validation_users(split.test_users, np.diff(split.train.indptr), cold_likes, max_users, seed)
    chosen = {}
    for name, makers in (alternatives or {}).items():
        if name in grid and name in components and makers:
            chosen[name], components[name] = _best_alternative(train, makers, split, users, pool, k)
    names = [name for name in grid if name in components and components[name].is_active]
    pools = [
        _user_pool(train, [components[n] for n in names], user, split.relevant(user), pool) for user in users
    ]
    results = []
    for values in itertools.product(*(grid[name] for name in names)):
        if not any(values):
            continue
        weights = np.asarray(values, dtype=np.float64)
        results.append((dict(zip(names, values, strict=True)), _mean_ndcg(pools, weights, k)))
    if not results:
        raise ValueError("the tuning grid has no combination with a non-zero weight")
    best_weights, best = max(results, key=lambda result: result[1])  # max keeps the first of equals
    chosen_weights = {name: best_weights.get(name, 0.0) for name in grid if name in components}
    return TuningResult(weights=chosen_weights, ndcg=best, n_users=len(pools), scores=results, chosen=chosen)


def _best_alternative(
    train: InteractionData,
    makers: Sequence[Callable[[], Recommender]],
    split: Split,
    users: np.ndarray,
    pool: int,
    k: int,
) -> tuple[int, Recommender]:
    """The alternative with the best validation NDCG on its own (the first of equals), fitted."""
    fitted = [make().fit(train) for make in makers]
    scores = [
        _mean_ndcg(
            [_user_pool(train, [component], int(user), split.relevant(int(user)), pool) for user in users],
            np.ones(1),
            k,
        )
        for component in fitted
    ]
    best = int(np.argmax(scores))
    return best, fitted[best]


def _validation_users(
    users: np.ndarray, train_counts: np.ndarray, cold_likes: int, max_users: int, seed: int
) -> np.ndarray:
    # Cold users get fixed weights, so tuning looks only at those the tuned weights will serve.
    warm = users[train_counts[users] > cold_likes]
    if len(warm) > max_users:
        warm = np.sort(np.random.default_rng(seed).choice(warm, max_users, replace=False))
    return warm


def _user_pool(
    train: InteractionData, components: list[Recommender], user: int, relevant: np.ndarray, pool: int
) -> _UserPool:
    history = history_of(train, user)
    parts = np.stack([rescaled(component.scores(history)) for component in components])
    parts[:, history.liked] = np.nan
    parts[:, history.not_interested] = np.nan
    tops = [top_k(np.nan_to_num(row, nan=-np.inf), pool) for row in parts]
    candidates = np.unique(np.concatenate(tops)) if tops else np.empty(0, dtype=np.int64)
    return _UserPool(candidates, np.nan_to_num(parts[:, candidates], nan=0.0), relevant)


def _mean_ndcg(pools: list[_UserPool], weights: np.ndarray, k: int) -> float:
    if not pools:
        return 0.0
    total = 0.0
    for user_pool in pools:
        blended = weights @ user_pool.parts
        order = np.lexsort((user_pool.candidates, -blended))[:k]
        total += ndcg_at_k(user_pool.candidates[order].tolist(), user_pool.relevant.tolist(), k)
    return total / len(pools)
