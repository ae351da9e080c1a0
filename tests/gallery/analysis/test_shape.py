import pytest

from gallery.analysis.shape import orientation, size_class


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (1000, 1000, "square"),
        (1050, 1000, "square"),
        (1000, 1050, "square"),
        (1051, 1000, "landscape"),
        (1000, 1051, "portrait"),
        (4000, 3000, "landscape"),
        (3000, 4000, "portrait"),
    ],
)
def test_orientation_allows_five_percent_for_square(width, height, expected):
    assert orientation(width, height) == expected


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (479, 300, "thumbnail"),
        (480, 300, "small"),
        (300, 1279, "small"),
        (1280, 720, "medium"),
        (2999, 2000, "medium"),
        (3000, 2000, "large"),
        (3000, 4000, "large"),
    ],
)
def test_size_class_goes_by_the_long_edge(width, height, expected):
    assert size_class(width, height) == expected
