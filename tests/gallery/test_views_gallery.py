"""The gallery page: grid, filters in the URL, facet counts, empty state, pagination, query count."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gallery import pagination
from tests.factories import aware, make_image, make_image_tag, make_like, make_user

pytestmark = pytest.mark.django_db

GALLERY = "/gallery/"


def _shown_ids(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'href="/photos/(\d+)/[^"]*" class="card__link"', response.content.decode())
    ]


def test_the_home_page_links_to_the_gallery(client):
    response = client.get("/")
    assert response.status_code == 200
    assert f'href="{GALLERY}"' in response.content.decode()


def test_anonymous_visitors_see_the_grid(client):
    image = make_image(title="Harbour at dawn", width=1200, height=800)
    response = client.get(GALLERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert _shown_ids(response) == [image.pk]
    assert 'alt="Harbour at dawn"' in html
    assert 'loading="lazy"' in html
    assert 'width="480" height="320"' in html  # the 480 px grid thumbnail of the stored 1200x800


def test_an_untitled_image_is_described_by_its_tags(client):
    make_image(title="", tags=["lighthouse", "sea"])
    html = client.get(GALLERY).content.decode()
    assert 'alt="Photo tagged lighthouse, sea"' in html


def test_the_grid_hides_images_not_yet_analysed(client):
    make_image(status="pending", title="Still analysing")
    response = client.get(GALLERY)
    assert _shown_ids(response) == []
    assert "Still analysing" not in response.content.decode()


def test_filters_from_the_url_combine(client):
    match = make_image(width=200, height=100, colours=[("blue", 0.5)], tags=["sea"], taken_at=aware(2020))
    make_image(width=100, height=200, colours=[("blue", 0.5)], tags=["sea"], taken_at=aware(2020))
    make_image(width=200, height=100, colours=[("blue", 0.5)], tags=["sea"], taken_at=aware(2019))
    make_image(width=200, height=100, colours=[("red", 0.5)], tags=["sea"], taken_at=aware(2020))
    response = client.get(
        GALLERY, {"colour": "blue", "tag": "sea", "orientation": "landscape", "year": "2020"}
    )
    assert _shown_ids(response) == [match.pk]


def test_a_tag_in_the_url_is_normalised_like_typed_tags(client):
    image = make_image(tags=["sunset beach"])
    make_image(tags=["sea"])
    assert _shown_ids(client.get(GALLERY, {"tag": "#Sunset  Beach"})) == [image.pk]


def test_licence_source_size_and_camera_filters_work(client):
    match = make_image(licence="CC0", source="openverse", size_class="large", camera_make="Fujifilm")
    make_image(licence="CC BY 4.0", source="openverse", size_class="large", camera_make="Fujifilm")
    make_image(licence="CC0", source="commons", size_class="large", camera_make="Fujifilm")
    make_image(licence="CC0", source="openverse", size_class="small", camera_make="Fujifilm")
    make_image(licence="CC0", source="openverse", size_class="large", camera_make="Sony")
    params = {"licence": "CC0", "source": "openverse", "size": "large", "camera": "Fujifilm"}
    assert _shown_ids(client.get(GALLERY, params)) == [match.pk]


def test_each_filter_option_shows_how_many_images_it_would_leave(client):
    make_image(width=200, height=100, colours=[("blue", 0.5)])
    make_image(width=200, height=100, colours=[("blue", 0.5)])
    make_image(width=100, height=200, colours=[("blue", 0.5)])
    make_image(width=200, height=100, colours=[("green", 0.5)])
    html = client.get(GALLERY, {"colour": "blue"}).content.decode()
    # Orientation counts respect the colour filter; colour counts ignore it, so other colours show.
    assert re.search(r'<option value="landscape"[^>]*>Landscape \(2\)</option>', html)
    assert re.search(r'<option value="portrait"[^>]*>Portrait \(1\)</option>', html)
    assert re.search(r'<option value="green"[^>]*>Green \(1\)</option>', html)
    assert re.search(r'<option value="blue" selected>Blue \(3\)</option>', html)


def test_an_option_that_would_leave_nothing_is_disabled(client):
    make_image(width=200, height=100)
    html = client.get(GALLERY).content.decode()
    assert '<option value="portrait" disabled>Portrait (0)</option>' in html


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(client):
    make_image(colours=[("blue", 0.5)])
    response = client.get(GALLERY, {"colour": "red"})
    html = response.content.decode()
    assert _shown_ids(response) == []
    assert "No photos match these filters" in html
    assert f'<a class="button" href="{GALLERY}">Clear filters</a>' in html


def test_a_nonsense_filter_value_is_ignored_rather_than_an_error(client):
    image = make_image()
    response = client.get(GALLERY, {"year": "soon", "orientation": "round", "sort": "random"})
    assert response.status_code == 200
    assert _shown_ids(response) == [image.pk]


def test_the_active_filter_chip_removes_just_that_filter(client):
    make_image(colours=[("blue", 0.5)], tags=["sea"])
    html = client.get(GALLERY, {"colour": "blue", "tag": "sea"}).content.decode()
    assert 'href="/gallery/?tag=sea" aria-label="Remove filter Colour: Blue"' in html


def test_pages_hold_the_page_size_and_keep_the_filters(client, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    images = [make_image(tags=["sea"]) for _ in range(5)]
    newest_first = [image.pk for image in reversed(images)]
    first = client.get(GALLERY, {"tag": "sea"})
    assert _shown_ids(first) == newest_first[:2]
    assert 'href="?tag=sea&amp;page=2" rel="next"' in first.content.decode()
    last = client.get(GALLERY, {"tag": "sea", "page": "3"})
    assert _shown_ids(last) == newest_first[4:]
    assert "Page 3 of 3" in last.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    images = [make_image() for _ in range(3)]
    assert _shown_ids(client.get(GALLERY, {"page": "99"})) == [images[0].pk]


def test_sorting_by_most_liked_shows_the_like_counts(client):
    quiet, popular = make_image(), make_image()
    make_like(make_user(), popular)
    make_like(make_user(), popular)
    response = client.get(GALLERY, {"sort": "liked"})
    assert _shown_ids(response)[0] == popular.pk
    assert "♥ 2" in response.content.decode()
    assert quiet.pk in _shown_ids(response)


def _gallery_queries(client, count: int) -> int:
    user = make_user()
    for n in range(count):
        image = make_image(colours=[("blue", 0.5), ("red", 0.3)], tags=["sea", f"tag{n}"])
        make_image_tag(image, "mine", user=user)
        make_like(user, image)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(GALLERY, {"sort": "liked"})
    assert len(_shown_ids(response)) == count
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_page(client, monkeypatch, django_user_model):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 50)
    small = _gallery_queries(client, 5)
    django_user_model.objects.all().delete()
    from gallery.models import Image

    Image.objects.all().delete()
    large = _gallery_queries(client, 40)
    assert large == small
    assert small <= 12  # count, page, tags, eight facets
