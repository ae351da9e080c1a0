"""Hypothesis strategies for photo files a hostile uploader could make: JPEGs made with Pillow whose
EXIF holds generated text, dates, offsets, numbers and GPS values (and an XMP packet), with some bytes
of the EXIF block overwritten so tags also arrive with types and counts no camera writes."""

from __future__ import annotations

import io
import struct
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st
from PIL import Image as PILImage
from PIL.TiffImagePlugin import IFDRational

from tests.support.images import encode
from tests.support.photo_pages import jpeg_with_tags

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
