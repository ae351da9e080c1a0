"""Processes that stand in for a site's machines in the tests: a web process (gunicorn) and a local
S3-compatible server (moto's server mode; MinIO is on neither PyPI nor Debian).

Each is started on a free port of 127.0.0.1 and stopped by the context manager that started it.
"""

from __future__ import annotations

import contextlib
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import requests

REPO = Path(__file__).resolve().parents[2]
S3_KEY = "imgsite-test"
S3_SECRET = "imgsite-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def s3_server(log: Path, port: int | None = None) -> Iterator[str]:
    """A local S3-compatible server (on `port`, or any free one); yields its endpoint URL."""
    port = port or free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        endpoint = f"http://127.0.0.1:{port}"
        try:
            _wait_for_http(endpoint, process, log)
            yield endpoint
        finally:
            stop(process)


def new_bucket(*, endpoint: str, bucket: str) -> Any:
    """Create `bucket` on the local S3 server at `endpoint`; returns an S3 client for it."""
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
    )
    client.create_bucket(Bucket=bucket)
    return client


def s3_environment(*, endpoint: str, bucket: str) -> dict[str, str]:
    """The settings every machine of the site gets for media in that bucket."""
    return {
        "IMGSITE_STORAGE": "s3",
        "IMGSITE_S3_BUCKET": bucket,
        "IMGSITE_S3_ENDPOINT_URL": endpoint,
        "IMGSITE_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": S3_KEY,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET,
    }


@contextlib.contextmanager
def web_processes(env: dict[str, str], logs: list[Path]) -> Iterator[Callable[[], list[str]]]:
    """One gunicorn process (one sync worker) per log file, started together. Yields a function that
    waits for them to listen and gives their base URLs, so other processes can start meanwhile."""
    with contextlib.ExitStack() as stack:
        processes = []
        for log in logs:
            output = stack.enter_context(log.open("wb"))
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "imgsite.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
                cwd=REPO,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            stack.callback(stop, process)
            processes.append(process)
        yield lambda: [
            f"http://127.0.0.1:{_listening_port(process, log, timeout=60)}"
            for process, log in zip(processes, logs, strict=True)
        ]


def stop(process: subprocess.Popen[Any], *, timeout: float = 20) -> None:
    """Ask a process to stop (SIGTERM, so gunicorn and Celery finish their work and close their
    connections), and kill it if it has not within `timeout` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _listening_port(process: subprocess.Popen[bytes], log: Path, timeout: float) -> int:
    """Reads gunicorn's log until it says which port it bound (port 0 asks for any free one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(rb"Listening at: http://127\.0\.0\.1:(\d+)", log.read_bytes())
        if found:
            return int(found.group(1))
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")


def _wait_for_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited early:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {timeout} s:\n{log.read_text(errors='replace')[-2000:]}")
