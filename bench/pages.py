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
import random
import signal
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from PIL import Image as PILImage

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.words import MOODS, SUBJECTS, WORDS  # noqa: E402 (needs the repository on the path)

IMAGES = 2_000
USERS = 200
DISTINCT_THUMBNAILS = 300
TAG_VOCABULARY = 300
WORKERS = 2
HOST = "127.0.0.1"
# /for-you/ cycles through this many signed-in users, so no single user's picks stay in any cache.
SIGNED_IN_USERS = 50
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server")
    parser.add_argument("--database", default="imgsite_bench", help="throwaway database to create")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/14", help="Redis for CACHE_URL")
    parser.add_argument("--skip-for-you", action="store_true", help="only the anonymous pages (no rebuilds)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="imgsite-bench-pages-") as folder:
        env = bench_environment(Path(folder), f"{args.pg}/{args.database}", args.cache)
        os.environ.update(env)
        with throwaway_database(args.pg, args.database):
            started = time.perf_counter()
            image_ids, tag_name = prepare_site(Path(folder))
            print(f"seeded {IMAGES} images and {USERS} users in {time.perf_counter() - started:.1f} s")
            cookies = signed_in_cookies(SIGNED_IN_USERS)
            with gunicorn(env, Path(folder)) as port:
                print(
                    f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
                    f"{WORKERS} gunicorn workers, {args.clients} client threads, {args.seconds:g} s per page\n"
                )
                results = [
                    result
                    for target in page_targets(image_ids, tag_name)
                    if (result := measure_if_present(port, target, args.seconds, args.clients)) is not None
                ]
                rebuilds: list[str] = []
                if not args.skip_for_you:
                    for_you, rebuilds = measure_for_you(port, cookies, env, args.seconds, args.clients)
                    results += for_you
                load_at_end = os.getloadavg()
            print_table(results)
            print("\n" + "\n".join(rebuilds))
            print(f"load average at the end: {load_at_end[0]:.2f} {load_at_end[1]:.2f} {load_at_end[2]:.2f}")


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
def throwaway_database(server_url: str, name: str) -> Iterator[None]:
    _admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_sql(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
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
def gunicorn(env: dict[str, str], folder: Path) -> Iterator[int]:
    port = _free_port()
    log = (folder / "gunicorn.log").open("wb")
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "imgsite.wsgi",
        f"--workers={WORKERS}",
        f"--bind={HOST}:{port}",
        "--log-level=warning",
    ]
    process = subprocess.Popen(
        command, cwd=REPO, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_serving(port, process, folder / "gunicorn.log")
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
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


def prepare_site(folder: Path) -> tuple[list[int], str]:
    """Migrate, collect static files and seed; returns some image ids and a common tag."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    thumbnails = write_thumbnails(folder / "media", DISTINCT_THUMBNAILS)
    seeded = seed(thumbnails, random.Random(20240615))
    _analyse_tables()
    return seeded


def _analyse_tables() -> None:
    # Bulk-loaded tables have no planner statistics until autovacuum gets to them; without these
    # PostgreSQL guesses one row per filter and picks nested loops that a live site would not use.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


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


FAMILIES = ("red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "grey", "white")
CAMERAS = (
    ("Canon", "Canon EOS 5D Mark IV"),
    ("NIKON CORPORATION", "NIKON D750"),
    ("SONY", "ILCE-7M3"),
    ("FUJIFILM", "X-T3"),
    ("Apple", "iPhone 12"),
    ("", ""),
)
LICENCES = (
    ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
)
SHAPES = ((4000, 3000), (3000, 4000), (2048, 2048), (1600, 900), (800, 600))


def seed(thumbnails: list[str], rng: random.Random) -> tuple[list[int], str]:
    from django.db import transaction

    tag_names = [f"tag {n:03d}" for n in range(TAG_VOCABULARY)]
    with transaction.atomic():
        images = _seed_images(thumbnails, rng)
        _seed_colours(images, rng)
        tags = _seed_tags(tag_names)
        _seed_source_tags(images, tags, rng)
        users = _seed_users()
        _seed_likes_and_user_tags(images, users, tags, rng)
    return [image.pk for image in images[:50]], tag_names[0]


def _seed_images(thumbnails: list[str], rng: random.Random) -> list[Any]:
    from gallery.models import AnalysisStatus, Image, Orientation, SizeClass, Source

    sources = [s.value for s in Source]
    rows = []
    for n in range(IMAGES):
        width, height = rng.choice(SHAPES)
        make, model = rng.choice(CAMERAS)
        licence, licence_url = rng.choice(LICENCES)
        orientation = (
            Orientation.SQUARE
            if width == height
            else Orientation.LANDSCAPE
            if width > height
            else Orientation.PORTRAIT
        )
        taken = datetime(rng.randint(2005, 2024), rng.randint(1, 12), 15, 12, tzinfo=UTC)
        rows.append(
            Image(
                sha256=f"{n:064x}",
                file=thumbnails[n % len(thumbnails)],
                thumbnail=thumbnails[n % len(thumbnails)],
                width=width,
                height=height,
                format="JPEG",
                mode="RGB",
                file_size=rng.randint(200_000, 8_000_000),
                orientation=orientation,
                size_class=rng.choice([SizeClass.MEDIUM, SizeClass.LARGE]),
                taken_at=taken if rng.random() < 0.8 else None,
                camera_make=make,
                camera_model=model,
                source=rng.choice(sources),
                source_id=f"bench-{n}",
                source_page_url=f"https://example.org/photo/{n}",
                licence=licence,
                licence_url=licence_url,
                author=f"Photographer {n % 97}",
                title=f"{rng.choice(MOODS).title()} {rng.choice(SUBJECTS)} {n}",
                description=" ".join(rng.choices(WORDS, k=12)),
                status=AnalysisStatus.DONE,
            )
        )
    return Image.objects.bulk_create(rows, batch_size=500)


def _seed_colours(images: list[Any], rng: random.Random) -> None:
    from gallery.models import Colour

    rows = []
    for image in images:
        shares = sorted((rng.random() for _ in range(rng.randint(3, 5))), reverse=True)
        total = sum(shares)
        for rank, (family, share) in enumerate(zip(rng.sample(FAMILIES, len(shares)), shares, strict=True)):
            red, green, blue = (rng.randint(0, 255) for _ in range(3))
            rows.append(
                Colour(
                    image=image,
                    rank=rank,
                    hex=f"#{red:02x}{green:02x}{blue:02x}",
                    red=red,
                    green=green,
                    blue=blue,
                    share=round(share / total, 3),
                    name=f"{family}ish",
                    family=family,
                )
            )
    Colour.objects.bulk_create(rows, batch_size=2000)


def _seed_tags(names: list[str]) -> list[Any]:
    from gallery.models import Tag

    return Tag.objects.bulk_create([Tag(name=name) for name in names])


def _popular_tag(tags: list[Any], rng: random.Random) -> Any:
    # A skewed pick, so a few tags are common as on a real site.
    return tags[min(len(tags) - 1, int(rng.expovariate(1 / 25)))]


def _seed_source_tags(images: list[Any], tags: list[Any], rng: random.Random) -> None:
    from gallery.models import ImageTag, TagOrigin

    rows = []
    for image in images:
        chosen = {_popular_tag(tags, rng).pk for _ in range(rng.randint(3, 8))}
        rows += [ImageTag(image=image, tag_id=tag_id, origin=TagOrigin.SOURCE) for tag_id in chosen]
    ImageTag.objects.bulk_create(rows, batch_size=2000)


def _seed_users() -> list[Any]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    # One hash for everyone: hashing 200 passwords would take longer than the benchmark.
    password = make_password("bench-password-not-used")
    rows = [
        User(username=f"bench{n:03d}", email=f"bench{n:03d}@example.com", password=password)
        for n in range(USERS)
    ]
    return User.objects.bulk_create(rows)


def _seed_likes_and_user_tags(
    images: list[Any], users: list[Any], tags: list[Any], rng: random.Random
) -> None:
    from gallery.models import ImageTag, Like, TagOrigin

    likes, user_tags = [], []
    for user in users:
        for image in rng.sample(images, rng.randint(10, 80)):
            likes.append(Like(user=user, image=image))
        for image in rng.sample(images, 5):
            user_tags.append(
                ImageTag(image=image, tag=_popular_tag(tags, rng), origin=TagOrigin.USER, user=user)
            )
    Like.objects.bulk_create(likes, batch_size=2000)
    ImageTag.objects.bulk_create(user_tags, batch_size=2000, ignore_conflicts=True)


def signed_in_cookies(count: int) -> tuple[str, ...]:
    """Cookie headers for `count` bench users, each with a real session in the bench database.

    Made the way Django's test Client.force_login makes them (auth's login() on a fresh session), so
    the site sees ordinary signed-in visitors; posting the login form would only add 50 password
    hashes to the set-up time.
    """
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    cookies = []
    for user in User.objects.filter(username__startswith="bench").order_by("id")[:count]:
        client = Client()
        client.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return tuple(cookies)


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
        Target("bare Django view", ("/bench/bare/",)),
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
        Target("image page (50 photos)", tuple(f"/photos/{pk}/" for pk in image_ids)),
        # A photo opened from a filtered, sorted list: its neighbours and page in that list.
        Target(
            "image page in a list (blue, most liked)",
            tuple(f"/photos/{pk}/?colour=blue&sort=liked" for pk in image_ids),
        ),
        Target(
            "viewer step (blue, most liked)",
            tuple(f"/photos/{pk}/viewer/?colour=blue&sort=liked" for pk in image_ids),
        ),
        Target("home, anonymous", ("/",)),
    ]


def measure_for_you(
    port: int, cookies: tuple[str, ...], env: dict[str, str], seconds: float, clients: int
) -> tuple[list[Measurement], list[str]]:
    """/for-you/ on the fallback, then with each model as it is built, then "/" signed in.

    Returns the measurements and a line per rebuild saying how long it took.
    """
    users = len(cookies)
    _expect_fallback(port, cookies[0], fallback=True)
    results = [
        measure(port, Target(f"for-you, {users} users, no model", ("/for-you/",), cookies), seconds, clients)
    ]
    rebuilds = []
    # The bench's likes are random, so tuning finds little for the collaborative parts to add and may
    # weight them to zero; the untuned build serves all four components, as a site with real taste
    # in its likes would.
    for label, options in (("tuned model", ()), ("untuned model", ("--no-tune",))):
        print(f"building the {label}: rebuild_recommender {' '.join(options)}", flush=True)
        rebuilds.append(f"{label}: {rebuild_model(env, options)}")
        _warm_model(port, cookies)
        _expect_fallback(port, cookies[0], fallback=False)
        target = Target(f"for-you, {users} users, {label}", ("/for-you/",), cookies)
        results.append(measure(port, target, seconds, clients))
    results.append(
        measure(port, Target(f"home, {users} users, untuned model", ("/",), cookies), seconds, clients)
    )
    return results, rebuilds


def _expect_fallback(port: int, cookie: str, *, fallback: bool) -> None:
    status, body = fetch(port, "/for-you/", cookie)
    if status != 200:
        raise RuntimeError(f"/for-you/ answered {status} to a signed-in user (is the session valid?)")
    if (FALLBACK_MARK in body) != fallback:
        raise RuntimeError(f"/for-you/ {'is not' if fallback else 'is still'} on the fallback")


def _warm_model(port: int, cookies: tuple[str, ...]) -> None:
    # Each gunicorn worker loads the new model on its first request after the rebuild. Requests
    # sent together land on different workers (a sync worker busy with one cannot accept another),
    # so a few rounds of WORKERS simultaneous requests load it everywhere before anything is timed.
    first: list[float] = []
    for round_ in range(3):
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            timed = pool.map(
                lambda n: _timed_get(port, "/for-you/", cookies[n % len(cookies)]), range(WORKERS)
            )
            latencies = list(timed)
        if round_ == 0:
            first = latencies
    print(
        "  first requests after the rebuild (each worker loads the model): "
        + ", ".join(f"{ms:.0f} ms" for ms in first),
        flush=True,
    )


def _timed_get(port: int, path: str, cookie: str | None) -> float:
    started = time.perf_counter()
    status, _ = get(port, path, cookie)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return (time.perf_counter() - started) * 1000


def fetch(port: int, path: str, cookie: str | None = None) -> tuple[int, bytes]:
    """One GET on a fresh connection (gunicorn's sync workers close each one); (status, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
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
    if fetch(port, *target.request(0))[0] == 404:
        print(f"  {target.name}: not on this version of the site (404), skipped", flush=True)
        return None
    return measure(port, target, seconds, clients)


def measure(port: int, target: Target, seconds: float, clients: int) -> Measurement:
    # A signed-out visitor to a login_required page gets a 302, so this also checks the session.
    status, body = fetch(port, *target.request(0))
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


def print_table(results: list[Measurement]) -> None:
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


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        # The context managers have already stopped gunicorn and dropped the database.
        sys.exit("interrupted")
