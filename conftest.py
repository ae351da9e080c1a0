"""Root fixtures: every test writes media into its own temporary folder."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings

from tests.support.fake_http import FakeHTTPServer


@pytest.fixture(autouse=True)
def media_root(settings: LazySettings, tmp_path: Path) -> Path:
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture
def fake_http() -> Iterator[FakeHTTPServer]:
    server = FakeHTTPServer().start()
    yield server
    server.stop()
