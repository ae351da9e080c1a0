"""Fuzz the whole way from file to page: Hypothesis writes EXIF (and an XMP packet) into JPEGs made
with Pillow, sometimes corrupts bytes of the EXIF block so tags arrive with types and counts no camera
writes, runs the real analysis, then fetches every page and chart that shows the photo. No value a
file can carry may make a page answer 500 or leave the photo pending.

The analysis reads EXIF only (XMP and IPTC are not read), so the XMP packet is there to prove it is
ignored safely. Runtime: the "unit" profile runs 30 examples; set IMGSITE_FUZZ_PROFILE=long for 400.
"""

from __future__ import annotations

import io
import os
import struct
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from PIL.TiffImagePlugin import IFDRational

from gallery.models import AnalysisStatus
from tests.factories import make_user
from tests.support.images import encode
from tests.support.photo_pages import (
    EXIF_CHARTS,
    jpeg_with_tags,
    statuses_of_pages_showing,
    store_and_analyse,
)

pytestmark = pytest.mark.django_db

for name, examples in (("unit", 30), ("long", 400)):
    settings.register_profile(
        name,
        max_examples=examples,
        deadline=None,  # one example renders a dozen pages; its time says nothing about the code
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
FUZZ = settings.get_profile(os.environ.get("IMGSITE_FUZZ_PROFILE", "unit"))

# Text a file can carry: any code point (NUL, surrogates excluded only where Pillow cannot write them).
texts = st.text(max_size=120) | st.sampled_from(["$\\frac{a$", "$x^2$", "\0", "<script>", "{{ x }}", "%s"])
exif_dates = st.one_of(
    st.tuples(
        st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)
    ).map(lambda t: f"{t[0]:04d}:{t[1]:02d}:{t[2]:02d} {t[3]:02d}:{t[4]:02d}:00"),
    st.sampled_from(["9999:12:31 23:59:59", "0001:01:01 00:00:00", "1826:01:01 00:00:00"]),
    texts,
)
offsets = st.from_regex(r"[+-][0-9]{2}:[0-9]{2}", fullmatch=True) | texts
numbers = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(2**31), 2**32 - 1)
# Numerator and denominator as a file stores them, 0/0 and n/0 included.
rationals = numbers | st.builds(IFDRational, st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
whole = st.integers(0, 2**32 - 1)
# GPS degrees, minutes and seconds must be unsigned rationals for Pillow to write them.
unsigned = st.builds(IFDRational, st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
dms = st.tuples(unsigned, unsigned, unsigned) | st.tuples(
    st.floats(0, 1e9), st.floats(0, 1e9), st.floats(0, 1e9)
)


@st.composite
def exif_tags(draw: st.DrawFn) -> tuple[dict[int, Any], dict[int, Any], dict[int, Any]]:
    base = {
        0x010F: draw(texts),  # Make
        0x0110: draw(texts),  # Model
        0x010E: draw(texts),  # ImageDescription
        0x013B: draw(texts),  # Artist
        0x8298: draw(texts),  # Copyright
        0x0112: draw(st.integers(0, 65535)),  # Orientation
        0x0132: draw(exif_dates),  # DateTime
    }
    exif = {
        0x9003: draw(exif_dates),  # DateTimeOriginal
        0x9011: draw(offsets),  # OffsetTimeOriginal
        0x8827: draw(whole),  # ISOSpeedRatings
        0x8833: draw(whole),  # ISOSpeed
        0x829D: draw(rationals),  # FNumber
        0x829A: draw(rationals),  # ExposureTime
        0x920A: draw(rationals),  # FocalLength
        0xA434: draw(texts),  # LensModel
    }
    gps = {1: draw(texts), 2: draw(dms), 3: draw(texts), 4: draw(dms)}
    return base, exif, gps


@st.composite
def hostile_jpegs(draw: st.DrawFn) -> bytes:
    base, exif, gps = draw(exif_tags())
    xmp = draw(texts).encode("utf-8", "surrogatepass")
    try:
        data = jpeg_with_tags(
            base, exif, gps, xmp=b"<x:xmpmeta><dc:title>" + xmp + b"</dc:title></x:xmpmeta>"
        )
    except (ValueError, TypeError, OverflowError, UnicodeError, SystemError, struct.error):
        reject()  # Pillow cannot write this value; byte corruption below reaches such files instead
    flips = draw(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6))
    return corrupt_exif(data, flips)


def corrupt_exif(jpeg: bytes, flips: list[tuple[int, int]]) -> bytes:
    """Overwrite bytes inside the EXIF block only, so the JPEG still decodes but its tags do not."""
    if not flips:
        return jpeg
    with PILImage.open(io.BytesIO(jpeg)) as image:
        block = bytearray(image.info.get("exif", b""))
        if len(block) <= 14:
            return jpeg
        for position, value in flips:
            block[14 + position % (len(block) - 14)] = value  # past "Exif\0\0" and the TIFF header
        return encode(image.convert("RGB"), "JPEG", exif=bytes(block), quality=85)


@FUZZ
@given(jpeg=hostile_jpegs())
def test_no_value_a_photo_file_carries_makes_a_page_fail_or_leaves_the_photo_pending(jpeg: bytes) -> None:
    with transaction.atomic():
        image = store_and_analyse(jpeg)
        viewer = make_user(username="fuzz-viewer", is_staff=True, is_superuser=True)

        statuses = statuses_of_pages_showing(image, viewer, charts=EXIF_CHARTS, profile_charts=())

        assert image.status == AnalysisStatus.DONE, image.analysis_error
        assert {url: code for url, code in statuses.items() if code != 200} == {}
        transaction.set_rollback(True)  # each example starts from an empty collection
