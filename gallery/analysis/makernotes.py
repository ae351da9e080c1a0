"""The ISO speed (and Canon's lens name) from a camera maker's notes, for files whose EXIF IFD lacks them.

Many compacts (Canon PowerShot/IXUS, Casio, Kodak, Pentax, older Nikon Coolpix) write the ISO only in
their MakerNote, a vendor block inside the Exif IFD. No maintained permissive Python library reads all
of them: exifread (BSD) has no Pentax, Kodak or Panasonic tables and leaves Canon's ISO as two raw
numbers; exiv2's Python binding reads them all but is GPL-3.0. So the layouts below are read here, each
as exiftool (the reference, `Image::ExifTool::<Maker>` and `MakerNotes.pm`) documents it:

| maker | header (bytes at the note's start) | IFD at | ISO |
| --- | --- | --- | --- |
| Canon | none | 0 | CameraSettings (0x0001) int16s[16]: 0x4000 flag + value, or a 16..20 code; else ShotInfo (0x0004) BaseISO [2] x AutoISO [1] / 100, each 2^(v/32) scaled |
| Nikon | `Nikon\\0\\2` + TIFF header at 10 (offsets from it), or none | 8 after the inner header | 0x0002 int16u[2], the second |
| Pentax | `AOC\\0` + byte order, `PENTAX \\0` + byte order, or none (Asahi) | 6, 10, 0 | 0x0014 int16u, a step code (table) |
| Casio | none (type 1), or `QVC\\0` / `DCI\\0` (type 2) | 0, 6 | type 1: 0x0014 int16u, the ISO; type 2: 0x0014, a code 3/4/6/9, else 0x3014, the ISO |
| Kodak | `KDK` (`KDK INFO` big-endian, else little) | binary | int16u at byte 8 + 0x60 |
| Olympus | `OLYMP\\0` / `EPSON\\0`, `OLYMPUS\\0` + byte order, `OM SYSTEM\\0` + byte order | 8, 12, 16 | 0x1001 ISOValue rational: 100 x 2^(v-5) |
| Panasonic | `Panasonic\\0\\0\\0` | 12 | 0x00d1 int32u |
| Sony | `SONY DSC ` / `SONY CAM ` / `SONY MOBILE` | 12 | 0x0020 FocusInfo (19148 or 19154 bytes, A200-A900): byte 0x6f, 100 x 2^(v/8-6) |
| Fujifilm | `FUJIFILM` | | none: Fujifilm's notes hold no ISO (exiftool defines no ISO tag for them) |

Offsets inside a note count from the start of the EXIF TIFF header, except where a header brings its own
(Nikon type 3, Olympus type 2 and 3). Values that fit in four bytes sit in the entry itself, so ISO
codes read from the note alone; arrays and rationals need the whole EXIF block. Anything that does not
parse gives None: a maker note is never a reason to reject or warn about a photo.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeAlias

MAX_ENTRIES: Final = 512  # real maker notes hold under 300; more means we are not reading an IFD
_TYPE_SIZES: Final = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
_CANON_ISO_CODES: Final = {16: 50, 17: 100, 18: 200, 19: 400, 20: 800}
_CASIO_TYPE2_CODES: Final = {3: 50, 4: 64, 6: 100, 9: 200}
# fmt: off
_PENTAX_THIRD_STOPS: Final = (  # codes 3..45
    50, 64, 80, 100, 125, 160, 200, 250, 320, 400, 500, 640, 800, 1000, 1250, 1600, 2000, 2500, 3200, 4000,
    5000, 6400, 8000, 10000, 12800, 16000, 20000, 25600, 32000, 40000, 51200, 64000, 80000, 102400, 128000,
    160000, 204800, 256000, 320000, 409600, 512000, 640000, 819200,
)
_PENTAX_HALF_STOPS: Final = (  # codes 258..286
    50, 70, 100, 140, 200, 280, 400, 560, 800, 1100, 1600, 2200, 3200, 4500, 6400, 9000, 12800, 18000, 25600,
    36000, 51200, 72000, 102400, 144000, 204800, 288000, 409600, 576000, 819200,
)
# fmt: on
_PENTAX_ISO_CODES: Final = {
    **dict(zip(range(3, 46), _PENTAX_THIRD_STOPS, strict=True)),
    **{value: value for value in (50, 100, 200, 400, 800, 1600, 3200)},  # Optio 330/430 write the ISO itself
    **dict(zip(range(258, 287), _PENTAX_HALF_STOPS, strict=True)),
}
_ASAHI_ISO_CODES: Final = {
    10: 100,
    16: 200,
    **{value: value for value in (50, 100, 200, 400, 800, 1600, 3200)},
}
_SONY_FOCUS_INFO_SIZES: Final = (19148, 19154)


@dataclass(frozen=True)
class Entry:
    type: int
    count: int
    value: bytes
    order: str  # struct byte order, "<" or ">"

    def numbers(self) -> tuple[float, ...]:
        """The entry's values as numbers (rationals divided out); empty for text and unknown types."""
        formats = {3: "H", 4: "I", 8: "h", 9: "i", 6: "b", 1: "B", 7: "B"}
        if self.type in formats:
            return struct.unpack(f"{self.order}{self.count}{formats[self.type]}", self.value)
        if self.type in (5, 10):
            kind = "I" if self.type == 5 else "i"
            pairs = struct.unpack(f"{self.order}{2 * self.count}{kind}", self.value)
            return tuple(top / bottom for top, bottom in zip(pairs[::2], pairs[1::2], strict=True) if bottom)
        return ()

    def text(self) -> str:
        return self.value.split(b"\0", 1)[0].decode("latin-1").strip()


@dataclass(frozen=True)
class Note:
    """A maker note and where it lies in its EXIF TIFF block (`data`), so that offsets can be followed."""

    data: bytes  # the TIFF block (from its II/MM header), or the note alone when the block is unknown
    at: int  # where the note starts in `data`
    order: str  # the EXIF block's byte order, the default for notes that do not say theirs
    whole_block: bool  # False: offsets outside the note cannot be followed

    @property
    def body(self) -> bytes:
        return self.data[self.at :]


_Reader: TypeAlias = Callable[[Note], int | None]


def note_in_block(note: bytes, tiff: bytes | None) -> Note:
    """Locate `note` inside the EXIF TIFF block `tiff` (as Pillow hands both over separately)."""
    order = "<"
    if tiff and tiff[:2] in (b"II", b"MM"):
        order = "<" if tiff[:2] == b"II" else ">"
        at = tiff.find(note) if note else -1
        if at >= 0:
            return Note(data=tiff, at=at, order=order, whole_block=True)
    return Note(data=note, at=0, order=order, whole_block=False)


def makernote_iso(make: str, note: Note) -> int | None:
    """The ISO speed the maker's note records, or None when it has none or cannot be read."""
    reader = _reader_for(make.strip().lower(), note.body)
    if reader is None:
        return None
    try:
        iso = reader(note)
    except (struct.error, ValueError, OverflowError, ZeroDivisionError):
        return None
    return iso if iso is not None and 0 < iso < 2**31 else None


def makernote_lens(make: str, note: Note) -> str:
    """The lens name Canon writes in its notes (tag 0x0095) when the EXIF LensModel is missing."""
    if not make.strip().lower().startswith("canon"):
        return ""
    try:
        entry = read_ifd(note.data, note.at, _guess_order(note.data, note.at, note.order), base=0).get(0x0095)
    except (struct.error, ValueError):
        return ""
    return entry.text() if entry is not None and entry.type == 2 else ""


def read_ifd(data: bytes, start: int, order: str, *, base: int | None) -> dict[int, Entry]:
    """The entries of the TIFF IFD at `data[start:]`; values stored elsewhere are read at `base` + their
    offset, and left out when `base` is None or they lie outside `data`."""
    (count,) = struct.unpack_from(f"{order}H", data, start)
    if not 0 < count <= MAX_ENTRIES:
        return {}
    entries: dict[int, Entry] = {}
    for index in range(count):
        at = start + 2 + 12 * index
        if at + 12 > len(data):
            break
        tag, kind, number = struct.unpack_from(f"{order}HHI", data, at)
        size = _TYPE_SIZES.get(kind, 0) * number
        if size == 0:
            continue
        if size <= 4:
            value = data[at + 8 : at + 8 + size]
        elif base is None:
            continue
        else:
            (offset,) = struct.unpack_from(f"{order}I", data, at + 8)
            value = data[base + offset : base + offset + size]
            if len(value) < size:
                continue
        entries[tag] = Entry(type=kind, count=number, value=value, order=order)
    return entries


def _reader_for(make: str, body: bytes) -> _Reader | None:
    for test, reader in _READERS:
        if test(make, body):
            return reader
    return None


def _guess_order(data: bytes, start: int, default: str) -> str:
    """The byte order under which the IFD at `start` has a plausible entry count (exiftool's "Unknown")."""
    plausible = []
    for order in (default, "<" if default == ">" else ">"):
        (count,) = struct.unpack_from(f"{order}H", data, start)
        if 0 < count <= MAX_ENTRIES:
            plausible.append((count, order))
    return min(plausible)[1] if plausible else default


def _order_mark(mark: bytes, fallback: str) -> str:
    return {b"II": "<", b"MM": ">"}.get(mark, fallback)


def _plain_ifd(note: Note, offset: int, *, order: str | None = None) -> dict[int, Entry]:
    """An IFD `offset` bytes into the note whose outside values count from the TIFF header."""
    start = note.at + offset
    order = order or _guess_order(note.data, start, note.order)
    return read_ifd(note.data, start, order, base=0 if note.whole_block else None)


def _own_header_ifd(note: Note, header_at: int, ifd_at: int, order: str) -> dict[int, Entry]:
    """An IFD whose outside values count from `header_at` bytes into the note (its own TIFF header)."""
    body = note.body
    return read_ifd(body, ifd_at, order, base=header_at)


def _first(entry: Entry | None, index: int = 0) -> float | None:
    if entry is None:
        return None
    numbers = entry.numbers()
    return numbers[index] if len(numbers) > index else None


def _canon(note: Note) -> int | None:
    ifd = _plain_ifd(note, 0)
    settings = ifd.get(0x0001)
    if settings is not None and settings.type in (3, 8):
        values = struct.unpack(f"{settings.order}{settings.count}H", settings.value)
        code = values[16] if len(values) > 16 else 0
        if code != 0x7FFF and code & 0x4000:
            return code & 0x3FFF
        if code in _CANON_ISO_CODES:
            return _CANON_ISO_CODES[code]
    shot = ifd.get(0x0004)
    if shot is None or shot.type not in (3, 8) or shot.count < 3:
        return None
    auto_raw, base_raw = struct.unpack_from(f"{shot.order}2h", shot.value, 2)
    if not base_raw:
        return None
    base = math.exp(base_raw / 32 * math.log(2)) * 100 / 32
    auto = math.exp(auto_raw / 32 * math.log(2)) * 100
    return round(base * auto / 100)


def _nikon(note: Note) -> int | None:
    body = note.body
    if body.startswith(b"Nikon\0\x02"):
        order = _order_mark(body[10:12], "<")
        (ifd_at,) = struct.unpack_from(f"{order}I", body, 14)
        ifd = _own_header_ifd(note, 10, 10 + ifd_at, order)
    elif body.startswith(b"Nikon"):
        return None  # type 2 (Coolpix 700-990): no ISO tag
    else:
        ifd = _plain_ifd(note, 0)
    entry = ifd.get(0x0002)
    if entry is None or entry.value == b"\0\0\0\0":
        return None
    value = _first(entry, 1)
    return int(value) if value else None


def _pentax(note: Note) -> int | None:
    body = note.body
    if body.startswith(b"AOC\0"):
        ifd = _plain_ifd(note, 6, order=_order_mark(body[4:6], "") or None)
        codes = _PENTAX_ISO_CODES
    elif body.startswith(b"PENTAX \0"):
        ifd = _own_header_ifd(note, 0, 10, _order_mark(body[8:10], note.order))
        codes = _PENTAX_ISO_CODES
    else:  # Asahi's older notes start with the IFD itself
        ifd = _plain_ifd(note, 0)
        codes = _ASAHI_ISO_CODES
    code = _first(ifd.get(0x0014))
    return codes.get(int(code)) if code is not None else None


def _casio(note: Note) -> int | None:
    body = note.body
    if not body.startswith((b"QVC\0", b"DCI\0")):
        value = _first(_plain_ifd(note, 0).get(0x0014))  # type 1: the ISO itself
        return int(value) if value else None
    ifd = _plain_ifd(note, 6)
    code = _first(ifd.get(0x0014))
    # exiftool prefers the code's value; later models also write the ISO itself in 0x3014.
    if code is not None and int(code) in _CASIO_TYPE2_CODES:
        return _CASIO_TYPE2_CODES[int(code)]
    value = _first(ifd.get(0x3014))
    return int(value) if value else None


def _kodak(note: Note) -> int | None:
    body = note.body
    order = ">" if body.startswith(b"KDK INFO") else "<"
    (iso,) = struct.unpack_from(f"{order}H", body, 8 + 0x60)
    return iso or None


def _olympus(note: Note) -> int | None:
    body = note.body
    if body.startswith(b"OLYMPUS\0"):
        ifd = _own_header_ifd(note, 0, 12, _order_mark(body[8:10], note.order))
    elif body.startswith(b"OM SYSTEM\0"):
        ifd = _own_header_ifd(note, 0, 16, _order_mark(body[12:14], note.order))
    else:
        ifd = _plain_ifd(note, 8)
    value = _first(ifd.get(0x1001))
    return round(100 * 2 ** (value - 5)) if value is not None and abs(value) < 40 else None


def _panasonic(note: Note) -> int | None:
    value = _first(_plain_ifd(note, 12).get(0x00D1))
    return int(value) if value and value <= 0xFFFFFFF0 else None


def _sony(note: Note) -> int | None:
    info = _plain_ifd(note, 12).get(0x0020)
    if info is None or len(info.value) not in _SONY_FOCUS_INFO_SIZES:
        return None
    code = info.value[0x6F]
    return round(math.exp((code / 8 - 6) * math.log(2)) * 100) if code else None


_READERS: Final[tuple[tuple[Callable[[str, bytes], bool], _Reader], ...]] = (
    (lambda make, body: make.startswith("canon"), _canon),
    (lambda make, body: body.startswith(b"Nikon") or make.startswith("nikon"), _nikon),
    (lambda make, body: body.startswith((b"AOC\0", b"PENTAX \0")) or make.startswith("asahi"), _pentax),
    (lambda make, body: body.startswith((b"QVC\0", b"DCI\0")) or make.startswith("casio"), _casio),
    (lambda make, body: make.startswith("eastman kodak") and body.startswith(b"KDK"), _kodak),
    (lambda make, body: body.startswith((b"OLYMP\0", b"EPSON\0", b"OLYMPUS\0", b"OM SYSTEM\0")), _olympus),
    (lambda make, body: body.startswith(b"Panasonic\0"), _panasonic),
    (lambda make, body: body.startswith((b"SONY DSC ", b"SONY CAM ", b"SONY MOBILE")), _sony),
)
