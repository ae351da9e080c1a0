"""Camera EXIF read with Pillow into plain, JSON-safe data.

`raw` holds every tag of IFD0 and the Exif sub-IFD by its PIL.ExifTags name, and the GPS sub-IFD as a
nested dict under "GPSInfo" with GPSTAGS names. Values are made JSON-safe: rationals become floats
(NaN and infinities, e.g. a 0/0 rational, are dropped), tuples become lists, bytes become text when they
are printable (an EXIF "ASCII\\0\\0\\0" charset prefix is removed) or short hex when not, strings lose NULs
and surrounding spaces. Dropped: MakerNote (vendor binary), embedded thumbnails, IFD pointers, tags
Pillow has no name for, and values longer than ``MAX_VALUE_LENGTH`` characters.

The camera fields keep only values a camera could write and the database can hold: a date taken
between 1826 and tomorrow (gallery.analysis.dates), an ISO up to ``MAX_ISO`` (the largest value the
ISO column holds; real cameras stop near 10 million), and exposure, aperture and focal length within
``EXPOSURE_SECONDS``, ``F_NUMBERS`` and ``FOCAL_LENGTHS_MM``. A dropped date is named in `warning`;
the other values are simply left out (they stay in `raw`).

An unreadable EXIF block is not an error: the result carries a `warning` and empty fields.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

from PIL import Image, TiffImagePlugin
from PIL.ExifTags import GPSTAGS, IFD, TAGS

from gallery.analysis.dates import implausible_date_warning, is_plausible_taken_at
from gallery.analysis.makernotes import makernote_iso, makernote_lens, note_in_block
from gallery.analysis.result import ExifData

MAX_VALUE_LENGTH: Final = 2000
MAX_ISO: Final = 2**31 - 1  # the largest PositiveIntegerField value on every database
EXPOSURE_SECONDS: Final = (1e-9, 1e6)  # a nanosecond to eleven days
F_NUMBERS: Final = (0.1, 10_000.0)
FOCAL_LENGTHS_MM: Final = (0.1, 1e6)
ALTITUDES_M: Final = (-12_000.0, 100_000.0)  # the deepest ocean to the edge of space
_SHORT_HEX_BYTES: Final = 32
_DROPPED_TAGS: Final = frozenset(
    {
        "MakerNote",
        "ExifOffset",
        "GPSInfo",
        "InteropOffset",
        "JpegIFOffset",
        "JpegIFByteCount",
        "JPEGInterchangeFormat",
        "JPEGInterchangeFormatLength",
        "PrintImageMatching",
        "StripOffsets",
        "StripByteCounts",
        "TileOffsets",
        "TileByteCounts",
    }
)
_CHARSET_PREFIXES: Final = (b"ASCII\0\0\0", b"UNICODE\0", b"JIS\0\0\0\0\0", b"\0" * 8)
_DATE_FORMAT: Final = "%Y:%m:%d %H:%M:%S"


def exif_from_bytes(data: bytes) -> ExifData:
    """Parse a raw EXIF block (with or without the "Exif\\0\\0" prefix); never raises."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exif = Image.Exif()
            exif.load(data)
            result = parse_exif(exif, tiff=data.removeprefix(b"Exif\0\0"))
    except Exception as error:  # Pillow raises many kinds of error on malformed EXIF; none may stop us.
        return ExifData(warning=_unreadable(error))
    if not caught:
        return result
    if not result.raw:
        return ExifData(warning=_unreadable(caught[0].message))
    partly = f"EXIF block partly unreadable ({caught[0].message}); kept the rest"
    return replace(result, warning=_joined(partly, result.warning))


def exif_from_image(image: Image.Image) -> ExifData:
    """Read the EXIF of an open image, from its raw block when it has one (JPEG, WebP, PNG)."""
    data = image.info.get("exif")
    if isinstance(data, bytes):
        return exif_from_bytes(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return parse_exif(image.getexif())
    except Exception as error:  # as above: a broken EXIF block is a warning, not a failure
        return ExifData(warning=_unreadable(error))


def parse_exif(exif: Image.Exif, *, now: datetime | None = None, tiff: bytes | None = None) -> ExifData:
    """The camera fields and the JSON-safe `raw` dict of a loaded `Image.Exif`.

    `now` (default: the current time) bounds the date taken; see gallery.analysis.dates. `tiff`, the EXIF
    block the tags were loaded from, lets a maker note's values stored outside it be read (makernotes.py).
    """
    base = dict(exif)
    detail = dict(exif.get_ifd(IFD.Exif))
    gps = dict(exif.get_ifd(IFD.GPSInfo))
    raw = _named(base, TAGS) | _named(detail, TAGS)
    gps_raw = _named(gps, GPSTAGS)
    if gps_raw:
        raw["GPSInfo"] = gps_raw
    tags = base | detail  # the Exif IFD wins where both carry a tag (DateTimeOriginal, ISO, ...)
    make = _text(tags.get(0x010F))[:100]
    note = note_in_block(_bytes(detail.get(0x927C)), tiff)
    latitude, longitude = gps_coordinates(gps)
    moment = taken_at(tags)
    date_warning = ""
    if moment is not None and not is_plausible_taken_at(moment, now=now or datetime.now(UTC)):
        date_warning = implausible_date_warning(moment)
        moment = None
    return ExifData(
        taken_at=moment,
        taken_at_offset=taken_at_offset(tags) if moment is not None else None,
        camera_make=make,
        camera_model=_text(tags.get(0x0110))[:100],
        lens=(_text(tags.get(0xA434)) or _text(makernote_lens(make, note)))[:200],
        iso=_iso(tags) or _within_iso(makernote_iso(make, note)),
        f_number=_within(_positive(tags.get(0x829D)), F_NUMBERS),
        exposure_time=_within(_positive(tags.get(0x829A)), EXPOSURE_SECONDS),
        focal_length=_within(_positive(tags.get(0x920A)), FOCAL_LENGTHS_MM),
        gps_latitude=latitude,
        gps_longitude=longitude,
        gps_altitude=gps_altitude(gps),
        orientation_tag=_orientation(base.get(0x0112)),
        raw=raw,
        warning=date_warning,
    )


def taken_at(tags: dict[int, Any]) -> datetime | None:
    """DateTimeOriginal (else DateTime) with its OffsetTime* when present, else taken as UTC."""
    for date_tag, offset_tag in ((0x9003, 0x9011), (0x0132, 0x9010)):
        moment = _parse_date(_text(tags.get(date_tag)), _text(tags.get(offset_tag)))
        if moment is not None:
            return moment
    return None


def taken_at_offset(tags: dict[int, Any]) -> int | None:
    """The time-zone offset the camera recorded with the date taken (EXIF 2.31 OffsetTimeOriginal, or
    OffsetTime with DateTime), in minutes east of UTC; None when it recorded none."""
    for date_tag, offset_tag in ((0x9003, 0x9011), (0x0132, 0x9010)):
        if _parse_date(_text(tags.get(date_tag)), "") is not None:
            zone = _stated_offset(_text(tags.get(offset_tag)))
            return None if zone is None else int(zone.total_seconds() // 60)
    return None


def gps_coordinates(gps: dict[int, Any]) -> tuple[float | None, float | None]:
    """Signed decimal degrees (south and west negative) from the GPS IFD, or None where unusable."""
    latitude = _degrees(gps.get(2), _text(gps.get(1)), negative="S", limit=90)
    longitude = _degrees(gps.get(4), _text(gps.get(3)), negative="W", limit=180)
    return latitude, longitude


def gps_altitude(gps: dict[int, Any]) -> float | None:
    """Metres above sea level (negative below it, GPSAltitudeRef 1), or None where unusable."""
    metres = _float(gps.get(6))
    if metres is None or metres < 0:
        return None
    below = gps.get(5) in (1, b"\x01")
    return _within(-metres if below else metres, ALTITUDES_M)


def json_safe(value: Any) -> Any:
    """A JSON-safe copy of an EXIF value, or None when it has no faithful JSON form."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, TiffImagePlugin.IFDRational | float):
        number = _float(value)
        return number
    if isinstance(value, str):
        text = value.replace("\0", "").strip()
        return text if len(text) <= MAX_VALUE_LENGTH else None
    if isinstance(value, bytes):
        return _bytes_value(value)
    if isinstance(value, tuple | list):
        items = [json_safe(item) for item in value]
        return items if all(item is not None for item in items) else None
    if isinstance(value, dict):
        return {
            str(key): item for key, item in ((k, json_safe(v)) for k, v in value.items()) if item is not None
        }
    return None


def _named(tags: dict[int, Any], names: dict[int, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for number, value in tags.items():
        name = names.get(number)
        if name is None or name in _DROPPED_TAGS:
            continue
        safe = json_safe(value)
        if safe is not None and safe != "":
            raw[name] = safe
    return raw


def _bytes_value(value: bytes) -> str | None:
    for prefix in _CHARSET_PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    text = value.rstrip(b"\0")
    try:
        decoded = text.decode("utf-8").strip()
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None and decoded.isprintable() and len(decoded) <= MAX_VALUE_LENGTH:
        return decoded
    if len(value) <= _SHORT_HEX_BYTES:
        return value.hex()
    return None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _positive(value: Any) -> float | None:
    if isinstance(value, tuple | list):
        value = value[0] if value else None
    number = _float(value)
    return number if number is not None and number > 0 else None


def _text(value: Any) -> str:
    """A camera field as shown on pages and charts: control and other unprintable characters are
    dropped (XML forbids most of them, so one would make every SVG chart naming the camera unreadable),
    other whitespace becomes a space."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return ""
    kept = (" " if char.isspace() else char for char in value if char.isprintable() or char.isspace())
    return " ".join("".join(kept).split())


def _iso(tags: dict[int, Any]) -> int | None:
    # 0x8827 is ISOSpeedRatings (PhotographicSensitivity since EXIF 2.3); 0x8833 is ISOSpeed.
    for tag in (0x8827, 0x8833):
        number = _within_iso(_positive(tags.get(tag)))
        if number is not None:
            return number
    return None


def _within_iso(number: float | None) -> int | None:
    # Over MAX_ISO the row could not be saved and the photo would stay "pending" for good.
    return int(number) if number is not None and 0 < number <= MAX_ISO else None


def _bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else b""


def _within(number: float | None, bounds: tuple[float, float]) -> float | None:
    low, high = bounds
    return number if number is not None and low <= number <= high else None


def _orientation(value: Any) -> int:
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _parse_date(text: str, offset: str) -> datetime | None:
    try:
        moment = datetime.strptime(text[:19], _DATE_FORMAT)
    except ValueError:  # empty, or the "0000:00:00 00:00:00" some cameras write
        return None
    return moment.replace(tzinfo=_offset(offset))


def _offset(text: str) -> timezone:
    stated = _stated_offset(text)
    return UTC if stated is None else timezone(stated)


def _stated_offset(text: str) -> timedelta | None:
    """An EXIF offset such as "+02:00" or "-05:30"; None when absent or impossible."""
    try:
        sign = -1 if text[0] == "-" else 1
        hours, minutes = int(text[1:3]), int(text[4:6])
    except (IndexError, ValueError):
        return None
    if text[0] not in "+-" or hours > 14 or minutes > 59:
        return None
    return sign * timedelta(hours=hours, minutes=minutes)


def _degrees(dms: Any, reference: str, *, negative: str, limit: float) -> float | None:
    """Degrees, minutes and seconds (or, as some writers store it, one decimal value) to signed degrees."""
    if isinstance(dms, tuple | list) and len(dms) == 3:
        parts = [_float(part) for part in dms]
        if any(part is None or part < 0 for part in parts):
            return None
        degrees, minutes, seconds = (part or 0.0 for part in parts)
        value: float | None = degrees + minutes / 60 + seconds / 3600
    else:
        value = _positive(dms) if not isinstance(dms, tuple | list) else None
    if value is None or value > limit:
        return None
    return -value if reference.upper().startswith(negative) else value


def _joined(*warnings: str) -> str:
    return "; ".join(warning for warning in warnings if warning)


def _unreadable(error: object) -> str:
    return f"EXIF block could not be read ({error}); analysed without it"
