"""Every algorithm on the same split, as a table and as a bar chart.

The split is a seeded random holdout unless one is given (`split.time_split`, or a data set's own
train/test files read by `external.read_given_split`).

With simulated users, `hidden_tastes` maps a user to every item of their hidden taste; the table then
also scores each list against that (minus what the user already had in training), which rewards
finding good items the user simply had not come across yet.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from recommender.engine.als import ALSRecommender
from recommender.engine.base import Recommender
from recommender.engine.content import ContentRecommender
from recommender.engine.data import InteractionData
from recommender.engine.ease import EaseRecommender
from recommender.engine.hybrid import HybridRecommender
from recommender.engine.item_knn import ItemKNNRecommender
from recommender.engine.metrics import (
    average_precision_at_k,
    catalogue_coverage,
    ndcg_at_k,
    novelty,
    precision_at_k,
    recall_at_k,
)
from recommender.engine.popularity import PopularityRecommender, item_popularity
from recommender.engine.random_baseline import RandomRecommender
from recommender.engine.reason_agreement import HiddenInterest, reason_agreement
from recommender.engine.split import Split, holdout_split

AlgorithmFactories = Mapping[str, Callable[[], Recommender]]


def default_algorithms(seed: int = 0) -> dict[str, Callable[[], Recommender]]:
    return {
        "random": lambda: RandomRecommender(seed=seed),
        "popularity": PopularityRecommender,
        "content": ContentRecommender,
        "item_knn": ItemKNNRecommender,
        "als": lambda: ALSRecommender(seed=seed),
        "ease": EaseRecommender,
        "hybrid": lambda: HybridRecommender(tune=True, diversity_lambda=None, seed=seed),
        "hybrid+mmr": lambda: HybridRecommender(tune=True, seed=seed),
    }


def evaluate(
    data: InteractionData,
    algorithms: AlgorithmFactories | None = None,
    k: int = 10,
    test_share: float = 0.2,
    min_interactions: int = 5,
    seed: int = 0,
    hidden_tastes: Mapping[int, Collection[int]] | None = None,
    split: Split | None = None,
    hidden_interests: Mapping[int, Sequence[HiddenInterest]] | None = None,
) -> pd.DataFrame:
    """One row per algorithm: precision, recall, NDCG and MAP at k, coverage, novelty, fit seconds;
    with `hidden_interests`, also how often its reasons agree with them (reason_agreement.py).

    Without `split`, a seeded random holdout of test_share of each user with min_interactions or more.
    """
    if split is None:
        split = holdout_split(data.interactions, test_share, min_interactions, seed)
    train = data.with_interactions(split.train)
    users = split.test_users
    counts = item_popularity(train)
    rows = []
    for name, make in (algorithms or default_algorithms(seed)).items():
        started = time.perf_counter()
        algorithm = make().fit(train)
        fit_seconds = time.perf_counter() - started
        recommended = [algorithm.recommend(int(user), k) for user in users]
        lists = [[r.item for r in recommendations] for recommendations in recommended]
        row: dict[str, object] = {"algorithm": name, "users": len(users)}
        row.update(_ranking_metrics(lists, [split.relevant(int(u)) for u in users], k, ""))
        if hidden_tastes is not None:
            truths = [
                _unseen_taste(hidden_tastes.get(int(u), ()), split.train[int(u)].indices) for u in users
            ]
            row.update(_ranking_metrics(lists, truths, k, "taste "))
        if hidden_interests is not None:
            hidden = [hidden_interests.get(int(u), ()) for u in users]
            row.update(
                {f"taste {name}": value for name, value in reason_agreement(recommended, hidden).items()}
            )
        row["coverage"] = catalogue_coverage(lists, data.n_items)
        row["novelty"] = novelty(lists, counts, train.n_users)
        row["fit_seconds"] = fit_seconds
        rows.append(row)
    return pd.DataFrame(rows).set_index("algorithm")


def _unseen_taste(taste: Collection[int], seen: np.ndarray) -> list[int]:
    seen_set = set(seen.tolist())
    return [item for item in taste if item not in seen_set]


def _ranking_metrics(
    lists: Sequence[Sequence[int]], truths: Sequence[Collection[int]], k: int, prefix: str
) -> dict[str, float]:
    measures = {
        f"{prefix}precision@{k}": precision_at_k,
        f"{prefix}recall@{k}": recall_at_k,
        f"{prefix}ndcg@{k}": ndcg_at_k,
        f"{prefix}map@{k}": average_precision_at_k,
    }
    return {
        label: float(np.mean([measure(items, truth, k) for items, truth in zip(lists, truths, strict=True)]))
        if len(lists)
        else 0.0
        for label, measure in measures.items()
    }


def metrics_chart(
    table: pd.DataFrame, metrics: Sequence[str] | None = None, image_format: str = "svg"
) -> bytes:
    """A grouped bar chart (one group per metric, one bar per algorithm) as SVG or PNG bytes."""
    chosen = list(metrics) if metrics is not None else [c for c in table.columns if "@" in c]
    missing = [name for name in chosen if name not in table.columns]
    if missing:
        raise ValueError(f"no such metric columns: {missing}")
    figure = Figure(figsize=(max(6.0, 1.6 * len(chosen)), 4.0))
    FigureCanvasAgg(figure)  # the Agg canvas, set on this figure only: no pyplot, no global backend switch
    axes = figure.subplots()
    width = 0.8 / max(len(table.index), 1)
    positions = np.arange(len(chosen))
    for offset, algorithm in enumerate(table.index):
        values = table.loc[algorithm, chosen].to_numpy(dtype=float)
        axes.bar(positions + offset * width, values, width, label=str(algorithm))
    axes.set_xticks(positions + width * (len(table.index) - 1) / 2, chosen)
    axes.set_ylabel("score (higher is better)")
    axes.set_title("Recommendation quality on held-out interactions")
    axes.legend(fontsize="small", ncols=2)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format)
    return buffer.getvalue()
