"""Building, storing and loading models; the rebuild task and the admin button; the fallback."""

from __future__ import annotations

import pytest
from django.test import Client

from recommender import selectors, services
from recommender.models import BuildStatus, RecommenderModel
from recommender.tasks import rebuild_model_task
from tests.factories import make_user
from tests.recommender.site_factories import TwoTasteSite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_model_cache")]


def test_a_build_stores_a_ready_model_with_its_weights_and_sizes(site: TwoTasteSite) -> None:
    model = services.build_model(tune=False)

    model.refresh_from_db()
    assert model.status == BuildStatus.READY
    assert model.built_at is not None
    assert (model.n_users, model.n_items, model.n_interactions) == (9, 12, 43)
    assert set(model.weights) == {"content", "item_knn", "als", "ease", "popularity"}
    assert model.artefact_size > 0


def test_a_loaded_model_recommends_exactly_what_the_built_one_did(site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    served = services.for_you(site.alice)
    services.forget_loaded_model()  # as a fresh web process would: from the stored bytes

    again = services.for_you(site.alice)

    assert [pick.image.pk for pick in again.picks] == [pick.image.pk for pick in served.picks]
    assert [pick.text for pick in again.picks] == [pick.text for pick in served.picks]


def test_the_newest_model_replaces_the_cached_one(site: TwoTasteSite) -> None:
    first = services.build_model(tune=False)
    assert services.current_model().model_id == first.pk  # type: ignore[union-attr]

    second = services.build_model(tune=False)

    assert services.current_model().model_id == second.pk  # type: ignore[union-attr]


def test_the_rebuild_task_builds_a_model_in_process(site: TwoTasteSite) -> None:
    model_id = rebuild_model_task.delay().get()

    assert RecommenderModel.objects.get(pk=model_id).status == BuildStatus.READY
    assert selectors.latest_ready_model().pk == model_id  # type: ignore[union-attr]


def test_a_failed_build_is_recorded_and_not_served(
    site: TwoTasteSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(selectors, "load_site_data", broken)

    with pytest.raises(RuntimeError):
        services.build_model()

    failed = RecommenderModel.objects.get()
    assert failed.status == BuildStatus.FAILED
    assert "database went away" in failed.error
    assert services.for_you(site.alice).fallback


def test_old_models_are_pruned(site: TwoTasteSite) -> None:
    for _ in range(services.MODELS_KEPT + 2):
        latest = services.build_model(tune=False)

    assert RecommenderModel.objects.count() == services.MODELS_KEPT
    assert RecommenderModel.objects.filter(pk=latest.pk).exists()


def test_a_site_with_no_likes_still_builds_and_serves_popular_or_new(site: TwoTasteSite) -> None:
    from gallery.models import Like

    Like.objects.all().delete()
    services.build_model()
    newcomer = make_user("newcomer")

    assert len(services.for_you(newcomer).picks) == 12


def test_staff_can_rebuild_from_the_admin(site: TwoTasteSite, django_capture_on_commit_callbacks) -> None:
    admin = make_user("boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/recommender/recommendermodel/rebuild/")
    listing = client.get("/admin/recommender/recommendermodel/")

    assert response.status_code == 302
    assert RecommenderModel.objects.filter(status=BuildStatus.READY).count() == 1
    assert "Rebuild now" in listing.content.decode()


def test_people_who_are_not_staff_cannot_rebuild(site: TwoTasteSite) -> None:
    client = Client()
    client.force_login(site.alice)

    response = client.post("/admin/recommender/recommendermodel/rebuild/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not RecommenderModel.objects.exists()


def test_the_rebuild_command_reports_the_model(site: TwoTasteSite) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rebuild_recommender", "--no-tune", stdout=out)

    assert "Built recommender model" in out.getvalue()
    assert "12 photos" in out.getvalue()


def unreadable(model: RecommenderModel) -> None:
    """As a model stored by a later version of the site (or damaged) would look to this code."""
    RecommenderModel.objects.filter(pk=model.pk).update(artefact=b"PK\x03\x04 not a model this code reads")


def test_a_stored_model_that_cannot_be_read_gives_the_popular_page_and_logs_rebuild_it(
    site: TwoTasteSite, caplog: pytest.LogCaptureFixture
) -> None:
    model = services.build_model(tune=False)
    unreadable(model)
    client = Client()
    client.force_login(site.alice)

    response = client.get("/for-you/")
    again = client.get("/for-you/")

    assert response.status_code == again.status_code == 200
    assert b"data-fallback" in response.content
    assert services.for_you(site.alice).fallback
    logged = [record.getMessage() for record in caplog.records if "cannot be loaded" in record.getMessage()]
    assert len(logged) == 1  # tried once per process, not on every request
    assert f"model #{model.pk}" in logged[0]
    assert "rebuild_recommender" in logged[0]


def test_a_rebuild_after_an_unreadable_model_serves_personal_picks_again(site: TwoTasteSite) -> None:
    unreadable(services.build_model(tune=False))
    assert services.for_you(site.alice).fallback

    services.build_model(tune=False)

    assert not services.for_you(site.alice).fallback


def test_a_stored_model_is_read_back_whole_in_parts(
    site: TwoTasteSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = services.build_model(tune=False)
    monkeypatch.setattr(selectors, "ARTEFACT_CHUNK_BYTES", 1000)  # many parts, the last one short

    assert selectors.model_artefact(model.pk) == bytes(model.artefact)
    assert selectors.model_artefact(model.pk + 1) == b""
