"""'+7 more' on an interest card opens every photo of that interest, under the profile's own rule
of who may see it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from profiles.models import ProfileSnapshot
from profiles.taste import PROFILE_VERSION
from tests.factories import DEFAULT_PASSWORD, make_image, make_like

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    return client


def _snapshot_with_interests(user: User, *members: list[int]) -> None:
    interests = [
        {"label": f"interest {n}", "share": 0.5, "size": len(ids), "member_image_ids": ids}
        for n, ids in enumerate(members)
    ]
    # A current snapshot: this version, and interests from the taste model served now (none yet).
    data = {"interests": interests, "taste_model_id": None}
    ProfileSnapshot.objects.create(user=user, data=data, version=PROFILE_VERSION)


def _shown_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/photos/(\d+)/[^"]*" class="card__link"', html)]


def test_the_interest_page_shows_every_member_in_the_interests_order(alice: User) -> None:
    photos = [make_image() for _ in range(9)]
    members = [photos[n].pk for n in (4, 0, 8, 2, 6, 1, 3, 7, 5)]
    _snapshot_with_interests(alice, [photos[0].pk], members)
    response = logged_in(alice).get(f"/users/{alice.username}/profile/interests/1/")
    assert response.status_code == 200
    assert _shown_ids(response.content.decode()) == members
    assert "Interest 1" in response.content.decode()


def test_another_person_cannot_see_a_private_profiles_interest(
    alice: User, bob: User, client: Client
) -> None:
    _snapshot_with_interests(alice, [make_image().pk])
    url = f"/users/{alice.username}/profile/interests/0/"
    assert logged_in(bob).get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_an_interest_that_does_not_exist_is_a_404(alice: User) -> None:
    _snapshot_with_interests(alice, [make_image().pk])
    assert logged_in(alice).get(f"/users/{alice.username}/profile/interests/5/").status_code == 404


def test_more_on_the_dashboard_links_to_the_interest(alice: User) -> None:
    # 25 likes in at most four interests: one has at least seven, more than its card shows.
    for _ in range(25):
        make_like(alice, make_image(colours=[("blue", 0.6)], tags=["sea"]))
    response = logged_in(alice).get("/me/")
    html = response.content.decode()
    links = re.findall(r'href="(/users/alice/profile/interests/(\d+)/)">\+(\d+) more</a>', html)
    assert links, "an interest with more photos than its card shows links to them"
    url, number, more = links[0]
    interest = response.context["interests"][int(number)]
    assert int(more) == interest["size"] - len(interest["images"])
    assert _shown_ids(logged_in(alice).get(url).content.decode()) == interest["member_image_ids"][:24]


def test_a_photo_removed_since_the_profile_was_built_is_left_out(alice: User) -> None:
    kept, gone = make_image(), make_image(status="failed")
    _snapshot_with_interests(alice, [gone.pk, kept.pk])
    html = logged_in(alice).get(f"/users/{alice.username}/profile/interests/0/").content.decode()
    assert _shown_ids(html) == [kept.pk]
