import numpy as np
import pytest
from PIL import Image

from gallery.analysis.colours import dominant_colours
from gallery.analysis.palette import CSS_COLOURS, colour_family, nearest_css_name, srgb_to_lab
from tests.support.images import smooth_pattern, split_image


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB")).reshape(-1, 3)


def test_a_half_red_half_blue_image_gives_red_and_blue_at_half_each():
    colours = dominant_colours(pixels(split_image(200, 100)))

    assert sorted((c.name, c.family, c.hex) for c in colours) == [
        ("blue", "blue", "#0000ff"),
        ("red", "red", "#ff0000"),
    ]
    assert [c.share for c in colours] == [pytest.approx(0.5), pytest.approx(0.5)]


def test_a_solid_image_gives_one_colour_not_five_copies():
    colours = dominant_colours(pixels(Image.new("RGB", (64, 64), (250, 128, 114))))

    assert len(colours) == 1
    assert colours[0].name == "salmon"
    assert colours[0].share == 1.0


def test_nearly_equal_colours_merge_into_one():
    noise = np.random.default_rng(3).integers(-1, 2, size=(4000, 3))
    colours = dominant_colours(np.clip(np.array([120, 60, 200]) + noise, 0, 255).astype(np.uint8))

    assert len(colours) == 1


def test_a_photo_like_image_gives_five_ranked_colours_whose_shares_sum_to_one():
    colours = dominant_colours(pixels(smooth_pattern(160, 120, seed=4)))

    assert len(colours) == 5
    assert sum(c.share for c in colours) == pytest.approx(1.0)
    assert [c.share for c in colours] == sorted((c.share for c in colours), reverse=True)
    assert len({c.hex for c in colours}) == 5


def test_no_visible_pixels_give_no_colours():
    assert dominant_colours(np.zeros((0, 3), dtype=np.uint8)) == []


def test_the_result_is_the_same_every_time():
    sample = pixels(smooth_pattern(120, 90, seed=9))

    assert dominant_colours(sample) == dominant_colours(sample)


def test_the_palette_has_all_148_css_names():
    names = [name for name, _ in CSS_COLOURS]

    assert len(names) == len(set(names)) == 148
    assert {"rebeccapurple", "grey", "gray", "lightgoldenrodyellow"} <= set(names)


@pytest.mark.parametrize(
    ("rgb", "name"),
    [((255, 0, 0), "red"), ((128, 128, 128), "grey"), ((0, 0, 130), "navy"), ((245, 245, 245), "whitesmoke")],
)
def test_a_colour_is_named_after_the_nearest_css_colour(rgb, name):
    assert nearest_css_name(rgb) == name


@pytest.mark.parametrize(
    ("rgb", "family"),
    [
        ((220, 20, 60), "red"),
        ((255, 140, 0), "orange"),
        ((255, 215, 0), "yellow"),
        ((34, 139, 34), "green"),
        ((30, 144, 255), "blue"),
        ((128, 0, 128), "purple"),
        ((255, 182, 193), "pink"),
        ((139, 69, 19), "brown"),
        ((10, 10, 12), "black"),
        ((120, 122, 125), "grey"),
        ((248, 248, 255), "white"),
    ],
)
def test_each_family_has_a_typical_member(rgb, family):
    assert colour_family(rgb) == family


def test_lab_conversion_matches_reference_values():
    assert srgb_to_lab((255, 255, 255)) == pytest.approx([100.0, 0.0, 0.0], abs=0.01)
    assert srgb_to_lab(np.array([255, 0, 0], dtype=np.uint8)) == pytest.approx(
        [53.24, 80.09, 67.20], abs=0.05
    )
