"""Benchmark the site's pages under gunicorn (2 workers) on PostgreSQL, against a bare Django view.

Run from the repository root:  .venv/bin/python bench/pages.py [--seconds 10] [--clients 4]
It needs PostgreSQL on 127.0.0.1:5432 and Redis (production settings keep the cache there).

It creates a throwaway database (imgsite_bench) on PostgreSQL, migrates it, seeds 2,000 analysed
images (colours, tags, a few hundred distinct small thumbnails reused by path) and 200 users with
likes and tags, collects static files, and starts `gunicorn imgsite.wsgi` with 2 workers under the
production settings (bench.settings adds /bench/bare/). This process then loads each page from a
pool of client threads on loopback for a fixed time: the gallery and image pages and the home page
anonymously, then /for-you/ signed in as 50 of the users in turn (real database sessions) on the
fallback, then again after `manage.py rebuild_recommender` has built a model. It prints
requests/s, p50 and p99 latency and the cost of each page relative to the bare view, and how long
the rebuild took. It asserts nothing. At the end, or on Ctrl-C, it stops gunicorn, drops the
database and removes its temporary folder.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from PIL import Image as PILImage

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.page_paths import IN_A_LIST, photo_pages, viewer_steps  # noqa: E402
from tests.support.machines import stop  # noqa: E402

IMAGES = 2_000
USERS = 200
LIKES_PER_IMAGE = 10  # 1,000,000 likes at 100,000 photos
# --scale: the sizes measured in one run (people and likes grow with the photos).
SCALE_IMAGES = (2_000, 20_000, 100_000)
DISTINCT_THUMBNAILS = 300
WORKERS = 2
# A request slower than this counts as failed (and a page whose first request is, as timed out).
CLIENT_TIMEOUT = 120
HOST = "127.0.0.1"
# /for-you/ cycles through this many signed-in users, so no single user's picks stay in any cache.
SIGNED_IN_USERS = 50
BARE = "bare Django view"
FALLBACK_MARK = b"data-fallback"  # for_you.html marks the no-model page with this attribute


@dataclass(frozen=True)
class Target:
    name: str
    paths: tuple[str, ...]  # requests cycle through these
    cookies: tuple[str, ...] = ()  # Cookie headers, cycled alongside the paths; none when empty

    def request(self, n: int) -> tuple[str, str | None]:
        cookie = self.cookies[n % len(self.cookies)] if self.cookies else None
        return self.paths[n % len(self.paths)], cookie


@dataclass(frozen=True)
class Measurement:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")


@dataclass
class SizeRun:
    """One size's figures: the pages, the rebuilds, memory per worker and the duplicate check."""

    label: str
    results: list[Measurement]
    notes: list[str]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--images", type=int, default=IMAGES, help="photos to seed")
    parser.add_argument("--users", type=int, default=USERS, help="people to seed")
    parser.add_argument("--likes", type=int, help=f"likes to seed (default {LIKES_PER_IMAGE} per photo)")
    parser.add_argument(
        "--scale",
        action="store_true",
        help="measure 2,000, 20,000 and 100,000 photos (a tenth as many people, 10 likes a photo) in one run",
    )
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server")
    parser.add_argument("--database", default="imgsite_bench", help="throwaway database to create")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/14", help="Redis for CACHE_URL (cleared)")
    parser.add_argument("--skip-for-you", action="store_true", help="only the anonymous pages (no rebuilds)")
    parser.add_argument(
        "--skip-pages",
        action="store_true",
        help="no anonymous pages but the bare view (for the model's figures)",
    )
    parser.add_argument("--no-tuned", action="store_true", help="build only the untuned model (quicker)")
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the last size's database in place"
    )
    parser.add_argument("--seed-only", action="store_true", help="seed, print the timings and stop")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: any free one)")
    parser.add_argument(
        "--only",
        default="",
        help="measure only the pages whose name contains one of these comma-separated words "
        "(and the bare view); the model is built only when a page measured needs it",
    )
    args = parser.parse_args()
    sizes = (
        [(n, n // 10, n * LIKES_PER_IMAGE) for n in SCALE_IMAGES]
        if args.scale
        else [(args.images, args.users, args.likes or args.images * LIKES_PER_IMAGE)]
    )

    with tempfile.TemporaryDirectory(prefix="imgsite-bench-pages-") as folder:
        env = bench_environment(Path(folder), f"{args.pg}/{args.database}", args.cache)
        os.environ.update(env)
        with throwaway_database(args.pg, args.database, keep=args.keep_database):
            thumbnails = prepare_site(Path(folder))
            runs = [measure_size(size, thumbnails, env, Path(folder), args) for size in sizes]
        for run in runs:
            print(f"\n== {run.label}")
            print_table(run.results)
            print("\n".join(run.notes))
        if len(runs) > 1:
            print_scale_table(runs)
        load = os.getloadavg()
        print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def measure_size(
    size: tuple[int, int, int],
    thumbnails: list[str],
    env: dict[str, str],
    folder: Path,
    args: argparse.Namespace,
) -> SizeRun:
    from django.core.cache import cache

    from bench.seed import Size, seed_site

    wanted = Size(*size)
    print(f"\nseeding {wanted.label()} (load average {os.getloadavg()[0]:.2f})", flush=True)
    seeded = seed_site(wanted, thumbnails=thumbnails, signed_in=SIGNED_IN_USERS)
    label = f"{wanted.images:,} photos, {wanted.users:,} users, {seeded.likes:,} likes"
    notes = [seeded.timing_line()]
    print(f"  {notes[0]}", flush=True)
    if args.seed_only:
        return SizeRun(label, [], notes)
    cache.clear()  # pages cached from the previous size must not answer for this one
    cookies = seeded.session_cookies
    with gunicorn(env, folder, args.port) as (port, master):
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
            f"{WORKERS} gunicorn workers, {args.clients} client threads, {args.seconds:g} s per page\n",
            flush=True,
        )
        asked = partial(is_wanted, args.only)
        results = [
            result
            for target in page_targets(seeded.image_ids, seeded.common_tag)[: 1 if args.skip_pages else None]
            if asked(target.name)
            and (result := measure_if_present(port, target, args.seconds, args.clients)) is not None
        ]
        if not args.skip_for_you:
            builds = (("untuned model", ("--no-tune",)),) if args.no_tuned else BUILDS
            with_model = [
                target for target in similar_targets(seeded.image_ids, cookies) if asked(target.name)
            ]
            for_you, rebuilds = measure_for_you(
                port,
                seeded.image_ids,
                cookies,
                env,
                args.seconds,
                args.clients,
                builds,
                master=master,
                wanted=asked,
                build=bool(with_model) or any(asked(name) for name in model_page_names(cookies, builds)),
            )
            results += for_you
            results += [measure(port, target, args.seconds, args.clients) for target in with_model]
            notes += rebuilds
        notes += worker_memory(master)
        load = os.getloadavg()
    if not args.only:  # the in-process figures are not pages: left out when some pages are asked for
        notes += count_figures(seeded.common_tag)
        if not args.skip_for_you:
            notes += lookup_figures(seeded.image_ids)
    notes.append(f"load average after this size: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return SizeRun(label, results, notes)


# --- Environment, database and server ------------------------------------------------------------


def bench_environment(folder: Path, database_url: str, cache_url: str) -> dict[str, str]:
    """What both this process and gunicorn run with: production settings, loopback only."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "IMGSITE_MEDIA_ROOT": str(folder / "media"),
        "IMGSITE_STATIC_ROOT": str(folder / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }


@contextmanager
def throwaway_database(server_url: str, name: str, *, keep: bool = False) -> Iterator[None]:
    _admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_sql(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept database {name} (the next run drops it)")
        else:
            _admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"dropped database {name}")


def _admin_sql(server_url: str, sql: str) -> None:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(sql.encode())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], folder: Path, port: int = 0) -> Iterator[tuple[int, int]]:
    """Serve the site on `port` (0: any free one); yields the port and the master's pid."""
    port = port or _free_port()
    log = (folder / "gunicorn.log").open("wb")
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "imgsite.wsgi",
        f"--workers={WORKERS}",
        f"--bind={HOST}:{port}",
        "--log-level=warning",
        # At 100,000 photos a worker's first request after a rebuild loads the model; the default 30 s
        # would kill a worker doing that on a loaded machine.
        "--timeout=300",
    ]
    process = subprocess.Popen(
        command, cwd=REPO, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_serving(port, process, folder / "gunicorn.log")
        yield port, process.pid
    finally:
        stop(process, timeout=15)
        log.close()
        print("stopped gunicorn")


def _wait_until_serving(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if get(port, "/bench/bare/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


# --- Seeding -------------------------------------------------------------------------------------


def prepare_site(folder: Path) -> list[str]:
    """Migrate, collect static files and write the thumbnails the seeded photos share."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    return write_thumbnails(folder / "media", DISTINCT_THUMBNAILS)


def write_thumbnails(media: Path, count: int) -> list[str]:
    """Small gradient JPEGs, `count` of them, as storage names relative to the media folder."""
    (media / "thumbs").mkdir(parents=True)
    rng = np.random.default_rng(7)
    ramp = np.linspace(0.0, 1.0, 400)[None, :, None]
    names = []
    for n in range(count):
        low, high = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        pixels = np.broadcast_to(low + (high - low) * ramp, (267, 400, 3)).astype(np.uint8)
        name = f"thumbs/bench-{n:03d}.jpg"
        PILImage.fromarray(pixels).save(media / name, "JPEG", quality=80)
        names.append(name)
    return names


def rebuild_model(env: dict[str, str], options: tuple[str, ...] = ()) -> str:
    """`manage.py rebuild_recommender` against the bench database, as an operator would run it.

    Returns what it printed and the wall time, Django start-up included.
    """
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "rebuild_recommender", *options],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"rebuild_recommender failed:\n{done.stdout}{done.stderr[-3000:]}")
    summary = f"{done.stdout.strip()} Command wall time {seconds:.1f} s."
    print(f"  {summary}", flush=True)
    return summary


# --- Load ----------------------------------------------------------------------------------------


def page_targets(image_ids: list[int], tag_name: str) -> list[Target]:
    tag = tag_name.replace(" ", "+")
    return [
        Target(BARE, ("/bench/bare/",)),
        Target("gallery", ("/gallery/",)),
        Target("gallery ?colour=blue", ("/gallery/?colour=blue",)),
        Target(
            "gallery colour+orientation, most liked",
            ("/gallery/?colour=blue&orientation=landscape&sort=liked",),
        ),
        Target(f"gallery ?tag={tag} page 2", (f"/gallery/?tag={tag}&page=2",)),
        # Search: one word (stemmed), two words with a filter, a word in every photo's description
        # (ranking nearly everything), then a tag's and an author's own page.
        Target("search ?q=boats", ("/gallery/?q=boats",)),
        Target("search ?q=misty+harbour&colour=blue", ("/gallery/?q=misty+harbour&colour=blue",)),
        Target("search ?q=light (in ~1 in 5 descriptions)", ("/gallery/?q=light",)),
        Target(f"tag page /tags/{tag_name}/", (f"/tags/{tag_name.replace(' ', '%20')}/",)),
        Target("author page /authors/Photographer 7/", ("/authors/Photographer%207/",)),
        Target("image page (50 photos)", photo_pages(image_ids)),
        # A photo opened from a filtered, sorted list: its neighbours and page in that list.
        Target(
            "image page in a list (blue, most liked)",
            photo_pages(image_ids, query=IN_A_LIST),
        ),
        Target(
            "viewer step (blue, most liked)",
            viewer_steps(image_ids),
        ),
        Target("home, anonymous", ("/",)),
    ]


# The bench's likes follow planted tastes, but tuning may still give a collaborative part no weight; the
# untuned build serves all four components, as a site with real taste in its likes would.
BUILDS: tuple[tuple[str, tuple[str, ...]], ...] = (("tuned model", ()), ("untuned model", ("--no-tune",)))


def signed_in_targets(image_ids: list[int], cookies: tuple[str, ...]) -> list[Target]:
    """Pages no cache answers whole: the gallery, the home page and photos' pages for signed-in people."""
    users = len(cookies)
    return [
        Target(f"gallery, {users} users signed in", ("/gallery/",), cookies),
        Target(f"gallery ?colour=blue, {users} users signed in", ("/gallery/?colour=blue",), cookies),
        Target(f"home, {users} users, no model", ("/",), cookies),
        Target(
            f"image page (50 photos), {users} users signed in",
            photo_pages(image_ids),
            cookies,
        ),
    ]


def measure_for_you(
    port: int,
    image_ids: list[int],
    cookies: tuple[str, ...],
    env: dict[str, str],
    seconds: float,
    clients: int,
    builds: tuple[tuple[str, tuple[str, ...]], ...] = BUILDS,
    *,
    master: int,
    wanted: Callable[[str], bool] = bool,
    build: bool = True,
) -> tuple[list[Measurement], list[str]]:
    """The signed-in gallery, home and photo pages and /for-you/ on the fallback, then, if `build`,
    /for-you/ with each model as it is built, then "/" signed in; only the pages `wanted` names.

    Returns the measurements and a line per rebuild saying how long it took.
    """
    users = len(cookies)
    _expect_fallback(port, cookies[0], fallback=True)
    fallback = [
        *signed_in_targets(image_ids, cookies),
        Target(f"for-you, {users} users, no model", ("/for-you/",), cookies),
    ]
    results = [measure(port, target, seconds, clients) for target in fallback if wanted(target.name)]
    rebuilds: list[str] = []
    if not build:
        return results, rebuilds
    label = ""
    for label, options in builds:
        print(f"building the {label}: rebuild_recommender {' '.join(options)}", flush=True)
        rebuilds.append(f"{label}: {rebuild_model(env, options)}")
        rebuilds.append(f"  {_warm_model(port, cookies, master)}")
        _expect_fallback(port, cookies[0], fallback=False)
        target = Target(f"for-you, {users} users, {label}", ("/for-you/",), cookies)
        if wanted(target.name):
            results.append(measure(port, target, seconds, clients))
    home = Target(f"home, {users} users, {label}", ("/",), cookies)
    if wanted(home.name):
        results.append(measure(port, home, seconds, clients))
    return results, rebuilds


def model_page_names(cookies: tuple[str, ...], builds: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    """The pages `measure_for_you` measures once a model is built."""
    users = len(cookies)
    return [f"for-you, {users} users, {label}" for label, _ in builds] + [
        f"home, {users} users, {builds[-1][0]}"
    ]


def is_wanted(only: str, name: str) -> bool:
    """Whether `--only` asks for the page `name` (every page when it is empty; the bare view always)."""
    return not only or name == BARE or any(word and word in name for word in only.split(","))


def similar_targets(image_ids: list[int], cookies: tuple[str, ...]) -> list[Target]:
    """With a model loaded: the image page (its "Similar photos" are the model's nearest neighbours),
    signed out and signed in, and the API's similar-photos answer."""
    photos = photo_pages(image_ids)
    return [
        Target("image page with a model (50 photos)", photos),
        Target(f"image page with a model (50 photos), {len(cookies)} users signed in", photos, cookies),
        Target("API similar photos (50 photos)", tuple(f"/api/v1/photos/{pk}/similar" for pk in image_ids)),
    ]


def worker_pids(master: int) -> list[str]:
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


def worker_cpu_seconds(master: int) -> dict[str, float]:
    """Each gunicorn worker's CPU time so far (user and system), by pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in worker_pids(master):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()  # after the name
        found[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return found


def worker_memory(master: int) -> list[str]:
    """Each gunicorn worker's peak and current resident memory (VmHWM, VmRSS), after the pages."""
    lines = []
    for pid in worker_pids(master):
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
        lines.append(
            f"gunicorn worker {pid}: peak RSS {_mib(status['VmHWM'])} MiB, now {_mib(status['VmRSS'])} MiB"
        )
    return lines


def _mib(kilobytes: str) -> str:
    return f"{int(kilobytes.split()[0]) / 1024:.0f}"


def _expect_fallback(port: int, cookie: str, *, fallback: bool) -> None:
    status, body = fetch(port, "/for-you/", cookie)
    if status != 200:
        raise RuntimeError(f"/for-you/ answered {status} to a signed-in user (is the session valid?)")
    if (FALLBACK_MARK in body) != fallback:
        raise RuntimeError(f"/for-you/ {'is not' if fallback else 'is still'} on the fallback")


def _warm_model(port: int, cookies: tuple[str, ...], master: int) -> str:
    # Each gunicorn worker loads the new model on its first request after the rebuild. Requests
    # sent together land on different workers (a sync worker busy with one cannot accept another),
    # so a few rounds of WORKERS simultaneous requests load it everywhere before anything is timed.
    first: list[float] = []
    cpu_before = worker_cpu_seconds(master)
    cpu_spent: list[float] = []
    for round_ in range(3):
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            timed = pool.map(
                lambda n: _timed_get(port, "/for-you/", cookies[n % len(cookies)]), range(WORKERS)
            )
            latencies = list(timed)
        if round_ == 0:
            first = latencies
            cpu_after = worker_cpu_seconds(master)
            cpu_spent = sorted(cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after)
    line = (
        "first requests after the rebuild (each worker loads the model): "
        + ", ".join(f"{ms:.0f} ms" for ms in first)
        + "; the workers' CPU in them: "
        + ", ".join(f"{seconds:.1f} s" for seconds in cpu_spent)
    )
    print(f"  {line}", flush=True)
    return line


def _timed_get(port: int, path: str, cookie: str | None) -> float:
    started = time.perf_counter()
    status, _ = get(port, path, cookie)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return (time.perf_counter() - started) * 1000


def fetch(port: int, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    """One GET on a fresh connection (gunicorn's sync workers close each one); (status, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, int]:
    status, body = fetch(port, path, cookie)
    return status, len(body)


def measure_if_present(port: int, target: Target, seconds: float, clients: int) -> Measurement | None:
    """Like `measure`, or None when this version of the site has no such page (a 404), so the same
    script measures an older branch for comparison."""
    try:
        if fetch(port, *target.request(0))[0] == 404:
            print(f"  {target.name}: not on this version of the site (404), skipped", flush=True)
            return None
    except TimeoutError:
        return _timed_out(target)
    return measure(port, target, seconds, clients)


def _timed_out(target: Target) -> Measurement:
    print(f"  {target.name}: no answer in {CLIENT_TIMEOUT} s, not measured", flush=True)
    return Measurement(target.name, 0, 1, 0.0, [])


def measure(port: int, target: Target, seconds: float, clients: int) -> Measurement:
    # A signed-out visitor to a login_required page gets a 302, so this also checks the session.
    try:
        status, body = fetch(port, *target.request(0))
    except TimeoutError:
        return _timed_out(target)
    size, gzipped = len(body), len(gzip.compress(body))
    if status != 200:
        raise RuntimeError(f"{target.paths[0]} answered {status}")
    _run_load(port, target, min(2.0, seconds / 5), clients)  # warm both workers' caches
    latencies, errors, elapsed = _run_load(port, target, seconds, clients)
    result = Measurement(target.name, len(latencies), errors, elapsed, latencies)
    print(f"  {target.name}: {result.per_second:.1f} req/s ({size:,} bytes, {gzipped:,} gzip'd)", flush=True)
    return result


def _run_load(port: int, target: Target, seconds: float, clients: int) -> tuple[list[float], int, float]:
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[int] = []

    def client(offset: int) -> None:
        mine: list[float] = []
        failed = 0
        n = offset
        while time.perf_counter() < deadline:
            path, cookie = target.request(n)
            n += 1
            started = time.perf_counter()
            try:
                ok = get(port, path, cookie)[0] == 200
            except OSError:
                ok = False
            if ok:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    started = time.perf_counter()
    _in_threads(client, clients)
    return latencies, sum(errors), time.perf_counter() - started


def _in_threads(work: Callable[[int], None], count: int) -> None:
    with ThreadPoolExecutor(max_workers=count) as pool:
        for future in [pool.submit(work, n * 7) for n in range(count)]:
            future.result()


# --- The look-ups behind the pages, in this process -----------------------------------------------

LOOKUPS = 200
COLD_RUNS = 3
WARM_RUNS = 20


def count_figures(common_tag: str) -> list[str]:
    """What the gallery's counts cost in this process: counted afresh, as the first request after
    a change does (median of COLD_RUNS), and read from the cache (p50 of WARM_RUNS)."""
    from gallery.selectors import GalleryFilters

    lists = {
        "no filter": GalleryFilters(),
        "?colour=blue": GalleryFilters(colour="blue"),
        "blue + landscape": GalleryFilters(colour="blue", orientation="landscape"),
        f"?tag={common_tag}": GalleryFilters(tag=common_tag),
        "?q=boats": GalleryFilters(q="boats"),
        "?q=light&colour=blue": GalleryFilters(q="light", colour="blue"),
    }
    lines = ["filter counts (gallery_facets + gallery_count), counted afresh / from the cache:"]
    lines += [
        f"  {label}: {_cold_and_warm(partial(_count_list, filters))}" for label, filters in lists.items()
    ]
    lines.append(f"  tags index: {_cold_and_warm(_tags_index)}")
    lines.append(f"  tag box, 'ta' with ?colour=blue: {_cold_and_warm(_blue_tag_box)}")
    return lines


def _count_list(filters: Any) -> None:
    from gallery.selectors import gallery_count, gallery_facets

    gallery_facets(filters)
    gallery_count(filters)


def _tags_index() -> None:
    from gallery.selectors import all_tags

    all_tags()


def _blue_tag_box() -> None:
    from gallery.selectors import GalleryFilters, tag_suggestions

    tag_suggestions(GalleryFilters(colour="blue"), "ta", limit=10)


def _cold_and_warm(work: Callable[[], None]) -> str:
    from gallery.collection_version import collection_changed

    cold = []
    for _ in range(COLD_RUNS):
        collection_changed()  # as after any change to photos, colours or tags: nothing cached
        cold.append(_timed(work)[0])
    warm = [_timed(work)[0] for _ in range(WARM_RUNS)]
    wall, cpu = (float(np.median([t[i] for t in cold])) for i in (0, 1))
    return f"{wall:.0f} ms ({cpu:.0f} ms CPU) / {np.percentile([w for w, _ in warm], 50):.1f} ms"


def lookup_figures(image_ids: list[int]) -> list[str]:
    """p50/p99 of the similar-photos look-up and of the near-duplicate check a new photo gets on ingest,
    called as the site calls them (the served model; the real database), without HTTP or queueing."""
    return [_similar_figures(), _duplicate_check_figures()]


def _similar_figures() -> str:
    from gallery.models import Image
    from recommender.services import similar_image_ids

    ids = list(Image.objects.order_by("?").values_list("pk", flat=True)[:LOOKUPS])
    first, _ = _timed(lambda: similar_image_ids(ids[0]))  # loads the model into this process
    times = [_timed(partial(similar_image_ids, pk))[0] for pk in ids[1:]]
    return (
        "similar photos (recommender.services.similar_image_ids): "
        + _percentiles(times)
        + (f"; the first call, loading the model, {first[0]:.0f} ms")
    )


def _duplicate_check_figures() -> str:
    from django.db import transaction

    from gallery.models import AnalysisStatus, Image
    from gallery.services.duplicates import collection_index, place_in_group

    # --scale reseeds the same ids with other hashes and the same dates: start the index again.
    collection_index.forget()

    rng = np.random.default_rng(5)
    stored = list(
        Image.objects.order_by("?").values_list("phash", "layout_signature", "layout_digest")[:LOOKUPS]
    )
    times: list[tuple[float, float]] = []
    matched = 0
    first = (0.0, 0.0)
    with transaction.atomic():
        for n, (phash, signature, digest) in enumerate(stored):
            # Half are near-copies of a stored photo (2 bits apart, the same layout); half are new
            # pictures whose hash is 12 bits from a stored one's, with a layout of their own.
            flips = rng.choice(64, 2 if n % 2 == 0 else 12, replace=False)
            value = int(phash, 16) ^ sum(1 << int(bit) for bit in flips)
            layout = (
                bytes(signature)
                if n % 2 == 0
                else rng.integers(0, 256, len(signature), dtype=np.uint8).tobytes()
            )
            image = Image.objects.create(
                sha256=f"{'f' * 32}{n:032x}",
                file="thumbs/bench-000.jpg",
                source="upload",
                licence="CC0 1.0",
                status=AnalysisStatus.DONE,
                phash=f"{value:016x}",
                layout_signature=layout,
                layout_digest=bytes(digest) if n % 2 == 0 else _digest_of(layout),
            )
            timed, found = _timed(partial(place_in_group, image))
            matched += bool(found)
            if n == 0:
                first = timed
            else:
                times.append(timed)
        transaction.set_rollback(True)  # the bench's photos stay as seeded
    return (
        "duplicate check of a new photo (gallery.services.duplicates.place_in_group): "
        + _percentiles(times)
        + f"; {matched} of {len(stored)} grouped ({len(stored) // 2} planted copies); "
        f"the first check, building the process's index, {first[0]:.0f} ms ({first[1]:.0f} ms CPU)"
    )


def _digest_of(signature: bytes) -> bytes:
    from gallery.analysis.near_duplicates import layout_digest

    return layout_digest(signature)


def _timed(work: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    return ((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000), result


def _percentiles(times: list[tuple[float, float]]) -> str:
    """p50 and p99 of (wall ms, CPU ms) pairs."""
    wall = np.array([w for w, _ in times])
    cpu = np.array([c for _, c in times])
    return (
        f"p50 {np.percentile(wall, 50):.1f} ms, p99 {np.percentile(wall, 99):.1f} ms wall "
        f"(CPU p50 {np.percentile(cpu, 50):.1f}, p99 {np.percentile(cpu, 99):.1f} ms) over {len(wall)} calls"
    )


def print_table(results: list[Measurement]) -> None:
    if not results:
        return
    bare = results[0]
    print(f"\n{'page':<40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'cost vs bare':>13} {'errors':>7}")
    for result in results:
        cost = bare.per_second / result.per_second if result.per_second else float("inf")
        print(
            f"{result.name:<40} {result.per_second:>8.1f} {result.percentile(50):>8.1f} "
            f"{result.percentile(99):>8.1f} {cost:>12.1f}x {result.errors:>7}"
        )
    print(
        "\ncost vs bare: the bare view's req/s divided by the page's (how many bare requests one page costs)"
    )


def print_scale_table(runs: list[SizeRun]) -> None:
    """One row per page, a column group per size, and how much slower the largest size is."""
    sizes = [run.label.split(", ")[0].replace(" photos", "") for run in runs]
    width = 27
    print(f"\n{'':<40} " + " ".join(f"{size + ' photos':^{width}}" for size in sizes) + f" {'p50':>9}")
    print(
        f"{'page':<40} "
        + " ".join(f"{'req/s':>6} {'p50':>6} {'p99':>6} {'cost':>6}" for _ in sizes)
        + f" {sizes[-1] + '/' + sizes[0]:>9}"
    )
    by_size = [{result.name: result for result in run.results} for run in runs]
    for name in [result.name for result in runs[0].results]:
        cells, p50s = [], []
        for results in by_size:
            result, bare = results.get(name), next(iter(results.values()), None)
            if result is None or bare is None:
                cells.append(f"{'-':>6} {'-':>6} {'-':>6} {'-':>6}")
                p50s.append(float("nan"))
                continue
            cost = bare.per_second / result.per_second if result.per_second else float("inf")
            cells.append(
                f"{result.per_second:>6.1f} {result.percentile(50):>6.0f} {result.percentile(99):>6.0f} {cost:>5.1f}x"
            )
            p50s.append(result.percentile(50))
        print(f"{name[:40]:<40} " + " ".join(cells) + f" {p50s[-1] / p50s[0]:>8.1f}x")
    print(
        "p50 and p99 in ms; cost: the bare view's req/s over the page's at that size; last column: p50 ratio"
    )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        # The context managers have already stopped gunicorn and dropped the database.
        sys.exit("interrupted")
