"""Filters, facet counts and tag grouping, checked against the database."""

from __future__ import annotations

import pytest

from gallery.analysis.palette import FAMILY_MIN_SHARE
from gallery.models import Orientation, TagOrigin
from gallery.selectors import (
    GalleryFilters,
    camera_options,
    gallery_facets,
    gallery_images,
    group_tags,
)
from tests.factories import aware, make_image, make_image_tag, make_like, make_user

pytestmark = pytest.mark.django_db


def _ids(filters: GalleryFilters) -> set[int]:
    return {image.pk for image in gallery_images(filters)}


def _counts(filters: GalleryFilters, facet: str) -> dict[str, int]:
    return {option.value: option.count for option in gallery_facets(filters).options[facet]}


def test_only_analysed_images_with_a_thumbnail_are_listed():
    shown = make_image()
    make_image(status="pending")
    make_image(status="failed")
    make_image(thumbnail="")
    assert _ids(GalleryFilters()) == {shown.pk}


def test_a_colour_matches_at_any_rank_above_the_share_threshold():
    second_rank_blue = make_image(colours=[("green", 0.5), ("blue", 0.3)])
    speck_of_blue = make_image(colours=[("red", 0.9), ("blue", FAMILY_MIN_SHARE / 2)])
    assert _ids(GalleryFilters(colour="blue")) == {second_rank_blue.pk}
    assert speck_of_blue.pk not in _ids(GalleryFilters(colour="blue"))


def test_filters_combine():
    match = make_image(
        width=200,
        height=100,
        colours=[("blue", 0.6)],
        tags=["sea"],
        camera_make="Canon",
        taken_at=aware(2021),
        licence="CC0",
    )
    make_image(width=100, height=200, colours=[("blue", 0.6)], tags=["sea"], camera_make="Canon")
    make_image(width=200, height=100, colours=[("red", 0.6)], tags=["sea"], camera_make="Canon")
    make_image(width=200, height=100, colours=[("blue", 0.6)], tags=["sky"], camera_make="Canon")
    make_image(width=200, height=100, colours=[("blue", 0.6)], tags=["sea"], camera_make="Nikon")
    filters = GalleryFilters(
        tag="sea", colour="blue", orientation=Orientation.LANDSCAPE, camera="canon", year=2021, licence="CC0"
    )
    assert _ids(filters) == {match.pk}


def test_camera_filter_matches_make_or_model():
    canon = make_image(camera_make="Canon", camera_model="EOS 5D")
    make_image(camera_make="Nikon", camera_model="D850")
    assert _ids(GalleryFilters(camera="Canon")) == {canon.pk}
    assert _ids(GalleryFilters(camera="eos 5d")) == {canon.pk}


def test_an_image_with_two_matching_tags_is_listed_once():
    image = make_image(tags=["sea"])
    make_image_tag(image, "sea", origin=TagOrigin.AUTO)
    assert [i.pk for i in gallery_images(GalleryFilters(tag="sea"))] == [image.pk]


def test_facet_counts_apply_the_other_filters_but_not_their_own():
    make_image(width=200, height=100, colours=[("blue", 0.6)])
    make_image(width=200, height=100, colours=[("blue", 0.6)])
    make_image(width=100, height=200, colours=[("blue", 0.6)])
    make_image(width=200, height=100, colours=[("red", 0.6)])
    filters = GalleryFilters(colour="blue", orientation=Orientation.LANDSCAPE)
    assert _counts(filters, "orientation")["landscape"] == 2
    assert _counts(filters, "orientation")["portrait"] == 1
    assert _counts(filters, "colour")["blue"] == 2
    assert _counts(filters, "colour")["red"] == 1
    assert _counts(filters, "colour")["green"] == 0


def test_tag_facet_counts_images_not_tag_links():
    image = make_image(tags=["sea"])
    make_image_tag(image, "sea", user=make_user())
    make_image(tags=["sea"])
    assert _counts(GalleryFilters(), "tag") == {"sea": 2}


def test_year_facet_lists_years_newest_first():
    make_image(taken_at=aware(2019))
    make_image(taken_at=aware(2021))
    make_image(taken_at=aware(2021))
    options = gallery_facets(GalleryFilters()).options["year"]
    assert [(o.value, o.count) for o in options] == [("2021", 2), ("2019", 1)]


def test_sorting_by_most_liked_puts_the_most_liked_first():
    quiet = make_image()
    popular = make_image()
    for _ in range(3):
        make_like(make_user(), popular)
    make_like(make_user(), quiet)
    images = list(gallery_images(GalleryFilters(sort="liked")))
    assert [i.pk for i in images] == [popular.pk, quiet.pk]
    assert [getattr(i, "like_count", None) for i in images] == [3, 1]


def test_sorting_by_date_taken_puts_undated_photos_last():
    undated = make_image()
    old = make_image(taken_at=aware(2001))
    new = make_image(taken_at=aware(2022))
    assert [i.pk for i in gallery_images(GalleryFilters(sort="taken"))] == [new.pk, old.pk, undated.pk]


def test_camera_options_put_models_under_their_make():
    options = camera_options([("Canon", "EOS 5D", 2), ("Canon", "EOS R", 1), ("", "iPhone 12", 4)])
    assert [(o.label, o.count, o.indent) for o in options] == [
        ("iPhone 12", 4, False),
        ("Canon", 3, False),
        ("EOS 5D", 2, True),
        ("EOS R", 1, True),
    ]


def test_user_tags_are_folded_by_name_and_mark_the_viewers_own():
    alice, bob = make_user(), make_user()
    image = make_image(tags=["beach"])
    mine = make_image_tag(image, "sunset", user=alice)
    make_image_tag(image, "sunset", user=bob)
    make_image_tag(image, "sand", user=bob)
    make_image_tag(image, "outdoor", origin=TagOrigin.AUTO, confidence=0.7)
    groups = group_tags(list(image.image_tags.select_related("tag")), alice.pk)
    assert [c.name for c in groups.source] == ["beach"]
    assert [c.name for c in groups.auto] == ["outdoor"]
    assert [(c.name, c.count, c.own_tag_id) for c in groups.user] == [
        ("sand", 1, None),
        ("sunset", 2, mine.pk),
    ]
