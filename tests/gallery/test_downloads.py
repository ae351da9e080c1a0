"""Downloading a photo: the original or the web size, named after the photo, visible photos only."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from gallery.downloads import download_filename
from tests.factories import make_image
from tests.support.images import solid_jpeg

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_original_is_an_attachment_named_after_the_title(client):
    image = make_image(title="Harbour at Dawn!", width=300, height=200)
    response = client.get(f"/photos/{image.pk}/download/original/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="harbour-at-dawn-{image.pk}.jpg"'
    with default_storage.open(image.file.name) as stored:
        assert _body(response) == stored.read()


def test_the_web_size_is_the_preview(client):
    image = make_image(title="Pier", width=300, height=200)
    preview = default_storage.save("previews/small.jpg", ContentFile(solid_jpeg(30, 20, (1, 2, 3))))
    image.preview = preview
    image.save()
    response = client.get(f"/photos/{image.pk}/download/web/")
    assert response["Content-Disposition"] == f'attachment; filename="pier-{image.pk}-web.jpg"'
    with default_storage.open(preview) as stored:
        assert _body(response) == stored.read()


def test_a_photo_without_a_preview_offers_its_original_as_the_web_size(client):
    image = make_image(title="Tiny")
    image.preview = ""
    image.save()
    response = client.get(f"/photos/{image.pk}/download/web/")
    with default_storage.open(image.file.name) as stored:
        assert _body(response) == stored.read()


def test_a_non_latin_title_keeps_its_letters_in_the_utf8_filename(client):
    image = make_image(title="東京タワー")
    response = client.get(f"/photos/{image.pk}/download/original/")
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''%E6%9D%B1%E4%BA%AC%E3%82%BF%E3%83%AF%E3%83%BC-{image.pk}.jpg"
    )


def test_filenames_never_carry_path_or_quote_characters():
    name = download_filename(
        title='../../etc/"passwd"', pk=7, kind="original", stored_name="originals/ab/x.PNG"
    )
    assert name == "etcpasswd-7.png"
    assert download_filename(title="", pk=8, kind="web", stored_name="previews/ab/x.jpg") == "photo-8-web.jpg"


@pytest.mark.parametrize("status", ["pending", "failed"])
def test_a_photo_the_public_cannot_see_cannot_be_downloaded(client, status):
    image = make_image(status=status)
    assert client.get(f"/photos/{image.pk}/download/original/").status_code == 404


def test_an_unknown_size_or_a_missing_file_is_a_404(client):
    image = make_image()
    assert client.get(f"/photos/{image.pk}/download/huge/").status_code == 404
    default_storage.delete(image.file.name)
    assert client.get(f"/photos/{image.pk}/download/original/").status_code == 404


def test_the_photo_page_offers_both_sizes_with_the_credit_beside_them(client):
    image = make_image(title="Pier", width=3000, height=2000, file_size=5_000_000)
    html = client.get(f"/photos/{image.pk}/").content.decode()
    assert f'href="/photos/{image.pk}/download/web/" download' in html
    assert f'href="/photos/{image.pk}/download/original/" download' in html
    assert "1024 \u00d7 683 px" in html  # the preview's size
    assert "3000 \u00d7 2000 px · 4.8\xa0MB" in html  # filesizeformat keeps number and unit together
    assert 'data-copy="credit"' in html
    assert "Credit:" in html
