import pytest
from PIL import Image

from gallery.analysis.features import HISTOGRAM_LENGTH, colour_histogram, hamming_distance, perceptual_hash
from tests.support.images import smooth_pattern, split_image


def test_the_histogram_sums_to_one():
    histogram = colour_histogram(smooth_pattern(seed=1))

    assert len(histogram) == HISTOGRAM_LENGTH == 112
    assert sum(histogram) == pytest.approx(1.0)
    assert all(value >= 0 for value in histogram)


def test_a_solid_grey_falls_into_one_grey_bin():
    histogram = colour_histogram(Image.new("RGB", (20, 20), (128, 128, 128)))

    assert histogram[108:] == [0.0, 0.0, 1.0, 0.0]


def test_red_and_blue_fill_different_hue_bins():
    histogram = colour_histogram(split_image(100, 50))

    assert sorted(value for value in histogram if value)[-2:] == [pytest.approx(0.5), pytest.approx(0.5)]
    assert histogram[108:] == [0.0, 0.0, 0.0, 0.0]


def test_a_resized_copy_has_nearly_the_same_hash():
    original = smooth_pattern(400, 300, seed=5)
    copy = original.resize((133, 100), Image.Resampling.LANCZOS)

    assert hamming_distance(perceptual_hash(original), perceptual_hash(copy)) <= 4


def test_a_different_picture_has_a_distant_hash():
    first = perceptual_hash(smooth_pattern(seed=5))
    second = perceptual_hash(smooth_pattern(seed=6))

    assert hamming_distance(first, second) >= 16


def test_the_hash_is_sixteen_hex_digits():
    value = perceptual_hash(smooth_pattern(seed=2))

    assert len(value) == 16
    int(value, 16)


def test_hamming_distance_counts_differing_bits():
    assert hamming_distance("0000000000000000", "000000000000000f") == 4
    assert hamming_distance("ffffffffffffffff", "ffffffffffffffff") == 0
