"""The dashboard, public profiles, their charts and the collection statistics, with access control."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from gallery.models import Image
from profiles.charts.collection import COLLECTION_CHARTS
from profiles.charts.user import USER_CHARTS
from profiles.models import UserProfile
from tests.factories import DEFAULT_PASSWORD, make_image, make_like, make_user

pytestmark = pytest.mark.django_db


def assert_svg(content: bytes) -> ET.Element:
    root = ET.fromstring(content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def svg_text(root: ET.Element) -> str:
    return " ".join(text for element in root.iter() for text in [element.text] if text)


def logged_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    return client


@pytest.fixture(autouse=True)
def alice_likes_the_seascapes_and_the_food(
    alice: User, collection: list[Image], seascapes: list[Image], food: list[Image]
) -> None:
    """Every test here sees alice with two interests, and forests she never liked."""
    for image in seascapes + food:
        make_like(alice, image)


@pytest.fixture
def staff() -> User:
    return make_user("staffer", is_staff=True)


def test_the_dashboard_asks_anonymous_visitors_to_log_in(client: Client) -> None:
    response = client.get(reverse("profiles:me"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_user_without_likes_gets_a_friendly_empty_state_pointing_to_the_gallery(bob: User) -> None:
    response = logged_in(bob).get(reverse("profiles:me"))

    assert response.status_code == 200
    assert "Nothing to learn from yet" in response.text
    assert reverse("gallery:index") in response.text


def test_the_dashboard_shows_seascapes_and_food_as_two_interests(alice: User) -> None:
    response = logged_in(alice).get(reverse("profiles:me"))

    assert response.status_code == 200
    assert "Learned from 10 likes" in response.text
    interests = response.context["interests"]
    assert len(interests) == 2
    assert {interest["top_family"] for interest in interests} == {"blue", "red"}
    for interest in interests:
        assert interest["images"][0].thumbnail.url in response.text


@pytest.mark.parametrize("chart", list(USER_CHARTS))
def test_each_profile_chart_is_valid_svg_for_its_owner(alice: User, chart: str) -> None:
    response = logged_in(alice).get(reverse("profiles:user_chart", args=["alice", chart]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert svg_text(assert_svg(response.content))


def test_the_colour_chart_names_the_favourite_colours(alice: User) -> None:
    response = logged_in(alice).get(reverse("profiles:user_chart", args=["alice", "colours"]))

    text = svg_text(assert_svg(response.content))
    assert "blueish" in text
    assert "redish" in text


@pytest.mark.parametrize("chart", list(USER_CHARTS))
def test_another_user_cannot_see_a_private_profile_or_its_charts(alice: User, bob: User, chart: str) -> None:
    client = logged_in(bob)

    page = client.get(reverse("profiles:profile", args=["alice"]))

    assert page.status_code == 403
    assert "alice's profile is private" in page.text
    assert "Favourite colours" not in page.text
    assert client.get(reverse("profiles:user_chart", args=["alice", chart])).status_code == 404


def test_anonymous_visitors_are_told_a_profile_is_private_and_see_none_of_it(
    alice: User, client: Client
) -> None:
    page = client.get(reverse("profiles:profile", args=["alice"]))

    assert page.status_code == 403
    assert "alice's profile is private" in page.text
    assert "blueish" not in page.text
    assert client.get(reverse("profiles:user_chart", args=["alice", "tags"])).status_code == 404


def test_staff_can_see_any_profile_and_its_charts(alice: User, staff: User) -> None:
    client = logged_in(staff)

    page = client.get(reverse("profiles:profile", args=["alice"]))
    chart = client.get(reverse("profiles:user_chart", args=["alice", "interests"]))

    assert page.status_code == 200
    assert "alice's taste" in page.text
    assert "Make it public" not in page.text  # only the owner gets the toggle
    assert_svg(chart.content)


def test_a_public_profile_is_visible_to_everyone(alice: User, bob: User, client: Client) -> None:
    UserProfile.objects.create(user=alice, is_public=True)

    assert logged_in(bob).get(reverse("profiles:profile", args=["alice"])).status_code == 200
    assert client.get(reverse("profiles:profile", args=["alice"])).status_code == 200
    assert_svg(client.get(reverse("profiles:user_chart", args=["alice", "likes"])).content)


def test_an_unknown_user_or_chart_is_not_found(alice: User) -> None:
    client = logged_in(alice)

    assert client.get(reverse("profiles:profile", args=["nobody"])).status_code == 404
    assert client.get(reverse("profiles:user_chart", args=["alice", "nonsense"])).status_code == 404


def test_the_owner_can_make_their_profile_public_and_private_again(alice: User, bob: User) -> None:
    client = logged_in(alice)

    client.post(reverse("profiles:set_public"), {"is_public": "1"})
    assert logged_in(bob).get(reverse("profiles:profile", args=["alice"])).status_code == 200

    response = client.post(reverse("profiles:set_public"), {"is_public": "0"}, follow=True)
    assert "only you can see it" in response.text
    assert logged_in(bob).get(reverse("profiles:profile", args=["alice"])).status_code == 403


def test_the_public_toggle_needs_post_with_csrf(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.login(username="alice", password=DEFAULT_PASSWORD)

    assert client.get(reverse("profiles:set_public")).status_code == 405
    assert client.post(reverse("profiles:set_public"), {"is_public": "1"}).status_code == 403
    assert not UserProfile.objects.filter(user=alice, is_public=True).exists()


def test_the_stats_page_lists_every_chart_with_a_caption_and_csv_link(
    collection: list[Image], client: Client
) -> None:
    response = client.get(reverse("profiles:stats"))

    assert response.status_code == 200
    for chart in COLLECTION_CHARTS.values():
        assert escape(chart.caption) in response.text
        assert reverse("profiles:stats_csv", args=[chart.name]) in response.text


@pytest.mark.parametrize("chart", list(COLLECTION_CHARTS))
def test_each_statistics_chart_is_valid_svg(collection: list[Image], client: Client, chart: str) -> None:
    response = client.get(reverse("profiles:stats_chart", args=[chart]))

    assert response.status_code == 200
    assert svg_text(assert_svg(response.content))


@pytest.mark.parametrize("chart", list(COLLECTION_CHARTS))
def test_each_statistics_chart_draws_an_empty_collection_too(db: None, client: Client, chart: str) -> None:
    assert_svg(client.get(reverse("profiles:stats_chart", args=[chart])).content)


def test_the_map_draws_thumbnails_of_the_photos(collection: list[Image], client: Client) -> None:
    root = assert_svg(client.get(reverse("profiles:stats_chart", args=["map"])).content)

    images = root.findall(".//{http://www.w3.org/2000/svg}image")
    assert len(images) == len(collection)


def test_the_orientation_csv_counts_the_photos(collection: list[Image], client: Client) -> None:
    response = client.get(reverse("profiles:stats_csv", args=["orientation"]))

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="imgsite-orientation.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["orientation"]: int(row["images"]) for row in rows} == {"landscape": 11, "portrait": 5}


def test_the_year_csv_counts_photos_per_year_taken(collection: list[Image], client: Client) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("profiles:stats_csv", args=["years"])).content.decode())
        )
    )

    assert rows == [{"year": "2019", "images": "5"}, {"year": "2022", "images": "5"}]


def test_the_map_csv_gives_coordinates_but_no_server_paths(collection: list[Image], client: Client) -> None:
    text = client.get(reverse("profiles:stats_csv", args=["map"])).content.decode()

    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(collection)
    assert set(rows[0]) == {"image_id", "title", "x", "y", "url"}
    assert rows[0]["url"] == reverse("gallery:image", args=[rows[0]["image_id"]])
    assert "/thumbs/" not in text


def test_stats_charts_are_redrawn_when_the_collection_changes(
    collection: list[Image], client: Client
) -> None:
    before = client.get(reverse("profiles:stats_csv", args=["format"])).content.decode()
    make_image(format="PNG", colours=[("green", 1.0)])

    after = client.get(reverse("profiles:stats_csv", args=["format"])).content.decode()

    assert "PNG" not in before
    assert "PNG,1" in after


def test_an_unknown_statistics_chart_is_not_found(client: Client, db: None) -> None:
    assert client.get(reverse("profiles:stats_chart", args=["nonsense"])).status_code == 404
    assert client.get(reverse("profiles:stats_csv", args=["nonsense"])).status_code == 404
