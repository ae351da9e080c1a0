"""Drill: a real `celery worker` (with its embedded beat running the sweeper) is killed with SIGKILL,
pool processes and all, in the middle of a 50-photo ingest, and started again. Nothing may be lost
or doubled: the job ends with exactly 50 photos and exact counts, none pending, no stray file.

The worker runs with a short visibility timeout, lease and time slices so redelivery takes seconds
(production waits minutes; see imgsite/settings/base.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus
from gallery.services.jobs import create_ingest_job
from tests.integration.conftest import REPO, _purge_queue, _wait_until_ready, wait_for
from tests.support.fake_commons import install_fake_commons, sample_files
from tests.support.fake_http import FakeHTTPServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Short enough that the drill takes seconds, in the order production keeps them: a slice ends
# before the soft limit, the hard limit before the visibility timeout.
QUICK_RECOVERY = {
    "IMGSITE_JOB_LEASE_SECONDS": "4",
    "IMGSITE_INGEST_SLICE_SECONDS": "3",
    "IMGSITE_TASK_SOFT_TIME_LIMIT": "8",
    "IMGSITE_TASK_TIME_LIMIT": "9",
    "IMGSITE_VISIBILITY_TIMEOUT": "10",
    "IMGSITE_BROKER_RESTORE_SECONDS": "2",
    "IMGSITE_SWEEP_SECONDS": "3",
    "IMGSITE_STALE_PENDING_SECONDS": "20",
}


class Workers:
    """Starts `celery worker -B` in its own process group, so one signal reaches every process."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder, self.started = env, folder, 0
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        self.started += 1
        log_path = self.folder / f"worker-{self.started}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "imgsite", "worker", "-B", "--concurrency=2",
             f"--schedule={self.folder / 'beat-schedule'}", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env=self.env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.running.append(process)
        _wait_until_ready(log_path, process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def workers(celery_worker_env: dict[str, str], tmp_path: Path) -> Iterator[Workers]:
    _purge_queue()
    started = Workers({**celery_worker_env, **QUICK_RECOVERY}, tmp_path)
    yield started
    started.stop_all()
    connection.close()


def stray_files(media_root: Path) -> list[str]:
    """Files in the media folder that no image row names: half downloads, orphans, partial writes."""
    owned = set()
    for image in Image.objects.all():
        owned |= {image.file.name, image.thumbnail.name, image.preview.name}
    return sorted(
        str(path.relative_to(media_root))
        for path in media_root.rglob("*")
        if path.is_file() and str(path.relative_to(media_root)) not in owned
    )


def test_a_worker_killed_mid_ingest_and_restarted_loses_and_doubles_nothing(
    fake_http: FakeHTTPServer, workers: Workers, media_root: Path
) -> None:
    api = install_fake_commons(fake_http, sample_files(50))
    workers.env["IMGSITE_COMMONS_API"] = api
    first = workers.start()
    job = create_ingest_job(source="commons", query="Category:Boats in harbours", wanted=50)

    wait_for(lambda: IngestJob.objects.get(pk=job.pk).done >= 15, timeout=120, what="15 stored photos")
    workers.kill(first)
    job.refresh_from_db()
    assert not job.is_finished, "the job ended before the kill; the drill proves nothing"
    workers.start()

    def all_done() -> bool:
        job.refresh_from_db()
        return job.is_finished and not Image.objects.filter(status=AnalysisStatus.PENDING).exists()

    wait_for(all_done, timeout=240, what="the job to finish and every photo to be analysed")
    assert job.status == JobStatus.DONE
    assert (job.done, job.skipped, job.failed, job.rejected) == (50, 0, 0, 0)
    assert Image.objects.count() == 50
    assert Image.objects.filter(status=AnalysisStatus.DONE).count() == 50
    wait_for(
        lambda: not stray_files(media_root), timeout=30, what=f"no stray files ({stray_files(media_root)})"
    )
