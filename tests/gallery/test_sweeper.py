"""The periodic sweeper finds work a dead worker left behind and sends it again; the ingest
command never waits forever for a job nobody runs."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus
from gallery.services import analysis, jobs, sweeper
from tests.factories import make_image, make_user
from tests.support.images import solid_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[object, ...]]]:
    """Tasks sent to a broker that takes them, and no worker runs."""
    calls: list[tuple[str, tuple[object, ...]]] = []

    def enqueue(name: str, *args: object, countdown: float | None = None) -> None:
        calls.append((name, args))

    monkeypatch.setattr(jobs, "enqueue", enqueue)
    monkeypatch.setattr(analysis, "enqueue", enqueue)
    return calls


def make_job(**fields: object) -> IngestJob:
    return IngestJob.objects.create(**{"source": "commons", "query": "Category:Boats", "wanted": 5, **fields})


def ago(seconds: float) -> object:
    return timezone.now() - timedelta(seconds=seconds)


def test_a_running_job_whose_lease_ran_out_is_sent_again(sent: list) -> None:
    dead = make_job(status=JobStatus.RUNNING, lease_owner="gone", lease_expires_at=ago(5))
    make_job(status=JobStatus.RUNNING, lease_owner="alive", lease_expires_at=ago(-60))
    make_job(status=JobStatus.DONE)

    result = sweeper.resume_stale_work()

    assert result.jobs_resumed == 1
    assert sent == [("gallery.tasks.run_ingest_job_task", (dead.pk,))]


def test_a_job_queued_long_ago_that_no_worker_took_is_sent_again(sent: list, settings: LazySettings) -> None:
    settings.IMGSITE_STALE_PENDING_SECONDS = 60
    old = make_job()
    IngestJob.objects.filter(pk=old.pk).update(created_at=ago(120))
    make_job()  # just queued: its message is probably still waiting for a worker

    sweeper.resume_stale_work()

    assert sent == [("gallery.tasks.run_ingest_job_task", (old.pk,))]


def test_a_photo_left_pending_is_analysed_again_once(sent: list, settings: LazySettings) -> None:
    settings.IMGSITE_STALE_PENDING_SECONDS = 60
    stuck = make_image(status=AnalysisStatus.PENDING)
    make_image(status=AnalysisStatus.PENDING)  # queued a moment ago
    Image.objects.filter(pk=stuck.pk).update(updated_at=ago(120))

    assert sweeper.resume_stale_work().images_requeued == 1
    assert sweeper.resume_stale_work().images_requeued == 0  # the clock restarted for the one sent
    assert sent == [("gallery.tasks.analyse_image_task", (stuck.pk,))]


def test_files_left_by_interrupted_writes_are_removed_once_no_task_can_own_them(
    media_root: Path, settings: LazySettings
) -> None:
    settings.CELERY_TASK_TIME_LIMIT = 60
    old_download = media_root / "tmp" / "job-3" / ".download-abc"
    old_partial = media_root / "thumbs" / "ab" / ".partial-xyz"
    fresh_download = media_root / "tmp" / "job-4" / ".download-def"
    for path in (old_download, old_partial, fresh_download):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    for path in (old_download, old_partial):
        os.utime(path, (time.time() - 120, time.time() - 120))

    assert sweeper.resume_stale_work().temp_files_removed == 2
    assert fresh_download.exists()
    assert not old_download.exists()
    assert not old_partial.exists()


def test_the_command_runs_the_sweep_and_says_what_it_did(sent: list) -> None:
    make_job(status=JobStatus.RUNNING, lease_expires_at=ago(5))
    out = StringIO()

    call_command("resume_stale_work", stdout=out)

    assert out.getvalue().startswith("Resumed 1 job(s), requeued 0 pending photo(s), queued 0 owed")


# --- The ingest command with a broker but no worker --------------------------------------------


@pytest.fixture
def photo_folder(tmp_path: Path) -> Path:
    (tmp_path / "red.jpg").write_bytes(solid_jpeg(64, 48, (200, 30, 30)))
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_the_ingest_command_gives_up_on_a_job_no_worker_takes(
    sent: list, settings: LazySettings, photo_folder: Path
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.IMGSITE_INGEST_PICKUP_SECONDS = 1

    with pytest.raises(CommandError, match="No worker has taken job #"):
        call_command("ingest", "folder", str(photo_folder), "--count", "1", "--licence", "CC0 1.0")

    assert IngestJob.objects.get().status == JobStatus.QUEUED  # still there for a worker to take


@pytest.mark.django_db(transaction=True)
def test_the_ingest_command_gives_up_on_a_job_whose_worker_went_quiet(
    monkeypatch: pytest.MonkeyPatch, settings: LazySettings, photo_folder: Path
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.IMGSITE_INGEST_PICKUP_SECONDS = 1
    settings.IMGSITE_JOB_LEASE_SECONDS = 1

    def a_worker_takes_it_and_dies(name: str, job_id: int, countdown: float | None = None) -> None:
        jobs.take_lease(job_id, owner="doomed")

    monkeypatch.setattr(jobs, "enqueue", a_worker_takes_it_and_dies)

    with pytest.raises(CommandError, match="has shown no progress for 2 s; its worker may have died"):
        call_command("ingest", "folder", str(photo_folder), "--count", "1", "--licence", "CC0 1.0")


# --- Staff cancel and retry ---------------------------------------------------------------------


def test_staff_can_cancel_a_job_left_running(admin_client: Client) -> None:
    job = make_job(status=JobStatus.RUNNING, lease_owner="gone", lease_expires_at=ago(-60))

    response = admin_client.post(reverse("admin:gallery_ingestjob_cancel", args=[job.pk]), follow=True)

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert f"Cancelled ingest job #{job.pk}" in response.content.decode()


def test_staff_can_retry_a_stuck_job_and_it_is_sent_again(
    admin_client: Client, sent: list, django_capture_on_commit_callbacks: object
) -> None:
    job = make_job(status=JobStatus.RUNNING, lease_owner="stuck", lease_expires_at=ago(-60))

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        admin_client.post(reverse("admin:gallery_ingestjob_retry", args=[job.pk]))

    job.refresh_from_db()
    assert (job.status, job.lease_owner) == (JobStatus.QUEUED, "")
    assert sent == [("gallery.tasks.run_ingest_job_task", (job.pk,))]


def test_the_progress_page_offers_cancel_and_retry_to_staff_who_may_start_jobs(admin_client: Client) -> None:
    job = make_job(status=JobStatus.RUNNING)

    html = admin_client.get(reverse("admin:gallery_ingestjob_progress", args=[job.pk])).content.decode()

    assert 'id="job-cancel"' in html
    assert 'id="job-retry"' in html


def test_the_progress_page_says_which_process_holds_a_running_job(admin_client: Client) -> None:
    job = make_job(status=JobStatus.RUNNING, lease_owner="worker-7:4242:abc", lease_expires_at=ago(-60))

    html = admin_client.get(reverse("admin:gallery_ingestjob_progress", args=[job.pk])).content.decode()

    assert 'held by <code class="job-lease">worker-7:4242:abc</code>' in html


def test_a_link_cannot_cancel_a_job(admin_client: Client) -> None:
    job = make_job(status=JobStatus.RUNNING)

    assert admin_client.get(reverse("admin:gallery_ingestjob_cancel", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_staff_who_may_not_start_jobs_cannot_cancel_them(client: Client) -> None:
    job = make_job(status=JobStatus.RUNNING)
    clerk = make_user("clerk", is_staff=True)
    client.force_login(clerk)
    cancel = reverse("admin:gallery_ingestjob_cancel", args=[job.pk])

    assert client.post(cancel).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_the_job_list_can_cancel_and_retry_a_selection(
    admin_client: Client, sent: list, django_capture_on_commit_callbacks: object
) -> None:
    running = make_job(status=JobStatus.RUNNING, lease_owner="w", lease_expires_at=ago(-60))
    failed = make_job(status=JobStatus.FAILED, finished_at=timezone.now())
    changelist = reverse("admin:gallery_ingestjob_changelist")

    admin_client.post(changelist, {"action": "cancel_jobs", "_selected_action": [running.pk, failed.pk]})
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        admin_client.post(changelist, {"action": "retry_jobs", "_selected_action": [failed.pk]})

    running.refresh_from_db()
    failed.refresh_from_db()
    assert running.status == JobStatus.CANCELLED
    assert failed.status == JobStatus.QUEUED
    assert sent == [("gallery.tasks.run_ingest_job_task", (failed.pk,))]
