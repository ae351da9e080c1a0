"""Root fixtures, shared by every app's tests: each is defined here once.

Every test writes media into its own temporary folder (autouse). The people (`alice`, `bob`), a
folder of photos to ingest and a process with no recommender model loaded are asked for by name.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User

from gallery.card_faces import forget_card_faces
from gallery.collection_version import forget_collection_version
from recommender.services import forget_loaded_model
from tests.factories import make_user
from tests.support.fake_http import FakeHTTPServer
from tests.support.images import jpeg_with_exif, solid_jpeg


@pytest.fixture(autouse=True)
def media_root(settings: LazySettings, tmp_path: Path) -> Path:
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture(autouse=True)
def fresh_collection_version() -> None:
    """Each test's database starts afresh, so no counts cached by an earlier test may be read."""
    forget_collection_version()


@pytest.fixture(autouse=True)
def fresh_card_faces() -> None:
    """Cards rendered by an earlier test linked its media settings (a folder, a bucket): none is reused."""
    forget_card_faces()


@pytest.fixture
def fake_http() -> Iterator[FakeHTTPServer]:
    server = FakeHTTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob")


@pytest.fixture
def photo_folder(tmp_path: Path) -> Path:
    """Two photos to ingest, one in a subfolder and with camera EXIF, and one file that is no photo."""
    folder = tmp_path / "photos"
    (folder / "harbour").mkdir(parents=True)
    (folder / "harbour" / "boat.jpg").write_bytes(jpeg_with_exif(120, 80, colour=(20, 60, 200)))
    (folder / "red.jpg").write_bytes(solid_jpeg(90, 90, (220, 20, 20)))
    (folder / "broken.jpg").write_bytes(b"this is not a photo")
    return folder


@pytest.fixture
def fresh_model_cache() -> Iterator[None]:
    """Each test starts and ends with no recommender model loaded in this process."""
    forget_loaded_model()
    yield
    forget_loaded_model()
