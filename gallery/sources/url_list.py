"""A CSV file listing photo URLs with their licence and credits, one photo per row.

Header row (names case-insensitive, any order): url, licence (or license) are required; author,
title, tags and licence_url are optional. Tags are separated by ';' or '|'. source_id is the SHA-1
of the URL, so the same URL is the same photo however often it is listed. A row without an
http(s) URL or a free licence is refused with its line number and the rest goes on, and so is a row
that is not valid CSV (e.g. text after a closing quote). A quote that is opened and never closed
would swallow every row after it into one cell, so it stops the list with an error naming its line.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from gallery.licences import is_free_licence, licence_url_for, normalise_licence
from gallery.sources.base import Candidate, Rejection, SourceError, attribution_line

REQUIRED_COLUMNS = ("url", "licence")
_COLUMN_ALIASES = {"license": "licence", "license_url": "licence_url"}
_TAG_SEPARATORS = re.compile(r"[;|]")
_UNCLOSED_QUOTE = "unexpected end of data"  # what the csv module says when a quote never closes


class UrlListSource:
    name = "urls"

    def __init__(self, csv_path: Path, *, extra_licences: Sequence[str] = ()) -> None:
        if not csv_path.is_file():
            raise SourceError(f"The URL list {csv_path} does not exist.")
        self.csv_path = csv_path
        self.extra_licences = tuple(extra_licences)

    def candidates(self) -> Iterator[Candidate | Rejection]:
        try:
            # utf-8-sig: spreadsheets often save a byte-order mark before the header.
            with self.csv_path.open(encoding="utf-8-sig", newline="") as handle:
                # strict: malformed quoting raises csv.Error instead of being silently glued together.
                reader = csv.reader(handle, strict=True)
                columns = self._columns(next(reader, []))
                for row in self._rows(reader):
                    if isinstance(row, Rejection):
                        yield row
                        continue
                    if not any(cell.strip() for cell in row):
                        continue
                    values = {name: row[i].strip() for i, name in columns.items() if i < len(row)}
                    yield self._item(values, reader.line_num)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise SourceError(f"Could not read the URL list {self.csv_path.name}: {exc}.") from exc

    def _rows(self, reader: Any) -> Iterator[list[str] | Rejection]:
        """Rows as lists of cells; a malformed row as a Rejection, and the reader goes on after it."""
        while True:
            first_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if _UNCLOSED_QUOTE in str(exc):
                    raise SourceError(
                        f"The URL list {self.csv_path.name} has a quote opened on line {first_line} that is "
                        f"never closed, so lines {first_line} to {reader.line_num} could not be read; "
                        "close the quote and run it again."
                    ) from exc
                yield Rejection(f"line-{first_line}", f"line {first_line}: not valid CSV ({exc})")
                continue
            yield row

    def _columns(self, header: list[str]) -> dict[int, str]:
        """Column index -> canonical column name; SourceError when a required one is missing."""
        columns = {}
        for index, raw in enumerate(header):
            name = raw.strip().lower()
            columns[index] = _COLUMN_ALIASES.get(name, name)
        missing = [name for name in REQUIRED_COLUMNS if name not in columns.values()]
        if missing:
            raise SourceError(
                f"The URL list {self.csv_path.name} has no {' or '.join(missing)} column; "
                "its header must name url, licence, author, title and tags."
            )
        return columns

    def _item(self, values: dict[str, str], line: int) -> Candidate | Rejection:
        url = values.get("url", "")
        source_id = hashlib.sha1(url.encode()).hexdigest() if url else f"line-{line}"
        if not url.lower().startswith(("http://", "https://")):
            return Rejection(source_id, f"line {line}: no http(s) URL")
        licence = normalise_licence(values.get("licence", ""), values.get("licence_url", ""))
        if not licence:
            return Rejection(source_id, f"line {line}: no licence")
        if not is_free_licence(licence, self.extra_licences):
            return Rejection(source_id, f"line {line}: licence not accepted: {licence}")
        title = values.get("title", "") or _title_from_url(url)
        author = values.get("author", "")
        return Candidate(
            source=self.name,
            source_id=source_id,
            file_url=url,
            title=title,
            title_from_file_name=not values.get("title", ""),
            author=author,
            attribution=attribution_line(title, author, licence),
            licence=licence,
            licence_url=values.get("licence_url", "") or licence_url_for(licence),
            tags=_tags(values.get("tags", "")),
        )


def _tags(text: str) -> tuple[str, ...]:
    names = (" ".join(part.split()).lower() for part in _TAG_SEPARATORS.split(text))
    return tuple(dict.fromkeys(name for name in names if name))


def _title_from_url(url: str) -> str:
    name = PurePosixPath(unquote(urlsplit(url).path)).stem
    return " ".join(name.replace("_", " ").split())
