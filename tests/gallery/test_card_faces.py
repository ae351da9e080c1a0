"""What pages render once and reuse for every viewer, photo cards' faces (gallery.card_faces) and the
gallery's filter form (gallery.views.FilterParts): what they show stays true after every change, and
one person's likes never show on another's page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gallery.services.social import like_image, unlike_image
from tests.factories import DEFAULT_PASSWORD, make_image, make_image_tag, make_like

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    return client


def card(html: str, pk: int) -> str:
    """The markup of photo `pk`'s card in a grid."""
    match = re.search(rf'<li class="card" data-like-scope id="photo-{pk}">(.*?)</li>', html, re.S)
    assert match, f"no card for photo {pk}"
    return match.group(1)


def like_count_shown(card_html: str) -> int | None:
    """The count on the card, None when it is hidden (no likes)."""
    match = re.search(r'<span class="card__likes" data-like-count="card"( hidden)?>♥ (\d+)', card_html)
    assert match
    return None if match.group(1) else int(match.group(2))


def heart_pressed(card_html: str) -> bool:
    match = re.search(r'aria-pressed="(true|false)"', card_html)
    assert match
    return match.group(1) == "true"


def test_a_card_shows_each_new_like_count_to_everyone(alice, bob):
    image = make_image()
    viewer = logged_in(bob)
    assert like_count_shown(card(viewer.get("/gallery/").content.decode(), image.pk)) is None
    like_image(user=alice, image=image)
    assert like_count_shown(card(viewer.get("/gallery/").content.decode(), image.pk)) == 1
    like_image(user=bob, image=image)
    assert like_count_shown(card(Client().get("/gallery/").content.decode(), image.pk)) == 2
    unlike_image(user=alice, image=image)
    unlike_image(user=bob, image=image)
    assert like_count_shown(card(viewer.get("/gallery/").content.decode(), image.pk)) is None


def test_one_persons_like_never_shows_as_anothers(alice, bob):
    image = make_image()
    make_like(alice, image)
    alices_card = card(logged_in(alice).get("/gallery/").content.decode(), image.pk)
    bobs_card = card(logged_in(bob).get("/gallery/").content.decode(), image.pk)
    assert heart_pressed(alices_card)
    assert not heart_pressed(bobs_card)
    # The same face, with each person's own heart beside it.
    assert like_count_shown(alices_card) == like_count_shown(bobs_card) == 1
    assert heart_pressed(card(logged_in(alice).get("/gallery/").content.decode(), image.pk))


def test_each_heart_carries_its_own_viewers_form_and_way_back(alice, bob):
    image = make_image()
    bobs = logged_in(bob)
    logged_in(alice).get("/gallery/?sort=liked")
    bobs_card = card(bobs.get("/gallery/?sort=liked").content.decode(), image.pk)
    assert f'value="/gallery/?sort=liked#photo-{image.pk}"' in bobs_card
    signed_out = card(Client().get("/gallery/?sort=liked").content.decode(), image.pk)
    assert "Log in to like" in signed_out
    assert "aria-pressed" not in signed_out


def test_a_card_shows_a_new_title_and_an_untitled_photos_new_tags():
    titled = make_image(title="Harbour at dawn")
    untitled = make_image(title="", tags=["boat"])
    Client().get("/gallery/")
    titled.title = "Harbour at dusk"
    titled.save()
    make_image_tag(untitled, "mist")
    html = Client().get("/gallery/").content.decode()
    assert "Harbour at dusk" in card(html, titled.pk)
    assert "Harbour at dawn" not in html
    assert 'alt="Photo tagged boat, mist"' in card(html, untitled.pk)


def test_cards_open_the_photo_in_the_list_they_are_shown_in():
    image = make_image(colours=[("blue", 0.9)])
    Client().get("/gallery/")
    blue = card(Client().get("/gallery/?colour=blue").content.decode(), image.pk)
    assert f'href="/photos/{image.pk}/?colour=blue"' in blue
    whole = card(Client().get("/gallery/?sort=liked").content.decode(), image.pk)
    assert f'href="/photos/{image.pk}/?sort=liked"' in whole


def test_a_card_shows_its_other_versions_as_they_change():
    best = make_image(duplicate_group=7, is_group_best=True)
    make_image(duplicate_group=7, is_group_best=False)
    html = Client().get("/gallery/").content.decode()
    assert "+1 other version<" in card(html, best.pk)
    make_image(duplicate_group=7, is_group_best=False)
    assert "+2 other versions<" in card(Client().get("/gallery/").content.decode(), best.pk)


def test_the_shared_filter_form_shows_each_viewer_their_own_liked_by_me_count(alice, bob):
    first, second = make_image(), make_image()
    make_like(alice, first)
    make_like(alice, second)
    make_like(bob, first)
    # Alice's page renders the form's shared fields first; Bob's reuses them with his own count.
    assert "Liked by me (2)" in logged_in(alice).get("/gallery/").content.decode()
    bobs = logged_in(bob).get("/gallery/").content.decode()
    assert "Liked by me (1)" in bobs
    assert "Liked by me (2)" not in bobs
    assert "Liked by me" not in Client().get("/gallery/").content.decode()
    # A list of one person's likes shares nothing: its counts are theirs.
    assert (
        '<h1 id="results-heading">Filtered photos</h1>'
        in logged_in(bob).get("/gallery/?liked=me").content.decode()
    )
    only_bobs = card(logged_in(bob).get("/gallery/?liked=me").content.decode(), first.pk)
    assert heart_pressed(only_bobs)
