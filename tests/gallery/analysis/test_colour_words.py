"""CSS colour names shown as words, so that "mediumturquoise" wraps instead of overflowing."""

from __future__ import annotations

import pytest

from gallery.analysis.palette import CSS_COLOURS, colour_words


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("mediumturquoise", "medium turquoise"),
        ("darkolivegreen", "dark olive green"),
        ("lightgoldenrodyellow", "light goldenrod yellow"),
        ("mediumseagreen", "medium sea green"),
        ("seashell", "seashell"),
        ("red", "red"),
        ("chartreuse", "chartreuse"),  # not made of known words: as it is
    ],
)
def test_names_split_into_their_words(name, words):
    assert colour_words(name) == words


def test_every_css_name_keeps_its_letters_in_order():
    for name, _ in CSS_COLOURS:
        assert colour_words(name).replace(" ", "") == name


def test_no_css_name_leaves_a_word_longer_than_twelve_letters():
    longest = max(len(word) for name, _ in CSS_COLOURS for word in colour_words(name).split())
    assert longest <= 12
