"""The captions, keywords and rights written into a photo file, and how they meet what was stated.

`read_embedded_metadata` opens the file's header only (no pixels are decoded) and reads its XMP packet
(xmp.py) and IPTC records (iptc.py). Where both carry a field, XMP wins, as the Metadata Working Group's
guidance has it; keywords from both are kept.

`merge_provenance` is the one rule for "stated beats embedded": what the person ingesting said (the
command line's licence and author, a URL list's columns) or the source's API stated is kept, and the
file fills only the blanks. A title made up from the file name is not a statement, so the file's
title replaces it. The licence is never taken from the file, because every source states one and the
free-licence rule is checked on that; a licence or a creator in the file that disagrees with the stated
one is reported, so staff can check the photo.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Final

from PIL import Image, ImageFile, IptcImagePlugin

from gallery.analysis.iptc import parse_iptc
from gallery.analysis.result import EmbeddedMetadata
from gallery.analysis.validate import ACCEPTED_FORMATS
from gallery.analysis.xmp import parse_xmp
from gallery.licences import licence_named_in, licence_url_for, normalise_licence

_ALL_RIGHTS_RESERVED: Final = "all rights reserved"
_READ_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    struct.error,
    zlib.error,
)


@dataclass(frozen=True)
class Provenance:
    """The credit fields of a photo, as a source states them or as they end up after the merge."""

    title: str = ""
    description: str = ""
    author: str = ""
    licence: str = ""
    licence_url: str = ""
    tags: tuple[str, ...] = ()


def read_embedded_metadata(source: Path | BinaryIO) -> EmbeddedMetadata:
    """XMP and IPTC of the image at `source` (a path or an open binary file); an unreadable block
    gives a warning, never an error."""
    try:
        with Image.open(source, formats=ACCEPTED_FORMATS) as image:
            return embedded_metadata_of(image)
    except _READ_ERRORS as error:
        return EmbeddedMetadata(warning=f"embedded metadata could not be read ({error})")


def embedded_metadata_of(image: Image.Image) -> EmbeddedMetadata:
    """XMP and IPTC of a picture already opened (the ingest's one decode keeps them in its info)."""
    try:
        packet = _xmp_packet(image)
        records = (
            IptcImagePlugin.getiptcinfo(image)
            if isinstance(image, ImageFile.ImageFile) and image.format in ("JPEG", "TIFF")
            else None
        )
    except _READ_ERRORS as error:
        return EmbeddedMetadata(warning=f"embedded metadata could not be read ({error})")
    xmp = parse_xmp(packet) if packet else EmbeddedMetadata()
    try:
        iptc = parse_iptc(records) if records else EmbeddedMetadata()
    except (TypeError, AttributeError) as error:  # a record of an unexpected shape
        iptc = EmbeddedMetadata(warning=f"IPTC metadata ignored ({error})")
    return combined(xmp, iptc)


def combined(xmp: EmbeddedMetadata, iptc: EmbeddedMetadata) -> EmbeddedMetadata:
    """XMP's fields, IPTC's where XMP has none, the keywords of both."""
    return EmbeddedMetadata(
        title=xmp.title or iptc.title,
        description=xmp.description or iptc.description,
        keywords=tuple(dict.fromkeys((*xmp.keywords, *iptc.keywords))),
        creator=xmp.creator or iptc.creator,
        copyright=xmp.copyright or iptc.copyright,
        licence_url=xmp.licence_url,
        warning="; ".join(warning for warning in (xmp.warning, iptc.warning) if warning),
    )


def merge_provenance(
    stated: Provenance, embedded: EmbeddedMetadata, *, title_from_file_name: bool = False
) -> tuple[Provenance, list[str]]:
    """The stated fields, with the file's filling the blanks; and the conflicts, in plain words."""
    merged = replace(
        stated,
        title=(embedded.title if title_from_file_name else "") or stated.title or embedded.title,
        description=stated.description or embedded.description,
        author=stated.author or embedded.creator,
        tags=tuple(dict.fromkeys((*stated.tags, *embedded.keywords))),
    )
    file_licence = embedded_licence(embedded)
    if not merged.licence_url and file_licence and file_licence == normalise_licence(stated.licence):
        merged = replace(merged, licence_url=licence_url_for(file_licence))
    return merged, conflicts(stated, embedded, file_licence)


def embedded_licence(embedded: EmbeddedMetadata) -> str:
    """The licence the file names, by its cc:license or web statement URL, else its rights statement."""
    return licence_named_in(embedded.licence_url) or licence_named_in(embedded.copyright)


def conflicts(stated: Provenance, embedded: EmbeddedMetadata, file_licence: str) -> list[str]:
    found = []
    if stated.licence and file_licence and file_licence != normalise_licence(stated.licence):
        found.append(f"the file says its licence is {file_licence}; kept the stated {stated.licence}")
    elif stated.licence and not file_licence and _ALL_RIGHTS_RESERVED in embedded.copyright.lower():
        found.append(f'the file says "{embedded.copyright[:200]}"; kept the stated {stated.licence}')
    if stated.author and embedded.creator and not _same_person(stated.author, embedded.creator):
        found.append(f"the file names its creator {embedded.creator[:200]}; kept the stated {stated.author}")
    return found


def _same_person(stated: str, embedded: str) -> bool:
    a, b = stated.casefold(), embedded.casefold()
    return a in b or b in a


def _xmp_packet(image: Image.Image) -> bytes:
    """The raw XMP packet, wherever this format keeps it."""
    for key in ("xmp", "XML:com.adobe.xmp"):
        value = image.info.get(key)
        if isinstance(value, str):
            return value.encode("utf-8")
        if isinstance(value, bytes) and value:
            return value
    return b""
