"""While an ingest stores photos, the gallery's cached counts are thrown away at most once per
IMGSITE_COUNTS_REFRESH_SECONDS instead of after every photo (which left no request a cached count
while photos kept arriving), and once more when the job ends, so that the counts then include every
photo it stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from gallery.collection_version import collection_version
from gallery.models import IngestJob
from gallery.selectors import GalleryFilters, gallery_count
from gallery.services.ingest import run_ingest_job
from gallery.services.jobs import create_ingest_job
from tests.support.fake_http import FakeHTTPServer, Reply
from tests.support.images import solid_jpeg

pytestmark = pytest.mark.django_db(transaction=True)


def url_list(tmp_path: Path, fake_http: FakeHTTPServer, count: int) -> Path:
    rows = ["url,licence,title"]
    for number in range(count):
        fake_http.route(f"/{number}.jpg", Reply.image(solid_jpeg(40 + number, 30, (number * 40, 90, 200))))
        rows.append(f"{fake_http.url(f'/{number}.jpg')},CC0,Photo {number}")
    path = tmp_path / "photos.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def ingest_watching_counts(listing: Path) -> tuple[list[str | None], list[int]]:
    """Run an ingest of `listing`; the collection's version and the gallery's count after each photo."""
    versions: list[str | None] = []
    counts: list[int] = []

    def after_each_photo(job: IngestJob) -> None:
        versions.append(collection_version())
        counts.append(gallery_count(GalleryFilters()))

    job = create_ingest_job(source="urls", query=str(listing), wanted=4, enqueue=False)
    run_ingest_job(job, progress=after_each_photo)
    return versions, counts


@override_settings(IMGSITE_COUNTS_REFRESH_SECONDS=3600)
def test_an_ingest_throws_cached_counts_away_once_per_interval_and_at_its_end(
    tmp_path: Path, fake_http: FakeHTTPServer
) -> None:
    before = collection_version()

    versions, counts = ingest_watching_counts(url_list(tmp_path, fake_http, 4))

    assert versions[0] != before  # the first photo is counted at once
    assert versions == [versions[0]] * 4  # the next three within the interval are not
    assert counts == [1, 1, 1, 1]
    assert collection_version() != versions[0]  # the job's end counts them
    assert gallery_count(GalleryFilters()) == 4


@override_settings(IMGSITE_COUNTS_REFRESH_SECONDS=0)
def test_with_no_interval_every_photo_is_counted_as_it_is_stored(
    tmp_path: Path, fake_http: FakeHTTPServer
) -> None:
    versions, counts = ingest_watching_counts(url_list(tmp_path, fake_http, 4))

    assert len(set(versions)) == 4
    assert counts == [1, 2, 3, 4]
