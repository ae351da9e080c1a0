"""A photo's page and the viewer keep what everyone sees alike (the photo, its place in a list, the
related photos) in the cache: a like, an unlike, a tag, a hidden or deleted photo shows on the next
page anyone opens, and one person's likes and tags never show as another's."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gallery.models import AnalysisStatus, Image
from tests.factories import make_image, make_like, make_user

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, image: Image, query: str = "") -> str:
    response = client.get(f"/photos/{image.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _viewer(client: Client, image: Image, query: str = "") -> str:
    response = client.get(f"/photos/{image.pk}/viewer/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _like_count(html: str) -> str:
    match = re.search(r'data-like-count="page"[^>]*>([^<]*)<', html)
    assert match is not None
    return match.group(1)


def _like_button(html: str) -> str:
    match = re.search(r"<span data-like-label>(\w+)</span>", html)
    assert match is not None
    return match.group(1)


def _also_liked_ids(html: str) -> list[int]:
    if "People who liked this also liked" not in html:
        return []
    section = html.split("People who liked this also liked")[1]
    return [int(pk) for pk in re.findall(r'href="/photos/(\d+)/', section)]


def _next_id(html: str) -> int | None:
    link = re.search(r'<a [^>]*rel="next"[^>]*>', html)
    if link is None:
        return None
    target = re.search(r'href="/photos/(\d+)/', link.group(0))
    assert target is not None
    return int(target.group(1))


def test_a_like_by_someone_else_shows_at_once_with_the_count_exact(alice: User, bob: User) -> None:
    photo = make_image()
    as_alice, as_bob = _signed_in(alice), _signed_in(bob)
    assert _like_count(_page(as_alice, photo)) == "Liked by 0 people"

    as_bob.post(f"/photos/{photo.pk}/like/", {"action": "like"})
    alices_page, bobs_page = _page(as_alice, photo), _page(as_bob, photo)

    assert _like_count(alices_page) == "Liked by 1 person"
    assert _like_count(bobs_page) == "Liked by 1 person"
    assert _like_button(alices_page) == "Like"
    assert _like_button(bobs_page) == "Liked"


def test_an_unlike_shows_at_once(alice: User, bob: User) -> None:
    photo = make_image()
    make_like(alice, photo)
    make_like(bob, photo)
    as_alice = _signed_in(alice)
    assert _like_count(_page(as_alice, photo)) == "Liked by 2 people"

    _signed_in(bob).post(f"/photos/{photo.pk}/like/", {"action": "unlike"})
    html = _page(as_alice, photo)

    assert _like_count(html) == "Liked by 1 person"
    assert _like_button(html) == "Liked"


def test_one_persons_like_never_shows_on_anothers_page(alice: User, bob: User) -> None:
    photo = make_image()
    make_like(alice, photo)

    alices_page = _page(_signed_in(alice), photo)
    bobs_page = _page(_signed_in(bob), photo)

    assert _like_button(alices_page) == "Liked"
    assert _like_button(bobs_page) == "Like"
    assert 'aria-pressed="true"' not in bobs_page


def test_a_tag_shows_to_everyone_at_once_but_only_its_author_may_remove_it(alice: User, bob: User) -> None:
    photo = make_image()
    as_alice, as_bob = _signed_in(alice), _signed_in(bob)
    assert "harbour" not in _page(as_alice, photo)

    as_bob.post(f"/photos/{photo.pk}/tags/", {"tag": "harbour"})
    alices_page, bobs_page = _page(as_alice, photo), _page(as_bob, photo)

    assert 'href="/tags/harbour/">harbour</a>' in alices_page
    assert "Remove your tag harbour" not in alices_page
    assert "Remove your tag harbour" in bobs_page


def test_a_second_persons_tag_is_counted_at_once(alice: User, bob: User) -> None:
    photo = make_image()
    as_alice, as_bob = _signed_in(alice), _signed_in(bob)
    as_bob.post(f"/photos/{photo.pk}/tags/", {"tag": "harbour"})
    assert "×2" not in _page(as_alice, photo)  # noqa: RUF001

    as_alice.post(f"/photos/{photo.pk}/tags/", {"tag": "harbour"})

    assert "×2" in _page(as_bob, photo)  # noqa: RUF001


def test_a_removed_tag_is_gone_at_once(alice: User, bob: User) -> None:
    photo = make_image()
    as_alice, as_bob = _signed_in(alice), _signed_in(bob)
    as_bob.post(f"/photos/{photo.pk}/tags/", {"tag": "harbour"})
    assert "harbour" in _page(as_alice, photo)

    tag_id = re.search(r'action="/tags/(\d+)/remove/"', _page(as_bob, photo))
    assert tag_id is not None
    as_bob.post(f"/tags/{tag_id.group(1)}/remove/")

    assert "harbour" not in _page(as_alice, photo)


@pytest.mark.parametrize("path", ["/photos/{pk}/", "/photos/{pk}/viewer/"])
def test_a_hidden_photos_page_and_viewer_are_gone_at_once(alice: User, path: str) -> None:
    photo = make_image()
    as_alice = _signed_in(alice)
    assert as_alice.get(path.format(pk=photo.pk)).status_code == 200

    photo.status = AnalysisStatus.FAILED
    photo.save()

    assert as_alice.get(path.format(pk=photo.pk)).status_code == 404
    assert Client().get(path.format(pk=photo.pk)).status_code == 404


def test_a_deleted_neighbour_leaves_the_photos_next_link_at_once(alice: User) -> None:
    oldest, middle, newest = make_image(), make_image(), make_image()
    as_alice = _signed_in(alice)
    assert _next_id(_page(as_alice, newest)) == middle.pk
    assert _next_id(_viewer(Client(), newest)) == middle.pk

    middle.delete()

    assert _next_id(_page(as_alice, newest)) == oldest.pk
    assert _next_id(_viewer(Client(), newest)) == oldest.pk


def test_a_like_moves_the_neighbours_in_a_list_sorted_by_likes(alice: User, bob: User) -> None:
    first, second, third = make_image(), make_image(), make_image()
    make_like(alice, first)
    make_like(bob, first)
    make_like(alice, second)
    as_bob = _signed_in(bob)
    assert _next_id(_viewer(Client(), first, "?sort=liked")) == second.pk
    assert _next_id(_page(as_bob, second, "?sort=liked")) == third.pk

    make_like(alice, third)
    make_like(bob, third)
    make_like(make_user(), third)

    assert _next_id(_viewer(Client(), third, "?sort=liked")) == first.pk
    assert _next_id(_viewer(as_bob, first, "?sort=liked")) == second.pk
    assert _next_id(_viewer(Client(), second, "?sort=liked")) is None
    assert _next_id(_page(as_bob, second, "?sort=liked")) is None


def test_the_viewer_in_a_list_of_my_likes_steps_through_my_likes_only(alice: User, bob: User) -> None:
    first, middle, last = make_image(), make_image(), make_image()
    for photo in (first, middle, last):
        make_like(alice, photo)
    make_like(bob, last)
    make_like(bob, first)
    assert _next_id(_viewer(_signed_in(alice), last, "?liked=me")) == middle.pk

    assert _next_id(_viewer(_signed_in(bob), last, "?liked=me")) == first.pk


def test_the_viewer_is_answered_from_the_cache_for_everyone(alice: User) -> None:
    photo = make_image()
    first = _viewer(_signed_in(alice), photo, "?sort=liked")

    with CaptureQueriesContext(connection) as queries:
        again = _viewer(Client(), photo, "?sort=liked")

    assert again == first
    assert not [query for query in queries.captured_queries if "gallery_image" in query["sql"]]


def test_also_liked_follows_a_new_like_and_a_hidden_photo_at_once(alice: User, bob: User) -> None:
    photo, other = make_image(), make_image()
    make_like(alice, photo)
    as_alice = _signed_in(alice)
    assert _also_liked_ids(_page(as_alice, photo)) == []

    make_like(alice, other)
    assert _also_liked_ids(_page(as_alice, photo)) == [other.pk]
    assert _also_liked_ids(_page(_signed_in(bob), photo)) == [other.pk]

    other.status = AnalysisStatus.FAILED
    other.save()
    assert _also_liked_ids(_page(as_alice, photo)) == []


def test_a_related_cards_like_count_is_exact_after_a_like(alice: User, bob: User) -> None:
    photo, other = make_image(), make_image()
    make_like(alice, photo)
    make_like(alice, other)
    as_bob = _signed_in(bob)
    assert _card_like_counts(_page(as_bob, photo)) == ["1"]

    make_like(bob, other)

    assert _card_like_counts(_page(as_bob, photo)) == ["2"]


def _card_like_counts(html: str) -> list[str]:
    return re.findall(r'data-like-count="card"[^>]*>♥ (\d+)<', html)


def test_a_photo_page_asked_again_reads_only_the_persons_own_state(
    alice: User, bob: User, django_assert_max_num_queries
) -> None:
    photo, other, older = make_image(tags=["sea"]), make_image(), make_image()
    make_like(alice, photo)
    make_like(alice, other)
    _page(_signed_in(alice), photo)
    as_bob = _signed_in(bob)
    _page(as_bob, older)  # bob's session and user are read once per request, as any page does

    # The session, the user, the newest model, bob's like and count, and his suggestions.
    with django_assert_max_num_queries(5):
        html = _page(as_bob, photo)

    assert _like_button(html) == "Like"
    assert _also_liked_ids(html) == [other.pk]


def test_a_like_on_the_photo_itself_moves_its_neighbours_in_the_viewer(alice: User, bob: User) -> None:
    first, second, third = make_image(), make_image(), make_image()
    make_like(alice, first)
    make_like(bob, first)
    make_like(alice, second)
    assert _next_id(_viewer(Client(), third, "?sort=liked")) is None  # no likes: last in the list

    for person in (alice, bob, make_user()):
        make_like(person, third)

    assert _next_id(_viewer(Client(), third, "?sort=liked")) == first.pk
    assert _next_id(_page(_signed_in(bob), third, "?sort=liked")) == first.pk
