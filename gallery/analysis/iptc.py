"""Captions, keywords and rights from IPTC IIM records (the older standard, in a JPEG's Photoshop APP13
block or a TIFF tag), as Pillow's IptcImagePlugin hands them over. Pure: records in, EmbeddedMetadata out.

Read (record 2): 5 Object Name (title), 120 Caption/Abstract (description), 25 Keywords, 80 By-line
(creator) and 116 Copyright Notice. Text is UTF-8 when record 1:90 declares it (ESC % G) or when it
decodes as UTF-8, else Latin-1, as most older writers used.
"""

from __future__ import annotations

from typing import Final

from gallery.analysis.result import EmbeddedMetadata

IptcRecords = dict[tuple[int, int], bytes | list[bytes]]

MAX_KEYWORDS: Final = 200
_UTF8_DECLARED: Final = b"\x1b%G"


def parse_iptc(records: IptcRecords) -> EmbeddedMetadata:
    utf8 = _values(records, (1, 90))[:1] == [_UTF8_DECLARED]
    text = [_decoded(value, utf8) for value in _values(records, (2, 25))]
    return EmbeddedMetadata(
        title=_first(records, (2, 5), utf8),
        description=_first(records, (2, 120), utf8),
        keywords=tuple(dict.fromkeys(keyword for keyword in text if keyword))[:MAX_KEYWORDS],
        creator=", ".join(
            value for value in (_decoded(item, utf8) for item in _values(records, (2, 80))) if value
        ),
        copyright=_first(records, (2, 116), utf8),
    )


def _values(records: IptcRecords, key: tuple[int, int]) -> list[bytes]:
    value = records.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first(records: IptcRecords, key: tuple[int, int], utf8: bool) -> str:
    values = _values(records, key)
    return _decoded(values[0], utf8) if values else ""


def _decoded(value: bytes, utf8: bool) -> str:
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = value.decode("utf-8" if utf8 else "latin-1", errors="replace")
    return " ".join(text.replace("\0", "").split())
