"""One crafted photo must never take a page down: each value below once did (issue 9, section 1)."""

from __future__ import annotations

import pytest

from gallery.models import AnalysisStatus
from tests.factories import make_user
from tests.support.photo_pages import broken_pages_showing, jpeg_with_tags, store_and_analyse

pytestmark = pytest.mark.django_db

MAKE, MODEL, DATE_ORIGINAL, OFFSET_ORIGINAL, ISO = 0x010F, 0x0110, 0x9003, 0x9011, 0x8827


@pytest.mark.parametrize(
    ("date", "offset"), [("9999:12:31 23:59:59", "-14:00"), ("0001:01:01 00:00:00", "+14:00")]
)
def test_a_date_outside_the_photographic_era_is_dropped_with_a_warning_and_every_page_renders(
    date: str, offset: str
) -> None:
    data = jpeg_with_tags({MAKE: "Canon"}, {DATE_ORIGINAL: date, OFFSET_ORIGINAL: offset})

    image = store_and_analyse(data)

    assert image.status == AnalysisStatus.DONE
    assert image.taken_at is None
    assert "outside 1826 to tomorrow" in image.analysis_error
    assert broken_pages_showing(image, make_user(is_staff=True, is_superuser=True)) == {}


def test_an_iso_above_two_to_the_31_is_left_out_and_the_photo_is_analysed() -> None:
    image = store_and_analyse(jpeg_with_tags({MAKE: "Canon"}, {ISO: 2**32 - 1}))

    assert image.status == AnalysisStatus.DONE
    assert image.iso is None
    assert image.exif["ISOSpeedRatings"] == 2**32 - 1  # still there for staff, just not as the ISO


def test_a_camera_named_like_mathtext_is_drawn_as_written_on_the_stats_charts(client) -> None:
    image = store_and_analyse(jpeg_with_tags({MAKE: "$\\foo{$", MODEL: "$x^2$ Mark II"}))

    broken = broken_pages_showing(image, make_user(is_staff=True, is_superuser=True))

    assert broken == {}
    assert "$x^2$ Mark II" in client.get("/stats/camera-models.svg").content.decode()


@pytest.mark.parametrize("url", ["/users/%00/profile/", "/users/a%00b/profile/likes.svg"])
def test_a_nul_byte_in_a_username_is_not_found(client, url: str) -> None:
    make_user(username="a")

    assert client.get(url).status_code == 404


def test_control_characters_in_a_camera_name_are_dropped_so_the_charts_stay_well_formed() -> None:
    image = store_and_analyse(jpeg_with_tags({MAKE: "Can\x08on\x1b", MODEL: "EOS\x01 5D"}))

    assert (image.camera_make, image.camera_model) == ("Canon", "EOS 5D")
    assert broken_pages_showing(image, make_user(is_staff=True, is_superuser=True)) == {}
