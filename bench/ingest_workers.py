"""Ingest 1,000 photos from the local Commons stand-in with real Celery workers on Redis and PostgreSQL,
and print photos/s end to end.

Run from the repository root (PostgreSQL and Redis running, as for `make integration`):

    .venv/bin/python bench/ingest_workers.py [--photos 1000] [--workers 2] [--jobs 10] [--storage local|s3]

It writes `--photos` distinct photo-like JPEGs (`--size`, 1024x768) and a manifest.json into a
temporary folder, serves them with /work/shared/tools/commons_mirror.py (`--mirror`, on `--port`),
creates a throwaway PostgreSQL database (`--database`) and starts `--workers` Celery workers, each a
separate `celery worker --concurrency=1` as on separate machines, on the Redis database `--redis`
(flushed first). The photos are split into `--jobs` Commons categories, one ingest job each, so that
every worker has jobs to take (one job runs on one worker at a time, under its lease).

The clock runs from the jobs' creation to the moment every job has finished and every photo is
analysed: download from the mirror, checks, the one decode, analysis, thumbnails, the near-duplicate
check, tag suggestions, rows. It prints photos/s from wall time, photos per CPU second of the workers
(utime + stime of each worker and its pool process; steadier on a shared machine, the mirror and
PostgreSQL left out), and the load average. `--storage s3` puts the media in a bucket on a local
S3-compatible server (moto's server mode, `--s3-port`), so the figure then includes moto, a Python
server holding the bucket in memory, and says little about a real object store's speed.
It asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np
import redis
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.drill import throwaway_database, wait  # noqa: E402
from tests.support.images import encode  # noqa: E402
from tests.support.machines import new_bucket, s3_environment, s3_server, stop  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BUCKET = "imgsite-bench"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--photos", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=10, help="ingest jobs (Commons categories) to split into")
    parser.add_argument("--size", default="1024x768", help="each photo's width x height")
    parser.add_argument("--port", type=int, default=8210, help="the Commons mirror's port")
    parser.add_argument(
        "--mirror",
        type=Path,
        default=REPO.parent / "shared" / "tools" / "commons_mirror.py",
        help="commons_mirror.py (default: ../shared/tools/, as CI lays it out)",
    )
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="imgsite_machines_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--storage", choices=["local", "s3"], default="local")
    parser.add_argument("--s3-port", type=int, default=9010)
    parser.add_argument("--keep", action="store_true", help="keep the folder (photos, logs)")
    args = parser.parse_args()
    if not args.mirror.is_file():
        raise SystemExit(f"no Commons mirror at {args.mirror} (--mirror PATH)")

    folder = Path(tempfile.mkdtemp(prefix="imgsite-ingest-workers-"))
    try:
        width, height = (int(side) for side in args.size.split("x"))
        started = time.perf_counter()
        write_photos(folder / "photos", args.photos, args.jobs, (width, height))
        print(f"wrote {args.photos} photos of {width}x{height} in {time.perf_counter() - started:.0f} s")
        run(args, folder)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def write_photos(folder: Path, count: int, parts: int, size: tuple[int, int]) -> None:
    """Distinct photo-like JPEGs (no two near-duplicates) and the manifest the mirror reads."""
    folder.mkdir(parents=True)
    manifest = []
    for index in range(count):
        name = f"Bench_photo_{index:05d}.jpg"
        (folder / name).write_bytes(encode(distinct_photo(size, seed=index), "JPEG", quality=88))
        part = part_name(index % parts)
        manifest.append(
            {
                "file": name,
                "title": f"Bench photo {index}",
                "author": "Bench",
                "licence": "CC0 1.0",
                "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/",
                "source_url": None,
                "category": part,
                "tags": [part, "bench"],
            }
        )
    (folder / "manifest.json").write_text(json.dumps(manifest))


def distinct_photo(size: tuple[int, int], *, seed: int) -> Image.Image:
    """A photo-like picture different for every seed: coarse colour blobs with finer detail over them
    (as tests.support.images.photo_like, resized by Pillow so a thousand take seconds, not minutes)."""
    rng = np.random.default_rng(seed)
    layers = [
        Image.fromarray(rng.integers(0, 256, size=(rows, rows * 4 // 3, 3), dtype=np.uint8), "RGB").resize(
            size, Image.Resampling.BICUBIC
        )
        for rows in (3, 9, 27)
    ]
    return Image.blend(Image.blend(layers[0], layers[1], 0.375), layers[2], 0.2)


def part_name(index: int) -> str:
    return f"part{index:02d}"


def run(args: argparse.Namespace, folder: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imgsite.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": f"{args.pg}/{args.database}",
        "DATABASE_CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": args.redis,
        "CACHE_URL": args.redis,
        "IMGSITE_MEDIA_ROOT": str(folder / "media"),
        "IMGSITE_COMMONS_API": f"http://127.0.0.1:{args.port}/w/api.php",
        "PYTHONPATH": str(REPO),
        "LOG_LEVEL": "WARNING",
    }
    redis.Redis.from_url(args.redis).flushdb()
    with ExitStack() as stack:
        if args.storage == "s3":
            endpoint = stack.enter_context(s3_server(folder / "s3.log", port=args.s3_port))
            env.update(s3_environment(endpoint=endpoint, bucket=BUCKET))
            new_bucket(endpoint=endpoint, bucket=BUCKET)
        os.environ.update(env)
        stack.enter_context(throwaway_database(args.pg, args.database))
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
        stack.enter_context(mirror(args, folder))
        workers = [stack.enter_context(worker(env, folder, n)) for n in range(args.workers)]
        measure(args, workers)


def measure(args: argparse.Namespace, workers: list[subprocess.Popen[bytes]]) -> None:
    import django

    django.setup()
    from gallery.models import FINISHED_JOB_STATUSES, AnalysisStatus, Image, IngestJob
    from gallery.services.jobs import create_ingest_job

    per_job = -(-args.photos // args.jobs)
    cpu_before = sum(tree_cpu_seconds(process.pid) for process in workers)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    jobs = [
        create_ingest_job(source="commons", query=f"Category:Sample photos of {part_name(n)}", wanted=per_job)
        for n in range(args.jobs)
    ]
    ids = [job.pk for job in jobs]

    def finished() -> bool:
        if IngestJob.objects.filter(pk__in=ids).exclude(status__in=FINISHED_JOB_STATUSES).exists():
            return False
        return not Image.objects.filter(status=AnalysisStatus.PENDING).exists()

    wait(finished, timeout=3600, what="finished ingest jobs")
    wall = time.perf_counter() - started
    cpu = sum(tree_cpu_seconds(process.pid) for process in workers) - cpu_before
    done = Image.objects.filter(status=AnalysisStatus.DONE).count()
    failed = sum(IngestJob.objects.filter(pk__in=ids).values_list("failed", flat=True))
    load = os.getloadavg()
    print(
        f"{args.storage} media, {args.workers} worker{'s' if args.workers > 1 else ''} x 1 process, "
        f"{args.jobs} jobs: {done} photos ingested and analysed ({failed} failed) in {wall:.1f} s: "
        f"{done / wall:.2f} photos/s end to end, {done / cpu:.2f} photos per worker CPU second "
        f"(load average {load_before:.2f} at the start, {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end)"
    )


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a process and its live descendants, from /proc."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(tree_cpu_seconds(int(child)) for child in children)


@contextmanager
def mirror(args: argparse.Namespace, folder: Path) -> Iterator[None]:
    log = folder / "mirror.log"
    process = subprocess.Popen(
        [sys.executable, str(args.mirror), "--port", str(args.port), "--photos", str(folder / "photos")],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait(lambda: b"serving" in log.read_bytes() or process.poll() is not None, 300, "mirror start")
        if process.poll() is not None:
            raise SystemExit(f"the mirror exited:\n{log.read_text(errors='replace')[-2000:]}")
        yield
    finally:
        stop(process, timeout=30)


@contextmanager
def worker(env: dict[str, str], folder: Path, number: int) -> Iterator[subprocess.Popen[bytes]]:
    """One worker machine's worker: one pool process."""
    log = folder / f"worker-{number}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "imgsite", "worker", "--concurrency=1", f"--hostname=bench{number}@%h",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        # The pool process exists once the worker is ready to take tasks.
        wait(lambda: bool(children(process.pid)) or process.poll() is not None, 60, "worker start")
        time.sleep(2)
        if process.poll() is not None:
            raise SystemExit(f"worker exited:\n{log.read_text(errors='replace')[-2000:]}")
        yield process
    finally:
        stop(process, timeout=30)


def children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


if __name__ == "__main__":
    main()
