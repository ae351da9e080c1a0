"""Calibrate the similarity a "Because you liked X" reason needs (recommender/engine/reasons.py).

For each tested person of a seeded holdout split, the hybrid's top-k picks are taken; for every pick
that matches the person's hidden taste, the liked photo most similar to it is found by content
(cosine of the item vectors) and by co-likes (cosine of who liked them). The table shows, per
threshold, how many such picks would cite a liked photo and how often that photo shares the hidden
interest that makes the pick relevant. The threshold is the lowest reaching 90%.

    .venv/bin/python bench/reason_thresholds.py            # the site's database (simulated users)
    .venv/bin/python bench/reason_thresholds.py --synthetic

The site's data must hold simulated users (`manage.py create_demo_users`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgsite.settings.local")

import django

django.setup()

from recommender.engine import ContentRecommender, HybridRecommender, InteractionData  # noqa: E402
from recommender.engine.data import dense_rows  # noqa: E402
from recommender.engine.item_knn import ItemKNNRecommender  # noqa: E402
from recommender.engine.reason_agreement import HiddenInterest  # noqa: E402
from recommender.engine.reasons import CO_LIKED_SIMILARITY, LIKED_SIMILARITY  # noqa: E402
from recommender.engine.split import holdout_split  # noqa: E402
from recommender.engine.synthetic import planted_tastes  # noqa: E402
from recommender.selectors import load_site_data  # noqa: E402
from recommender.services import hidden_interests  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
TARGET = 0.9
MIN_PICKS = 20


def closest_liked(
    data: InteractionData, hidden: dict[int, list[HiddenInterest]], k: int, seed: int
) -> dict[str, list[tuple[float, bool]]]:
    """(similarity of the closest liked photo, does it share the pick's hidden interest) per relevant pick."""
    split = holdout_split(data.interactions, 0.2, 5, seed)
    train = data.with_interactions(split.train)
    hybrid = HybridRecommender(tune=True, seed=seed).fit(train)
    content, knn = hybrid.components["content"], hybrid.components["item_knn"]
    assert isinstance(content, ContentRecommender)
    assert isinstance(knn, ItemKNNRecommender)
    found: dict[str, list[tuple[float, bool]]] = {"content": [], "co-likes": []}
    for user in split.test_users.tolist():
        history = hybrid.history(user)
        if not history.n_likes:
            continue
        for pick in hybrid.rank(history, k):
            behind = [interest for interest in hidden.get(user, []) if pick.item in interest.items]
            if not behind:
                continue
            pick_vector = dense_rows(content.vectors, np.array([pick.item]))[0]
            similarities = {
                "content": dense_rows(content.vectors, history.liked) @ pick_vector,
                "co-likes": np.maximum(
                    knn.similarity[history.liked][:, [pick.item]].toarray()[:, 0],
                    knn.similarity[[pick.item]][:, history.liked].toarray()[0],
                ),
            }
            for name, values in similarities.items():
                best = int(np.argmax(values))
                agrees = any(int(history.liked[best]) in interest.items for interest in behind)
                found[name].append((float(values[best]), agrees))
    return found


def report(name: str, pairs: Sequence[tuple[float, bool]], current: float) -> None:
    print(f"{name}: {len(pairs)} relevant picks (current threshold {current})")
    print("  threshold  cites  agree")
    chosen = None
    for threshold in THRESHOLDS:
        kept = [agrees for similarity, agrees in pairs if similarity >= threshold]
        share = sum(kept) / len(kept) if kept else float("nan")
        if len(kept) >= MIN_PICKS:
            chosen = (chosen or threshold) if share >= TARGET else None
        print(f"  {threshold:9.2f}  {len(kept) / max(len(pairs), 1):5.0%}  {share:5.1%}  ({len(kept)})")
    print(f"  calibrated: agreement stays at {TARGET:.0%} or more from {chosen}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="planted tastes instead of the site's data")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.synthetic:
        planted = planted_tastes(n_users=300, n_items=600, n_interactions=9000, n_themes=12, seed=args.seed)
        data = planted.data
        hidden = {user: planted.hidden_interests(user) for user in range(data.n_users)}
    else:
        data = load_site_data()
        hidden = hidden_interests(data)
        if not hidden:
            raise SystemExit("No simulated users in this database: run manage.py create_demo_users first.")
    print(f"{data.n_users} users, {data.n_items} items, {data.interactions.nnz} likes")
    found = closest_liked(data, hidden, args.k, args.seed)
    report("content", found["content"], LIKED_SIMILARITY)
    report("co-likes", found["co-likes"], CO_LIKED_SIMILARITY)


if __name__ == "__main__":
    main()
