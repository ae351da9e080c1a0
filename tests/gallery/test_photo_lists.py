"""A photo in the list it was opened from: previous and next in the gallery's own filters and order,
'← Gallery' back to the right page, the viewer's content, and the query that names the list."""

from __future__ import annotations

import re

import pytest

from gallery import pagination
from gallery.forms import GalleryFilterForm
from gallery.models import Image
from gallery.photo_lists import list_query, position_in_list
from gallery.selectors import gallery_images, image_for_page
from tests.factories import aware, make_image, make_like, make_user

pytestmark = pytest.mark.django_db


def _filters(params: dict[str, str]):
    return GalleryFilterForm(params).filters()


def _walk(params: dict[str, str], *, forwards: bool) -> list[int]:
    """Follow next (or previous) from one end of the list, as the viewer's arrow keys do."""
    order = [image.pk for image in gallery_images(_filters(params))]
    current = order[0] if forwards else order[-1]
    seen = [current]
    while True:
        position = position_in_list(image_for_page(current), _filters(params), page_size=2, numbered_pages=10)
        step = position.next if forwards else position.previous
        if step is None:
            return seen if forwards else seen[::-1]
        current = step.pk
        seen.append(current)


def _mixed_collection() -> None:
    people = [make_user() for _ in range(3)]
    for n in range(7):
        image = make_image(
            taken_at=aware(2000 + n % 3) if n % 4 else None,
            quality_score=[90, None, 40, 90, 70, None, 55][n],
            colours=[("blue", 0.5)] if n % 2 else [("red", 0.5)],
        )
        for person in people[: n % 4]:
            make_like(person, image)


@pytest.mark.parametrize("sort", ["newest", "liked", "taken", "quality"])
def test_next_and_previous_walk_the_gallerys_order_for_every_sort(sort):
    _mixed_collection()
    expected = [image.pk for image in gallery_images(_filters({"sort": sort}))]
    assert _walk({"sort": sort}, forwards=True) == expected
    assert _walk({"sort": sort}, forwards=False) == expected


def test_next_and_previous_stay_inside_the_filtered_list():
    _mixed_collection()
    params = {"colour": "blue", "sort": "liked"}
    expected = [image.pk for image in gallery_images(_filters(params))]
    assert len(expected) == 3
    assert _walk(params, forwards=True) == expected


def test_the_page_number_is_the_gallery_page_that_shows_the_photo():
    images = [make_image() for _ in range(5)]  # newest first: images[4] on page 1 of 2 per page

    def page_of(image: Image) -> int | None:
        return position_in_list(
            image_for_page(image.pk), _filters({}), page_size=2, numbered_pages=2
        ).page_number

    assert page_of(images[4]) == 1
    assert page_of(images[2]) == 2
    assert page_of(images[0]) is None  # past the numbered pages: the gallery link carries a cursor


def test_the_list_query_keeps_only_valid_filters_and_drops_defaults():
    assert list_query(_filters({})) == ""
    assert list_query(_filters({"sort": "newest", "colour": ""})) == ""
    params = {"colour": "blue", "sort": "liked", "year": "2020", "tag": "#Sunset  Beach", "size": "huge"}
    assert list_query(_filters(params)) == "?tag=sunset+beach&colour=blue&year=2020&sort=liked"


def test_the_photo_page_links_to_its_neighbours_and_back_to_its_page_in_the_list(client, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    blue = [make_image(colours=[("blue", 0.5)], title=f"Blue {n}") for n in range(5)]
    make_image(colours=[("red", 0.5)], title="Red between")
    middle = blue[2]  # newest first: Blue 4, Blue 3, [Blue 2], Blue 1, Blue 0
    html = client.get(f"/photos/{middle.pk}/?colour=blue").content.decode()
    assert f'href="/photos/{blue[3].pk}/?colour=blue" rel="prev"' in html
    assert f'href="/photos/{blue[1].pk}/?colour=blue" rel="next"' in html
    assert f'href="/gallery/?colour=blue&amp;page=2#photo-{middle.pk}">← Gallery' in html


def test_the_first_photo_has_no_previous_and_the_last_no_next(client):
    first, last = make_image(), make_image()  # `last` is the newest, so first in the list
    html = client.get(f"/photos/{last.pk}/").content.decode()
    assert 'rel="prev"' not in html
    assert f'href="/photos/{first.pk}/" rel="next"' in html
    html = client.get(f"/photos/{first.pk}/").content.decode()
    assert 'rel="next"' not in html
    assert f'href="/photos/{last.pk}/" rel="prev"' in html


@pytest.mark.parametrize(
    "query",
    [
        "?next=https://evil.example/",
        "?colour=//evil.example",
        "?tag=%22%3E%3Cscript%3E",
        "?sort=javascript:alert(1)",
        "?year=notayear&page=https://evil.example",
    ],
)
def test_a_hostile_query_never_leaves_the_gallery(client, query):
    image = make_image()
    html = client.get(f"/photos/{image.pk}/{query}").content.decode()
    back = re.search(r'<a class="back-link" href="([^"]*)">← Gallery', html)
    assert back is not None
    assert back.group(1).startswith("/gallery/")
    assert "evil.example" not in back.group(1)
    assert "<script>" not in html.split("<main")[1]


def test_the_gallerys_cards_carry_the_list_to_the_photo_and_the_viewer(client):
    image = make_image(colours=[("blue", 0.5)])
    html = client.get("/gallery/?colour=blue&sort=taken&orientation=", follow=True).content.decode()
    assert f'href="/photos/{image.pk}/?colour=blue&amp;sort=taken" class="card__link"' in html
    assert f'data-viewer-url="/photos/{image.pk}/viewer/?colour=blue&amp;sort=taken"' in html
    assert f'id="photo-{image.pk}"' in html


def test_the_viewer_shows_the_photo_its_credit_and_its_neighbours_in_the_list(client):
    older = make_image(title="Older", colours=[("blue", 0.5)])
    make_image(title="Red", colours=[("red", 0.5)])
    shown = make_image(title="Shown", author="Ada", colours=[("blue", 0.5)])
    response = client.get(f"/photos/{shown.pk}/viewer/?colour=blue")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for viewer.js, not a page
    assert 'id="viewer-title"' in html
    assert "Shown" in html
    assert "“Shown”</a> by Ada" in html
    assert f'data-viewer-url="/photos/{older.pk}/viewer/?colour=blue" data-viewer-step="next"' in html
    assert 'data-viewer-step="previous"' not in html
    assert f'href="/photos/{shown.pk}/download/web/" download' in html


def test_the_viewer_of_a_hidden_photo_is_a_404(client):
    image = make_image(status="pending")
    assert client.get(f"/photos/{image.pk}/viewer/").status_code == 404
