"""End to end on real services: a Celery worker process on Redis, with PostgreSQL, ingests 20
photos from a fake Commons server over HTTP and analyses them."""

from __future__ import annotations

import pytest

from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus
from gallery.services.jobs import create_ingest_job
from gallery.services.storage import media_path
from tests.integration.conftest import WorkerStarter, wait_for
from tests.support.fake_commons import install_fake_commons, sample_files
from tests.support.fake_http import FakeHTTPServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_ingests_and_analyses_twenty_photos_from_commons(
    fake_http: FakeHTTPServer, start_worker: WorkerStarter
) -> None:
    api = install_fake_commons(fake_http, sample_files(20))
    start_worker({"IMGSITE_COMMONS_API": api})

    job = create_ingest_job(source="commons", query="Category:Boats in harbours", wanted=20)

    def finished() -> bool:
        job.refresh_from_db()
        analysed = Image.objects.filter(status=AnalysisStatus.DONE).count()
        return job.is_finished and analysed == 20

    wait_for(finished, timeout=120, what="20 analysed photos")
    assert job.status == JobStatus.DONE
    assert (job.done, job.failed, job.skipped) == (20, 0, 0)
    image = Image.objects.get(source_id="5003")
    assert image.author == "Ann Example"
    assert image.licence == "CC BY-SA 4.0"
    assert image.camera_make == "Canon"
    assert image.colours.count() >= 1
    assert "boats in harbours" in set(image.image_tags.values_list("tag__name", flat=True))
    assert media_path(image.thumbnail.name).is_file()


def test_a_second_run_of_the_same_selection_stores_nothing_twice(
    fake_http: FakeHTTPServer, start_worker: WorkerStarter
) -> None:
    api = install_fake_commons(fake_http, sample_files(5))
    start_worker({"IMGSITE_COMMONS_API": api})

    first = create_ingest_job(source="commons", query="Category:Boats in harbours", wanted=5)
    wait_for(lambda: IngestJob.objects.get(pk=first.pk).is_finished, timeout=60, what="the first job")
    second = create_ingest_job(source="commons", query="Category:Boats in harbours", wanted=5)
    wait_for(lambda: IngestJob.objects.get(pk=second.pk).is_finished, timeout=60, what="the second job")

    second.refresh_from_db()
    assert Image.objects.count() == 5
    assert (second.done, second.skipped) == (0, 5)
