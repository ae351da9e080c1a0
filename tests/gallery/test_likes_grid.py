"""Likes from the grid: a heart on every card showing your like, liking without leaving the list,
the "Liked by me" filter, and the My likes page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.models import Like
from tests.factories import DEFAULT_PASSWORD, make_image, make_like

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    return client


def _pressed_hearts(html: str) -> dict[int, bool]:
    """Card id -> whether its heart shows the photo as liked."""
    hearts = re.findall(r'action="/photos/(\d+)/like/".*?aria-pressed="(true|false)"', html, re.S)
    return {int(pk): pressed == "true" for pk, pressed in hearts}


def test_each_card_shows_whether_you_liked_the_photo(alice, bob):
    liked, other = make_image(), make_image()
    make_like(alice, liked)
    make_like(bob, other)  # bob's like is not alice's
    html = logged_in(alice).get("/gallery/").content.decode()
    assert _pressed_hearts(html) == {liked.pk: True, other.pk: False}


def test_the_hearts_cost_one_query_per_page_not_one_per_card(alice):
    client = logged_in(alice)
    make_image()
    client.get("/gallery/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get("/gallery/")
    for _ in range(6):
        make_like(alice, make_image())
    client.get("/gallery/")  # the grown collection's filter counts are counted once, then kept
    with CaptureQueriesContext(connection) as many:
        html = client.get("/gallery/").content.decode()
    assert sum(_pressed_hearts(html).values()) == 6
    assert len(many) == len(few)


def test_liking_from_the_grid_without_javascript_returns_to_the_same_list_and_card(alice):
    image = make_image()
    response = logged_in(alice).post(
        f"/photos/{image.pk}/like/",
        {"action": "like", "next": f"/gallery/?colour=blue&page=2#photo-{image.pk}"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/gallery/?colour=blue&page=2#photo-{image.pk}"
    assert Like.objects.filter(user=alice, image=image).exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_a_like_never_redirects_off_the_site(alice, target):
    image = make_image()
    response = logged_in(alice).post(f"/photos/{image.pk}/like/", {"action": "like", "next": target})
    assert response["Location"] == f"/photos/{image.pk}/#like"


def test_the_heart_answers_json_for_the_script(alice, bob):
    image = make_image()
    make_like(bob, image)
    client = logged_in(alice)
    response = client.post(f"/photos/{image.pk}/like/", {"action": "like"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"liked": True, "count": 2}
    response = client.post(f"/photos/{image.pk}/like/", {"action": "unlike"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"liked": False, "count": 1}


def test_the_heart_form_needs_the_csrf_token(alice):
    image = make_image()
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/photos/{image.pk}/like/", {"action": "like"}).status_code == 403
    assert not Like.objects.exists()


def test_a_visitor_signed_out_is_sent_to_log_in_and_back_to_the_list(client):
    image = make_image(colours=[("blue", 0.5)])
    html = client.get("/gallery/?colour=blue").content.decode()
    assert f'href="/account/login/?next=/gallery/%3Fcolour%3Dblue%23photo-{image.pk}"' in html
    response = client.post(f"/photos/{image.pk}/like/", {"action": "like", "next": "/gallery/?colour=blue"})
    assert response["Location"] == "/account/login/?next=/gallery/%3Fcolour%3Dblue"
    assert not Like.objects.exists()


def test_liked_by_me_keeps_only_your_likes_and_combines_with_other_filters(alice, bob):
    blue_liked = make_image(colours=[("blue", 0.5)])
    red_liked = make_image(colours=[("red", 0.5)])
    blue_not = make_image(colours=[("blue", 0.5)])
    make_like(alice, blue_liked)
    make_like(alice, red_liked)
    make_like(bob, blue_not)
    client = logged_in(alice)
    html = client.get("/gallery/?liked=me").content.decode()
    assert set(_pressed_hearts(html)) == {blue_liked.pk, red_liked.pk}
    assert "Liked by me (2)" in html
    html = client.get("/gallery/?liked=me&colour=blue").content.decode()
    assert set(_pressed_hearts(html)) == {blue_liked.pk}
    assert "Likes: Liked by me" in html  # the active filter's chip


def test_liked_by_me_asks_a_visitor_signed_out_to_log_in_instead_of_showing_everything(client):
    make_image()
    html = client.get("/gallery/?liked=me").content.decode()
    assert 'class="card__link"' not in html
    assert "once you are logged in" in html
    assert 'id="filter-liked"' not in client.get("/gallery/").content.decode()


def test_my_likes_lists_your_likes_latest_first_with_every_version(alice, bob):
    first, second = make_image(title="First liked"), make_image(title="Second liked")
    version = make_image(title="Other version", duplicate_group=7, is_group_best=False)
    make_image(duplicate_group=7, is_group_best=True)
    make_like(alice, first)
    make_like(alice, version)
    make_like(alice, second)
    make_like(bob, make_image(title="Bob's"))
    html = logged_in(alice).get("/likes/").content.decode()
    shown = re.findall(r'<span class="card__title">([^<]+)</span>', html)
    assert shown == ["Second liked", "Other version", "First liked"]
    assert "3 photos, the latest like first" in html


def test_my_likes_needs_a_login(client):
    response = client.get("/likes/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_my_likes_says_how_to_start_when_empty(alice):
    html = logged_in(alice).get("/likes/").content.decode()
    assert "No likes yet" in html
    assert 'href="/gallery/"' in html


def test_the_home_pages_cards_have_hearts_too(alice, bob):
    liked, other = make_image(), make_image()
    make_like(alice, liked)
    make_like(bob, other)
    html = logged_in(alice).get("/").content.decode()
    hearts = _pressed_hearts(html)
    assert hearts[liked.pk] is True
    assert hearts[other.pk] is False
