"""Files straight from cameras and phones, ingested from a folder as a photographer would."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image as PILImage

from gallery.models import AnalysisStatus, Image, IngestJob, TagOrigin
from gallery.services.ingest import run_ingest_job
from gallery.services.jobs import create_ingest_job
from gallery.services.storage import media_path
from tests.support.camera_files import BILLION_LAUGHS, iptc_block, jpeg_with_metadata, xmp_packet
from tests.support.fake_http import FakeHTTPServer, Reply
from tests.support.images import heic_with_exif

# Real commits, so the analysis queued on commit runs in-process as it does in `make demo`.
pytestmark = pytest.mark.django_db(transaction=True)


def ingest_folder(folder: Path, *extra: str) -> str:
    out = StringIO()
    args = ("folder", str(folder), "--licence", "CC BY 4.0", "--author", "Ann Example", *extra)
    call_command("ingest", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_iphone_heic_is_stored_upright_with_its_size(tmp_path: Path) -> None:
    # Left half red, right half blue, turned 90 degrees clockwise by its orientation: red ends on top.
    folder = tmp_path / "phone"
    folder.mkdir()
    (folder / "IMG_0001.HEIC").write_bytes(heic_with_exif(96, 64, orientation=6, model="iPhone 15"))

    output = ingest_folder(folder)

    assert "Stored 1 new photo" in output
    image = Image.objects.get()
    assert image.status == AnalysisStatus.DONE, image.analysis_error
    assert (image.format, image.width, image.height, image.orientation) == ("HEIF", 64, 96, "portrait")
    assert image.camera_model == "iPhone 15"
    assert image.file.name.endswith(".heic")
    with PILImage.open(media_path(image.preview.name)) as preview:
        pixels = np.asarray(preview.convert("RGB"))
    assert pixels.shape == (96, 64, 3)
    red, _green, blue = pixels[5, 32]
    assert red > 150 > blue  # the left half, now on top
    red, _green, blue = pixels[90, 32]
    assert blue > 150 > red


def test_xmp_keywords_become_source_tags_and_the_caption_fills_title_and_description(tmp_path: Path) -> None:
    folder = tmp_path / "trips"
    folder.mkdir()
    xmp = xmp_packet(
        title="Harbour at dawn", description="Boats leaving Whitby", keywords=["Boats", "harbour"]
    )
    (folder / "IMG_0042.jpg").write_bytes(jpeg_with_metadata(xmp=xmp))

    ingest_folder(folder)

    image = Image.objects.get()
    assert (image.title, image.description) == ("Harbour at dawn", "Boats leaving Whitby")
    assert set(image.image_tags.filter(origin=TagOrigin.SOURCE).values_list("tag__name", flat=True)) == {
        "boats",
        "harbour",
    }
    assert image.attribution == "Harbour at dawn by Ann Example, CC BY 4.0"
    assert IngestJob.objects.get().warnings == []


def test_the_stated_licence_beats_the_files_and_the_job_reports_the_conflict(tmp_path: Path) -> None:
    folder = tmp_path / "trips"
    folder.mkdir()
    xmp = xmp_packet(creator="Ann Example", licence_url="https://creativecommons.org/licenses/by-nc-nd/4.0/")
    (folder / "IMG_0043.jpg").write_bytes(jpeg_with_metadata(xmp=xmp))

    ingest_folder(folder)

    image = Image.objects.get()
    assert (image.licence, image.author) == ("CC BY 4.0", "Ann Example")
    assert IngestJob.objects.get().warnings == [
        "IMG 0043: the file says its licence is CC BY-NC-ND 4.0; kept the stated CC BY 4.0"
    ]


def test_an_xmp_entity_bomb_is_a_warning_and_the_photo_is_stored(tmp_path: Path) -> None:
    folder = tmp_path / "trips"
    folder.mkdir()
    (folder / "lol.jpg").write_bytes(
        jpeg_with_metadata(xmp=BILLION_LAUGHS, iptc=iptc_block([(2, 25, "sea")]))
    )

    output = ingest_folder(folder)

    assert "Stored 1 new photo" in output
    image = Image.objects.get()
    assert image.status == AnalysisStatus.DONE
    assert list(image.image_tags.filter(origin=TagOrigin.SOURCE).values_list("tag__name", flat=True)) == [
        "sea"
    ]
    (warning,) = IngestJob.objects.get().warnings
    assert warning.startswith("lol: XMP metadata ignored: it declares entities or a DTD")


def test_a_heic_listed_in_a_url_list_is_stored_as_heic(tmp_path: Path, fake_http: FakeHTTPServer) -> None:
    fake_http.route("/IMG_0002.HEIC", Reply.image(heic_with_exif(96, 64, orientation=8), "image/heic"))
    listing = tmp_path / "photos.csv"
    listing.write_text(f"url,licence\n{fake_http.url('/IMG_0002.HEIC')},CC0\n", encoding="utf-8")

    job = run_ingest_job(create_ingest_job(source="urls", query=str(listing), wanted=1, enqueue=False))

    assert (job.done, job.failed) == (1, 0), job.errors
    image = Image.objects.get()
    assert (image.format, image.width, image.height, image.status) == ("HEIF", 64, 96, AnalysisStatus.DONE)
