"""The management commands as an operator runs them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus

# Real commits, so the analysis queued on commit runs in-process as it does in `make demo`.
pytestmark = pytest.mark.django_db(transaction=True)


def ingest(*args: str) -> str:
    out = StringIO()
    call_command("ingest", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_ingest_from_a_folder_stores_the_photos_and_reports_the_bad_one(photo_folder: Path) -> None:
    output = ingest("folder", str(photo_folder), "--licence", "CC BY 4.0", "--author", "Ann Example")

    assert "Stored 2 new photos" in output
    assert "1 failed" in output
    assert set(Image.objects.values_list("licence", "author")) == {("CC BY 4.0", "Ann Example")}
    assert Image.objects.filter(status=AnalysisStatus.DONE).count() == 2
    job = IngestJob.objects.get()
    assert "broken" in job.errors[0]


def test_ingest_until_total_does_nothing_when_the_collection_is_big_enough(photo_folder: Path) -> None:
    ingest("folder", str(photo_folder), "--licence", "CC0 1.0", "--author", "A")

    output = ingest(
        "folder", str(photo_folder), "--licence", "CC0 1.0", "--author", "A", "--until-total", "2"
    )

    assert "nothing to ingest" in output
    assert IngestJob.objects.count() == 1


def test_ingest_from_an_unreachable_commons_fails_in_one_line_naming_other_sources() -> None:
    with (
        override_settings(IMGSITE_COMMONS_API="http://127.0.0.1:9/w/api.php", IMGSITE_DOWNLOAD_RETRIES=0),
        pytest.raises(CommandError) as raised,
    ):
        ingest("commons", "--count", "5")

    message = str(raised.value)
    assert "\n" not in message
    assert "127.0.0.1" in message
    assert "folder" in message
    assert IngestJob.objects.get().status == JobStatus.FAILED


def test_ingest_from_a_folder_without_a_licence_is_refused(photo_folder: Path) -> None:
    with pytest.raises(CommandError, match="licence"):
        ingest("folder", str(photo_folder), "--author", "A")

    assert not Image.objects.exists()


def test_analyse_missing_repairs_images_whose_analysis_failed(photo_folder: Path) -> None:
    ingest("folder", str(photo_folder), "--licence", "CC0 1.0", "--author", "A")
    Image.objects.update(status=AnalysisStatus.FAILED, analysis_error="worker died")

    out = StringIO()
    call_command("analyse", "--missing", stdout=out, stderr=StringIO())

    assert "Analysed 2 photos; 0 failed" in out.getvalue()
    assert set(Image.objects.values_list("status", "analysis_error")) == {(AnalysisStatus.DONE, "")}


def test_analyse_reports_a_missing_original(photo_folder: Path, media_root: Path) -> None:
    ingest("folder", str(photo_folder), "--licence", "CC0 1.0", "--author", "A")
    image = Image.objects.order_by("pk").first()
    assert image is not None
    (media_root / image.file.name).unlink()

    call_command("analyse", "--all", stdout=StringIO(), stderr=StringIO())

    image.refresh_from_db()
    assert image.status == AnalysisStatus.FAILED
    assert "missing" in image.analysis_error


def test_export_metadata_writes_every_image_with_colours_and_tags(photo_folder: Path, tmp_path: Path) -> None:
    ingest("folder", str(photo_folder), "--licence", "CC0 1.0", "--author", "A")
    target = tmp_path / "out" / "meta.json"

    call_command("export_metadata", str(target), stdout=StringIO())

    records = json.loads(target.read_text())
    assert len(records) == 2
    boat = next(r for r in records if r["camera"]["make"] == "Canon")
    assert boat["provenance"]["licence"] == "CC0 1.0"
    assert boat["colours"][0]["family"] == "blue"
    assert {"name": "harbour", "origin": "source", "user": None, "confidence": 1.0} in boat["tags"]
