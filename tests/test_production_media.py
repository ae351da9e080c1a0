"""A production install shows its photos: gunicorn, started with the production settings, serves a
thumbnail from the media folder (it used to answer 404 for every one)."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from PIL import Image as PILImage

from tests.test_settings import GOOD_ENV, REPO

THUMB = "thumbs/ab/ab12cd.jpg"


def _listening_port(server: subprocess.Popen[bytes], deadline: float) -> int:
    """Reads gunicorn's log until it says which port it bound (we ask for port 0, any free one)."""
    assert server.stderr is not None
    seen = b""
    while time.monotonic() < deadline and server.poll() is None:
        ready, _, _ = select.select([server.stderr], [], [], 0.5)
        if ready:
            seen += os.read(server.stderr.fileno(), 4096)
            found = re.search(rb"Listening at: http://127\.0\.0\.1:(\d+)", seen)
            if found:
                return int(found.group(1))
    raise AssertionError(f"gunicorn did not start: {seen.decode(errors='replace')}")


@pytest.fixture
def production_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    media = tmp_path / "media"
    (media / THUMB).parent.mkdir(parents=True)
    PILImage.new("RGB", (48, 32), (40, 90, 200)).save(media / THUMB, "JPEG")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IMGSITE_"))},
        **GOOD_ENV,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "imgsite.settings.production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "IMGSITE_MEDIA_ROOT": str(media),
        "IMGSITE_STATIC_ROOT": str(tmp_path / "static"),
    }
    # As a deployment does: the error pages use the site's layout, whose static files come from the
    # manifest that collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=120,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "imgsite.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        port = _listening_port(server, deadline=time.monotonic() + 60)
        yield f"http://127.0.0.1:{port}", media
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_gunicorn_with_the_production_settings_serves_a_thumbnail(production_server):
    base, media = production_server
    # The proxy in front says the visitor came over HTTPS (SECURE_PROXY_SSL_HEADER).
    https = {"X-Forwarded-Proto": "https"}
    response = requests.get(f"{base}/media/{THUMB}", headers=https, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.content == (media / THUMB).read_bytes()
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    missing = requests.get(f"{base}/media/thumbs/ab/none.jpg", headers=https, timeout=30)
    assert missing.status_code == 404
