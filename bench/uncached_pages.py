"""The pages no cache answers, timed in one process: one request at a time, no HTTP, no queueing.

Run from the repository root against a database seeded by bench/pages.py (`--seed-only
--keep-database`), with the cache the site uses:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/imgsite_bench CACHE_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/uncached_pages.py [--requests 40] [--users 50]

Signed-in pages are never cached whole (gallery.page_cache), and a photo's page is a miss the first
time each photo is asked for after any change, so their own cost is what a visitor waits for. Each
page is asked for by `--users` people in turn (Django's test client, logged in with force_login),
the photos cycling through 50 spread over the catalogue; a few requests go first to warm the
process (templates, the collection version, the shared counts), then each request's wall time,
this process's CPU time and the time spent in SQL (with the number of queries) are taken, and the
medians and the 90th percentiles are printed. It runs with DEBUG off, as production does. It asserts
nothing and writes nothing to the database but the sessions of the test client.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgsite.settings.local")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# Production's static files storage needs its manifest: collected once per run, into a temporary folder.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="imgsite-uncached-pages-"))
os.environ["IMGSITE_STATIC_ROOT"] = str(STATIC_ROOT)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.page_paths import IN_A_LIST, photo_pages, viewer_steps  # noqa: E402
from gallery.selectors import visible_images  # noqa: E402

WARM_UP = 3
PHOTOS = 50


@dataclass(frozen=True)
class Page:
    name: str
    paths: tuple[str, ...]
    signed_in: bool = True


@dataclass(frozen=True)
class Timing:
    wall_ms: float
    cpu_ms: float
    sql_ms: float
    queries: int


class SqlClock:
    """Adds up the time spent in the database driver (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


@contextmanager
def sql_clock() -> Iterator[SqlClock]:
    clock = SqlClock()
    with connection.execute_wrapper(clock):
        yield clock


def pages(photo_ids: list[int]) -> list[Page]:
    return [
        Page("gallery, signed in", ("/gallery/",)),
        Page("gallery ?colour=blue, signed in", ("/gallery/?colour=blue",)),
        Page("home, signed in (no model)", ("/",)),
        Page("/for-you/ fallback (no model)", ("/for-you/",)),
        Page("image page, signed in", photo_pages(photo_ids)),
        # The same five photos again and again: what every viewer sees alike is read from the cache
        # (gallery.photo_page), the person's own state is not.
        Page("image page, signed in, 5 photos asked again", photo_pages(photo_ids[:5])),
        Page("image page, signed out, uncached", photo_pages(photo_ids), signed_in=False),
        Page(
            "image page in a list (blue, most liked), signed in",
            photo_pages(photo_ids, query=IN_A_LIST),
        ),
        Page(
            "viewer step (blue, most liked), uncached",
            viewer_steps(photo_ids),
            signed_in=False,
        ),
    ]


def spread_photo_ids(count: int) -> list[int]:
    ids = list(visible_images().order_by("id").values_list("id", flat=True))
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def time_request(client: Client, path: str) -> Timing:
    with sql_clock() as clock:
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return Timing(wall * 1000, cpu * 1000, clock.seconds * 1000, clock.queries)


def measure(page: Page, clients: list[Client], anonymous: Client, requests: int) -> list[Timing]:
    timings = []
    for n in range(WARM_UP + requests):
        client = clients[n % len(clients)] if page.signed_in else anonymous
        path = page.paths[n % len(page.paths)]
        if not page.signed_in:
            # A query string no visitor sends: a new address, so the whole-page cache misses.
            path = f"{path}{'&' if '?' in path else '?'}uncached={n}-{time.monotonic_ns()}"
        timing = time_request(client, path)
        if n >= WARM_UP:
            timings.append(timing)
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(name: str, timings: list[Timing]) -> str:
    def both(values: list[float]) -> str:
        return f"{statistics.median(values):7.1f} {percentile(values, 0.9):7.1f}"

    wall = both([t.wall_ms for t in timings])
    cpu = both([t.cpu_ms for t in timings])
    sql = both([t.sql_ms for t in timings])
    queries = statistics.median([t.queries for t in timings])
    return f"{name:<52} {wall}  {cpu}  {sql}  {queries:5.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="measured requests per page")
    parser.add_argument("--users", type=int, default=50, help="signed-in people, in turn")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    args = parser.parse_args()
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        run(args.requests, args.users, args.only)
    finally:
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)


def run(requests: int, user_count: int, only: str) -> None:
    users = list(User.objects.order_by("id")[:user_count])
    anonymous = Client()
    clients = []
    for user in users:
        client = Client()
        # One handler for all, as in a web process: each new one would load the middleware again
        # (WhiteNoise scans the static files then).
        client.handler = anonymous.handler
        client.force_login(user)
        clients.append(client)
    print(
        f"{connection.vendor}, {visible_images().count():,} visible photos, {len(users)} people signed in in turn"
    )
    print(f"{'page':<52} {'wall p50     p90':>15}  {'cpu p50     p90':>15}  {'sql p50     p90':>15}  queries")
    for page in pages(spread_photo_ids(PHOTOS)):
        if only and only not in page.name:
            continue
        print(summary(page.name, measure(page, clients, anonymous, requests)), flush=True)
    print(f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
