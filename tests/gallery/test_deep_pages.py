"""Deep gallery pages: past the first pages, Previous and Next carry a cursor, and walking them
shows every photo of the list once, in order, in every sort, as typed page numbers do."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from gallery import pagination
from gallery.selectors import GalleryFilters, gallery_images
from gallery.services.social import like_image
from tests.factories import aware, make_image, make_user

pytestmark = pytest.mark.django_db

GALLERY = "/gallery/"
PAGE_SIZE = 2


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", PAGE_SIZE)
    monkeypatch.setattr(pagination, "OFFSET_PAGES", 2)


@pytest.fixture
def eleven_photos() -> None:
    people = [make_user() for _ in range(3)]
    for n in range(11):
        image = make_image(
            tags=["sea"],
            taken_at=aware(2000 + n % 4) if n % 3 else None,  # some without a date, some equal
            quality_score=(n * 37) % 5 * 20 if n % 4 else None,
        )
        for person in people[: n % 4]:
            like_image(user=person, image=image)


def shown_ids(content: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/photos/(\d+)/[^"]*" class="card__link"', content)]


def link(content: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]*)" rel="{rel}"', content)
    return html.unescape(found.group(1)) if found else None


def walk(client: Client, start: str, rel: str) -> tuple[list[list[int]], list[str]]:
    pages: list[list[int]] = []
    links: list[str] = []
    url: str | None = start
    while url is not None:
        content = client.get(GALLERY + url).content.decode()
        pages.append(shown_ids(content))
        links.append(url)
        url = link(content, rel)
    return pages, links


@pytest.mark.parametrize("sort", ["newest", "liked", "taken", "quality"])
def test_next_and_previous_walk_the_whole_list_once_each_way(
    client: Client, small_pages: None, eleven_photos: None, sort: str
) -> None:
    expected = [image.pk for image in gallery_images(GalleryFilters(tag="sea", sort=sort))]
    forward, links = walk(client, f"?tag=sea&sort={sort}", "next")
    assert [pk for page in forward for pk in page] == expected
    assert all("after=" in url for url in links[3:])  # past the first two pages, a cursor
    assert all("after=" not in url for url in links[:2])

    backward, _ = walk(client, links[-1], "prev")
    assert list(reversed(backward)) == forward


@pytest.mark.parametrize("sort", ["newest", "liked", "taken", "quality"])
def test_a_typed_page_number_shows_the_same_cards_as_walking_to_it(
    client: Client, small_pages: None, eleven_photos: None, sort: str
) -> None:
    forward, _ = walk(client, f"?tag=sea&sort={sort}", "next")
    for number in (1, 3, 5, 6):
        typed = client.get(GALLERY, {"tag": "sea", "sort": sort, "page": str(number)}).content.decode()
        assert shown_ids(typed) == forward[number - 1]
        assert f"Page {number} of 6" in typed
    last = client.get(GALLERY, {"tag": "sea", "sort": sort, "page": "last"}).content.decode()
    assert shown_ids(last) == forward[-1]


def test_an_edited_cursor_falls_back_to_the_page_number(
    client: Client, small_pages: None, eleven_photos: None
) -> None:
    forward, _ = walk(client, "?tag=sea", "next")
    content = client.get(GALLERY, {"tag": "sea", "page": "4", "after": "not-a-cursor"}).content.decode()
    assert shown_ids(content) == forward[3]


def test_a_photo_deep_in_a_list_links_back_to_a_gallery_page_that_shows_it(
    client: Client, small_pages: None, eleven_photos: None
) -> None:
    order = [image.pk for image in gallery_images(GalleryFilters(tag="sea", sort="liked"))]
    deep = order[8]  # page 5 of 2 per page, past the two numbered pages
    photo_page = client.get(f"/photos/{deep}/", {"tag": "sea", "sort": "liked"}).content.decode()
    back = re.search(r'href="(/gallery/\?[^"]*after=[^"]*)#photo-(\d+)"', photo_page)
    assert back is not None
    assert int(back.group(2)) == deep
    gallery = client.get(html.unescape(back.group(1))).content.decode()
    assert shown_ids(gallery)[0] == deep
    assert link(gallery, "prev") is not None
    assert link(gallery, "next") is not None


def test_a_search_ranked_by_relevance_walks_by_cursor_in_its_order(client: Client, small_pages: None) -> None:
    for n in range(4):  # ranks that differ, and ties the date added and the id then order
        make_image(title="Harbour boats", description="Boats and more boats")
        make_image(title="Boats", description=f"Quay {n}")
        make_image(title="Quay", description="A boat, far off")
    expected = [image.pk for image in gallery_images(GalleryFilters(q="boats", sort="relevance"))]

    forward, links = walk(client, "?q=boats", "next")

    assert [pk for page in forward for pk in page] == expected
    assert all("after=" in url for url in links[3:])
    backward, _ = walk(client, links[-1], "prev")
    assert list(reversed(backward)) == forward
