"""Signed-out visitors' pages come from the shared cache while nothing changed, with an ETag for a
304; a like or a tag shows at once; signed-in people and pending messages are never served a
cached page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.services.social import add_user_tag, like_image
from tests.factories import DEFAULT_PASSWORD, make_image, make_user

pytestmark = pytest.mark.django_db

VISITOR_PAGES = ["/", "/gallery/", "/gallery/?colour=blue", "/tags/sea/", "/authors/A.%20Photographer/"]


@pytest.fixture
def photo():
    return make_image(tags=["sea"], colours=[("blue", 0.6)])


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_a_visitors_page_is_served_again_without_reading_the_collection(
    client: Client, photo, path: str
) -> None:
    first = client.get(path)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert again.status_code == 200
    assert again.content == first.content
    assert not [q for q in queries.captured_queries if "gallery_image" in q["sql"]]
    assert "Cookie" in again["Vary"]
    assert "no-cache" in again["Cache-Control"]


def test_a_browser_holding_the_page_gets_a_304(client: Client, photo) -> None:
    etag = client.get(f"/photos/{photo.pk}/")["ETag"]
    assert client.get(f"/photos/{photo.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    like_image(user=make_user(), image=photo)
    changed = client.get(f"/photos/{photo.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Liked by 1 person" in changed.content.decode()


def test_a_like_and_a_tag_show_on_the_cached_pages_at_once(client: Client, photo) -> None:
    assert "Liked by 0 people" in client.get(f"/photos/{photo.pk}/").content.decode()
    like_image(user=make_user(), image=photo)
    assert "Liked by 1 person" in client.get(f"/photos/{photo.pk}/").content.decode()
    client.get("/tags/lighthouse/")  # no such tag yet: a 404, not kept
    add_user_tag(user=make_user(), image=photo, raw="lighthouse")
    assert client.get("/tags/lighthouse/").status_code == 200


def test_someone_signed_in_never_gets_the_visitors_page(client: Client, photo) -> None:
    client.get("/gallery/")  # cached for visitors
    alice = make_user("alice")
    client.force_login(alice)
    page = client.get("/gallery/").content.decode()
    assert "Log out" in page
    assert "Log in" not in page


def test_a_message_waiting_for_a_visitor_is_shown_and_not_kept(client: Client, photo) -> None:
    client.get("/gallery/")  # cached without the message
    make_user("leaving")
    client.login(username="leaving", password=DEFAULT_PASSWORD)
    client.post("/account/delete/", {"password": DEFAULT_PASSWORD}, follow=False)
    with_message = client.get("/gallery/").content.decode()
    assert "Your account, likes and tags have been deleted." in with_message
    assert "Your account, likes and tags have been deleted." not in Client().get("/gallery/").content.decode()
