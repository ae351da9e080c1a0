"""The image page, liking and tagging: anonymous, logged in, another user's tag, bad input."""

from __future__ import annotations

import json

import pytest

from gallery.models import ImageTag, Like, TagOrigin
from tests.factories import aware, make_colour, make_image, make_image_tag, make_like, make_user

pytestmark = pytest.mark.django_db


def _page(image) -> str:
    return f"/photos/{image.pk}/"


def test_the_image_page_shows_the_photo_attribution_and_metadata(client):
    image = make_image(
        title="Harbour at dawn",
        author="Jane Doe",
        licence="CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
        source_page_url="https://commons.wikimedia.org/wiki/File:Harbour.jpg",
        width=4000,
        height=3000,
        taken_at=aware(2021, 6, 15),
        camera_make="Canon",
        camera_model="EOS 5D",
        lens="EF 50mm f/1.8",
        exposure_time=1 / 250,
        f_number=2.8,
        iso=200,
        focal_length=50.0,
        gps_latitude=51.5,
        gps_longitude=-0.12,
    )
    html = client.get(_page(image)).content.decode()
    assert "<h1>Harbour at dawn</h1>" in html
    assert f'src="{image.preview.url}"' in html
    assert "<strong>Jane Doe</strong>" in html
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/" rel="license noopener"' in html
    assert 'href="https://commons.wikimedia.org/wiki/File:Harbour.jpg"' in html
    assert "4000 × 3000 px" in html  # noqa: RUF001
    assert "15 June 2021" in html
    assert "Canon EOS 5D" in html
    assert "1/250 s · f/2.8 · ISO 200 · 50 mm" in html
    assert "https://www.openstreetmap.org/?mlat=51.500000&amp;mlon=-0.120000" in html


def test_the_image_page_shows_the_date_on_the_cameras_clock_and_the_altitude(client):
    # Noon UTC is 17:30 on a camera set to India's time, five and a half hours ahead.
    image = make_image(
        taken_at=aware(2021, 6, 15),
        taken_at_offset=330,
        gps_latitude=27.98,
        gps_longitude=86.92,
        gps_altitude=5364.0,
    )

    html = client.get(_page(image)).content.decode()

    assert "15 June 2021, 17:30" in html
    assert "(UTC+05:30, the camera's clock)" in html
    assert "5,364 m above sea level" in html


def test_an_exposure_line_with_only_the_iso_starts_with_it(client):
    # A compact whose ISO came from its maker's notes and which recorded nothing else.
    html = client.get(_page(make_image(iso=64))).content.decode()

    assert "<td>ISO 64</td>" in html


def test_the_image_page_falls_back_to_the_original_without_a_preview(client):
    image = make_image(preview="")
    assert f'src="{image.file.url}"' in client.get(_page(image)).content.decode()


def test_the_palette_shows_names_and_shares(client):
    image = make_image()
    make_colour(image, family="blue", share=0.62, name="steelblue")
    html = client.get(_page(image)).content.decode()
    assert "steel blue" in html  # the CSS name as words, so it wraps beside its swatch
    assert "62%" in html


def test_tags_are_grouped_by_origin(client):
    image = make_image(tags=["harbour"])
    make_image_tag(image, "boats", user=make_user())
    make_image_tag(image, "water", origin=TagOrigin.AUTO)
    html = client.get(_page(image)).content.decode()
    source_at, people_at, auto_at = (
        html.index("From the source"),
        html.index("From people"),
        html.index("Automatic"),
    )
    assert (
        source_at
        < html.index(">harbour<")
        < people_at
        < html.index(">boats")
        < auto_at
        < html.index(">water<")
    )


def test_an_image_not_yet_analysed_is_not_found(client):
    assert client.get(_page(make_image(status="pending"))).status_code == 404


def test_anonymous_visitors_are_asked_to_log_in_to_like_and_tag(client):
    html = client.get(_page(make_image())).content.decode()
    assert "Log in to like" in html
    assert "to add tags" in html
    assert "data-like-form" not in html


def test_liked_by_counts_people(client):
    image = make_image()
    make_like(make_user(), image)
    assert "Liked by 1 person" in client.get(_page(image)).content.decode()
    make_like(make_user(), image)
    assert "Liked by 2 people" in client.get(_page(image)).content.decode()


# --- Liking ------------------------------------------------------------------------------------


def test_liking_needs_login(client):
    image = make_image()
    response = client.post(f"/photos/{image.pk}/like/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/photos/")
    assert not Like.objects.exists()


def test_liking_is_post_only(client, alice):
    client.force_login(alice)
    assert client.get(f"/photos/{make_image().pk}/like/").status_code == 405


def test_like_then_unlike_toggles_the_count(client, alice):
    image = make_image()
    client.force_login(alice)
    response = client.post(f"/photos/{image.pk}/like/", {"action": "like"})
    assert response.status_code == 302
    html = client.get(_page(image)).content.decode()
    assert "Liked by 1 person" in html
    assert 'name="action" value="unlike"' in html
    client.post(f"/photos/{image.pk}/like/", {"action": "unlike"})
    html = client.get(_page(image)).content.decode()
    assert "Liked by 0 people" in html
    assert 'name="action" value="like"' in html


def test_the_like_endpoint_answers_json_when_asked(client, alice):
    image = make_image()
    make_like(make_user(), image)
    client.force_login(alice)
    response = client.post(
        f"/photos/{image.pk}/like/", {"action": "like"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert json.loads(response.content) == {"liked": True, "count": 2}
    response = client.post(
        f"/photos/{image.pk}/like/", {"action": "unlike"}, headers={"Accept": "application/json"}
    )
    assert json.loads(response.content) == {"liked": False, "count": 1}


def test_liking_needs_the_csrf_token(alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(f"/photos/{make_image().pk}/like/").status_code == 403
    assert not Like.objects.exists()


def test_liking_a_missing_image_is_not_found(client, alice):
    client.force_login(alice)
    assert client.post("/photos/999999/like/").status_code == 404


# --- Tagging -----------------------------------------------------------------------------------


def test_tagging_needs_login(client):
    image = make_image()
    response = client.post(f"/photos/{image.pk}/tags/", {"tag": "sunset"})
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    assert not ImageTag.objects.exists()


def test_a_tag_is_normalised_and_shown(client, alice):
    image = make_image()
    client.force_login(alice)
    response = client.post(f"/photos/{image.pk}/tags/", {"tag": "#Sunset  Beach"}, follow=True)
    html = response.content.decode()
    assert ImageTag.objects.get(image=image, user=alice).tag.name == "sunset beach"
    assert "Tagged “sunset beach”." in html
    assert 'aria-label="Remove your tag sunset beach"' in html


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "This field is required."),
        ("   #  ", "A tag cannot be empty."),
        ("x" * 41, "A tag can be at most 40 characters long."),
        ("<b>bold</b>", "A tag may contain letters, digits, spaces and - &#x27; . &amp; only."),
    ],
)
def test_bad_tags_are_refused_with_a_clear_message(client, alice, raw, message):
    image = make_image()
    client.force_login(alice)
    response = client.post(f"/photos/{image.pk}/tags/", {"tag": raw})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImageTag.objects.exists()


def test_only_your_own_tags_have_a_remove_button(client, alice):
    image = make_image(tags=["harbour"])
    make_image_tag(image, "boats", user=make_user("bob"))
    make_image_tag(image, "mine", user=alice)
    client.force_login(alice)
    html = client.get(_page(image)).content.decode()
    assert html.count('class="chip-remove"') == 1
    assert 'aria-label="Remove your tag mine"' in html


def test_removing_your_own_tag(client, alice):
    image = make_image()
    tag = make_image_tag(image, "mine", user=alice)
    client.force_login(alice)
    response = client.post(f"/tags/{tag.pk}/remove/")
    assert response.status_code == 302
    assert response["Location"] == f"/photos/{image.pk}/#tags"
    assert not ImageTag.objects.filter(pk=tag.pk).exists()


def test_removing_a_tag_needs_login(client):
    tag = make_image_tag(make_image(), "mine", user=make_user())
    response = client.post(f"/tags/{tag.pk}/remove/")
    assert response.status_code == 302
    assert ImageTag.objects.filter(pk=tag.pk).exists()


# Every view that loads a user-owned object, with how to call it; each must refuse another user.
OWNED_OBJECT_VIEWS = [
    pytest.param(lambda client, tag: client.post(f"/tags/{tag.pk}/remove/"), id="remove_tag"),
]


@pytest.mark.parametrize("call", OWNED_OBJECT_VIEWS)
def test_it_refuses_another_users_tag(client, alice, call):
    bobs_tag = make_image_tag(make_image(), "bobs", user=make_user("bob"))
    client.force_login(alice)
    assert call(client, bobs_tag).status_code == 404
    assert ImageTag.objects.filter(pk=bobs_tag.pk).exists()


def test_a_source_tag_cannot_be_removed_through_the_site(client, alice):
    image = make_image(tags=["harbour"])
    source_tag = ImageTag.objects.get(image=image)
    client.force_login(alice)
    assert client.post(f"/tags/{source_tag.pk}/remove/").status_code == 404
    assert ImageTag.objects.filter(pk=source_tag.pk).exists()
