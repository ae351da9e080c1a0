"""With the broker unreachable, each action answers clearly and the work it owes is not lost."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks as CaptureCallbacks

from gallery.models import AnalysisStatus, ImageTag, IngestJob, JobStatus, Like, TagAnswer, TagSuggestion
from gallery.services.tag_suggestions import apply_pending_answers, train_suggester
from imgsite.celery import app
from profiles import services as profiles_services
from profiles.models import OwedProfileRebuild, ProfileSnapshot
from profiles.services import queue_owed_rebuilds
from tests.factories import DEFAULT_PASSWORD, make_image, make_like, make_user
from tests.support.broker import broker_down, closed_port  # noqa: F401  (fixture)
from tests.support.images import solid_jpeg
from tests.support.tag_photos import themed_collection, themed_photo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("broker_down")]


@pytest.fixture(autouse=True)
def _give_up_quickly(settings: LazySettings) -> None:
    settings.IMGSITE_INGEST_PICKUP_SECONDS = 2


def test_a_like_is_saved_and_answers_normally_while_the_broker_is_down(
    client: Client, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    alice = make_user("alice")
    image = make_image(colours=[("blue", 0.8)], tags=["sea"])
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("gallery:like", args=[image.pk]), HTTP_ACCEPT="application/json")

    # The rebuild was asked for, and its failure handled (the other callback: the pages' version).
    assert len([c for c in callbacks if c.__module__ != "gallery.collection_version"]) == 1

    assert response.status_code == 200
    assert response.json() == {"liked": True, "count": 1}
    assert Like.objects.filter(user=alice, image=image).exists()


def test_the_rebuild_a_like_owes_is_kept_while_the_broker_stays_down(
    client: Client, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    alice = make_user("alice")
    image = make_image(colours=[("blue", 0.8)], tags=["sea"])
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("gallery:like", args=[image.pk]))
    assert list(OwedProfileRebuild.objects.values_list("user__username", flat=True)) == ["alice"]
    assert queue_owed_rebuilds() == 0  # still down: nothing queued, nothing forgotten
    assert OwedProfileRebuild.objects.count() == 1


def test_a_second_like_while_down_owes_one_rebuild_not_two(
    client: Client, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    alice = make_user("alice")
    client.force_login(alice)
    for image in (make_image(), make_image()):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("gallery:like", args=[image.pk]))

    assert OwedProfileRebuild.objects.filter(user=alice).count() == 1


@pytest.mark.django_db(transaction=True)  # real commits, so the job is sent as the command sends it
def test_the_ingest_command_says_the_broker_is_down_and_leaves_a_failed_job(tmp_path: Path) -> None:
    (tmp_path / "red.jpg").write_bytes(solid_jpeg(64, 48, (200, 30, 30)))

    with pytest.raises(CommandError, match="could not reach the task queue"):
        call_command("ingest", "folder", str(tmp_path), "--count", "1", "--licence", "CC0 1.0")

    job = IngestJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.is_finished


@pytest.mark.django_db(transaction=True)
def test_starting_a_job_in_the_admin_says_the_broker_is_down(admin_client: Client, tmp_path: Path) -> None:
    (tmp_path / "red.jpg").write_bytes(solid_jpeg(64, 48, (200, 30, 30)))
    data = {"source": "folder", "query": str(tmp_path), "count": "1", "licence": "CC0 1.0", "author": "Ann"}

    response = admin_client.post(reverse("admin:gallery_ingestjob_start"), data, follow=True)

    assert "could not reach the task queue" in response.content.decode()
    job = IngestJob.objects.get()
    assert job.status == JobStatus.FAILED
    delete = reverse("admin:gallery_ingestjob_delete", args=[job.pk])
    admin_client.post(delete, {"post": "yes"})
    assert not IngestJob.objects.exists()


def test_owed_rebuilds_run_once_the_broker_is_back() -> None:
    alice = make_user("alice")
    make_like(alice, make_image(colours=[("blue", 0.8)]))
    OwedProfileRebuild.objects.create(user=alice)
    app.conf.task_always_eager = True  # the broker is back (tasks run in-process here)

    assert queue_owed_rebuilds() == 1

    assert not OwedProfileRebuild.objects.exists()
    assert ProfileSnapshot.objects.filter(user=alice).exists()


def test_re_analysing_photos_in_the_admin_answers_and_leaves_them_for_the_sweeper(
    admin_client: Client, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    image = make_image()
    changelist = reverse("admin:gallery_image_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(changelist, {"action": "reanalyse", "_selected_action": [image.pk]})

    assert response.status_code == 302
    image.refresh_from_db()
    assert image.status == AnalysisStatus.PENDING  # the sweeper sends it once the broker is back


def test_a_like_answers_normally_when_the_redis_cache_is_down_too(
    client: Client, settings: LazySettings, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    """Production keeps its cache in the same Redis as the broker, so both go down together."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
        }
    }
    alice = make_user("alice")
    image = make_image()
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("gallery:like", args=[image.pk]), HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert Like.objects.filter(user=alice, image=image).exists()
    assert OwedProfileRebuild.objects.filter(user=alice).exists()


def test_an_owed_rebuild_whose_message_was_lost_is_sent_again_later(monkeypatch: pytest.MonkeyPatch) -> None:
    alice = make_user("alice")
    OwedProfileRebuild.objects.create(user=alice)
    sent: list[tuple[object, ...]] = []
    monkeypatch.setattr(profiles_services, "enqueue", lambda name, *args, **kw: sent.append(args))

    assert queue_owed_rebuilds() == 1
    assert queue_owed_rebuilds() == 0  # sent a moment ago; its rebuild may be about to run
    OwedProfileRebuild.objects.update(sent_at=timezone.now() - timedelta(minutes=6))
    assert queue_owed_rebuilds() == 1

    assert sent == [(alice.pk,), (alice.pk,)]
    assert OwedProfileRebuild.objects.filter(user=alice).exists()  # only a rebuild that runs clears it


def test_rebuild_now_in_the_admin_says_the_queue_is_down_instead_of_failing(client: Client) -> None:
    client.force_login(make_user("boss", is_staff=True, is_superuser=True))

    response = client.post(reverse("admin:recommender_recommendermodel_rebuild"), follow=True)

    assert response.status_code == 200
    assert "The task queue (broker) cannot be reached, so no rebuild was queued." in response.content.decode()


def test_the_api_rebuild_answers_503_with_a_problem_while_the_broker_is_down(client: Client) -> None:
    client.force_login(make_user("boss", is_staff=True, is_superuser=True))

    response = client.post("/api/v1/staff/recommender/rebuild")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "no rebuild was queued" in response.json()["detail"]


def test_a_tag_answer_is_saved_while_the_broker_is_down_and_learnt_later(
    client: Client, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    themed_collection()
    photo = themed_photo("forest", seed=999, tags=())
    train_suggester()
    tag_id = TagSuggestion.objects.get(image=photo, tag__name="forest").tag_id
    client.force_login(make_user("alice"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("gallery:answer_suggestion", args=[photo.pk, tag_id]), {"verdict": "accept"}
        )

    assert response.status_code == 302
    assert ImageTag.objects.filter(image=photo, tag_id=tag_id).exists()
    assert TagAnswer.objects.get(image=photo, tag_id=tag_id).applied_at is None  # owed, not lost
    assert apply_pending_answers() == 1  # what beat's catch-up runs once the broker is back


def test_with_the_redis_cache_down_login_says_so_and_signed_in_people_browse_on(
    settings: LazySettings,
) -> None:
    """Production keeps its cache, and the login limiter's counts, in the same Redis as the broker.
    Without them no password is checked (the limits must not lapse), and the form says why."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
        }
    }
    alice = make_user("alice")
    make_image(title="Harbour at dawn")

    refused = Client().post(reverse("login"), {"username": "alice", "password": DEFAULT_PASSWORD})
    assert refused.status_code == 200
    assert "Logging in is unavailable for a moment" in refused.content.decode()

    signed_in = Client()
    signed_in.force_login(alice)  # a session from before the outage: kept in the database
    gallery = signed_in.get("/gallery/")
    assert gallery.status_code == 200
    assert "Harbour at dawn" in gallery.content.decode()
    assert 'aria-label="Like Harbour at dawn"' in gallery.content.decode()
