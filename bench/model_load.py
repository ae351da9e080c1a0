"""What a web process's first request after a rebuild spends loading the stored recommender model.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imgsite_bench .venv/bin/python bench/model_load.py [--runs 3]

Loads the newest ready model of the site's database as `recommender.services` does (the artefact's
bytes read from its row, then `hybrid_from_bytes`), each run in a fresh process, as each gunicorn
worker does it. Prints per run the wall and CPU seconds of reading the bytes and of building the
served model from them, the first and second picks for one person from their likes (the first pays
the ALS Gram matrix), and the process's resident memory before, after and at its peak (VmRSS,
VmHWM). Seed a large site with `bench/pages.py --seed-only --keep-database` and build a model with
`manage.py rebuild_recommender --no-tune` first. No assertions: figures only. The machine is shared,
so the load average is printed too; compare CPU seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgsite.settings.local")

import django  # noqa: E402

django.setup()

from recommender import selectors  # noqa: E402
from recommender.artefacts import hybrid_from_bytes  # noqa: E402

T = TypeVar("T")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="loads, each in a fresh process")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a run's child process
    args = parser.parse_args()
    if args.one:
        load_once()
        return
    print(f"stored model load, {args.runs} runs in fresh processes; {load_average()}", flush=True)
    for run in range(args.runs):
        done = subprocess.run(
            [sys.executable, __file__, "--one"], cwd=REPO, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"run {run + 1} failed:\n{done.stdout}{done.stderr[-3000:]}")
        print(f"run {run + 1}: {done.stdout.strip()}", flush=True)
    print(load_average())


def load_once() -> None:
    latest = selectors.latest_ready_model()
    if latest is None:
        raise SystemExit("no ready model: run manage.py rebuild_recommender first")
    before = memory()
    blob, read = timed(partial(selectors.model_artefact, latest.pk))
    hybrid, build = timed(partial(hybrid_from_bytes, blob))
    size = len(blob)
    del blob
    after = memory()
    liked = hybrid.history(0).liked
    _, first = timed(lambda: hybrid.recommend_for_likes(liked.tolist(), k=24))
    _, second = timed(lambda: hybrid.recommend_for_likes(liked.tolist(), k=24))
    total_wall, total_cpu = read[0] + build[0], read[1] + build[1]
    print(
        f"model #{latest.pk} ({latest.n_items:,} photos, {size / 2**20:.0f} MiB): load {total_wall:.2f} s "
        f"wall, {total_cpu:.2f} s CPU (read {seconds(read)}, build {seconds(build)}); picks for "
        f"{len(liked)} likes: first {seconds(first)}, second {seconds(second)}; memory "
        f"{before['VmRSS']} -> {after['VmRSS']} MiB, peak {after['VmHWM']} MiB"
    )


def timed(work: Callable[[], T]) -> tuple[T, tuple[float, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, (time.perf_counter() - wall, time.process_time() - cpu)


def seconds(pair: tuple[float, float]) -> str:
    return f"{pair[0]:.2f}/{pair[1]:.2f} s"


def memory() -> dict[str, int]:
    """VmRSS and VmHWM of this process, MiB."""
    fields = dict(
        line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line
    )
    return {name: int(fields[name].split()[0]) // 1024 for name in ("VmRSS", "VmHWM")}


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


if __name__ == "__main__":
    main()
