"""Benchmark of the recommendation engine on a synthetic catalogue at the issue's scale.

    .venv/bin/python bench/recommend.py                 # 100k items, 10k users, ~1M interactions
    .venv/bin/python bench/recommend.py --items 20000 --users 2000 --interactions 200000   # quick look

Prints: time to generate the data, fit time of each component and of the full hybrid rebuild (and of the
rebuild with weight tuning, if time allows), the time to store the model as the site does and to load
it back (wall and CPU), p50/p99 of hybrid recommend(user, k=20) over a few hundred
users (then of each step of a request and of each component's scoring, to show where the time goes),
and peak memory. Targets from the issue: hybrid recommend p99 < 20 ms, full rebuild < 1 minute.
EASE is part of the hybrid up to EASE_MAX_ITEMS items (recommender/engine/ease.py); the run says
whether it was, and `--no-ease` leaves it out, to compare peak memory with and without it:

    .venv/bin/python bench/recommend.py --items 5000 --users 5000 --interactions 250000
    .venv/bin/python bench/recommend.py --items 5000 --users 5000 --interactions 250000 --no-ease
No assertions: figures only.
The machine is shared, so the load average is printed beside the timings.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

# One BLAS thread per process, as the site's web and worker processes should run (see the report):
# per-request products are memory-bound, and spinning BLAS threads on a shared 2-core box cost more.
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender.artefacts import AlsSettings, hybrid_from_bytes, hybrid_to_bytes  # noqa: E402
from recommender.engine import HybridRecommender, Recommender  # noqa: E402
from recommender.engine.ease import EASE_MAX_ITEMS, ease_memory_bytes  # noqa: E402
from recommender.engine.hybrid import DEFAULT_WEIGHTS, default_components  # noqa: E402
from recommender.engine.synthetic import planted_tastes  # noqa: E402


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--themes", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300, help="users timed for recommend()")
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--budget", type=float, default=240.0, help="seconds; later stages are skipped past it"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python-level peak memory (slower)"
    )
    parser.add_argument("--no-ease", action="store_true", help="leave the EASE component out")
    return parser.parse_args()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


def percentiles_ms(samples: list[float]) -> str:
    p50, p99 = np.percentile(np.asarray(samples) * 1000, [50, 99])
    return f"p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   max {max(samples) * 1000:6.2f} ms"


def time_recommend(hybrid: HybridRecommender, users: np.ndarray, k: int) -> list[float]:
    for user in users[:5]:  # warm caches before timing
        hybrid.recommend(int(user), k)
    samples = []
    for user in users:
        started = time.perf_counter()
        hybrid.recommend(int(user), k)
        samples.append(time.perf_counter() - started)
    return samples


def time_stages(hybrid: HybridRecommender, users: np.ndarray, k: int) -> dict[str, list[float]]:
    """One recommend() split into its steps (see hybrid.py), to show where the time goes."""
    timings: dict[str, list[float]] = {
        name: [] for name in ("component scores", "blend", "top pool + MMR", "reasons")
    }
    for user in users:
        history = hybrid.history(int(user))
        started = time.perf_counter()
        parts = hybrid.weighted_parts(history)
        scored = time.perf_counter()
        scores = hybrid.blended(history, parts)
        blended = time.perf_counter()
        items = hybrid.diversified(scores, k)
        picked = time.perf_counter()
        hybrid.explain(history, items)
        for name, seconds in zip(
            timings,
            (scored - started, blended - scored, picked - blended, time.perf_counter() - picked),
            strict=True,
        ):
            timings[name].append(seconds)
    return timings


def time_components(hybrid: HybridRecommender, users: np.ndarray) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in hybrid.components}
    for user in users:
        history = hybrid.history(int(user))
        for name, component in hybrid.components.items():
            started = time.perf_counter()
            component.scores(history)
            timings[name].append(time.perf_counter() - started)
    return timings


def main() -> None:
    args = arguments()
    began = time.perf_counter()
    if args.tracemalloc:
        tracemalloc.start()
    print(
        f"recommender benchmark: {args.items:,} items, {args.users:,} users, {args.features} features; {load()}"
    )

    started = time.perf_counter()
    planted = planted_tastes(
        args.users, args.items, args.interactions, args.themes, n_features=args.features, seed=args.seed
    )
    data = planted.data
    likes = np.diff(data.interactions.indptr)
    print(
        f"generate       {time.perf_counter() - started:7.2f} s   {data.interactions.nnz:,} interactions, "
        f"likes per user median {int(np.median(likes))} max {likes.max()}"
    )

    make_components = components_without_ease if args.no_ease else default_components
    started = time.perf_counter()
    weights = {name: w for name, w in DEFAULT_WEIGHTS.items() if not (args.no_ease and name == "ease")}
    hybrid = HybridRecommender(weights=weights, make_components=make_components).fit(data)
    rebuild = time.perf_counter() - started
    ease = hybrid.components.get("ease")
    state = "left out (--no-ease)" if ease is None else "in the blend" if ease.is_active else "left out"
    print(
        f"EASE {state}: limit {EASE_MAX_ITEMS:,} items; its matrix here would take "
        f"{ease_memory_bytes(data.n_items) / 2**20:,.0f} MB"
    )
    for name, seconds in hybrid.fit_seconds.items():
        print(f"fit {name:<11}{seconds:7.2f} s")
    print(f"full rebuild   {rebuild:7.2f} s   (all components, fixed weights; target < 60 s)   {load()}")
    print(f"peak RSS so far {peak_rss_mb():,.0f} MB")
    print(stored_model_line(hybrid))

    users = np.random.default_rng(args.seed).choice(
        data.n_users, min(args.requests, data.n_users), replace=False
    )
    samples = time_recommend(hybrid, users, args.k)
    print(
        f"hybrid recommend(user, k={args.k}) over {len(users)} users: {percentiles_ms(samples)}  (target p99 < 20 ms)"
    )
    for name, stage_samples in time_stages(hybrid, users[:100], args.k).items():
        print(f"  {name:<19} {percentiles_ms(stage_samples)}")
    for name, component_samples in time_components(hybrid, users[:100]).items():
        print(f"  scoring {name:<11} {percentiles_ms(component_samples)}")
    new_user = [time_new_user(hybrid, planted.taste_items(int(u))[:10]) for u in users[:100]]
    print(f"new user, 10 likes (fold-in):  {percentiles_ms(new_user)}")
    print(f"{load()}")

    if time.perf_counter() - began + 2.5 * rebuild < args.budget:
        started = time.perf_counter()
        tuned = HybridRecommender(weights=weights, tune=True, make_components=make_components).fit(data)
        print(
            f"rebuild with weight tuning {time.perf_counter() - started:7.2f} s "
            f"(tuning alone {tuned.fit_seconds['tuning']:.2f} s) -> weights {tuned.weights}"
        )
    else:
        print(f"rebuild with weight tuning: skipped, it would pass the {args.budget:.0f} s budget")

    if args.tracemalloc:
        print(
            f"traced peak (Python and numpy allocations) {tracemalloc.get_traced_memory()[1] / 2**20:,.0f} MB"
        )
    print(f"peak RSS {peak_rss_mb():,.0f} MB; total {time.perf_counter() - began:.1f} s")


def stored_model_line(hybrid: HybridRecommender) -> str:
    """The model stored as the site stores it and loaded back, as each web process loads it (the
    database read aside: bench/model_load.py times that on a seeded site)."""
    wall, cpu = time.perf_counter(), time.process_time()
    blob = hybrid_to_bytes(hybrid, AlsSettings())
    saved_wall, saved_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    hybrid_from_bytes(blob)
    return (
        f"stored model   {len(blob) / 2**20:,.0f} MB: saved in {saved_wall:.2f} s ({saved_cpu:.2f} s CPU), "
        f"loaded in {time.perf_counter() - wall:.2f} s ({time.process_time() - cpu:.2f} s CPU)"
    )


def components_without_ease() -> dict[str, Recommender]:
    components = default_components()
    del components["ease"]
    return components


def time_new_user(hybrid: HybridRecommender, liked: np.ndarray) -> float:
    started = time.perf_counter()
    hybrid.recommend_for_likes(liked.tolist(), k=20)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
