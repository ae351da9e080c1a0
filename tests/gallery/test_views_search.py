"""The pages around search: the header box, results, tag and author pages, every tag reachable, the
tag box's completions and clean gallery URLs."""

from __future__ import annotations

import html as html_escapes
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_image, make_image_tag

pytestmark = pytest.mark.django_db


def _shown_ids(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'href="/photos/(\d+)/[^"]*" class="card__link"', response.content.decode())
    ]


@pytest.mark.parametrize("path", ["/", "/gallery/", "/stats/", "/tags/"])
def test_every_page_has_the_search_box_in_its_header(client, path) -> None:
    html = client.get(path).content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert 'role="search"' in header
    assert 'action="/gallery/"' in header
    assert 'name="q"' in header


def test_search_results_are_ranked_and_say_what_was_searched_for(client) -> None:
    in_description = make_image(title="Morning", description="boats in the fog")
    in_title = make_image(title="Boats at rest")
    make_image(title="Forest")

    response = client.get("/gallery/", {"q": "the boat"})

    assert _shown_ids(response) == [in_title.pk, in_description.pk]
    html = response.content.decode()
    assert "Photos matching “the boat”" in html
    assert "Left out as too common: the." in html
    assert '<option value="relevance" selected>Relevance</option>' in html
    assert 'value="the boat"' in html  # the header box and the Words field keep the text


def test_a_search_with_no_results_says_so_and_offers_a_way_out(client) -> None:
    make_image(title="Boat")
    html = client.get("/gallery/", {"q": "zebra"}).content.decode()
    assert "No photos match “zebra”" in html
    assert 'href="/gallery/"' in html


def test_search_text_with_only_punctuation_asks_for_words(client) -> None:
    make_image(title="Boat")
    response = client.get("/gallery/", {"q": '"*()'})
    assert response.status_code == 200
    assert "Type a word with letters or digits to search for." in response.content.decode()
    assert _shown_ids(response) == []


def test_a_search_can_be_sorted_another_way(client) -> None:
    older = make_image(title="Boat one")
    newer = make_image(title="Boat boat two")
    assert _shown_ids(client.get("/gallery/", {"q": "boat", "sort": "newest"})) == [newer.pk, older.pk]


def test_a_url_with_blank_fields_redirects_to_the_clean_one(client) -> None:
    response = client.get("/gallery/?q=&tag=&colour=blue&orientation=&sort=liked")
    assert response.status_code == 302
    assert response["Location"] == "/gallery/?colour=blue&sort=liked"
    assert client.get("/gallery/?tag=").headers["Location"] == "/gallery/"


def test_links_the_page_builds_carry_no_blank_fields(client) -> None:
    make_image(title="Boat", colours=[("blue", 0.6)], tags=["sea"])
    html = client.get("/gallery/", {"q": "boat", "colour": "blue"}).content.decode()
    hrefs = re.findall(r'href="(/gallery/\?[^"]*)"', html)
    assert hrefs
    assert not [href for href in hrefs if re.search(r"=(&|$)", href)]
    assert '"/gallery/?q=boat" aria-label="Remove filter Colour: Blue"' in html
    assert '"/gallery/?colour=blue" aria-label="Remove filter Search: boat"' in html


def test_a_tag_page_shows_the_photos_with_that_tag(client) -> None:
    cat = make_image(title="Whiskers", tags=["cat"])
    make_image(title="Rex", tags=["dog"])

    response = client.get("/tags/cat/")

    assert response.status_code == 200
    assert _shown_ids(response) == [cat.pk]
    assert "Photos tagged “cat”" in response.content.decode()


def test_a_tag_with_spaces_and_punctuation_has_a_page(client) -> None:
    photo = make_image(tags=["st. paul's & co"])
    html = client.get(f"/photos/{photo.pk}/").content.decode()
    link = re.search(r'href="(/tags/[^"]+/)"', html)
    assert link is not None
    assert _shown_ids(client.get(html_escapes.unescape(link.group(1)))) == [photo.pk]


def test_an_unknown_tag_is_not_found(client) -> None:
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_the_photo_page_links_its_author_and_the_author_page_lists_their_photos(client) -> None:
    author = "Gary Todd <https://www.flickr.com/photos/101561334@N08/>"
    first = make_image(author=author)
    second = make_image(author=author)
    make_image(author="Someone else")

    html = client.get(f"/photos/{first.pk}/").content.decode()
    link = re.search(r'class="author-link" href="([^"]+)"', html)
    assert link is not None

    response = client.get(html_escapes.unescape(link.group(1)))
    assert response.status_code == 200
    assert set(_shown_ids(response)) == {first.pk, second.pk}
    assert "Photos by Gary Todd" in response.content.decode()


def test_an_author_without_visible_photos_is_not_found(client) -> None:
    make_image(author="Hidden", status="pending")
    assert client.get("/authors/Hidden/").status_code == 404
    assert client.get("/authors/Nobody/").status_code == 404


def test_every_tag_is_listed_with_its_count_beyond_the_gallery_sidebar(client) -> None:
    for n in range(45):
        make_image_tag(make_image(), f"tag{n:02}")
    make_image_tag(make_image(), "tag00")

    html = client.get("/tags/").content.decode()

    assert html.count('class="chip" href="/tags/') == 45
    assert re.search(r'href="/tags/tag00/">tag00 <span class="muted">2</span>', html)


def test_the_tags_page_and_a_tag_page_cost_the_same_queries_for_few_or_many_tags(client) -> None:
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    make_image_tag(make_image(), "cat")
    few = (queries("/tags/"), queries("/tags/cat/"))
    for n in range(40):
        make_image_tag(make_image(tags=["cat"]), f"other{n}")
    assert (queries("/tags/"), queries("/tags/cat/")) == few


def test_the_tag_box_completes_over_every_tag_with_counts_under_the_other_filters(client) -> None:
    for n in range(3):
        make_image(tags=["cat", "catamaran"] if n else ["cat"], colours=[("blue", 0.5)])
    make_image(tags=["cat"], colours=[("red", 0.5)])
    make_image(tags=["dog"])

    everything = client.get("/gallery/tags.json", {"prefix": "CAT"}).json()
    blue = client.get("/gallery/tags.json", {"prefix": "cat", "colour": "blue", "tag": "dog"}).json()

    assert everything == {"tags": [{"name": "cat", "count": 4}, {"name": "catamaran", "count": 2}]}
    assert blue == {"tags": [{"name": "cat", "count": 3}, {"name": "catamaran", "count": 2}]}
    assert client.get("/gallery/tags.json", {"prefix": "x" * 5000}).json() == {"tags": []}


def test_the_tag_box_offers_the_common_tags_without_javascript(client) -> None:
    make_image(tags=["cat"])
    html = client.get("/gallery/").content.decode()
    assert 'list="tag-options"' in html
    assert '<option value="cat">cat (1)</option>' in html
    assert 'href="/tags/"' in html
