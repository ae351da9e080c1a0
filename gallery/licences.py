"""Licence names: one canonical spelling, and the rule for which licences the site accepts.

Sources spell licences in many ways ("CC-BY-SA-3.0-de", "cc by 4.0", "CC0", "PD-self", a deed URL
and no name at all). `normalise_licence` turns them into one short name, so the database, the
filters and the attribution lines all agree:

    CC0 1.0 · Public Domain Mark 1.0 · Public domain · No known copyright restrictions
    CC BY 4.0 · CC BY-SA 3.0 · CC BY-SA 3.0 de (a national port) · CC BY-NC 2.0 · GFDL ...

The site shows only photos anyone may reuse and adapt, commercially too: CC0, public domain, CC BY
and CC BY-SA of any version or port. Non-commercial (NC), no-derivatives (ND), GFDL-only,
all-rights-reserved and unknown licences are refused. Pure functions, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

CC0 = "CC0 1.0"
PUBLIC_DOMAIN = "Public domain"
PUBLIC_DOMAIN_MARK = "Public Domain Mark 1.0"
NO_KNOWN_RESTRICTIONS = "No known copyright restrictions"

# Statements that put a work in the public domain or waive every right; all accepted.
_PUBLIC_DOMAIN_NAMES = frozenset({CC0, PUBLIC_DOMAIN, PUBLIC_DOMAIN_MARK, NO_KNOWN_RESTRICTIONS})
# Creative Commons licence elements that allow commercial reuse and adaptation.
_FREE_CC_ELEMENTS = frozenset({"BY", "BY-SA"})

_SEPARATOR = r"[\s_-]+"
# "CC BY-SA 3.0 de", "CC-BY-SA-3.0-de", "Creative Commons Attribution-ShareAlike 4.0", "cc by 2.0"
_CC_NAME = re.compile(
    rf"^(?:cc|creative{_SEPARATOR}commons){_SEPARATOR}"
    rf"(?P<elements>(?:by|attribution)(?:{_SEPARATOR}(?:sa|nc|nd|share(?:{_SEPARATOR})?alike|"
    rf"non(?:{_SEPARATOR})?commercial|no(?:{_SEPARATOR})?derivatives?|no(?:{_SEPARATOR})?derivs))*)"
    r"(?:[\s_-]*(?P<version>\d+(?:\.\d+)?))?"
    r"(?P<rest>.*)$"
)
_ELEMENT_WORDS = {
    "by": "BY",
    "attribution": "BY",
    "sa": "SA",
    "sharealike": "SA",
    "nc": "NC",
    "noncommercial": "NC",
    "nd": "ND",
    "noderivatives": "ND",
    "noderivative": "ND",
    "noderivs": "ND",
}
# A national port after the version: "de", "nl", "us", "igo"; anything else ("migrated") is noise.
_PORT = re.compile(r"^[a-z]{2,3}$")
_CC_URL = re.compile(
    r"creativecommons\.org/licen[sc]es/(?P<elements>[a-z-]+)/(?P<version>\d+(?:\.\d+)?)(?:/(?P<port>[a-z]{2,3})\b)?",
    re.IGNORECASE,
)
_CC0_URL = re.compile(r"creativecommons\.org/publicdomain/zero/(?P<version>\d+(?:\.\d+)?)", re.IGNORECASE)
_PDM_URL = re.compile(r"creativecommons\.org/publicdomain/mark/(?P<version>\d+(?:\.\d+)?)", re.IGNORECASE)
_CC0_NAME = re.compile(r"^(?:cc[\s_-]*0|cc[\s_-]*zero|creative commons zero)(?:[\s_-]*(\d+\.\d+))?\b")
_PDM_NAME = re.compile(r"^(?:public domain mark|cc[\s_-]*pdm|pdm|pd[\s_-]*mark)(?:[\s_-]*(\d+\.\d+))?\b")
# "Public domain", "PD", Commons' "PD-self", "PD-old-70", "PD-USGov"...
_PD_NAME = re.compile(r"^(?:public[\s_-]*domain\b|pd$|pd[\s_-])")


# Where a licence's name may start inside a sentence.
_LICENCE_WORD_START = re.compile(r"\b(?:cc|creative commons|public domain|pd|no known copyright)")


def normalise_licence(short_name: str, url: str = "") -> str:
    """The canonical short name for a licence, from its name or, when it has none, its deed URL.

    An unrecognised name comes back with its whitespace tidied, so nothing a source says is lost.
    The URL never overrides a name: when the two disagree, the stated name is the safer reading.
    """
    cleaned = " ".join(short_name.split())
    if not cleaned:
        return _canonical_from_url(url.strip())
    return _canonical_from_name(cleaned.lower()) or cleaned


def is_free_licence(short_name: str, extra_accepted: Sequence[str] = ()) -> bool:
    """True for CC0, public domain, CC BY and CC BY-SA (any version or port), or an extra name.

    `extra_accepted` holds short names the site owner accepts besides those (compared exactly,
    ignoring case, with both the given and the canonical spelling).
    """
    canonical = normalise_licence(short_name)
    extras = {" ".join(name.split()).casefold() for name in extra_accepted if name.strip()}
    if {" ".join(short_name.split()).casefold(), canonical.casefold()} & extras:
        return True
    if canonical in _PUBLIC_DOMAIN_NAMES:
        return True
    elements = _cc_elements(canonical)
    return elements in _FREE_CC_ELEMENTS


def licence_named_in(text: str) -> str:
    """The canonical licence a free-text rights statement names ("© 2019 Jane Doe, CC BY-SA 4.0",
    "Licensed under https://creativecommons.org/licenses/by/4.0/"), or "" when it names none we know."""
    if found := _canonical_from_url(text):
        return found
    lowered = " ".join(text.split()).lower()
    for start in _LICENCE_WORD_START.finditer(lowered):
        if found := _canonical_from_name(lowered[start.start() :]):
            return found
    return ""


def licence_url_for(short_name: str) -> str:
    """The creativecommons.org deed URL for a CC licence or mark, or "" when there is none."""
    canonical = normalise_licence(short_name)
    if canonical == PUBLIC_DOMAIN_MARK:
        return "https://creativecommons.org/publicdomain/mark/1.0/"
    if canonical.startswith("CC0 "):
        return f"https://creativecommons.org/publicdomain/zero/{canonical.split()[1]}/"
    parts = canonical.split()
    elements = _cc_elements(canonical)
    if not elements or len(parts) < 3:
        return ""  # a CC name without a version has no single deed
    port = f"{parts[3]}/" if len(parts) > 3 else ""
    return f"https://creativecommons.org/licenses/{elements.lower()}/{parts[2]}/{port}"


def _canonical_from_name(lowered: str) -> str:
    if not lowered:
        return ""
    if match := _CC0_NAME.match(lowered):
        return f"CC0 {match.group(1) or '1.0'}"
    if match := _PDM_NAME.match(lowered):
        return f"Public Domain Mark {match.group(1) or '1.0'}"
    if _PD_NAME.match(lowered):
        return PUBLIC_DOMAIN
    if lowered in {"no known copyright restrictions", "no restrictions"}:
        return NO_KNOWN_RESTRICTIONS
    if match := _CC_NAME.match(lowered):
        return _cc_name(match.group("elements"), match.group("version"), match.group("rest"))
    return ""


def _cc_name(elements_text: str, version: str | None, rest: str) -> str:
    words = re.sub(r"share[\s_-]+alike", "sharealike", elements_text)
    words = re.sub(r"non[\s_-]+commercial", "noncommercial", words)
    words = re.sub(r"no[\s_-]+deriv", "noderiv", words)
    codes = [_ELEMENT_WORDS[word] for word in re.split(_SEPARATOR, words) if word]
    # CC always orders the elements BY, NC, ND, SA ("BY-NC-SA"), whatever order the source used.
    ordered = [code for code in ("BY", "NC", "ND", "SA") if code in codes]
    name = "CC " + "-".join(ordered)
    if version:
        name += f" {version if '.' in version else version + '.0'}"
        port = re.split(r"[\s_,-]+", rest.strip(" _-,"))[0] if rest.strip(" _-,") else ""
        if _PORT.match(port) and not port.isdigit():
            name += f" {port}"
    return name


def _canonical_from_url(url: str) -> str:
    if not url:
        return ""
    if match := _CC0_URL.search(url):
        return f"CC0 {match.group('version')}"
    if match := _PDM_URL.search(url):
        return f"Public Domain Mark {match.group('version')}"
    if match := _CC_URL.search(url):
        elements = match.group("elements").lower()
        port = match.group("port") or ""
        return _cc_name(elements, match.group("version"), port.lower())
    return ""


def _cc_elements(canonical: str) -> str:
    """ "BY-SA" for "CC BY-SA 3.0 de"; "" when the name is not a CC licence."""
    parts = canonical.split()
    if len(parts) >= 2 and parts[0] == "CC" and parts[1].startswith("BY"):
        return parts[1]
    return ""
