"""What every image source gives the ingest pipeline: a stream of candidates.

A source only *lists* photos with their provenance; downloading, deduplication and analysis are
the pipeline's job (`gallery.services.ingest`), so every source gets them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class SourceError(Exception):
    """The source as a whole cannot be listed (unreachable API, missing file, bad arguments)."""


def first_photos(items: Iterable[Candidate | Rejection], limit: int) -> Iterator[Candidate | Rejection]:
    """`items` up to the `limit`-th candidate; refusals pass through and do not count.

    The one place a listing stops after `limit` photos. Sources list lazily (a page at a time), so
    stopping here also stops their paging. SourceError at once unless `limit` is at least 1.
    """
    if limit < 1:
        raise SourceError(f"The number of photos to list must be at least 1, not {limit}.")
    return _until_limit(iter(items), limit)


def _until_limit(items: Iterator[Candidate | Rejection], limit: int) -> Iterator[Candidate | Rejection]:
    listed = 0
    for item in items:
        yield item
        if isinstance(item, Candidate):
            listed += 1
            if listed >= limit:
                return


@dataclass(frozen=True)
class Candidate:
    """One photo a source offers, with everything the site keeps about where it came from."""

    source: str
    source_id: str
    # Either an http(s) URL to download or, for local sources, a path on disk.
    file_url: str = ""
    local_path: str = ""
    source_page_url: str = ""
    title: str = ""
    title_from_file_name: bool = False  # made up from the file name: the file's own title may replace it
    description: str = ""
    author: str = ""
    attribution: str = ""
    licence: str = ""
    licence_url: str = ""
    tags: tuple[str, ...] = ()
    taken_at: datetime | None = None  # aware, as the source states it; EXIF wins when present
    expected_sha1: str = ""  # when the source publishes one (Commons does)
    expected_size: int = 0
    mime: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def attribution_line(title: str, author: str, licence: str) -> str:
    """The credit line for sources that have no credit of their own: "Title by Author, Licence"."""
    return f"{title}{f' by {author}' if author else ''}, {licence}"


@dataclass(frozen=True)
class Rejection:
    """A listed item the source itself refuses (non-free licence, not a photo), with the reason."""

    source_id: str
    reason: str


class ImageSource(Protocol):
    name: str

    def candidates(self) -> Iterator[Candidate | Rejection]:
        """Yield candidates lazily, following the source's pagination, until it has no more."""
        ...
