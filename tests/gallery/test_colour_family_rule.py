"""One colour-family rule: the automatic tag, the gallery filter and its count, the recommender's
features and reasons, and the taste profile all agree on which photos are blue.

The photos' blue is split over several palette colours, each below the threshold, so a caller that
tests one colour at a time disagrees; and two photos sit just either side of FAMILY_MIN_SHARE, so a
caller with a threshold of its own (the old 15% filter, say) disagrees too.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from gallery.analysis.features import HISTOGRAM_LENGTH
from gallery.analysis.palette import FAMILY_MIN_SHARE, rgb_to_hex
from gallery.analysis.result import AnalysisResult, DominantColour, ExifData, QualityReport
from gallery.models import AnalysisStatus, Colour, Image, ImageTag, TagOrigin
from gallery.selectors import GalleryFilters, gallery_facets, gallery_images
from gallery.services.analysis import save_analysis
from profiles.selectors import profile_inputs
from profiles.taste import build_profile
from recommender.features import item_metadata
from recommender.selectors import catalogue_rows
from tests.factories import FAMILY_RGB, make_image, make_like, make_user
from tests.support.images import solid_jpeg

pytestmark = pytest.mark.django_db

HALF = FAMILY_MIN_SHARE / 2
PALETTES = {
    # 8% + 8% + 7% of blue: a 23%-blue photo.
    "23% blue": [("white", 0.40), ("grey", 0.37), ("blue", 0.08), ("blue", 0.08), ("blue", 0.07)],
    "just over the threshold": [("white", 0.895 - HALF), ("blue", HALF + 0.005), ("blue", HALF)],
    "just under the threshold": [("white", 0.91), ("blue", HALF - 0.005), ("blue", HALF - 0.005)],
}
BLUE = {"23% blue": True, "just over the threshold": True, "just under the threshold": False}


def analysed_photo(palette: list[tuple[str, float]]) -> Image:
    """A photo saved through the analysis service, as if k-means had found `palette`."""
    image = make_image(status=AnalysisStatus.PENDING)
    colours = [
        DominantColour(
            rgb=FAMILY_RGB[family],
            share=share,
            hex=rgb_to_hex(FAMILY_RGB[family]),
            name=family,
            family=family,
        )
        for family, share in palette
    ]
    result = AnalysisResult(
        width=120,
        height=80,
        format="JPEG",
        mode="RGB",
        orientation="landscape",
        size_class="small",
        exif=ExifData(),
        colours=colours,
        colour_histogram=[1.0 / HISTOGRAM_LENGTH] * HISTOGRAM_LENGTH,
        phash="0" * 16,
        layout=bytes(32 * 32),
        quality=QualityReport(score=100, aspects=[]),
        thumbnail_jpeg=solid_jpeg(60, 40, FAMILY_RGB["blue"]),
        preview_jpeg=solid_jpeg(120, 80, FAMILY_RGB["blue"]),
    )
    save_analysis(image, result)
    return image


@pytest.fixture
def photos() -> dict[str, Image]:
    return {label: analysed_photo(palette) for label, palette in PALETTES.items()}


def test_the_23_percent_blue_photo_is_blue_everywhere(photos: dict[str, Image]) -> None:
    photo = photos["23% blue"]
    auto_tag = ImageTag.objects.get(image=photo, origin=TagOrigin.AUTO, tag__name="blue")
    assert auto_tag.confidence == 0.23
    assert photo.pk in {image.pk for image in gallery_images(GalleryFilters(colour="blue"))}
    metadata = item_metadata(catalogue_rows())
    assert metadata.colour_families[_catalogue_index(photo)][0] == "white"
    assert "blue" in metadata.colour_families[_catalogue_index(photo)]
    assert "blue" in _profile_families_of_someone_who_liked(photo)


def test_the_auto_tag_follows_the_family_rule(photos: dict[str, Image]) -> None:
    tagged = set(
        ImageTag.objects.filter(origin=TagOrigin.AUTO, tag__name="blue").values_list("image_id", flat=True)
    )
    assert {label for label, photo in photos.items() if photo.pk in tagged} == _blue_labels()


def test_the_gallery_filter_and_its_count_follow_the_family_rule(photos: dict[str, Image]) -> None:
    shown = {image.pk for image in gallery_images(GalleryFilters(colour="blue"))}
    assert {label for label, photo in photos.items() if photo.pk in shown} == _blue_labels()
    counts = {option.value: option.count for option in gallery_facets(GalleryFilters()).options["colour"]}
    assert counts["blue"] == len(_blue_labels())


def test_the_recommender_features_follow_the_family_rule(photos: dict[str, Image]) -> None:
    metadata = item_metadata(catalogue_rows())
    named_blue = {
        label
        for label, photo in photos.items()
        if "blue" in metadata.colour_families[_catalogue_index(photo)]
    }
    assert named_blue == _blue_labels()


def test_the_taste_profile_follows_the_family_rule(photos: dict[str, Image]) -> None:
    profile_says_blue = {
        label for label, photo in photos.items() if "blue" in _profile_families_of_someone_who_liked(photo)
    }
    assert profile_says_blue == _blue_labels()


def _blue_labels() -> set[str]:
    return {label for label, blue in BLUE.items() if blue}


def _catalogue_index(photo: Image) -> int:
    return [int(i) for i in catalogue_rows().images["image_id"]].index(photo.pk)


def _profile_families_of_someone_who_liked(photo: Image) -> dict[str, float]:
    fan = make_user()
    make_like(fan, photo)
    families: dict[str, float] = build_profile(profile_inputs(fan))["colour_families"]
    return families


def test_photos_stored_before_their_families_were_kept_get_them_from_their_colours() -> None:
    """Migration 0013 fills Image.colour_families from the colour rows already stored."""
    migration = importlib.import_module("gallery.migrations.0013_image_colour_families")
    split_blue, plain = make_image(), make_image()
    for image, palette in ((split_blue, PALETTES["23% blue"]), (plain, [("red", 1.0)])):
        for rank, (family, share) in enumerate(palette):
            Colour.objects.create(
                image=image, rank=rank, hex="#000000", red=0, green=0, blue=0, share=share, family=family
            )
    Image.objects.update(colour_families="")

    migration.fill_colour_families(django_apps, None)

    assert set(gallery_images(GalleryFilters(colour="blue"))) == {split_blue}
    assert set(gallery_images(GalleryFilters(colour="red"))) == {plain}
    assert Image.objects.get(pk=split_blue.pk).colour_families == " white grey blue "
