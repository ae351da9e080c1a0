"""Staff start ingest jobs from the admin and watch them; nobody else reaches these pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery.models import Image, IngestJob, JobStatus, Source
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def start_url() -> str:
    return reverse("admin:gallery_ingestjob_start")


def progress_url(job: IngestJob) -> str:
    return reverse("admin:gallery_ingestjob_progress", args=[job.pk])


def progress_json_url(job: IngestJob) -> str:
    return reverse("admin:gallery_ingestjob_progress_json", args=[job.pk])


def make_job(**fields: object) -> IngestJob:
    values: dict[str, object] = {"source": "commons", "query": "Category:Lighthouses", "wanted": 10}
    return IngestJob.objects.create(**{**values, **fields})


# --- Starting a job --------------------------------------------------------------------------------


def test_the_job_list_links_to_the_start_page(admin_client: Client) -> None:
    html = admin_client.get(reverse("admin:gallery_ingestjob_changelist")).content.decode()

    assert f'<a href="{start_url()}" class="addlink">Start an ingest job</a>' in html


def test_the_generic_add_page_leads_to_the_start_page(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:gallery_ingestjob_add"))

    assert response.status_code == 302
    assert response["Location"] == start_url()


def test_the_start_page_offers_every_source(admin_client: Client) -> None:
    response = admin_client.get(start_url())

    offered = [value for value, _label in response.context["form"].fields["source"].choices]
    assert response.status_code == 200
    assert offered == list(Source.values)
    assert "folder" in offered


FOLDER = {"source": "folder", "query": "PHOTOS", "count": "5", "licence": "CC0", "author": "Ada"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**FOLDER, "count": "0"}, "count", "greater than or equal to 1"),
        ({**FOLDER, "count": "5000"}, "count", "less than or equal to 1000"),
        ({**FOLDER, "source": "flickr"}, "source", "Select a valid choice"),
        ({"source": "openverse", "query": " ", "count": "5"}, "query", "needs something to look for"),
        ({**FOLDER, "licence": ""}, "licence", "say which licence"),
        ({**FOLDER, "licence": "CC BY-NC 4.0"}, "licence", "Only CC0, public domain, CC BY and CC BY-SA"),
        ({**FOLDER, "author": ""}, "author", "Say who took the photos"),
        ({**FOLDER, "query": "/no/such/folder"}, "query", "no folder"),
        ({"source": "urls", "query": "/no/such/list.csv", "count": "5"}, "__all__", "/no/such/list.csv"),
    ],
    ids=[
        "count-zero",
        "count-too-big",
        "unknown-source",
        "no-query",
        "folder-without-licence",
        "folder-with-non-free-licence",
        "folder-without-author",
        "missing-folder",
        "missing-url-list",
    ],
)
def test_bad_input_shows_form_errors_and_starts_nothing(
    admin_client: Client, photo_folder: Path, data: dict[str, str], field: str, message: str
) -> None:
    data = {key: value.replace("PHOTOS", str(photo_folder)) for key, value in data.items()}

    response = admin_client.post(start_url(), data)

    assert response.status_code == 200
    assert "Please correct the errors below." in response.content.decode()
    assert any(message in error for error in response.context["form"].errors[field])
    assert not IngestJob.objects.exists()


def test_an_empty_commons_query_starts_a_job_on_the_default_selection(
    admin_client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(start_url(), {"source": "commons", "query": "", "count": "3"})

    job = IngestJob.objects.get()
    assert response["Location"] == progress_url(job)
    assert (job.source, job.query, job.wanted) == ("commons", "", 3)
    assert len(callbacks) == 1  # the job is handed to a worker once the request commits


def test_starting_a_folder_job_ingests_its_photos_and_shows_the_job(
    admin_client: Client, photo_folder: Path, django_capture_on_commit_callbacks
) -> None:
    data = {"source": "folder", "query": str(photo_folder), "count": "5", "licence": "CC0", "author": "Ada"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(start_url(), data)

    job = IngestJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == progress_url(job)
    assert (job.source, job.query, job.options) == (
        "folder",
        str(photo_folder),
        {"licence": "CC0", "author": "Ada"},
    )
    assert job.status == JobStatus.DONE
    assert job.done == 2
    assert sorted(Image.objects.values_list("licence", "author")) == [("CC0 1.0", "Ada")] * 2
    page = admin_client.get(response["Location"]).content.decode()
    assert "Started ingest job #" in page
    assert '<progress id="job-bar" max="100" value="100"' in page


# --- Watching a job --------------------------------------------------------------------------------


def test_a_running_job_page_shows_progress_and_refreshes_without_javascript(admin_client: Client) -> None:
    job = make_job(status=JobStatus.RUNNING, done=4, failed=1, errors=["File:Broken.jpg: truncated JPEG"])

    html = admin_client.get(progress_url(job)).content.decode()

    assert '<progress id="job-bar" max="100" value="40"' in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "admin_extra/job_progress.js" in html
    assert f'data-progress-url="{progress_json_url(job)}"' in html
    assert "<li>File:Broken.jpg: truncated JPEG</li>" in html


def test_a_finished_job_page_stops_refreshing(admin_client: Client) -> None:
    job = make_job(status=JobStatus.DONE, done=10, finished_at=timezone.now())

    html = admin_client.get(progress_url(job)).content.decode()

    assert 'http-equiv="refresh"' not in html
    assert 'data-finished="true"' in html
    assert "None so far." in html


def test_error_lines_are_shown_as_text_not_html(admin_client: Client) -> None:
    job = make_job(status=JobStatus.RUNNING, errors=["<script>alert(1)</script>: bad"])

    html = admin_client.get(progress_url(job)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: bad" in html


def test_the_progress_endpoint_reports_counts_and_errors(admin_client: Client) -> None:
    job = make_job(
        status=JobStatus.RUNNING, wanted=20, done=5, skipped=2, rejected=3, failed=1, errors=["x: 404"]
    )

    response = admin_client.get(progress_json_url(job))

    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["status"] == "running"
    assert data["finished"] is False
    counts = (data["wanted"], data["done"], data["skipped"], data["rejected"], data["failed"])
    assert counts == (20, 5, 2, 3, 1)
    assert data["percent"] == 25
    assert data["errors"] == ["x: 404"]


def test_the_job_page_lists_the_stored_items_with_something_to_check(admin_client: Client) -> None:
    warning = "IMG 0043: the file says its licence is CC BY-NC 4.0; kept the stated CC BY 4.0"
    job = make_job(status=JobStatus.DONE, wanted=1, done=1, warnings=[warning])

    html = admin_client.get(progress_url(job)).content.decode()

    assert "Stored, with something to check" in html
    assert f"<li>{warning}</li>" in html
    assert json.loads(admin_client.get(progress_json_url(job)).content)["warnings"] == [warning]


def test_the_job_list_links_each_job_to_its_progress_page(admin_client: Client) -> None:
    job = make_job(done=5)

    html = admin_client.get(reverse("admin:gallery_ingestjob_changelist")).content.decode()

    assert f'<a href="{progress_url(job)}">#{job.pk} Category:Lighthouses</a>' in html
    assert '<progress class="job-list-bar" max="100" value="50">' in html


def test_an_unknown_job_is_not_found(admin_client: Client) -> None:
    assert admin_client.get(reverse("admin:gallery_ingestjob_progress", args=[999])).status_code == 404
    assert admin_client.get(reverse("admin:gallery_ingestjob_progress_json", args=[999])).status_code == 404


def test_staff_can_delete_any_job_even_one_left_running(admin_client: Client) -> None:
    running = make_job(status=JobStatus.RUNNING)
    finished = make_job(status=JobStatus.DONE, finished_at=timezone.now())
    changelist = reverse("admin:gallery_ingestjob_changelist")

    both = {"action": "delete_selected", "_selected_action": [running.pk, finished.pk], "post": "yes"}
    admin_client.post(changelist, both)

    assert IngestJob.objects.count() == 0


# --- Access ----------------------------------------------------------------------------------------


def extra_urls() -> list[str]:
    job = make_job()
    return [start_url(), progress_url(job), progress_json_url(job)]


ADMIN_PAGES = [
    "admin:gallery_image_changelist",
    "admin:gallery_tag_changelist",
    "admin:gallery_ingestjob_changelist",
]


def _assert_sent_to_admin_login(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_anonymous_visitors_are_sent_to_the_admin_login(client: Client) -> None:
    for url in [*extra_urls(), *(reverse(name) for name in ADMIN_PAGES)]:
        _assert_sent_to_admin_login(client.get(url), url)


def test_logged_in_users_who_are_not_staff_are_refused(client: Client, photo_folder: Path) -> None:
    client.force_login(make_user("mallory"))

    for url in [*extra_urls(), *(reverse(name) for name in ADMIN_PAGES)]:
        _assert_sent_to_admin_login(client.get(url), url)
    data = {"source": "folder", "query": str(photo_folder), "count": "5", "licence": "CC0"}
    _assert_sent_to_admin_login(client.post(start_url(), data), start_url())
    assert IngestJob.objects.count() == 1  # only the job extra_urls() made


def test_staff_without_ingest_permissions_are_forbidden(client: Client) -> None:
    clerk = make_user("clerk", is_staff=True)
    client.force_login(clerk)

    for url in extra_urls():
        assert client.get(url).status_code == 403


def test_staff_who_may_view_jobs_but_not_add_them_can_watch_but_not_start(client: Client) -> None:
    clerk = make_user("clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_ingestjob"))
    client.force_login(clerk)
    job = make_job()

    assert client.get(progress_url(job)).status_code == 200
    assert client.get(progress_json_url(job)).status_code == 200
    assert client.get(start_url()).status_code == 403
    assert (
        "Start an ingest job"
        not in client.get(reverse("admin:gallery_ingestjob_changelist")).content.decode()
    )


# --- Saying how a job ended ------------------------------------------------------------------------


def test_a_job_the_source_ran_dry_on_says_so_instead_of_just_done(admin_client: Client) -> None:
    job = make_job(
        status=JobStatus.DONE, wanted=20, done=0, skipped=3, rejected=1, finished_at=timezone.now()
    )

    html = admin_client.get(progress_url(job)).content.decode()

    assert (
        "Done: stored 0 of 20 photos, because the source had no more new ones "
        "(3 already in the collection, 1 refused)." in html
    )


def test_a_job_that_stored_all_it_wanted_says_so(admin_client: Client) -> None:
    job = make_job(status=JobStatus.DONE, wanted=10, done=10, finished_at=timezone.now())

    data = json.loads(admin_client.get(progress_json_url(job)).content)

    assert data["outcome"] == "Done: stored all 10 photos."


def test_the_job_list_gives_a_failed_jobs_reason_and_its_refused_items(admin_client: Client) -> None:
    make_job(
        status=JobStatus.FAILED,
        wanted=20,
        rejected=4,
        errors=["Commons is unreachable: connection refused"],
        finished_at=timezone.now(),
    )

    html = admin_client.get(reverse("admin:gallery_ingestjob_changelist")).content.decode()

    assert "Failed after storing 0 of 20 photos: Commons is unreachable" in html
    assert '<td class="field-refused">4</td>' in html
    assert ">Failed items<" in html


@pytest.mark.parametrize(
    ("eager", "expected"),
    [
        (True, "the job runs inside this request"),
        (False, "The job is queued for the Celery workers"),
    ],
)
def test_the_start_page_says_where_the_job_will_run(
    admin_client: Client, settings: Any, eager: bool, expected: str
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = eager

    html = admin_client.get(start_url()).content.decode()

    assert expected in html
