"""Recommendations with their reasons, taste profiles, statistics and the staff endpoints."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Celery discovers tasks lazily and jobs are sent by name: importing registers the task for the eager run.
import gallery.tasks  # noqa: F401
from gallery.models import IngestJob, Like
from profiles.services import set_profile_public
from recommender import services
from recommender.models import NotInterested, RecommenderModel
from tests.api.conftest import ApiClient, token_client
from tests.factories import make_image, make_like, make_user
from tests.recommender.site_factories import two_taste_site

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_model_cache")]


def test_recommendations_follow_your_taste_and_give_structured_reasons_naming_your_likes():
    site = two_taste_site()
    services.build_model(tune=False)
    body = token_client(site.alice, "read").get("/api/v1/me/recommendations", count=6).json()
    assert body["fallback"] is False
    assert body["like_count"] == 3
    unseen_sea = {image.pk for image in site.sea[3:]}
    assert body["items"][0]["photo"]["id"] in unseen_sea
    liked = set(Like.objects.filter(user=site.alice).values_list("image_id", flat=True))
    because = [item["reason"] for item in body["items"] if item["reason"]["kind"] == "liked_item"]
    assert because
    for reason in because:
        assert reason["liked_photo_id"] in liked
        assert reason["text"].startswith("Because you liked Sea ")


def test_recommendations_take_as_many_queries_for_many_picks_as_for_few():
    site = two_taste_site()
    services.build_model(tune=False)
    api = token_client(site.alice, "read")
    api.get("/api/v1/me/recommendations", count=1)  # the model loaded, as in a warm process

    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/v1/me/recommendations", count=2).json()["items"]) == 2
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/me/recommendations", count=8).json()["items"]) == 8

    assert len(many) == len(few)  # every field a card shows comes with its row


def test_not_interested_hides_a_photo_from_your_picks_until_you_take_it_back():
    site = two_taste_site()
    services.build_model(tune=False)
    api = token_client(site.alice, "write")
    first = api.get("/api/v1/me/recommendations", count=6).json()["items"][0]["photo"]["id"]
    assert api.put(f"/api/v1/photos/{first}/not-interested").json() == {"not_interested": True}
    assert NotInterested.objects.filter(user=site.alice, image_id=first).exists()
    picks = [item["photo"]["id"] for item in api.get("/api/v1/me/recommendations", count=6).json()["items"]]
    assert first not in picks
    api.delete(f"/api/v1/photos/{first}/not-interested")
    assert not NotInterested.objects.filter(user=site.alice).exists()
    assert token_client(site.alice, "read").put(f"/api/v1/photos/{first}/not-interested").status_code == 403


def test_without_a_model_recommendations_say_they_are_a_fallback(alice):
    make_image()
    body = token_client(alice, "read").get("/api/v1/me/recommendations").json()
    assert body["fallback"] is True
    assert body["model_built_at"] is None
    assert {item["reason"]["kind"] for item in body["items"]} <= {"popular", "fresh"}


def test_similar_photos_come_from_the_built_model_and_share_the_look():
    site = two_taste_site()
    services.build_model(tune=False)
    body = ApiClient().get(f"/api/v1/photos/{site.sea[0].pk}/similar").json()
    assert body["model_built_at"] is not None
    sea_ids = {image.pk for image in site.sea}
    assert body["items"]
    assert body["items"][0]["id"] in sea_ids - {site.sea[0].pk}


def test_your_profile_is_built_from_your_likes(alice, alice_api):
    for _ in range(3):
        make_like(alice, make_image(colours=[("blue", 0.8)], tags=["sea"]))
    body = alice_api.get("/api/v1/me/profile").json()
    assert body["username"] == "alice"
    assert body["is_public"] is False
    assert body["profile"]["like_count"] == 3


def test_a_public_profile_is_readable_by_anyone_and_a_private_one_by_its_owner_only(alice, alice_api, bob):
    make_like(bob, make_image())
    assert ApiClient().get("/api/v1/users/bob/profile").status_code == 404
    assert alice_api.get("/api/v1/users/bob/profile").status_code == 404
    assert token_client(bob, "read").get("/api/v1/users/bob/profile").status_code == 200
    set_profile_public(user=bob, is_public=True)
    public = ApiClient().get("/api/v1/users/bob/profile")
    assert public.status_code == 200
    assert public.json()["is_public"] is True


def test_statistics_list_the_charts_and_serve_the_rows_behind_their_csv(anonymous_api):
    make_image(camera_make="Canon")
    make_image(camera_make="Canon")
    make_image(camera_make="Nikon")
    listing = anonymous_api.get("/api/v1/stats").json()
    assert listing["photo_count"] == 3
    names = [chart["name"] for chart in listing["charts"]]
    assert "camera-makes" in names
    rows = anonymous_api.get("/api/v1/stats/camera-makes").json()["rows"]
    assert rows[:2] == [{"camera_make": "Canon", "images": 2}, {"camera_make": "Nikon", "images": 1}]


def test_an_unknown_chart_is_a_404_problem(anonymous_api):
    response = anonymous_api.get("/api/v1/stats/no-such-chart")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def staff_client(*codenames: str) -> ApiClient:
    staff = make_user(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return token_client(staff, "write")


def test_staff_start_an_ingest_job_and_follow_its_progress(photo_folder, django_capture_on_commit_callbacks):
    staff = staff_client("add_ingestjob", "view_ingestjob")
    with django_capture_on_commit_callbacks(execute=True):
        started = staff.post(
            "/api/v1/staff/ingest-jobs",
            {
                "source": "folder",
                "query": str(photo_folder),
                "count": 5,
                "licence": "CC BY 4.0",
                "author": "Ann",
            },
        )
    assert started.status_code == 202
    job_id = started.json()["id"]
    progress = staff.get(f"/api/v1/staff/ingest-jobs/{job_id}").json()
    assert progress["status"] == "done"
    assert progress["done"] == 2
    assert progress["failed"] == 1


def test_an_ingest_job_the_admin_would_refuse_is_a_422_with_the_admins_reason():
    staff = staff_client("add_ingestjob")
    response = staff.post("/api/v1/staff/ingest-jobs", {"source": "folder", "query": "/nowhere", "count": 5})
    assert response.status_code == 422
    assert "licence" in response.json()["detail"]
    assert not IngestJob.objects.exists()


def test_people_who_are_not_staff_cannot_start_jobs_or_rebuild(alice_api):
    assert alice_api.post("/api/v1/staff/ingest-jobs", {"source": "commons"}).status_code == 403
    assert alice_api.post("/api/v1/staff/recommender/rebuild").status_code == 403
    assert not IngestJob.objects.exists()


def test_staff_queue_a_recommender_rebuild(django_capture_on_commit_callbacks):
    two_taste_site()
    staff = staff_client("view_recommendermodel")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/api/v1/staff/recommender/rebuild")
    assert response.status_code == 202
    assert RecommenderModel.objects.filter(status="ready").count() == 1
