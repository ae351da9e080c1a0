"""The visual descriptor tells textures and layouts apart, whatever their colours or lighting."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PIL import Image

from gallery.analysis.descriptor import DESCRIPTOR_LENGTH, describe, from_bytes, to_bytes
from tests.support.patterns import COLOUR_PAIRS, checkerboard, gradient, stripes

PATTERNS = {"stripes": stripes, "checkerboard": checkerboard, "gradient": gradient}


def test_it_gives_a_unit_float32_vector_of_the_documented_length() -> None:
    vector = describe(stripes(*COLOUR_PAIRS[0]))

    assert vector.dtype == np.float32
    assert vector.shape == (DESCRIPTOR_LENGTH,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


def test_each_pattern_is_nearest_to_the_same_pattern_in_other_colours() -> None:
    described = [
        (name, pair, describe(make(*pair))) for name, make in PATTERNS.items() for pair in COLOUR_PAIRS
    ]
    for name, pair, vector in described:
        others = [
            (other, float(vector @ theirs)) for other, their_pair, theirs in described if their_pair != pair
        ]
        same = min(similarity for other, similarity in others if other == name)
        different = max(similarity for other, similarity in others if other != name)
        assert same > different, f"{name} in {pair} is closer to another pattern than to itself"


def test_a_pattern_in_other_colours_is_closer_than_another_pattern_in_the_same_colours() -> None:
    for dark, light in COLOUR_PAIRS:
        stripe = describe(stripes(dark, light))
        recoloured = describe(stripes(*COLOUR_PAIRS[(COLOUR_PAIRS.index((dark, light)) + 1) % 4]))
        for other in (checkerboard, gradient):
            assert stripe @ recoloured > stripe @ describe(other(dark, light))


def test_orientation_counts_vertical_stripes_differ_from_horizontal_ones() -> None:
    vertical = stripes(*COLOUR_PAIRS[0])
    horizontal = vertical.transpose(Image.Transpose.ROTATE_90).resize(vertical.size)
    recoloured_vertical = stripes(*COLOUR_PAIRS[2])

    assert describe(vertical) @ describe(recoloured_vertical) > describe(vertical) @ describe(horizontal)


def test_a_darker_or_flatter_copy_describes_almost_the_same() -> None:
    picture = checkerboard(*COLOUR_PAIRS[1])
    dimmer = Image.fromarray((np.asarray(picture, dtype=np.float64) * 0.4 + 30).astype(np.uint8), "RGB")

    assert describe(picture) @ describe(dimmer) > 0.98


def test_the_shape_of_the_frame_and_the_mode_do_not_break_it() -> None:
    for picture in (
        Image.new("L", (3, 700), 128),
        Image.new("RGBA", (1024, 20), (0, 0, 0, 0)),
        gradient(*COLOUR_PAIRS[0]).convert("P"),
    ):
        vector = describe(picture)
        assert vector.shape == (DESCRIPTOR_LENGTH,)
        assert np.isfinite(vector).all()


def test_stored_bytes_read_back_to_the_same_cosines() -> None:
    vectors = [describe(make(*pair)) for make, pair in itertools.product(PATTERNS.values(), COLOUR_PAIRS[:2])]
    restored = [from_bytes(to_bytes(vector)) for vector in vectors]

    assert all(vector.dtype == np.float32 and vector.shape == (DESCRIPTOR_LENGTH,) for vector in restored)
    for (a, b), (c, d) in zip(
        itertools.combinations(vectors, 2), itertools.combinations(restored, 2), strict=True
    ):
        assert float(c @ d) == pytest.approx(float(a @ b), abs=2e-3)
    assert from_bytes(b"").shape == (0,)
    assert from_bytes(None).shape == (0,)
