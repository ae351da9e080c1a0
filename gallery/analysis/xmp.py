"""Captions, keywords and rights from an XMP packet (Adobe's RDF/XML metadata), as Lightroom, Bridge,
darktable, digiKam and phones write it. Pure: bytes in, EmbeddedMetadata out.

Read: dc:title and dc:description (the x-default language, else the first), dc:subject (keywords),
dc:creator (joined with ", "), dc:rights, cc:license and xmpRights:WebStatement. Each may be an
attribute of rdf:Description or an element holding an rdf:Alt, rdf:Bag or rdf:Seq.

The XML is parsed with defusedxml, which refuses DTDs, entity declarations and external references, so
an entity bomb ("billion laughs") or an external entity costs nothing; that, malformed XML, or a packet
over MAX_PACKET_BYTES gives a `warning` and empty fields, never an error.
"""

from __future__ import annotations

from typing import Final
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from gallery.analysis.result import EmbeddedMetadata

MAX_PACKET_BYTES: Final = 1_000_000  # real packets are a few kB; Lightroom's largest stay under 100 kB
MAX_KEYWORDS: Final = 200
_RDF: Final = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_DC: Final = "{http://purl.org/dc/elements/1.1/}"
_XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
_WEB_STATEMENT: Final = "{http://ns.adobe.com/xap/1.0/rights/}WebStatement"
_CC_LICENSE: Final = "{http://creativecommons.org/ns#}license"


def parse_xmp(packet: bytes) -> EmbeddedMetadata:
    """The fields of an XMP packet (the <x:xmpmeta> document, with or without its <?xpacket?> wrapper)."""
    if len(packet) > MAX_PACKET_BYTES:
        return EmbeddedMetadata(warning=f"XMP metadata ignored: {len(packet):,} bytes is over the limit")
    try:
        root = SafeET.fromstring(packet.strip(b"\0 \r\n\t"))
    except DefusedXmlException as error:
        return EmbeddedMetadata(
            warning=f"XMP metadata ignored: it declares entities or a DTD ({type(error).__name__})"
        )
    except (SafeET.ParseError, ValueError) as error:
        return EmbeddedMetadata(warning=f"XMP metadata ignored: not well-formed XML ({error})")
    descriptions = list(root.iter(f"{_RDF}Description"))
    return EmbeddedMetadata(
        title=_first_text(descriptions, f"{_DC}title"),
        description=_first_text(descriptions, f"{_DC}description"),
        keywords=tuple(dict.fromkeys(_all_texts(descriptions, f"{_DC}subject")))[:MAX_KEYWORDS],
        creator=", ".join(_all_texts(descriptions, f"{_DC}creator")),
        copyright=_first_text(descriptions, f"{_DC}rights"),
        licence_url=_first_text(descriptions, _CC_LICENSE) or _first_text(descriptions, _WEB_STATEMENT),
    )


def _all_texts(descriptions: list[Element], name: str) -> list[str]:
    """Every value of property `name`, in order, across the rdf:Description elements."""
    values: list[str] = []
    for description in descriptions:
        if name in description.attrib:
            values.append(description.attrib[name])
        for prop in description.findall(name):
            values.extend(_property_values(prop))
    return [" ".join(value.split()) for value in values if value.strip()]


def _first_text(descriptions: list[Element], name: str) -> str:
    values = _all_texts(descriptions, name)
    return values[0] if values else ""


def _property_values(prop: Element) -> list[str]:
    """A property's values: its rdf:li items (x-default first in an rdf:Alt), a resource, or its text."""
    items = [item for container in prop for item in container.findall(f"{_RDF}li")]
    if items:
        items.sort(key=lambda item: item.get(_XML_LANG, "") != "x-default")
        return ["".join(item.itertext()) for item in items]
    resource = prop.get(f"{_RDF}resource")
    return [resource] if resource else ["".join(prop.itertext())]
