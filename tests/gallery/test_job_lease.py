"""A job runs once at a time under a lease that expires, resumes where a dead worker left it
without counting or storing anything twice, and stops when staff cancel it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.test import override_settings
from django.utils import timezone

from gallery import tasks
from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus
from gallery.services import ingest, jobs
from gallery.services.ingest import RunEnd, run_ingest_job, run_ingest_job_slice
from tests.factories import make_image
from tests.support.fake_commons import install_fake_commons, sample_files
from tests.support.fake_http import FakeHTTPServer

pytestmark = pytest.mark.django_db(transaction=True)


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, not even the job's own bookkeeping."""


def commons_job(wanted: int) -> IngestJob:
    return jobs.create_ingest_job(source="commons", query="Category:Boats", wanted=wanted, enqueue=False)


def as_if_its_worker_died(job: IngestJob) -> None:
    """The row a killed worker leaves: still running, its lease run out."""
    IngestJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        lease_owner="dead-worker",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )


def test_two_deliveries_of_one_job_cannot_both_hold_it() -> None:
    job = commons_job(5)

    first = jobs.take_lease(job.pk, owner="first")
    second = jobs.take_lease(job.pk, owner="second")

    assert first is not None
    assert first.status == JobStatus.RUNNING
    assert second is None
    assert (jobs.lease_seconds_left(job.pk) or 0) > 0


def test_a_second_delivery_of_a_running_job_is_told_to_wait_not_to_run_it() -> None:
    job = commons_job(5)
    jobs.take_lease(job.pk, owner="first")

    assert run_ingest_job_slice(job.pk) == RunEnd.BUSY
    job.refresh_from_db()
    assert (job.done, job.skipped, job.position) == (0, 0, 0)


def test_a_lease_that_ran_out_lets_another_run_take_the_job_over() -> None:
    job = commons_job(5)
    as_if_its_worker_died(job)

    assert jobs.take_lease(job.pk, owner="second") is not None
    assert jobs.holds_lease(job, owner="dead-worker") is False


def test_a_job_resumed_after_its_worker_died_stores_and_counts_each_photo_once(
    fake_http: FakeHTTPServer,
) -> None:
    api = install_fake_commons(fake_http, sample_files(6))
    job = commons_job(5)
    stored = 0

    def die_after_three(running: IngestJob) -> None:
        nonlocal stored
        stored += 1
        if stored == 3:
            raise Killed

    with override_settings(IMGSITE_COMMONS_API=api):
        with pytest.raises(Killed):
            run_ingest_job_slice(job.pk, progress=die_after_three)
        # Killed after storing the third photo and before counting it.
        IngestJob.objects.filter(pk=job.pk).update(done=2, position=2)
        as_if_its_worker_died(job)
        run_ingest_job(job)

    assert (job.status, job.done, job.skipped, job.failed) == (JobStatus.DONE, 5, 0, 0)
    assert Image.objects.count() == 5
    assert Image.objects.filter(ingest_job=job).count() == 5


def test_a_resumed_job_is_not_disturbed_by_a_half_written_file_its_dead_run_left(
    fake_http: FakeHTTPServer, media_root: Path
) -> None:
    # A run killed mid-write leaves only a ".partial-" file (renamed into place only once whole);
    # the sweeper removes it once no task can still own it (tests/gallery/test_sweeper.py).
    api = install_fake_commons(fake_http, sample_files(2))
    job = commons_job(2)
    partial = media_root / "originals" / "ab" / ".partial-abandoned"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"half a jpeg")
    as_if_its_worker_died(job)

    with override_settings(IMGSITE_COMMONS_API=api):
        run_ingest_job(job)

    assert (job.done, job.failed) == (2, 0)
    originals = {p.relative_to(media_root).as_posix() for p in (media_root / "originals").rglob("*.jpg")}
    assert originals == set(Image.objects.values_list("file", flat=True))


def test_a_cancelled_job_stops_at_its_next_photo_and_stays_cancelled(fake_http: FakeHTTPServer) -> None:
    api = install_fake_commons(fake_http, sample_files(5))
    job = commons_job(5)

    def cancel_after_the_first(running: IngestJob) -> None:
        jobs.cancel_job(running)

    with override_settings(IMGSITE_COMMONS_API=api):
        end = run_ingest_job_slice(job.pk, progress=cancel_after_the_first)

    job.refresh_from_db()
    assert end == RunEnd.STOPPED
    assert (job.status, job.done) == (JobStatus.CANCELLED, 1)
    assert job.is_finished
    assert Image.objects.count() == 1


def test_a_finished_job_is_not_run_again_by_a_late_delivery(fake_http: FakeHTTPServer) -> None:
    api = install_fake_commons(fake_http, sample_files(3))
    job = commons_job(3)
    with override_settings(IMGSITE_COMMONS_API=api):
        run_ingest_job(job)
        end = run_ingest_job_slice(job.pk)

    job.refresh_from_db()
    assert end == RunEnd.STOPPED
    assert (job.done, job.skipped) == (3, 0)


def test_a_job_out_of_time_pauses_and_the_next_slice_finishes_it(fake_http: FakeHTTPServer) -> None:
    api = install_fake_commons(fake_http, sample_files(4))
    job = commons_job(4)
    with override_settings(IMGSITE_COMMONS_API=api):
        first = run_ingest_job_slice(job.pk, slice_seconds=0)
        job.refresh_from_db()
        assert (first, job.status, job.lease_owner) == (RunEnd.PAUSED, JobStatus.RUNNING, "")
        second = run_ingest_job_slice(job.pk)

    job.refresh_from_db()
    assert second == RunEnd.FINISHED
    assert (job.status, job.done, job.skipped) == (JobStatus.DONE, 4, 0)


def test_retrying_a_failed_job_resumes_it_after_what_it_counted(fake_http: FakeHTTPServer) -> None:
    api = install_fake_commons(fake_http, sample_files(4))
    job = commons_job(4)
    with override_settings(IMGSITE_COMMONS_API=api):
        run_ingest_job_slice(job.pk, slice_seconds=0)
        jobs.take_lease(job.pk, owner="x")
        jobs.mark_failed(job, "the source went away")
        jobs.retry_job(job)  # no broker in tests: the task runs in-process

    job.refresh_from_db()
    assert (job.status, job.done, job.skipped) == (JobStatus.DONE, 4, 0)
    assert Image.objects.count() == 4


def test_an_analysis_stopped_by_the_time_limit_fails_with_a_reason_instead_of_staying_pending(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = make_image(status=AnalysisStatus.PENDING)

    def too_slow(image_id: int) -> None:
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(tasks, "analyse_image", too_slow)
    tasks.analyse_image_task(image.pk)

    image.refresh_from_db()
    assert image.status == AnalysisStatus.FAILED
    assert "took longer than the 300 s time limit" in image.analysis_error


def test_an_ingest_slice_stopped_by_the_time_limit_queues_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    job = commons_job(5)
    queued: list[int] = []

    def too_slow(job_id: int, **kwargs: object) -> RunEnd:
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(tasks, "run_ingest_job_slice", too_slow)
    monkeypatch.setattr(tasks.jobs, "queue_job", queued.append)
    tasks.run_ingest_job_task(job.pk)

    assert queued == [job.pk]


def test_a_time_limit_during_a_photo_ends_the_slice_without_failing_the_photo_or_the_job(
    fake_http: FakeHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = install_fake_commons(fake_http, sample_files(3))
    job = commons_job(3)

    def too_slow(*args: object, **kwargs: object) -> None:
        raise SoftTimeLimitExceeded

    # The per-photo and per-job catch-alls must let the task's time limit through to the task,
    # which queues the rest; counted as a failure, the photo would never be tried again.
    monkeypatch.setattr(ingest, "_ingest_candidate", too_slow)
    with override_settings(IMGSITE_COMMONS_API=api), pytest.raises(SoftTimeLimitExceeded):
        run_ingest_job_slice(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert (job.done, job.failed, job.position) == (0, 0, 0)
    assert jobs.lease_seconds_left(job.pk) is None  # given back, so the next delivery runs at once
