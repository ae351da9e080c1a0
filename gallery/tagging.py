"""Tag names: one normal form for tags from sources, users and the analysis."""

from __future__ import annotations

import re
import unicodedata

MAX_TAG_LENGTH = 40
# Letters (any script), digits, spaces, and - ' . & inside a tag.
_ALLOWED = re.compile(r"^[\w][\w '.&-]*$", re.UNICODE)


class InvalidTag(ValueError):
    """The text cannot be a tag; the message says why, for the person who typed it."""


def normalise_tag(raw: str) -> str:
    """Lower case, a leading '#' removed, underscores as spaces, runs of space collapsed.

    Raises InvalidTag for empty, over-long or oddly-charactered input.
    """
    text = unicodedata.normalize("NFKC", raw).strip().lstrip("#").replace("_", " ")
    text = re.sub(r"\s+", " ", text).strip().lower()
    if not text:
        raise InvalidTag("A tag cannot be empty.")
    if len(text) > MAX_TAG_LENGTH:
        raise InvalidTag(f"A tag can be at most {MAX_TAG_LENGTH} characters long.")
    if not _ALLOWED.match(text):
        raise InvalidTag("A tag may contain letters, digits, spaces and - ' . & only.")
    return text


def normalise_tags(raws: list[str] | tuple[str, ...]) -> list[str]:
    """Normalise many tags from a source, dropping the invalid ones and duplicates, keeping order."""
    seen: dict[str, None] = {}
    for raw in raws:
        try:
            seen.setdefault(normalise_tag(raw), None)
        except InvalidTag:
            continue
    return list(seen)
