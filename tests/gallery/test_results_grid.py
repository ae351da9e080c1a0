"""A gallery page's grid is rendered once for everyone who opens the same page of the same list
(gallery.card_grids): each viewer still gets their own working hearts, the grid follows every
change, and a second viewer's page reads no photo rows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.card_grids import grid_of
from gallery.models import Like
from gallery.services.social import like_image, unlike_image
from gallery.services.storage import delete_image
from gallery.templatetags.cards import Heart
from tests.factories import DEFAULT_PASSWORD, make_image, make_like

pytestmark = pytest.mark.django_db


def logged_in(user, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    return client


def shown_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="card" data-like-scope id="photo-(\d+)">', html)]


def heart_form(html: str, pk: int) -> dict[str, str]:
    """The hidden fields of the heart on photo `pk`'s card, and where it posts ("url")."""
    card = re.search(rf'id="photo-{pk}">.*?<form method="post" action="([^"]+)"(.*?)</form>', html, re.S)
    assert card, f"no heart on photo {pk}"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', card.group(2)))
    return {"url": card.group(1), **fields}


def test_each_viewers_hearts_post_with_their_own_token(alice, bob):
    image = make_image()
    logged_in(alice).get("/gallery/")  # renders the grid everyone shares
    bobs = logged_in(bob, enforce_csrf_checks=True)
    form = heart_form(bobs.get("/gallery/").content.decode(), image.pk)
    response = bobs.post(form.pop("url"), form)
    assert response.status_code == 302
    assert list(Like.objects.values_list("user_id", "image_id")) == [(bob.pk, image.pk)]
    assert 'aria-pressed="true"' in bobs.get("/gallery/").content.decode()


def test_a_second_viewer_of_the_same_page_reads_no_photo_rows(alice, bob):
    for _ in range(3):
        make_image()
    first = logged_in(alice).get("/gallery/?sort=liked").content.decode()
    bobs = logged_in(bob)
    with CaptureQueriesContext(connection) as queries:
        second = bobs.get("/gallery/?sort=liked").content.decode()
    assert shown_ids(second) == shown_ids(first)
    # Bob's own "Liked by me" count is his; the cards' rows were read for Alice's page.
    assert not [query["sql"] for query in queries if '"gallery_image"."title"' in query["sql"]]


def test_the_shared_grid_follows_new_deleted_and_liked_photos(alice, bob):
    kept, doomed = make_image(), make_image()
    viewer = logged_in(bob)
    assert set(shown_ids(viewer.get("/gallery/").content.decode())) == {kept.pk, doomed.pk}
    newcomer = make_image()
    delete_image(doomed)
    like_image(user=alice, image=kept)
    html = viewer.get("/gallery/").content.decode()
    assert shown_ids(html) == [newcomer.pk, kept.pk]
    assert "♥ 1<" in html
    unlike_image(user=alice, image=kept)
    assert "♥ 1<" not in viewer.get("/gallery/").content.decode()


def test_liked_by_me_counts_each_viewers_likes_after_each_change(alice, bob):
    first, second = make_image(), make_image()
    make_like(alice, first)
    alices, bobs = logged_in(alice), logged_in(bob)
    assert "Liked by me (1)" in alices.get("/gallery/").content.decode()
    assert "Liked by me (0)" in bobs.get("/gallery/").content.decode()
    like_image(user=alice, image=second)
    assert "Liked by me (2)" in alices.get("/gallery/").content.decode()
    delete_image(first)
    assert "Liked by me (1)" in alices.get("/gallery/").content.decode()
    assert "Liked by me (0)" in bobs.get("/gallery/").content.decode()


def test_a_grid_whose_slots_are_not_its_cards_is_refused():
    hearts = [Heart(1, "One", "/photos/1/like/"), Heart(2, "Two", "/photos/2/like/")]
    grid = grid_of("<ul><!--heart 1--><!--heart 2--></ul>", hearts)
    assert grid.pieces == ("<ul>", "", "</ul>")
    with pytest.raises(ValueError, match="heart slots"):
        grid_of("<ul><!--heart 2--><!--heart 1--></ul>", hearts)


def test_the_home_pages_sections_show_each_viewer_their_own_hearts_and_new_photos(alice, bob):
    liked = make_image(title="Liked by Alice")
    make_like(alice, liked)
    alices = logged_in(alice).get("/").content.decode()  # renders the sections everyone shares
    bobs = logged_in(bob).get("/").content.decode()
    pressed = r'aria-pressed="true" aria-label="Like Liked by Alice"'
    assert re.search(pressed, alices)
    assert not re.search(pressed, bobs)
    assert "Like Liked by Alice" in bobs
    make_image(title="Just arrived")
    assert "Like Just arrived" in logged_in(bob).get("/").content.decode()
