"""Media in an S3-compatible bucket (IMGSITE_STORAGE=s3): what a person sees is the same as with the
local disk, and nothing is read from or written to this machine's media folder.

The bucket is moto's in-process S3 (the several-machines integration test uses a real server).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from moto import mock_aws
from PIL import Image as PillowImage

from gallery.checks import check_media_storage
from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus
from gallery.services.storage import delete_image
from imgsite.reports.selectors import derived_bytes
from imgsite.settings.media_storage import S3, S3_BACKEND, s3_media_origins, s3_options, storage_kind
from tests.factories import ingest_folder
from tests.support.images import solid_jpeg

pytestmark = pytest.mark.django_db(transaction=True)

BUCKET = "imgsite-test-media"


@pytest.fixture
def bucket(settings: LazySettings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An empty bucket, and the site's default storage pointing at it."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.IMGSITE_STORAGE = S3
        settings.IMGSITE_S3_BUCKET = BUCKET
        options = s3_options(
            bucket=BUCKET,
            endpoint_url="",
            region="us-east-1",
            prefix="",
            custom_domain="",
            signed_urls=True,
            url_seconds=600,
            max_age=3600,
        )
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": S3_BACKEND, "OPTIONS": options}}
        yield client


def keys(client: Any) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "blue.jpg").write_bytes(solid_jpeg(160, 100, (20, 60, 200)))
    (folder / "red.jpg").write_bytes(solid_jpeg(90, 120, (220, 20, 20)))
    return folder


def test_an_ingested_photo_and_its_thumbnails_land_in_the_bucket_not_on_disk(
    bucket: Any, photos: Path, media_root: Path
) -> None:
    job = ingest_folder(photos)

    assert job.done == 2
    stored = keys(bucket)
    for image in Image.objects.all():
        assert image.status == AnalysisStatus.DONE
        assert {image.file.name, image.thumbnail.name, image.preview.name} <= stored
    assert files_under(media_root) == []


def test_the_gallery_links_thumbnails_at_the_bucket(bucket: Any, photos: Path, client: Client) -> None:
    ingest_folder(photos)
    image = Image.objects.first()
    assert image is not None

    page = client.get(reverse("gallery:index")).content.decode()

    assert (
        f"/{BUCKET}/{image.thumbnail.name}" in page
        or f"{BUCKET}.s3.amazonaws.com/{image.thumbnail.name}" in page
    )
    assert f"/media/{image.thumbnail.name}" not in page


def test_analysing_again_reads_the_original_from_the_bucket_and_rewrites_the_thumbnails(
    bucket: Any, photos: Path
) -> None:
    ingest_folder(photos)
    image = Image.objects.get(title="blue")
    bucket.delete_object(Bucket=BUCKET, Key=image.thumbnail.name)

    call_command("analyse", "--all", stdout=StringIO(), stderr=StringIO())

    image.refresh_from_db()
    assert image.status == AnalysisStatus.DONE
    assert image.thumbnail.name in keys(bucket)
    thumbnail = bucket.get_object(Bucket=BUCKET, Key=image.thumbnail.name)["Body"].read()
    with PillowImage.open(io.BytesIO(thumbnail)) as picture:
        assert picture.size == (image.width, image.height)  # smaller than the grid size: kept as it is


def test_an_original_missing_from_the_bucket_fails_its_analysis_saying_so(bucket: Any, photos: Path) -> None:
    ingest_folder(photos)
    image = Image.objects.get(title="red")
    bucket.delete_object(Bucket=BUCKET, Key=image.file.name)

    call_command("analyse", "--all", stdout=StringIO(), stderr=StringIO())

    image.refresh_from_db()
    assert image.status == AnalysisStatus.FAILED
    assert image.analysis_error == f"the original file is missing from the media storage ({image.file.name})"


def test_deleting_a_photo_deletes_its_files_from_the_bucket(bucket: Any, photos: Path) -> None:
    ingest_folder(photos)
    image = Image.objects.get(title="red")
    names = {image.file.name, image.thumbnail.name, image.preview.name}

    delete_image(image)

    assert not names & keys(bucket)
    assert len(keys(bucket)) == 3  # the other photo's three files stay


def test_a_media_url_redirects_to_the_bucket_and_private_names_are_refused(
    bucket: Any, photos: Path, client: Client
) -> None:
    ingest_folder(photos)
    image = Image.objects.get(title="blue")

    response = client.get(f"/media/{image.thumbnail.name}")

    assert response.status_code == 302
    assert image.thumbnail.name in response["Location"]
    assert client.get("/media/tmp/.download-abc.jpg").status_code == 404
    assert client.get("/media/originals/../secrets.jpg").status_code == 404


def test_a_download_passes_on_the_original_from_the_bucket_as_an_attachment(
    bucket: Any, photos: Path, client: Client
) -> None:
    ingest_folder(photos)
    image = Image.objects.get(title="blue")

    response = client.get(reverse("gallery:download", args=[image.pk, "original"]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (photos / "blue.jpg").read_bytes()  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == f'attachment; filename="blue-{image.pk}.jpg"'


def test_the_collection_map_draws_the_thumbnails_kept_in_the_bucket(
    bucket: Any, photos: Path, client: Client
) -> None:
    ingest_folder(photos)

    svg = client.get(reverse("profiles:stats_chart", args=["map"])).content.decode()

    assert svg.count("<image ") == 2


def test_the_check_names_a_missing_bucket(settings: LazySettings) -> None:
    settings.IMGSITE_STORAGE = S3
    settings.IMGSITE_S3_BUCKET = ""

    errors = check_media_storage()

    assert [error.id for error in errors] == ["gallery.E002"]
    assert "IMGSITE_S3_BUCKET is not set" in errors[0].msg


def test_pages_may_load_photos_from_the_media_origin_only() -> None:
    assert s3_media_origins(
        bucket="b", endpoint_url="http://127.0.0.1:9000", region="", custom_domain=""
    ) == ["http://127.0.0.1:9000"]
    assert s3_media_origins(bucket="b", endpoint_url="", region="", custom_domain="media.example.org") == [
        "https://media.example.org"
    ]
    assert s3_media_origins(bucket="b", endpoint_url="", region="eu-west-1", custom_domain="") == [
        "https://b.s3.amazonaws.com",
        "https://b.s3.eu-west-1.amazonaws.com",
    ]


def test_the_report_counts_the_thumbnails_and_previews_in_the_bucket(bucket: Any, photos: Path) -> None:
    ingest_folder(photos)
    listed = bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    expected = sum(item["Size"] for item in listed if item["Key"].startswith(("thumbs/", "previews/")))

    assert derived_bytes() == expected > 0


def test_an_unknown_storage_is_refused_naming_the_choices() -> None:
    with pytest.raises(ImproperlyConfigured, match="IMGSITE_STORAGE must be one of local, s3, got 'gcs'"):
        storage_kind("gcs")
    assert storage_kind("") == "local"


def test_an_ingest_stops_at_once_saying_why_when_the_bucket_is_gone(bucket: Any, photos: Path) -> None:
    bucket.delete_bucket(Bucket=BUCKET)

    with pytest.raises(CommandError, match="Stopped: cannot write to the media storage"):
        ingest_folder(photos)

    job = IngestJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.errors[-1].startswith("Stopped: cannot write to the media storage (NoSuchBucket: ")
    assert (job.done, job.failed) == (0, 0)  # stopped at the first photo, not one failure per photo
    assert not Image.objects.exists()
