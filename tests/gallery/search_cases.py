"""Search behaviour that must hold on every database the site runs on.

The test functions live here and are imported by tests/gallery/test_search.py (SQLite, FTS5) and by
tests/integration/test_search_postgres.py (PostgreSQL full-text search), so both engines answer
the same questions the same way.
"""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gallery.models import Image, ImageSearch, Tag
from gallery.photo_lists import position_in_list
from gallery.selectors import GalleryFilters, gallery_images, image_for_page
from gallery.services.duplicates import merge_group
from gallery.services.social import add_user_tag, remove_user_tag
from gallery.services.storage import delete_image
from gallery.services.tags import merge_tags
from tests.factories import make_image, make_image_tag, make_user

__all__ = [
    "test_a_filter_narrows_the_results_of_a_search",
    "test_a_near_duplicate_merge_makes_the_kept_photo_findable_by_the_moved_tags",
    "test_a_nul_byte_in_a_tag_or_author_address_or_completion_is_answered_calmly",
    "test_a_search_finds_each_field_of_a_photo",
    "test_a_tag_merge_makes_photos_findable_by_the_kept_name_only",
    "test_a_title_match_ranks_above_a_description_match",
    "test_a_user_tag_is_findable_once_added_and_not_after_it_is_removed",
    "test_an_edited_title_is_found_by_its_new_words_only",
    "test_every_word_must_be_found",
    "test_hostile_search_text_gives_a_page_never_an_error",
    "test_plural_and_other_forms_of_a_word_find_it",
    "test_search_ignores_photos_the_public_cannot_see",
    "test_searching_costs_the_same_number_of_queries_for_three_or_thirty_results",
    "test_the_index_forgets_a_deleted_photo",
    "test_the_viewer_steps_through_a_search_in_its_order_of_relevance",
]


def _found(q: str, **filters: object) -> list[int]:
    return [image.pk for image in gallery_images(GalleryFilters(q=q, sort="relevance", **filters))]  # type: ignore[arg-type]


def test_plural_and_other_forms_of_a_word_find_it() -> None:
    boat = make_image(title="Boat on a lake")
    sailing = make_image(title="Harbour", tags=["sailing"])
    make_image(title="Mountain")

    assert _found("boats") == [boat.pk]
    assert _found("BOAT") == [boat.pk]
    assert _found("sail") == [sailing.pk]
    assert _found("sails") == [sailing.pk]


def test_a_search_finds_each_field_of_a_photo() -> None:
    by_title = make_image(title="Lighthouse at dawn")
    by_description = make_image(title="Untitled", description="A lighthouse keeper's cottage")
    by_tag = make_image(title="Coast", tags=["lighthouse"])
    by_author = make_image(title="Sea", author="Ansel Lighthouse")
    by_camera = make_image(title="Field", camera_make="Hasselblad", camera_model="X2D")
    make_image(title="Forest", description="Trees", tags=["wood"], author="Someone")

    assert set(_found("lighthouse")) == {by_title.pk, by_description.pk, by_tag.pk, by_author.pk}
    assert _found("hasselblad") == [by_camera.pk]
    assert _found("x2d") == [by_camera.pk]


def test_a_title_match_ranks_above_a_description_match() -> None:
    in_description = make_image(title="Morning", description="a heron waits in the reeds by the water")
    in_title = make_image(title="Heron")
    in_tags = make_image(title="Bird", tags=["heron"])

    assert _found("heron") == [in_title.pk, in_tags.pk, in_description.pk]


def test_every_word_must_be_found() -> None:
    red_boat = make_image(title="Red boat")
    make_image(title="Blue boat")

    assert _found("red boat") == [red_boat.pk]
    assert _found("boat red") == [red_boat.pk]
    assert _found("green boat") == []


def test_a_filter_narrows_the_results_of_a_search() -> None:
    blue = make_image(title="Boat", colours=[("blue", 0.8)], width=200, height=100)
    make_image(title="Boat", colours=[("red", 0.8)], width=200, height=100)
    make_image(title="Boat", colours=[("blue", 0.8)], width=100, height=200)

    assert _found("boat", colour="blue", orientation="landscape") == [blue.pk]


def test_search_ignores_photos_the_public_cannot_see() -> None:
    make_image(title="Boat", status="pending")
    version = make_image(title="Boat copy")
    best = make_image(title="Boat")
    Image.objects.filter(pk__in=[best.pk, version.pk]).update(duplicate_group=best.pk)
    Image.objects.filter(pk=version.pk).update(is_group_best=False)

    assert _found("boat") == [best.pk]


def test_hostile_search_text_gives_a_page_never_an_error(client) -> None:
    boat = make_image(title="Boat")
    hostile = [
        '"boat',
        "boat\"'",
        "boat AND OR NOT NEAR(x y)",
        "-boat *boat boat* ^boat title:boat",
        "boat\x00",
        "\x00",
        "(((",
        "boat " * 2000,  # 10 kB
        "b" * 10_000,
        "'; DROP TABLE gallery_image; --",
        "🚤 boat ️",
        "\\ % _ boat",
    ]
    for text in hostile:
        response = client.get("/gallery/", {"q": text})
        assert response.status_code == 200, text
    assert _found('"boat') == [boat.pk]
    assert _found("boat AND OR NOT NEAR(x y)") == []  # "near", "x", "y" are words too
    assert _found("-boat *boat boat* ^boat") == [boat.pk]
    assert _found("boat\x00") == [boat.pk]
    assert Image.objects.filter(pk=boat.pk).exists()


def test_a_user_tag_is_findable_once_added_and_not_after_it_is_removed() -> None:
    photo = make_image(title="Untitled")
    alice = make_user("alice")

    assert _found("kingfisher") == []
    image_tag = add_user_tag(user=alice, image=photo, raw="#Kingfisher")
    assert _found("kingfishers") == [photo.pk]
    remove_user_tag(user=alice, image_tag_id=image_tag.pk)
    assert _found("kingfisher") == []


def test_a_tag_merge_makes_photos_findable_by_the_kept_name_only() -> None:
    photo = make_image(title="Untitled", tags=["puss"])
    make_image_tag(make_image(title="Other"), "kitten")

    merge_tags(target=Tag.objects.get(name="kitten"), others=[Tag.objects.get(name="puss")])

    assert photo.pk in _found("kitten")
    assert _found("puss") == []


def test_an_edited_title_is_found_by_its_new_words_only() -> None:
    photo = make_image(title="Old mill")
    photo.title = "Windmill at dusk"
    photo.save()

    assert _found("mill") == []
    assert _found("windmill") == [photo.pk]


def test_the_index_forgets_a_deleted_photo() -> None:
    photo = make_image(title="Glacier")
    delete_image(photo)

    assert _found("glacier") == []
    assert not ImageSearch.objects.filter(image_id=photo.pk).exists()


def test_a_near_duplicate_merge_makes_the_kept_photo_findable_by_the_moved_tags() -> None:
    keep = make_image(title="Cliffs")
    other = make_image(title="Cliffs, smaller")
    Image.objects.filter(pk__in=[keep.pk, other.pk]).update(duplicate_group=keep.pk)
    Image.objects.filter(pk=other.pk).update(is_group_best=False)
    add_user_tag(user=make_user("bob"), image=other, raw="puffin")

    merge_group(keep_id=keep.pk)

    assert _found("puffins") == [keep.pk]
    assert not ImageSearch.objects.filter(image_id=other.pk).exists()


def test_searching_costs_the_same_number_of_queries_for_three_or_thirty_results(client) -> None:
    def queries_for_search() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/gallery/", {"q": "harbour"})
        assert response.status_code == 200
        return len(queries)

    for n in range(3):
        make_image(title=f"Harbour {n}", tags=[f"tag{n}"])
    few = queries_for_search()
    for n in range(3, 30):
        make_image(title=f"Harbour {n}", tags=[f"tag{n}"])
    many = queries_for_search()

    assert few == many
    html = client.get("/gallery/", {"q": "harbour"}).content.decode()
    assert len(re.findall(r'class="card__link"', html)) == 24


def test_a_nul_byte_in_a_tag_or_author_address_or_completion_is_answered_calmly(client) -> None:
    make_image(title="Boat", tags=["sea"], author="Ann")

    assert client.get("/tags/%00/").status_code == 404
    assert client.get("/authors/Ann%00/").status_code == 404
    assert client.get("/gallery/tags.json", {"prefix": "se\x00"}).json() == {
        "tags": [{"name": "sea", "count": 1}]
    }
    assert client.get("/gallery/", {"author": "Ann\x00", "tag": "sea\x00"}).status_code == 200


def test_the_viewer_steps_through_a_search_in_its_order_of_relevance() -> None:
    # Ranks that differ, and ties (the same words), which the date added and the id then order.
    for n in range(2):
        make_image(title="Harbour boats", description="Boats and more boats in the harbour")
        make_image(title="Boats", description=f"Quay number {n}")
        make_image(title="Quay", description="A boat, far off")
    outside = make_image(title="Mountain lake")
    filters = GalleryFilters(q="boats", sort="relevance")
    results = _found("boats")
    assert len(results) == 6

    def walk(start: int, step: str) -> list[int]:
        seen = [start]
        while (
            neighbour := getattr(
                position_in_list(image_for_page(seen[-1]), filters, page_size=4, numbered_pages=10), step
            )
        ) is not None:
            seen.append(neighbour.pk)
        return seen

    assert walk(results[0], "next") == results
    assert walk(results[-1], "previous") == results[::-1]
    assert (
        position_in_list(image_for_page(results[4]), filters, page_size=4, numbered_pages=10).page_number == 2
    )
    # A photo the words do not match has no place among the results.
    assert position_in_list(image_for_page(outside.pk), filters, page_size=4, numbered_pages=10).next is None
