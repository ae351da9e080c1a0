"""Failure drills against real PostgreSQL, Redis and `celery worker` processes on this machine.

    .venv/bin/python bench/drill.py [--photos 40] [--pg postgres://postgres@127.0.0.1:5432]

Runs its own redis-server on a free loopback port (so stopping the broker touches nobody else),
a throwaway PostgreSQL database and media folder, and a fake Commons server in this process. Each
drill starts `celery worker -B` (the embedded beat runs the sweeper every 3 s) with short leases and
timeouts, breaks something, and prints: tried, recovered, lost, and time to recover.

1. pool process: SIGKILL the pool process running an ingest job, mid-job.
1b. pool processes mid re-analysis: SIGKILL every pool process while the photos are re-analysed.
2. whole worker: SIGKILL the worker and all its processes mid-job, then start a new one.
3. long job: a job running longer than the broker's visibility timeout (set below the task time
   limit on purpose), so Redis delivers it a second time while it runs.
4. broker down: stop Redis (the broker and the cache), like photos and start an ingest job, start
   Redis again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# In the order production keeps them: slice < soft limit < hard limit < visibility timeout.
QUICK = {
    "IMGSITE_JOB_LEASE_SECONDS": "4",
    "IMGSITE_INGEST_SLICE_SECONDS": "3",
    "IMGSITE_TASK_SOFT_TIME_LIMIT": "8",
    "IMGSITE_TASK_TIME_LIMIT": "9",
    "IMGSITE_VISIBILITY_TIMEOUT": "10",
    "IMGSITE_BROKER_RESTORE_SECONDS": "2",
    "IMGSITE_SWEEP_SECONDS": "3",
    "IMGSITE_STALE_PENDING_SECONDS": "30",
    "IMGSITE_PROFILE_REBUILD_DELAY": "1",
}
# How long drill 4 keeps Redis down after the likes.
DOWN_SECONDS = 10
# Drill 3 breaks that order on purpose: a slice far longer than the visibility timeout.
LONGER_THAN_VISIBILITY = {
    **QUICK,
    "IMGSITE_INGEST_SLICE_SECONDS": "600",
    "IMGSITE_TASK_SOFT_TIME_LIMIT": "900",
    "IMGSITE_TASK_TIME_LIMIT": "960",
    "IMGSITE_VISIBILITY_TIMEOUT": "5",
    # Shorter than the visibility timeout, so a second delivery's wait does not itself outlive it.
    "IMGSITE_JOB_LEASE_SECONDS": "3",
}


@dataclass
class Row:
    drill: str
    tried: str
    recovered: str
    lost: str
    recover_seconds: float | None
    note: str = ""

    @property
    def held(self) -> bool:
        """Nothing lost, every count exact, every check passed (so CI can fail on a bad drill)."""
        return self.lost == "0" and "WRONG" not in self.note and ": NO" not in self.note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=40, help="photos per ingest drill")
    parser.add_argument(
        "--likes", type=int, default=10, help="users who like a photo while the broker is down"
    )
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server")
    parser.add_argument("--database", default=f"imgsite_drill_{os.getpid()}", help="throwaway database")
    parser.add_argument("--only", default="", help="run only these drills, e.g. 1,4 (1b runs with 1)")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the worker logs")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="imgsite-drill-"))
    redis_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imgsite.settings.test",
        "DATABASE_URL": f"{args.pg}/{args.database}",
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        # As in production: the cache lives in the same Redis, so it goes down with the broker.
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        "IMGSITE_MEDIA_ROOT": str(folder / "media"),
        "PYTHONPATH": str(REPO),
    }
    os.environ.update({**env, **QUICK})
    try:
        with redis_server(redis_port, folder) as redis, throwaway_database(args.pg, args.database):
            rows = run_drills(args, env, folder, redis)
        print_table(rows)
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        failed = [row.drill for row in rows if not row.held]
        if failed:
            raise SystemExit(f"lost or miscounted work in: {', '.join(failed)}")
    finally:
        if args.keep:
            print(f"worker logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def run_drills(args: argparse.Namespace, env: dict[str, str], folder: Path, redis: RedisServer) -> list[Row]:
    import django

    django.setup()
    from django.core.management import call_command

    from tests.support.fake_commons import install_fake_commons, sample_files
    from tests.support.fake_http import FakeHTTPServer

    call_command("migrate", verbosity=0)
    server = FakeHTTPServer().start()
    try:
        files = sample_files(args.photos)
        env = {**env, "IMGSITE_COMMONS_API": install_fake_commons(server, files)}
        # (drill, start from an empty site?) 1b re-analyses the photos drill 1 stored.
        drills: list[tuple[str, Callable[[], Row], bool]] = [
            ("1", lambda: drill_pool_process(args.photos, env, folder), True),
            ("1", lambda: drill_pool_processes_mid_analysis(env, folder), False),
            ("2", lambda: drill_whole_worker(args.photos, env, folder), True),
            ("3", lambda: drill_long_job(args.photos, env, folder, slow_files(server, files)), True),
            ("4", lambda: drill_broker_down(args.likes, env, folder, redis), True),
        ]
        chosen = set(args.only.split(",")) if args.only else {"1", "2", "3", "4"}
        rows = []
        for number, drill, reset in drills:
            if number not in chosen:
                continue
            if reset:
                reset_site(Path(env["IMGSITE_MEDIA_ROOT"]))
            started = time.monotonic()
            row = drill()
            print(f"{row.drill}: done in {time.monotonic() - started:.0f} s", flush=True)
            rows.append(row)
        return rows
    finally:
        server.stop()


# --- The drills ----------------------------------------------------------------------------------


def drill_pool_process(photos: int, env: dict[str, str], folder: Path) -> Row:
    from gallery.models import IngestJob

    with worker({**env, **QUICK}, folder, "pool"):
        job = start_job(photos)
        wait(
            lambda: job_row(job).done >= photos // 3 and job_row(job).lease_owner,
            180,
            "a third of the photos",
        )
        holder = job_row(job).lease_owner or "::0:"
        os.kill(int(holder.split(":")[-2]), signal.SIGKILL)
        killed_at = time.monotonic()
        resumed = wait(lambda: lease_holder_changed(job, holder), 180, "another run to take the job")
        wait(lambda: everything_settled(job), 240, "the job and its analyses")
    return ingest_row(
        "1. SIGKILL one pool process", IngestJob.objects.get(pk=job), photos, resumed - killed_at
    )


def drill_pool_processes_mid_analysis(env: dict[str, str], folder: Path) -> Row:
    """Every pool process killed while photos are being re-analysed (hidden from the gallery meanwhile),
    with no beat: the tasks must come back through task_reject_on_worker_lost alone."""
    from gallery.models import AnalysisStatus, Image
    from gallery.services.analysis import queue_analysis

    total = Image.objects.count()
    with worker({**env, **QUICK}, folder, "analysis", beat=False) as process:
        queue_analysis(list(Image.objects.values_list("pk", flat=True)))
        wait(lambda: Image.objects.filter(status=AnalysisStatus.DONE).count() >= 3, 120, "a few analyses")
        for pid in child_pids(process.pid):
            os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        recovered_at = wait(
            lambda: not Image.objects.filter(status=AnalysisStatus.PENDING).exists(),
            180,
            "every photo analysed",
        )
    analysed = Image.objects.filter(status=AnalysisStatus.DONE).count()
    return Row(
        "1b. SIGKILL pool mid re-analysis",
        f"{total} photos",
        f"{analysed} analysed",
        str(total - analysed),
        recovered_at - killed_at,
        "time from the kill until no photo is pending; no beat, no sweeper",
    )


def child_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def drill_whole_worker(photos: int, env: dict[str, str], folder: Path) -> Row:
    from gallery.models import IngestJob

    with worker({**env, **QUICK}, folder, "whole-1") as first:
        job = start_job(photos)
        wait(lambda: job_row(job).done >= photos // 3, 180, "a third of the photos")
        holder = job_row(job).lease_owner
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()
    with worker({**env, **QUICK}, folder, "whole-2"):
        resumed = wait(lambda: lease_holder_changed(job, holder), 240, "the new worker to take the job")
        wait(lambda: everything_settled(job), 240, "the job and its analyses")
    row = ingest_row(
        "2. SIGKILL the whole worker", IngestJob.objects.get(pk=job), photos, resumed - killed_at
    )
    row.note = "incl. worker start-up; redelivery after the visibility timeout (10 s here); " + row.note
    return row


def slow_files(server: Any, files: list[Any]) -> Callable[[], None]:
    """Make every download take 0.6 s, so a 40-photo job outlives the visibility timeout."""

    def slow_down() -> None:
        from tests.support.fake_http import Reply

        for item in files:
            server.route(f"/files/{item.name}", Reply(200, item.data, {"Content-Type": item.mime}, delay=0.6))

    return slow_down


def drill_long_job(photos: int, env: dict[str, str], folder: Path, slow_down: Callable[[], None]) -> Row:
    from gallery.models import IngestJob

    slow_down()
    with worker({**env, **LONGER_THAN_VISIBILITY}, folder, "long"):
        job = start_job(photos)
        started = time.monotonic()
        wait(lambda: everything_settled(job), 300, "the job and its analyses")
        took = time.monotonic() - started
        log = Path(folder / "worker-long.log").read_text(errors="replace")
    redeliveries = log.count("is held by another run")
    row = ingest_row("3. job longer than visibility", IngestJob.objects.get(pk=job), photos, None)
    row.note = f"ran {took:.0f} s against a 5 s visibility timeout; {redeliveries} second deliveries waited"
    return row


def drill_broker_down(likes: int, env: dict[str, str], folder: Path, redis: RedisServer) -> Row:
    from django.contrib.auth.models import User
    from django.test import Client

    from gallery.models import IngestJob, JobStatus
    from profiles.models import OwedProfileRebuild
    from tests.factories import make_image

    image = make_image(colours=[("blue", 0.8)], tags=["sea"])
    users = [User.objects.create_user(f"drill{i:03d}", password="x") for i in range(likes)]
    with worker({**env, **QUICK}, folder, "broker"):
        redis.stop()
        answered = 0
        client = Client(raise_request_exception=False)
        for user in users:
            client.force_login(user)
            response = client.post(f"/photos/{image.pk}/like/", HTTP_ACCEPT="application/json")
            answered += response.status_code == 200
        owed = OwedProfileRebuild.objects.count()
        job = start_job(5)
        refused_clearly = IngestJob.objects.get(pk=job).status == JobStatus.FAILED
        time.sleep(DOWN_SECONDS)  # long enough for the worker and beat to notice and retry
        redis.start()
        back_at = time.monotonic()
        wait(lambda: rebuilt(users) == len(users), 120, "every owed profile rebuild")
        recovered_at = time.monotonic()
    done = rebuilt(users)
    return Row(
        "4. broker down, then back",
        f"{likes} likes",
        f"{done} rebuilt",
        str(likes - done),
        recovered_at - back_at,
        f"time from broker back to the last rebuild; likes answered 200: {answered}/{likes}; rebuilds owed in the DB: {owed}; "
        f"ingest refused with a reason: {'yes' if refused_clearly else 'NO'}"
        + ("" if answered == likes else ": NO, some likes failed"),
    )


# --- Site helpers (run after django.setup()) -----------------------------------------------------


def reset_site(media: Path) -> None:
    from django.contrib.auth.models import User

    from gallery.models import Image, IngestJob
    from imgsite.celery import app

    app.control.purge()
    Image.objects.all().delete()
    IngestJob.objects.all().delete()
    User.objects.all().delete()
    shutil.rmtree(media, ignore_errors=True)
    media.mkdir(parents=True)


def start_job(photos: int) -> int:
    from gallery.services.jobs import create_ingest_job

    return create_ingest_job(source="commons", query="Category:Drill", wanted=photos).pk


def job_row(job_id: int) -> Any:
    from gallery.models import IngestJob

    return IngestJob.objects.get(pk=job_id)


def lease_holder_changed(job_id: int, holder: str) -> bool:
    job = job_row(job_id)
    return job.is_finished or (bool(job.lease_owner) and job.lease_owner != holder)


def everything_settled(job_id: int) -> bool:
    from gallery.models import AnalysisStatus, Image

    return (
        bool(job_row(job_id).is_finished) and not Image.objects.filter(status=AnalysisStatus.PENDING).exists()
    )


def rebuilt(users: list[Any]) -> int:
    from profiles.models import ProfileSnapshot

    return ProfileSnapshot.objects.filter(user__in=users).values("user").distinct().count()


def ingest_row(name: str, job: Any, photos: int, recover_seconds: float | None) -> Row:
    from gallery.models import AnalysisStatus, Image
    from gallery.services.sweeper import remove_abandoned_temp_files

    analysed = Image.objects.filter(status=AnalysisStatus.DONE).count()
    stored = Image.objects.count()
    # A SIGKILL during an atomic write leaves its hidden .partial- file, never a file under a photo's
    # name; the sweeper (beat) removes them. Its pass is run here, so what is left is really stray.
    swept = remove_abandoned_temp_files(older_than=0)
    strays = stray_files(Path(os.environ["IMGSITE_MEDIA_ROOT"]))
    exact = (job.done, job.skipped, job.failed) == (photos, 0, 0) and stored == photos
    note = f"counts done {job.done}, skipped {job.skipped}, failed {job.failed} ({'exact' if exact else 'WRONG'})"
    if swept:
        note += f"; {swept} partial file(s) of interrupted writes, removed by the sweeper's pass"
    if strays:
        media = Path(os.environ["IMGSITE_MEDIA_ROOT"])
        names = ", ".join(str(path.relative_to(media)) for path in strays[:3])
        note += f"; {len(strays)} stray files ({names})"
    return Row(
        name,
        f"{photos} photos",
        f"{analysed} analysed",
        str(photos - analysed + len(strays)),
        recover_seconds,
        note,
    )


def stray_files(media: Path) -> list[Path]:
    from gallery.models import Image

    owned = {
        name
        for image in Image.objects.all()
        for name in (image.file.name, image.thumbnail.name, image.preview.name)
    }
    return [p for p in media.rglob("*") if p.is_file() and str(p.relative_to(media)) not in owned]


def wait(condition: Callable[[], bool], timeout: float, what: str) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.2)
    raise SystemExit(f"drill failed: no {what} after {timeout:.0f} s")


# --- Processes -----------------------------------------------------------------------------------


@contextmanager
def worker(
    env: dict[str, str], folder: Path, name: str, *, beat: bool = True
) -> Iterator[subprocess.Popen[bytes]]:
    """`celery worker -B` in its own process group, so one signal reaches every process."""
    log = folder / f"worker-{name}.log"
    with_beat = ["-B", f"--schedule={folder / 'beat-schedule'}"] if beat else []
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "imgsite", "worker", *with_beat, "--concurrency=2",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait(lambda: b"ready." in log.read_bytes() or process.poll() is not None, 60, "worker start")
        if process.poll() is not None:
            raise SystemExit(f"worker exited:\n{log.read_text(errors='replace')[-2000:]}")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class RedisServer:
    def __init__(self, port: int, folder: Path) -> None:
        self.port, self.folder = port, folder
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=(self.folder / "redis.log").open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait(lambda: port_open(self.port), 20, "redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextmanager
def redis_server(port: int, folder: Path) -> Iterator[RedisServer]:
    redis = RedisServer(port, folder)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@contextmanager
def throwaway_database(server: str, name: str) -> Iterator[None]:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def print_table(rows: list[Row]) -> None:
    print(f"\n{'drill':32} {'tried':>10} {'recovered':>14} {'lost':>5} {'recover s':>10}  note")
    for row in rows:
        seconds = "-" if row.recover_seconds is None else f"{row.recover_seconds:.1f}"
        print(f"{row.drill:32} {row.tried:>10} {row.recovered:>14} {row.lost:>5} {seconds:>10}  {row.note}")


if __name__ == "__main__":
    main()
