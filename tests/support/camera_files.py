"""JPEGs laid out as cameras write them: an EXIF block with a maker's MakerNote, byte by byte.

Each maker's note follows the layout exiftool documents (Image::ExifTool::<Maker> and MakerNotes.pm),
so the tests read back a value put where that camera puts it, and bench/exif_agreement.py can ask
exiftool what it reads in the same files. Nothing here comes from a real camera file.

The EXIF block is big-endian ("MM") or little-endian ("II") as asked. Layout, offsets from the TIFF
header: 8 IFD0 (Make, Model, DateTime, ExifIFD pointer), then the Exif IFD (DateTimeOriginal,
MakerNote and, when given, ISOSpeedRatings), then the maker note at NOTE_AT, whose own out-of-line
values a maker's builder places knowing that offset.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image

NOTE_AT = 512  # where the maker note starts, from the TIFF header; the IFDs before it fit easily


@dataclass(frozen=True)
class Tag:
    number: int
    type: int  # TIFF type: 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 7 UNDEFINED, 8 SSHORT, 10 SRATIONAL
    values: Any  # bytes, str, a sequence of ints, or of (numerator, denominator) pairs
    placed_at: int | None = None  # the value is written elsewhere by the caller, at this offset


_FORMATS = {3: "H", 4: "I", 8: "h", 9: "i"}


def _payload(tag: Tag, order: str) -> tuple[int, bytes]:
    """(count, bytes) of a tag's value."""
    if tag.type == 2:
        text = tag.values.encode("latin-1") if isinstance(tag.values, str) else bytes(tag.values)
        return len(text) + 1, text + b"\0"
    if tag.type in (1, 7):
        data = tag.values if isinstance(tag.values, bytes) else bytes(tag.values)
        return len(data), data
    if tag.type in (5, 10):
        pairs = list(tag.values)
        kind = "I" if tag.type == 5 else "i"
        flat = [number for pair in pairs for number in pair]
        return len(pairs), struct.pack(f"{order}{len(flat)}{kind}", *flat)
    numbers = list(tag.values)
    return len(numbers), struct.pack(f"{order}{len(numbers)}{_FORMATS[tag.type]}", *numbers)


def ifd(tags: Sequence[Tag], *, order: str, at: int, base: int = 0, next_ifd: int = 0) -> bytes:
    """An IFD placed at offset `at` (counted from `base`, where its offsets count from), followed by the
    values that do not fit in an entry."""
    entries = sorted(tags, key=lambda tag: tag.number)
    head = struct.pack(f"{order}H", len(entries))
    extra = b""
    extra_at = at + 2 + 12 * len(entries) + 4
    for tag in entries:
        count, data = _payload(tag, order)
        if tag.placed_at is not None:
            field = struct.pack(f"{order}I", tag.placed_at)
        elif len(data) <= 4:
            field = data.ljust(4, b"\0")
        else:
            field = struct.pack(f"{order}I", extra_at + len(extra) - base)
            extra += data + (b"\0" if len(data) % 2 else b"")
        head += struct.pack(f"{order}HHI", tag.number, tag.type, count) + field
    return head + struct.pack(f"{order}I", next_ifd) + extra


def exif_block(
    *,
    make: str,
    model: str,
    note: bytes = b"",
    iso: int | None = None,
    byte_order: str = "MM",
    exif_tags: Sequence[Tag] = (),
    gps_tags: Sequence[Tag] = (),
) -> bytes:
    """A whole "Exif\\0\\0" block; `note` lands at NOTE_AT."""
    order = ">" if byte_order == "MM" else "<"
    header = byte_order.encode() + struct.pack(f"{order}HI", 42, 8)
    sub = [Tag(0x9003, 2, "2021:06:15 14:30:00"), *exif_tags]
    if note:
        sub.append(Tag(0x927C, 7, note, placed_at=NOTE_AT))
    if iso is not None:
        sub.append(Tag(0x8827, 3, [iso]))
    base_tags = [Tag(0x010F, 2, make), Tag(0x0110, 2, model), Tag(0x0132, 2, "2021:06:15 14:30:00")]
    pointers = [Tag(0x8769, 4, [0])] + ([Tag(0x8825, 4, [0])] if gps_tags else [])
    # IFD0's length does not depend on the pointers' values, so lay it out once to learn where the rest go.
    exif_at = 8 + len(ifd([*base_tags, *pointers], order=order, at=8))
    exif_ifd = ifd(sub, order=order, at=exif_at)
    gps_at = exif_at + len(exif_ifd)
    gps_ifd = ifd(gps_tags, order=order, at=gps_at) if gps_tags else b""
    pointers = [Tag(0x8769, 4, [exif_at])] + ([Tag(0x8825, 4, [gps_at])] if gps_tags else [])
    body = header + ifd([*base_tags, *pointers], order=order, at=8) + exif_ifd + gps_ifd
    assert len(body) <= NOTE_AT, "the IFDs grew past NOTE_AT"
    if note:
        body = body.ljust(NOTE_AT, b"\0") + note
    return b"Exif\0\0" + body


def jpeg_with_exif_block(block: bytes, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 150)).save(out, "JPEG", exif=block, quality=85)
    return out.getvalue()


# --- each maker's note, as its cameras write it -------------------------------------------------------

NoteBuilder = Callable[[int], bytes]


def canon_note(
    *, camera_iso_code: int = 0, auto_iso_raw: int = 0, base_iso_raw: int = 0, lens: str = ""
) -> bytes:
    """Canon: a plain IFD, offsets from the TIFF header. CameraSettings (0x0001) is int16s[] whose first
    value is its length in bytes and whose [16] is CameraISO; ShotInfo (0x0004) [1] AutoISO, [2] BaseISO."""
    settings = [0] * 20
    settings[0] = 2 * len(settings)
    settings[16] = camera_iso_code
    shot = [0] * 10
    shot[0] = 2 * len(shot)
    shot[1], shot[2] = auto_iso_raw, base_iso_raw
    tags = [Tag(0x0001, 3, settings), Tag(0x0004, 3, shot)]
    if lens:
        tags.append(Tag(0x0095, 2, lens))
    return ifd(tags, order=">", at=NOTE_AT)


def nikon_note(iso: int, *, byte_order: str = "II") -> bytes:
    """Nikon type 3: "Nikon\\0\\x02\\x10\\0\\0", then a TIFF header whose offsets the IFD counts from."""
    order = ">" if byte_order == "MM" else "<"
    inner = byte_order.encode() + struct.pack(f"{order}HI", 42, 8)
    inner += ifd([Tag(0x0001, 7, b"0210"), Tag(0x0002, 3, [0, iso])], order=order, at=8)
    return b"Nikon\0\x02\x10\0\0" + inner


def nikon_plain_note(iso: int) -> bytes:
    """Older Nikons (D1, Coolpix 5000 era): the IFD at the note's start, no header."""
    return ifd([Tag(0x0002, 3, [0, iso])], order=">", at=NOTE_AT)


def pentax_note(code: int) -> bytes:
    """Pentax: "AOC\\0" and the byte order, then the IFD; ISO (0x0014) is a step code."""
    return b"AOC\0MM" + ifd([Tag(0x0014, 3, [code])], order=">", at=NOTE_AT + 6)


def asahi_note(code: int) -> bytes:
    """Asahi-branded Pentax compacts: the IFD at the note's start."""
    return ifd([Tag(0x0014, 3, [code])], order=">", at=NOTE_AT)


def casio_type1_note(iso: int) -> bytes:
    """Casio type 1 (QV-series): the IFD at the start; ISO (0x0014) is the ISO itself."""
    return ifd([Tag(0x0014, 3, [iso])], order=">", at=NOTE_AT)


def casio_type2_note(*, code: int = 0, iso: int = 0) -> bytes:
    """Casio type 2 (Exilim): "QVC\\0\\0\\0", then the IFD; 0x0014 is a code 3, 4, 6 or 9 (50, 64, 100, 200),
    and later models write the ISO itself in 0x3014."""
    tags = [Tag(0x0014, 3, [code])] + ([Tag(0x3014, 3, [iso])] if iso else [])
    return b"QVC\0\0\0" + ifd(tags, order=">", at=NOTE_AT + 6)


def kodak_note(iso: int) -> bytes:
    """Kodak (DC/DX/CX/EasyShare): "KDK INFO" then binary data, big-endian; ISO int16u at 8 + 0x60."""
    body = bytearray(0xC0)
    body[0:8] = b"DX7590\0\0"
    struct.pack_into(">H", body, 0x5E, iso)  # ISOSetting
    struct.pack_into(">H", body, 0x60, iso)  # ISO
    return b"KDK INFO" + bytes(body)


def olympus_note(iso: int) -> bytes:
    """Olympus type 1: "OLYMP\\0\\1\\0", the IFD at 8, offsets from the TIFF header; ISOValue (0x1001) is
    an APEX rational, ISO = 100 x 2^(value - 5)."""
    apex = {50: (4000, 1000), 100: (5000, 1000), 200: (6000, 1000), 400: (7000, 1000), 800: (8000, 1000)}[iso]
    return b"OLYMP\0\1\0" + ifd([Tag(0x1001, 10, [apex])], order=">", at=NOTE_AT + 8)


def panasonic_note(iso: int) -> bytes:
    """Panasonic: "Panasonic\\0\\0\\0", then the IFD, little-endian; ISO (0x00d1) int32u."""
    return b"Panasonic\0\0\0" + ifd([Tag(0x00D1, 4, [iso])], order="<", at=NOTE_AT + 12)


def sony_note(code: int) -> bytes:
    """Sony A200-A900: "SONY DSC \\0\\0\\0", then the IFD; FocusInfo (0x0020, 19154 bytes) byte 0x6f holds
    ISO as 100 x 2^(code/8 - 6)."""
    focus = bytearray(19154)
    focus[0x6F] = code
    return b"SONY DSC \0\0\0" + ifd([Tag(0x0020, 7, bytes(focus))], order=">", at=NOTE_AT + 12)


def fujifilm_note() -> bytes:
    """Fujifilm: "FUJIFILM", the IFD's offset (little-endian, from the note's start), then the IFD. Its
    notes hold no ISO; this one carries only its version."""
    return b"FUJIFILM" + struct.pack("<I", 12) + ifd([Tag(0x0000, 7, b"0130")], order="<", at=12)


# --- XMP and IPTC, as Lightroom, Bridge and phones write them -----------------------------------------

XMP_TEMPLATE = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
    xmlns:cc="http://creativecommons.org/ns#"
    {attributes}>
   {elements}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


# An entity bomb in the "billion laughs" shape (each entity ten of the one before), as an XMP packet;
# a parser that expanded entities would pay for every level.
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&lol9;</dc:title></rdf:Description>
</rdf:RDF></x:xmpmeta>"""


def xmp_packet(
    *,
    title: str = "",
    description: str = "",
    keywords: Sequence[str] = (),
    creator: str = "",
    rights: str = "",
    licence_url: str = "",
    web_statement: str = "",
) -> bytes:
    """An XMP packet in Lightroom's shape: language alternatives, a keyword bag, a creator sequence."""
    elements = []
    if title:
        elements.append(
            f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
        )
    if description:
        elements.append(
            '<dc:description><rdf:Alt><rdf:li xml:lang="de">Beschreibung</rdf:li>'
            f'<rdf:li xml:lang="x-default">{description}</rdf:li></rdf:Alt></dc:description>'
        )
    if keywords:
        items = "".join(f"<rdf:li>{keyword}</rdf:li>" for keyword in keywords)
        elements.append(f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>")
    if creator:
        elements.append(f"<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>")
    if rights:
        elements.append(
            f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt></dc:rights>'
        )
    if licence_url:
        elements.append(f'<cc:license rdf:resource="{licence_url}"/>')
    attributes = f'xmpRights:WebStatement="{web_statement}"' if web_statement else ""
    return XMP_TEMPLATE.format(attributes=attributes, elements="\n   ".join(elements)).encode("utf-8")


def iptc_block(records: Sequence[tuple[int, int, str]], *, utf8: bool = True) -> bytes:
    """IPTC IIM datasets (record, dataset, text) inside a Photoshop "8BIM" 0x0404 resource, as APP13 holds them."""
    data = b"\x1c\x01\x5a\x00\x03\x1b%G" if utf8 else b""
    for record, dataset, text in records:
        value = text.encode("utf-8" if utf8 else "latin-1")
        data += struct.pack(">BBBH", 0x1C, record, dataset, len(value)) + value
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(data)) + data
    if len(data) % 2:
        resource += b"\0"
    return b"Photoshop 3.0\0" + resource


def jpeg_with_metadata(
    *,
    xmp: bytes = b"",
    iptc: bytes = b"",
    size: tuple[int, int] = (64, 48),
    colour: tuple[int, int, int] = (90, 120, 150),
) -> bytes:
    """A JPEG with an XMP APP1 segment and/or an APP13 (IPTC) segment right after its start marker."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=85)
    jpeg = out.getvalue()
    segments = b""
    if xmp:
        payload = b"http://ns.adobe.com/xap/1.0/\0" + xmp
        segments += b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    if iptc:
        segments += b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
    return jpeg[:2] + segments + jpeg[2:]
