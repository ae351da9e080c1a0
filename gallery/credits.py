"""A photo's credit line, as Creative Commons recommends: Title, Author, Source and Licence (TASL).

The one rule for the words: the photo page, the viewer, the download box, "Copy credit" and the
API's `credit` all show what `tasl_credit` returns, as plain text and as HTML with the same words.
Pure functions over plain values; `image_credit` only reads an Image's fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from gallery.licences import (
    NO_KNOWN_RESTRICTIONS,
    PUBLIC_DOMAIN,
    PUBLIC_DOMAIN_MARK,
    licence_url_for,
    normalise_licence,
)
from gallery.models import Image, Source

UNTITLED = "Untitled photo"
# Sources a reader knows by name ("via Wikimedia Commons"); a folder or URL list is no place to cite.
NAMED_SOURCES = frozenset({Source.COMMONS, Source.OPENVERSE, Source.UNSPLASH_LITE})


@dataclass(frozen=True)
class Credit:
    text: str
    html: str


@dataclass(frozen=True)
class _Part:
    """Words, and the address they link to in the HTML ("" for none)."""

    words: str
    url: str = ""

    def text(self) -> str:
        return f"{self.words} ({self.url})" if self.url else self.words

    def html(self) -> str:
        if not self.url:
            return escape(self.words)
        return f'<a href="{escape(self.url)}" rel="noopener">{escape(self.words)}</a>'


def tasl_credit(
    *, title: str, author: str, source_name: str, source_url: str, licence: str, licence_url: str = ""
) -> Credit:
    """`"Title" by Author, via Source, is licensed under CC BY 4.0.`, linked in the HTML.

    Public-domain statements are worded as marks ("is marked with CC0 1.0"), an unknown author is
    said to be unknown, and a licence without a stated URL gets its creativecommons.org deed.
    """
    canonical = normalise_licence(licence)
    name = f"“{title.strip()}”" if title.strip() else UNTITLED
    by = f" by {author.strip()}" if author.strip() else " (author unknown)"
    verb, licence_part = _licence_clause(canonical, licence_url.strip() or licence_url_for(canonical))
    # The text gives the source's address after its name; the HTML links the title to it, as CC's
    # examples do. Both say the same words.
    if source_name.strip():
        text_title = f"{name}{by}, via {_Part(source_name.strip(), source_url.strip()).text()},"
        html_title = (
            f"{_Part(name, source_url.strip()).html()}{escape(by)}, via {escape(source_name.strip())},"
        )
    else:
        text_title = f"{_Part(name, source_url.strip()).text()}{by}"
        html_title = f"{_Part(name, source_url.strip()).html()}{escape(by)}"
    return Credit(
        text=f"{text_title} {verb} {licence_part.text()}.",
        html=f"{html_title} {verb} {licence_part.html()}.",
    )


def _licence_clause(canonical: str, url: str) -> tuple[str, _Part]:
    if canonical == PUBLIC_DOMAIN:
        return "is in the", _Part("public domain", url)
    if canonical == NO_KNOWN_RESTRICTIONS:
        return "has", _Part("no known copyright restrictions", url)
    if canonical == PUBLIC_DOMAIN_MARK or canonical.startswith("CC0 "):
        return "is marked with", _Part(canonical, url)
    return "is licensed under", _Part(canonical or "an unstated licence", url)


def image_credit(image: Image) -> Credit:
    """The credit of a stored photo."""
    return tasl_credit(
        title=image.title,
        author=image.author,
        source_name=image.get_source_display() if image.source in NAMED_SOURCES else "",
        source_url=image.source_page_url,
        licence=image.licence,
        licence_url=image.licence_url,
    )
