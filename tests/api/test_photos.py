"""Photos in the JSON API: the gallery's filters and sorts, cursor pages, a photo's full record,
similar photos."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gallery.forms import GalleryFilterForm
from gallery.selectors import gallery_images
from tests.factories import aware, make_image, make_image_tag, make_like, make_user

pytestmark = pytest.mark.django_db

PHOTOS = "/api/v1/photos"


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def all_pages(api, **params) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        response = api.get(PHOTOS, **params, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.content
        seen += ids(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen


def test_the_list_shows_visible_photos_newest_first_to_anyone(anonymous_api):
    older, newer = make_image(), make_image()
    make_image(status="pending")  # not analysed: not visible anywhere
    response = anonymous_api.get(PHOTOS)
    assert response.status_code == 200
    assert ids(response) == [newer.pk, older.pk]
    card = response.json()["items"][0]
    assert card["links"]["page"].endswith(f"/photos/{newer.pk}/")
    assert card["thumbnail"].startswith("http://testserver/media/thumbs/")


def test_the_colour_filter_follows_the_gallerys_ten_percent_rule(anonymous_api):
    blue = make_image(colours=[("red", 0.77), ("blue", 0.12), ("blue", 0.11)])
    make_image(colours=[("red", 0.94), ("blue", 0.06)])  # 6% blue: not a blue photo
    response = anonymous_api.get(PHOTOS, colour="blue")
    assert ids(response) == [blue.pk]


@pytest.mark.parametrize(
    ("params", "wanted"),
    [
        ({"tag": "#Harbour"}, "harbour"),
        ({"orientation": "portrait"}, "portrait"),
        ({"year": 2019}, "2019"),
        ({"camera": "nikon"}, "nikon"),
        ({"licence": "CC0 1.0"}, "cc0"),
        ({"source": "openverse"}, "openverse"),
        ({"size": "large"}, "large"),
    ],
)
def test_each_gallery_filter_gives_the_same_photos_as_the_gallery_page(anonymous_api, params, wanted):
    make_image(title="plain")
    make_image_tag(make_image(title="harbour"), "harbour")
    make_image(title="portrait", width=80, height=120)
    make_image(title="2019", taken_at=aware(2019))
    make_image(title="nikon", camera_make="NIKON")
    make_image(title="cc0", licence="CC0 1.0")
    make_image(title="openverse", source="openverse")
    make_image(title="large", size_class="large")
    response = anonymous_api.get(PHOTOS, **params)
    page_ids = [image.pk for image in gallery_images(GalleryFilterForm(params).filters())]
    assert [item["title"] for item in response.json()["items"]] == [wanted]
    assert ids(response) == page_ids


@pytest.mark.parametrize("sort", ["newest", "liked", "taken", "quality"])
def test_cursor_pages_walk_every_sort_in_the_gallerys_order_without_repeats(anonymous_api, sort):
    people = [make_user() for _ in range(3)]
    for n in range(7):
        image = make_image(
            taken_at=aware(2000 + n % 3) if n % 4 else None, quality_score=[90, None, 40, 90, 70, None, 55][n]
        )
        for person in people[: n % 4]:
            make_like(person, image)
    expected = [image.pk for image in gallery_images(GalleryFilterForm({"sort": sort}).filters())]
    assert all_pages(anonymous_api, sort=sort, limit=2) == expected


def test_a_photo_added_between_pages_neither_shifts_nor_repeats_the_next_page(anonymous_api):
    first, second, third = make_image(), make_image(), make_image()
    page = anonymous_api.get(PHOTOS, limit=2).json()
    assert [item["id"] for item in page["items"]] == [third.pk, second.pk]
    make_image()  # newer than all: belongs on page one, must not push `second` onto page two
    rest = anonymous_api.get(PHOTOS, limit=2, cursor=page["next_cursor"]).json()
    assert [item["id"] for item in rest["items"]] == [first.pk]
    assert rest["next_cursor"] is None


def test_a_forged_cursor_is_a_422_problem(anonymous_api):
    make_image()
    response = anonymous_api.get(PHOTOS, cursor="not-a-cursor")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "cursor" in response.json()["detail"]


def test_a_cursor_from_another_sort_is_refused(anonymous_api):
    make_image(), make_image()
    cursor = anonymous_api.get(PHOTOS, limit=1, sort="newest").json()["next_cursor"]
    response = anonymous_api.get(PHOTOS, limit=1, sort="liked", cursor=cursor)
    assert response.status_code == 422


def test_only_the_best_shot_of_a_duplicate_group_is_listed_and_it_counts_the_others(anonymous_api):
    best = make_image(duplicate_group=7, is_group_best=True)
    make_image(duplicate_group=7, is_group_best=False)
    response = anonymous_api.get(PHOTOS)
    assert ids(response) == [best.pk]
    assert response.json()["items"][0]["other_versions"] == 1


def test_a_photos_record_has_its_metadata_colours_tags_quality_duplicates_attribution_and_files(
    alice, alice_api
):
    image = make_image(
        title="Harbour at dusk",
        camera_make="Canon",
        iso=200,
        gps_latitude=52.5,
        gps_longitude=13.4,
        gps_altitude=34.0,
        taken_at=datetime(2021, 6, 15, 12, 0, tzinfo=UTC),
        taken_at_offset=120,
        colours=[("blue", 0.6), ("orange", 0.3), ("grey", 0.1)],
        tags=["harbour"],
        duplicate_group=3,
        is_group_best=True,
        quality_score=41,
        quality_problems=["too_dark"],
        quality_values={"too_dark": 0.3, "noisy": 1.0},
    )
    other = make_image(duplicate_group=3, is_group_best=False)
    own = make_image_tag(image, "dusk", user=alice)
    make_image_tag(image, "dusk", user=make_user())
    make_image_tag(image, "blue", origin="auto")
    make_like(alice, image)
    record = alice_api.get(f"{PHOTOS}/{image.pk}").json()
    assert record["title"] == "Harbour at dusk"
    assert record["metadata"]["camera"]["make"] == "Canon"
    assert record["metadata"]["camera"]["iso"] == 200
    assert record["metadata"]["location"] == {"latitude": 52.5, "longitude": 13.4, "altitude": 34.0}
    assert record["metadata"]["taken_at_offset"] == 120
    assert [c["family"] for c in record["colours"]] == ["blue", "orange", "grey"]
    assert record["colour_families"] == {"blue": 0.6, "orange": 0.3, "grey": 0.1}
    assert {(t["name"], t["origin"], t["people"], t["your_tag_id"]) for t in record["tags"]} == {
        ("harbour", "source", 1, None),
        ("dusk", "user", 2, own.pk),
        ("blue", "auto", 1, None),
    }
    assert record["duplicates"]["group"] == 3
    assert [v["id"] for v in record["duplicates"]["other_versions"]] == [other.pk]
    assert record["attribution"]["author"] == "A. Photographer"
    assert record["attribution"]["licence"] == "CC BY 4.0"
    assert record["files"]["original"].startswith("http://testserver/media/originals/")
    assert record["quality"] == {
        "score": 41,
        "problems": ["too_dark"],
        "reasons": ["Too dark: even the brightest parts are only 30% grey; the photo is underexposed"],
        "values": {"too_dark": 0.3, "noisy": 1.0},
    }
    assert record["like_count"] == 1
    assert record["liked_by_you"] is True


def test_a_hidden_photo_is_a_404_problem(anonymous_api):
    hidden = make_image(status="pending")
    response = anonymous_api.get(f"{PHOTOS}/{hidden.pk}")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_similar_photos_are_empty_without_a_model_and_say_so(anonymous_api, fresh_model_cache):
    image = make_image()
    response = anonymous_api.get(f"{PHOTOS}/{image.pk}/similar")
    assert response.status_code == 200
    assert response.json() == {"items": [], "model_built_at": None}


def test_a_search_pages_through_the_matches_in_order_of_relevance(anonymous_api):
    for n in range(3):
        make_image(title="Harbour boats", description="Boats and more boats")
        make_image(title="Boats", description=f"Quay {n}")
        make_image(title="Quay", description="A boat, far off")
    make_image(title="Mountain lake")
    ranked = [image.pk for image in gallery_images(GalleryFilterForm({"q": "boats"}).filters())]

    assert len(ranked) == 9
    assert all_pages(anonymous_api, q="boats", limit=4) == ranked
    newest_first = all_pages(anonymous_api, q="boats", sort="newest", limit=4)
    assert newest_first == sorted(ranked, reverse=True)


def test_search_words_over_the_limit_are_a_422_problem(anonymous_api):
    response = anonymous_api.get(PHOTOS, q="boat " * 400)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
