"""A site on several machines: two web processes and one Celery worker share PostgreSQL, Redis and
an S3-compatible bucket (moto's server), and no disk.

The worker ingests photos from a folder on its own machine and rebuilds the recommender; each web
process then shows the photos from the bucket and serves picks from the newer model, though each
had already loaded the older one. Nothing is written to the media folder of any process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client

from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus, Like
from gallery.services.jobs import create_ingest_job
from recommender.models import BuildStatus, RecommenderModel
from recommender.services import schedule_rebuild
from tests.factories import make_user
from tests.integration.conftest import WorkerStarter, wait_for
from tests.support.images import encode, photo_like
from tests.support.machines import new_bucket, s3_environment, s3_server, web_processes

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BUCKET = "imgsite-machines"


def write_photos(folder: Path, seeds: range) -> Path:
    folder.mkdir(parents=True)
    for seed in seeds:
        (folder / f"photo-{seed}.jpg").write_bytes(
            encode(photo_like(320, 240, seed=seed), "JPEG", quality=90)
        )
    return folder


@pytest.fixture
def site(
    tmp_path: Path, celery_worker_env: dict[str, str], start_worker: WorkerStarter, media_root: Path
) -> Iterator[tuple[list[str], object]]:
    """Two web processes and one worker on the bucket; yields the web base URLs and the bucket."""
    with ExitStack() as stack:
        endpoint = stack.enter_context(s3_server(tmp_path / "s3.log"))
        client = new_bucket(endpoint=endpoint, bucket=BUCKET)
        machine = {**celery_worker_env, **s3_environment(endpoint=endpoint, bucket=BUCKET)}
        listening = stack.enter_context(
            web_processes(machine, [tmp_path / "web-1.log", tmp_path / "web-2.log"])
        )
        start_worker(s3_environment(endpoint=endpoint, bucket=BUCKET))  # while the web processes start
        yield listening(), client
    assert [path for path in media_root.rglob("*") if path.is_file()] == []


def ingest(folder: Path, count: int) -> IngestJob:
    job = create_ingest_job(
        source="folder", query=str(folder), wanted=count, options={"licence": "CC0 1.0", "author": "A"}
    )
    wait_for(lambda: IngestJob.objects.get(pk=job.pk).is_finished, timeout=60, what="the ingest job")
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.DONE, count)
    return job


def rebuild_and_wait(after: int) -> RecommenderModel:
    assert schedule_rebuild()
    ready = RecommenderModel.objects.filter(status=BuildStatus.READY, pk__gt=after)
    wait_for(ready.exists, timeout=60, what="a model rebuilt by the worker")
    return ready.get()


def picked_ids(base: str, session_cookie: str) -> set[int]:
    response = requests.get(f"{base}/for-you/", cookies={"sessionid": session_cookie}, timeout=30)
    assert response.status_code == 200
    assert "data-fallback" not in response.text  # personal picks from a model, not the stand-in list
    return {int(found) for found in re.findall(r'href="/photos/(\d+)/', response.text)}


def test_two_web_processes_show_what_the_worker_ingested_and_use_the_model_it_rebuilt(
    site: tuple[list[str], object], tmp_path: Path
) -> None:
    webs, bucket = site
    ingest(write_photos(tmp_path / "first", range(4)), 4)
    first, second, third, fourth = Image.objects.order_by("pk")
    assert all(image.status == AnalysisStatus.DONE for image in (first, second, third, fourth))

    for base in webs:
        page = requests.get(f"{base}/photos/{first.pk}/", timeout=30)
        assert page.status_code == 200
        thumbnail_url = re.search(rf'src="(http://127\.0\.0\.1:\d+/{BUCKET}/[^"]+)"', page.text)
        assert thumbnail_url is not None, "the photo page links its picture in the bucket"
        picture = requests.get(thumbnail_url.group(1).replace("&amp;", "&"), timeout=30)
        assert picture.status_code == 200
        assert picture.headers["Content-Type"] == "image/jpeg"
        old_link = requests.get(f"{base}/media/{first.thumbnail.name}", allow_redirects=False, timeout=30)
        assert old_link.status_code == 302
        stored = bucket.get_object(Bucket=BUCKET, Key=first.thumbnail.name)["Body"].read()  # type: ignore[attr-defined]
        assert requests.get(old_link.headers["Location"], timeout=30).content == stored

    alice = make_user("alice")
    Like.objects.create(user=alice, image=first)
    browser = Client()
    browser.force_login(User.objects.get(pk=alice.pk))
    cookie = browser.cookies["sessionid"].value
    older = rebuild_and_wait(after=0)
    for base in webs:
        assert picked_ids(base, cookie) == {second.pk, third.pk, fourth.pk}

    ingest(write_photos(tmp_path / "second", range(10, 11)), 1)
    newest = Image.objects.latest("pk")
    rebuild_and_wait(after=older.pk)
    for base in webs:
        # Only the newer model knows the newest photo: each process has noticed it.
        assert newest.pk in picked_ids(base, cookie)
