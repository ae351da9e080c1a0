"""Real services for the integration suite: PostgreSQL, Redis and a Celery worker process.

`make integration` points DATABASE_URL at PostgreSQL and CELERY_BROKER_URL at Redis. When either is
missing or down, every test here skips and says which; with IMGSITE_REQUIRE_SERVICES=1 (set by
.ci/run) it fails instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.support.machines import stop

REPO = Path(__file__).resolve().parents[2]
WorkerStarter = Callable[[dict[str, str]], "subprocess.Popen[bytes]"]


def missing_service() -> str:
    """Why the real services cannot be used here, or '' when they can."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return "DATABASE_URL does not point at PostgreSQL (run `make integration`)"
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        return "CELERY_BROKER_URL does not point at Redis (run `make integration`)"
    for name, url in (("PostgreSQL", _pg_url()), ("Redis", broker)):
        parts = urlsplit(url)
        if not _port_open(parts.hostname or "127.0.0.1", parts.port or 0):
            return f"{name} is not running at {parts.hostname}:{parts.port}"
    return ""


def _pg_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _real_services_or_skip() -> None:
    """Runs only for tests that are selected, so `pytest -m "not integration"` never reaches it."""
    reason = missing_service()
    if not reason:
        return
    if os.environ.get("IMGSITE_REQUIRE_SERVICES") == "1":
        pytest.fail(f"IMGSITE_REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(f"integration suite skipped: {reason}")


@pytest.fixture
def celery_worker_env(media_root: Path) -> dict[str, str]:
    """The environment a worker needs to see the test database and media folder."""
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imgsite.settings.test",
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "IMGSITE_MEDIA_ROOT": str(media_root),
        "PYTHONPATH": str(REPO),
    }


@pytest.fixture
def start_worker(celery_worker_env: dict[str, str], tmp_path: Path) -> Iterator[WorkerStarter]:
    """Start a real `celery worker` process (2 processes) and stop it when the test ends."""
    started: list[subprocess.Popen[bytes]] = []

    def start(extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
        _purge_queue()
        log = (tmp_path / "worker.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "imgsite", "worker", "--concurrency=2",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env={**celery_worker_env, **extra_env}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(process)
        _wait_until_ready(tmp_path / "worker.log", process)
        return process

    yield start
    for process in started:
        stop(process)
    # The worker's database connections must be gone before pytest-django flushes or drops the DB.
    connection.close()


def _purge_queue() -> None:
    from imgsite.celery import app

    app.control.purge()


def _wait_until_ready(log: Path, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"celery worker exited early:\n{log.read_text(errors='replace')[-3000:]}")
        if b"ready." in log.read_bytes():
            return
        time.sleep(0.2)
    raise RuntimeError(
        f"celery worker did not start in {timeout} s:\n{log.read_text(errors='replace')[-3000:]}"
    )


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll `condition()` until it is true; fail the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")
