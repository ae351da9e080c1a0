"""The ingest pipeline end to end in-process: fake Commons over real HTTP, real files, real analysis.

Every bad-input case must leave a clear message on the job, no Image row, no stray file, and must
not stop the rest of the batch.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

import PIL.Image
import pytest
from django.db.models import CharField
from django.test import override_settings

from gallery.analysis import pipeline
from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus, TagOrigin
from gallery.services.ingest import run_ingest_job
from gallery.services.jobs import create_ingest_job
from tests.support.fake_commons import FakeFile, install_fake_commons, sample_files
from tests.support.fake_http import FakeHTTPServer, Reply, Request
from tests.support.images import jpeg_with_exif, solid_jpeg

# Real commits, as in `make demo`: the analysis runs in the ingest, from the decode that validated the file.
pytestmark = pytest.mark.django_db(transaction=True)


def run_commons(fake_http: FakeHTTPServer, files: list[FakeFile], wanted: int = 50) -> IngestJob:
    api = install_fake_commons(fake_http, files)
    job = create_ingest_job(source="commons", query="Category:Boats", wanted=wanted, enqueue=False)
    with override_settings(IMGSITE_COMMONS_API=api):
        return run_ingest_job(job)


def files_on_disk(media_root: Path) -> list[str]:
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def with_bad_file(name: str, data: bytes) -> list[FakeFile]:
    """Two good photos with one bad one between them."""
    good = sample_files(2)
    return [good[0], FakeFile(pageid=9000, name=name, data=data), good[1]]


def test_it_stores_and_analyses_each_photo_with_its_provenance(fake_http: FakeHTTPServer) -> None:
    job = run_commons(fake_http, sample_files(3))

    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 3, 0)
    image = Image.objects.get(source_id="5001")
    assert image.status == AnalysisStatus.DONE
    assert image.author == "Ann Example"
    assert image.licence == "CC BY-SA 4.0"
    assert image.source_page_url.endswith("/wiki/File:Sample_001.jpg")
    assert image.camera_make == "Canon"
    assert image.width == 161
    assert image.thumbnail.name
    assert image.preview.name
    origins = set(image.image_tags.values_list("origin", flat=True))
    assert origins == {TagOrigin.SOURCE, TagOrigin.AUTO}


def test_the_date_in_the_exif_wins_over_the_date_the_source_states(fake_http: FakeHTTPServer) -> None:
    # The fake Commons states 2020-01-01 10:00 for every file; this file's camera says 2020-01-10 10:00.
    run_commons(fake_http, sample_files(1))

    assert Image.objects.get().taken_at == datetime(2020, 1, 10, 10, 0, tzinfo=UTC)


def test_without_an_exif_date_the_photo_keeps_the_date_the_source_states(fake_http: FakeHTTPServer) -> None:
    run_commons(fake_http, [FakeFile(pageid=1, name="No_exif.jpg", data=solid_jpeg(80, 60))])

    assert Image.objects.get().taken_at == datetime(2020, 1, 1, 10, 0, tzinfo=UTC)


def test_it_stops_when_it_has_the_number_wanted(fake_http: FakeHTTPServer) -> None:
    job = run_commons(fake_http, sample_files(10), wanted=4)

    assert job.done == 4
    assert Image.objects.count() == 4


def test_it_skips_photos_it_already_has(fake_http: FakeHTTPServer) -> None:
    run_commons(fake_http, sample_files(3))
    again = run_commons(fake_http, sample_files(3))

    assert (again.done, again.skipped) == (0, 3)
    assert Image.objects.count() == 3


def test_it_skips_the_same_bytes_under_another_name(fake_http: FakeHTTPServer) -> None:
    data = solid_jpeg(80, 60)
    files = [FakeFile(pageid=1, name="A.jpg", data=data), FakeFile(pageid=2, name="B.jpg", data=data)]

    job = run_commons(fake_http, files)

    assert (job.done, job.skipped) == (1, 1)
    assert Image.objects.count() == 1


def test_it_refuses_non_free_licences_and_counts_them(fake_http: FakeHTTPServer) -> None:
    files = sample_files(2)
    files[1].licence = "CC BY-NC 4.0"

    job = run_commons(fake_http, files)

    assert (job.done, job.rejected) == (1, 1)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("Empty.jpg", b"", "empty"),
        ("Truncated.jpg", jpeg_with_exif(400, 300)[:1500], "truncated"),
        ("Page.jpg", b"<!DOCTYPE html><html><body>Not found</body></html>", "HTML"),
        ("Photo.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "HEIC"),
        ("Noise.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8, ""),
    ],
)
def test_a_bad_file_is_reported_and_the_batch_goes_on(
    fake_http: FakeHTTPServer, media_root: Path, name: str, data: bytes, reason: str
) -> None:
    job = run_commons(fake_http, with_bad_file(name, data))

    assert (job.done, job.failed) == (2, 1)
    assert len(job.errors) == 1
    assert name.rsplit(".", 1)[0] in job.errors[0]
    assert reason.lower() in job.errors[0].lower()
    assert not Image.objects.filter(source_id="9000").exists()
    assert len([f for f in files_on_disk(media_root) if f.startswith("originals/")]) == 2
    assert not [f for f in files_on_disk(media_root) if f.startswith("tmp/")]


def test_a_decompression_bomb_over_the_pixel_limit_is_refused(
    fake_http: FakeHTTPServer, settings: object
) -> None:
    big = FakeFile(pageid=9000, name="Huge.jpg", data=solid_jpeg(3000, 2000))
    with override_settings(IMGSITE_MAX_IMAGE_PIXELS=1_000_000):
        job = run_commons(fake_http, [*sample_files(1), big])

    assert (job.done, job.failed) == (1, 1)
    assert "pixels" in job.errors[0]


def test_a_file_the_source_says_is_over_the_size_cap_is_not_downloaded(fake_http: FakeHTTPServer) -> None:
    with override_settings(IMGSITE_MAX_DOWNLOAD_BYTES=20_000):
        big = FakeFile(pageid=9000, name="Big.jpg", data=jpeg_with_exif(900, 700) + b"\0" * 30_000)
        job = run_commons(fake_http, [*sample_files(1), big])

    assert (job.done, job.failed) == (1, 1)
    assert "over the 0.0 MB limit; it was not downloaded" in job.errors[0]
    assert fake_http.hits("/files/Big.jpg") == 0


def test_a_missing_file_is_reported_with_its_http_status(fake_http: FakeHTTPServer) -> None:
    files = with_bad_file("Gone.jpg", solid_jpeg())
    api = install_fake_commons(fake_http, files)
    fake_http.route("/files/Gone.jpg", Reply(404, b"Not Found"))
    job = create_ingest_job(source="commons", query="Category:Boats", wanted=10, enqueue=False)
    with override_settings(IMGSITE_COMMONS_API=api):
        run_ingest_job(job)

    assert (job.done, job.failed) == (2, 1)
    assert "404" in job.errors[0]


def test_a_server_error_is_retried_and_then_succeeds(fake_http: FakeHTTPServer) -> None:
    files = sample_files(1)
    api = install_fake_commons(fake_http, files)
    answers = count()

    def flaky(request: Request) -> Reply:
        return Reply(503, b"busy") if next(answers) < 2 else Reply.image(files[0].data)

    fake_http.route(f"/files/{files[0].name}", flaky)
    job = create_ingest_job(source="commons", query="Category:Boats", wanted=1, enqueue=False)
    with override_settings(IMGSITE_COMMONS_API=api):
        run_ingest_job(job)

    assert job.done == 1
    assert fake_http.hits(f"/files/{files[0].name}") == 3


def test_a_server_that_keeps_failing_is_reported_after_the_retries(fake_http: FakeHTTPServer) -> None:
    files = with_bad_file("Flaky.jpg", solid_jpeg())
    api = install_fake_commons(fake_http, files)
    fake_http.route("/files/Flaky.jpg", Reply(503, b"busy"))
    job = create_ingest_job(source="commons", query="Category:Boats", wanted=10, enqueue=False)
    with override_settings(IMGSITE_COMMONS_API=api, IMGSITE_DOWNLOAD_RETRIES=2):
        run_ingest_job(job)

    assert (job.done, job.failed) == (2, 1)
    assert job.errors == ["Flaky: HTTP 503 Service Unavailable"]
    assert fake_http.hits("/files/Flaky.jpg") == 3  # the first answer and two retries


def test_a_stalled_server_times_out_and_the_batch_goes_on(fake_http: FakeHTTPServer) -> None:
    files = with_bad_file("Slow.jpg", solid_jpeg())
    api = install_fake_commons(fake_http, files)
    fake_http.route("/files/Slow.jpg", Reply(200, solid_jpeg(), {"Content-Type": "image/jpeg"}, delay=1.5))
    job = create_ingest_job(source="commons", query="Category:Boats", wanted=10, enqueue=False)
    with override_settings(IMGSITE_COMMONS_API=api, IMGSITE_READ_TIMEOUT=0.3, IMGSITE_DOWNLOAD_RETRIES=0):
        run_ingest_job(job)

    assert (job.done, job.failed) == (2, 1)
    host = fake_http.base_url.removeprefix("http://")
    assert job.errors == [f"Slow: could not reach {host} (no answer within 0.3 s)"]


def test_a_server_that_stalls_mid_file_leaves_no_partial_file(
    fake_http: FakeHTTPServer, media_root: Path
) -> None:
    files = with_bad_file("Stall.jpg", solid_jpeg())
    api = install_fake_commons(fake_http, files)

    def stall() -> Iterator[bytes]:
        yield jpeg_with_exif(300, 200)[:2000]
        time.sleep(1.5)

    fake_http.route(
        "/files/Stall.jpg", lambda request: Reply(200, headers={"Content-Type": "image/jpeg"}, chunks=stall())
    )
    job = create_ingest_job(source="commons", query="Category:Boats", wanted=10, enqueue=False)
    with override_settings(IMGSITE_COMMONS_API=api, IMGSITE_READ_TIMEOUT=0.3, IMGSITE_DOWNLOAD_RETRIES=0):
        run_ingest_job(job)

    assert (job.done, job.failed) == (2, 1)
    assert "stopped sending" in job.errors[0]
    assert not [f for f in files_on_disk(media_root) if f.startswith("tmp/")]


def test_an_unreadable_exif_block_is_not_a_failure(fake_http: FakeHTTPServer) -> None:
    data = solid_jpeg(64, 48)
    # Splice a garbage APP1 "Exif" segment in after the SOI marker.
    garbage = b"Exif\x00\x00" + b"\x13\x37" * 40
    segment = b"\xff\xe1" + (len(garbage) + 2).to_bytes(2, "big") + garbage
    broken = data[:2] + segment + data[2:]

    job = run_commons(fake_http, [FakeFile(pageid=1, name="Odd.jpg", data=broken)])

    assert (job.done, job.failed) == (1, 0)
    image = Image.objects.get()
    assert image.status == AnalysisStatus.DONE
    assert image.colours.exists()


def test_an_unreachable_source_fails_the_job_with_one_clear_line(settings: object) -> None:
    job = create_ingest_job(source="commons", query="Category:Boats", wanted=5, enqueue=False)
    with override_settings(IMGSITE_COMMONS_API="http://127.0.0.1:9/w/api.php", IMGSITE_DOWNLOAD_RETRIES=0):
        run_ingest_job(job)

    assert job.status == JobStatus.FAILED
    assert job.finished_at is not None
    assert len(job.errors) == 1
    assert "\n" not in job.errors[0]
    assert "127.0.0.1" in job.errors[0]


def test_each_photo_is_decoded_once_for_both_the_check_and_the_analysis(
    fake_http: FakeHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[object] = []
    real_open = PIL.Image.open

    def counting_open(*args: Any, **kwargs: Any) -> PIL.Image.Image:
        opened.append(args[0])
        return real_open(*args, **kwargs)

    monkeypatch.setattr(PIL.Image, "open", counting_open)

    job = run_commons(fake_http, sample_files(3))

    assert job.done == 3
    assert set(Image.objects.values_list("status", flat=True)) == {AnalysisStatus.DONE}
    assert len(opened) == 3


def test_a_photo_whose_analysis_fails_after_a_good_decode_is_kept_as_failed_with_the_reason(
    fake_http: FakeHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_palette(*args: object, **kwargs: object) -> None:
        raise ValueError("palette bug")

    monkeypatch.setattr(pipeline, "dominant_colours", broken_palette)

    job = run_commons(fake_http, sample_files(1))

    image = Image.objects.get()
    assert (job.done, job.failed) == (1, 1)
    assert image.status == AnalysisStatus.FAILED
    assert image.analysis_error == "unexpected error: ValueError: palette bug"
    assert job.errors == [f"{image}: analysis failed: unexpected error: ValueError: palette bug"]


def test_text_longer_than_its_field_is_cut_to_the_fields_length(fake_http: FakeHTTPServer) -> None:
    title_field = Image._meta.get_field("title")
    assert isinstance(title_field, CharField)
    long_name = "Boat_" * 120 + "end.jpg"

    run_commons(fake_http, [FakeFile(pageid=1, name=long_name, data=solid_jpeg(80, 60))])

    title = Image.objects.get().title
    assert title_field.max_length is not None
    assert len(title) == title_field.max_length
    assert title.startswith("Boat Boat")


def test_photos_prepared_ahead_in_threads_are_stored_in_the_sources_order(
    fake_http: FakeHTTPServer,
) -> None:
    files = sample_files(4)
    api = install_fake_commons(fake_http, files)
    # The first file is slow, so the threads finish the next ones first.
    fake_http.route(
        f"/files/{files[0].name}", Reply(200, files[0].data, {"Content-Type": "image/jpeg"}, delay=0.5)
    )
    job = create_ingest_job(source="commons", query="Category:Boats", wanted=4, enqueue=False)
    with override_settings(IMGSITE_COMMONS_API=api, IMGSITE_INGEST_THREADS=3):
        job = run_ingest_job(job)

    assert (job.done, job.position) == (4, 4)
    stored = list(Image.objects.order_by("pk").values_list("source_id", flat=True))
    assert stored == [str(item.pageid) for item in files]


def test_a_job_that_wants_one_photo_downloads_only_that_one(fake_http: FakeHTTPServer) -> None:
    files = sample_files(5)

    job = run_commons(fake_http, files, wanted=1)

    assert job.done == 1
    assert sum(fake_http.hits(f"/files/{item.name}") for item in files) == 1
