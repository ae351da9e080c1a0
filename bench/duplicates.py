"""Benchmark of the near-duplicate check a new photo gets when it is analysed.

    .venv/bin/python bench/duplicates.py                      # 1k, 10k and 100k photos
    .venv/bin/python bench/duplicates.py --sizes 1000 --queries 200

For each collection size: the time to build the hash index from (id, hash) pairs (what a process does
from the `phash` column on its first look-up), its memory, and p50/p99 of each step of the check:

1. the look-up of the hashes within 20 bits, by the index as it chooses (multi-index probes or a
   vectorised scan) and by each way forced, to show why it chooses;
2. the quick check of those candidates' 8x8 layout digests, in one matrix product;
3. the full layout check, per candidate that passes the quick check.

Half the queries are planted copies of a stored hash (2 bits off, as a resized copy, or 18 bits off, as
the worst 4% crop measured); they must be found. Hashes and digests are random, like those of unrelated
photos; real photos cluster more (on the sample photos 0.7% of pairs are within 20 bits and 3% of those
pass the quick check), so the last line estimates the whole check at those rates. Needs no database.
No assertions: figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gallery.analysis.near_duplicates import (
    CANDIDATE_BITS,
    DIGEST_SIZE,
    LAYOUT_SIZE,
    HashIndex,
    layout_similarities,
    quick_check,
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def random_hashes(count: int, rng: np.random.Generator) -> list[int]:
    return [int(v) for v in rng.integers(0, 2**64, size=count, dtype=np.uint64, endpoint=False)]


def flip_bits(value: int, count: int, rng: np.random.Generator) -> int:
    for bit in rng.choice(64, size=count, replace=False):
        value ^= 1 << int(bit)
    return value


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(values, share * 100))


def timed(function: Callable[[], object], repeat: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each run. On a shared machine the wall time includes waiting for a core,
    so the CPU time is the figure for what the check itself costs."""
    timings = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.thread_time()
        function()
        timings.append((time.perf_counter() - wall, time.thread_time() - cpu))
    return timings


def figures(timings: list[tuple[float, float]]) -> str:
    wall = [w for w, _ in timings]
    cpu = [c for _, c in timings]
    return (
        f"wall p50 {percentile(wall, 0.5) * 1000:7.3f} ms  p99 {percentile(wall, 0.99) * 1000:7.3f} ms | "
        f"CPU p50 {percentile(cpu, 0.5) * 1000:7.3f} ms  p99 {percentile(cpu, 0.99) * 1000:7.3f} ms"
    )


def _collect(into: list[tuple[int, int]], index: HashIndex, value: int) -> None:
    into.extend(index.within(value, CANDIDATE_BITS))


def bench_size(size: int, queries: int, rng: np.random.Generator) -> tuple[float, float]:
    hashes = random_hashes(size, rng)
    digests = [rng.integers(-127, 128, DIGEST_SIZE**2, dtype=np.int8).tobytes() for _ in range(size)]
    ids = list(range(1, size + 1))

    tracemalloc.start()
    started = time.perf_counter()
    index = HashIndex(ids, hashes)
    build = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    planted = rng.choice(size, size=queries // 2)
    probes = [(int(i) + 1, flip_bits(hashes[int(i)], 2 if n % 2 else 18, rng)) for n, i in enumerate(planted)]
    probes += [(0, value) for value in random_hashes(queries - len(probes), rng)]
    index.within(probes[0][1], CANDIDATE_BITS)  # probe masks are made once per radius

    lookups: list[tuple[float, float]] = []
    found, candidates = 0, []
    for wanted, value in probes:
        hits: list[tuple[int, int]] = []
        lookups += timed(partial(_collect, hits, index, value), 1)
        found += any(image_id == wanted for image_id, _ in hits) if wanted else 0
        candidates.append([(image_id, bits, digests[image_id - 1]) for image_id, bits in hits])

    query_digest = digests[0]
    quick = [t for near in candidates for t in timed(partial(quick_check, query_digest, near), 1)]

    print(
        f"{size:>7,} photos | build {build * 1000:6.1f} ms, index {index.nbytes / 2**20:5.2f} MiB "
        f"(peak {peak / 2**20:5.2f} MiB) + digests {size * DIGEST_SIZE**2 / 2**20:5.2f} MiB | "
        f"planted copies found {found}/{len(planted)} | candidates per look-up {statistics.mean(map(len, candidates)):.1f}"
    )
    print(f"          1. look-up                 {figures(lookups)}")
    for label, cost in (("multi-index probes", 0), ("vectorised scan   ", 10**12)):
        forced = HashIndex(ids, hashes, probe_cost=cost)
        forced.within(probes[0][1], CANDIDATE_BITS)
        times = [
            t for _, value in probes[:200] for t in timed(partial(forced.within, value, CANDIDATE_BITS), 1)
        ]
        print(f"             forced {label}    {figures(times)}")
    print(f"          2. quick check (all)       {figures(quick)}")
    per_candidate = statistics.median(c for _, c in quick) / max(1.0, statistics.mean(map(len, candidates)))
    return statistics.median(c for _, c in lookups), per_candidate


def bench_full_check(rng: np.random.Generator, batch: int) -> list[tuple[float, float]]:
    """Seconds per candidate of the full layout check, for a batch of survivors checked together."""
    layouts = [rng.integers(0, 256, LAYOUT_SIZE**2, dtype=np.uint8).tobytes() for _ in range(batch + 1)]
    runs = timed(partial(layout_similarities, layouts[0], layouts[1:]), 50)
    return [(wall / batch, cpu / batch) for wall, cpu in runs]


def main() -> None:
    options = arguments()
    rng = np.random.default_rng(options.seed)
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; candidate radius {CANDIDATE_BITS} bits"
    )
    results = {size: bench_size(size, options.queries, rng) for size in options.sizes}
    for batch in (1, 5, 20):
        print(
            f"3. full layout check, per candidate, {batch:>2} checked together: {figures(bench_full_check(rng, batch))}"
        )
    full = statistics.median(cpu for _, cpu in bench_full_check(rng, 20))
    for size, (lookup, quick_per_candidate) in results.items():
        candidates = REAL_CANDIDATE_SHARE * size
        survivors = REAL_QUICK_PASS * candidates
        total = lookup + quick_per_candidate * candidates + survivors * full
        print(
            f"estimate at real-photo rates, {size:>7,} photos: {candidates:.0f} candidates, "
            f"{survivors:.1f} full checks, {total * 1000:.2f} ms of CPU (plus one database read of the survivors)"
        )


# Measured on the 136 sample photos: 65 of 9,180 pairs are within 20 bits, 2 of those 65 pass the
# quick check (manage.py evaluate_quality --folder; see the report in gallery/analysis/near_duplicates.py).
REAL_CANDIDATE_SHARE = 65 / 9180
REAL_QUICK_PASS = 2 / 65


if __name__ == "__main__":
    main()
