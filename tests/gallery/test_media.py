"""The photos' files are served under /media/ with the settings the site runs with (DEBUG off):
thumbnails load, browsers may cache them, and nothing but finished image files is reachable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils.http import http_date

from tests.factories import make_image

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_photos_thumbnail_on_the_gallery_page_loads(client, settings):
    assert settings.DEBUG is False
    image = make_image(title="Harbour")
    html = client.get("/gallery/").content.decode()
    url = image.thumbnail.url
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert _body(response) == Path(image.thumbnail.path).read_bytes()


def test_media_answers_carry_caching_headers_and_revalidate_with_304(client):
    image = make_image()
    response = client.get(image.thumbnail.url)
    assert response["Cache-Control"] == "public, max-age=86400"
    mtime = os.stat(image.thumbnail.path).st_mtime
    assert response["Last-Modified"] == http_date(mtime)
    again = client.get(image.thumbnail.url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
    assert again.content == b""


def test_the_original_and_preview_are_served_too(client):
    image = make_image()
    for field in (image.file, image.preview):
        if field:
            assert client.get(field.url).status_code == 200, field.name


def test_behind_nginx_the_view_hands_the_file_over_with_x_accel_redirect(client, settings):
    settings.IMGSITE_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    image = make_image()
    response = client.get(image.thumbnail.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{image.thumbnail.name}"
    assert response["Content-Type"] == "image/jpeg"
    assert response.content == b""


@pytest.mark.parametrize(
    "name",
    [
        "tmp/download.jpg",  # a download in progress
        "thumbs/ab/.partial-123.jpg",  # a half-written file
        "thumbs/ab/notes.html",  # not an image
        "thumbs/ab/missing.jpg",
        "thumbs/ab",  # a folder
        "../secret.jpg",
        "thumbs/../../secret.jpg",
    ],
)
def test_nothing_but_finished_photo_files_is_served(client, media_root: Path, name: str):
    (media_root.parent / "secret.jpg").write_bytes(b"outside the media folder")
    for inside in ["tmp/download.jpg", "thumbs/ab/.partial-123.jpg", "thumbs/ab/notes.html"]:
        (media_root / inside).parent.mkdir(parents=True, exist_ok=True)
        (media_root / inside).write_bytes(b"<script>alert(1)</script>")
    assert client.get(f"/media/{name}").status_code == 404


def test_a_symlink_out_of_the_media_folder_is_not_followed(client, media_root: Path):
    outside = media_root.parent / "elsewhere.jpg"
    outside.write_bytes(b"not for the web")
    (media_root / "thumbs").mkdir()
    (media_root / "thumbs" / "link.jpg").symlink_to(outside)
    assert client.get("/media/thumbs/link.jpg").status_code == 404


def test_media_cannot_be_posted_to(client):
    image = make_image()
    assert client.post(image.thumbnail.url).status_code == 405
