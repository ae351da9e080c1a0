"""Wikimedia Commons through the MediaWiki Action API, by category or by search, page by page.

One request per batch: action=query with a generator and prop=imageinfo, so the listing and the
file details come together (https://www.mediawiki.org/wiki/API:Query).

- "Category:X" -> generator=categorymembers, gcmtitle=Category:X, gcmtype=file, gcmlimit
  (API:Categorymembers).
- any other text -> generator=search, gsrsearch="<text> filetype:bitmap", gsrnamespace=6 (File),
  gsrlimit (API:Search; CirrusSearch's filetype: keyword).
- always format=json, formatversion=2, prop=imageinfo,
  iiprop=url|size|mime|sha1|extmetadata|timestamp, iiextmetadatafilter=<the fields below>.
- continuation per API:Continue: the whole `continue` object goes into the next request. A page
  may come back in several batches with its imageinfo in only one of them (prop continuation), so
  pages are held until they have imageinfo, and yielded once. When `batchcomplete` is set, a held
  page that still has none never will: it is refused.
- the session sends a descriptive User-Agent (API:Etiquette) and requests are made one at a time.

Fields used from each page: pageid, title, index (search rank).
From imageinfo[0]: url, descriptionurl, mime, size, sha1, timestamp, extmetadata.
From extmetadata (Extension:CommonsMetadata), each as {"value": ...}:
  ObjectName, ImageDescription, Artist, LicenseShortName, LicenseUrl, Categories,
  DateTimeOriginal. ImageDescription, Artist and DateTimeOriginal are HTML and are reduced to text.
An {"error": {"code", "info"}} answer raises SourceError with its info.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from html.parser import HTMLParser
from typing import Any

import requests

from gallery.formats import PHOTO_MIME_TYPES
from gallery.licences import is_free_licence, licence_url_for, normalise_licence
from gallery.sources.base import Candidate, Rejection, SourceError
from gallery.sources.http import get_json

EXTMETADATA_FIELDS = (
    "ObjectName",
    "ImageDescription",
    "Artist",
    "LicenseShortName",
    "LicenseUrl",
    "Categories",
    "DateTimeOriginal",
)
# Pages per request. extmetadata is costly for the API; 50 keeps each answer quick.
DEFAULT_BATCH_SIZE = 50

# Categories that describe the file's licence, upload, review or maintenance rather than what the
# photo shows. Matched case-insensitively at the start of the category name; the rest become tags.
NON_TOPIC_CATEGORY_PREFIXES = (
    "CC-",
    "CC BY",
    "CC0",
    "PD-",
    "PD ",
    "Public domain",
    "GFDL",
    "License",
    "Licence",
    "Creative Commons",
    "Self-published",
    "Uploaded with",
    "Uploaded by",
    "Files with",
    "Files by",
    "Files from",
    "Files uploaded",
    "Pages with",
    "Pages using",
    "Media ",
    "Quality images",
    "Featured pictures",
    "Valued images",
    "Images with",
    "Images by",
    "Images from",
    "Photos by",
    "Photos taken with",
    "Photographs taken with",
    "Taken with",
    "Sample photos",
    "Hidden categories",
    "Uncategorized",
    "Check categories",
    "Author died",
    "Lens focal length",
)

_EXIF_OR_ISO_DATE = re.compile(
    r"^(\d{4})[-:](\d{2})[-:](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?"
)


class CommonsSource:
    name = "commons"

    def __init__(
        self,
        query: str,
        *,
        api_url: str,
        session: requests.Session,
        extra_licences: Sequence[str] = (),
        timeout: tuple[float, float] = (5, 30),
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        if not query.strip():
            raise SourceError("Give Commons a category (Category:Name) or some search words.")
        self.query = query.strip()
        self.api_url = api_url
        self.session = session
        self.extra_licences = tuple(extra_licences)
        self.timeout = timeout
        self.batch_size = batch_size

    def candidates(self) -> Iterator[Candidate | Rejection]:
        for page in self._pages():
            yield self._item(page)

    def request_params(self) -> dict[str, str]:
        """The first request's parameters; continuation adds the API's `continue` values."""
        params = {
            "action": "query",
            "format": "json",
            "formatversion": "2",
            "prop": "imageinfo",
            "iiprop": "url|size|mime|sha1|extmetadata|timestamp",
            "iiextmetadatafilter": "|".join(EXTMETADATA_FIELDS),
        }
        if self.query.casefold().startswith("category:"):
            params |= {
                "generator": "categorymembers",
                "gcmtitle": "Category:" + self.query.split(":", 1)[1].strip(),
                "gcmtype": "file",
                "gcmlimit": str(self.batch_size),
            }
        else:
            params |= {
                "generator": "search",
                "gsrsearch": f"{self.query} filetype:bitmap",
                "gsrnamespace": "6",
                "gsrlimit": str(self.batch_size),
            }
        return params

    def _pages(self) -> Iterator[dict[str, Any]]:
        """Every page with its imageinfo once, following continuation only when asked for more."""
        first = self.request_params()
        params = first
        done: set[int] = set()
        waiting: dict[int, dict[str, Any]] = {}
        while True:
            answer = get_json(self.session, self.api_url, params, timeout=self.timeout)
            _raise_api_error(answer)
            for page in _answer_pages(answer):
                pageid = page.get("pageid")
                if not isinstance(pageid, int) or pageid in done:
                    continue
                if page.get("imageinfo"):
                    done.add(pageid)
                    waiting.pop(pageid, None)
                    yield page
                else:
                    waiting[pageid] = page
            if "batchcomplete" in answer:
                # All of this batch's properties have arrived; pages still without imageinfo
                # have none (a deleted or hidden file revision).
                done.update(waiting)
                yield from waiting.values()
                waiting.clear()
            following = answer.get("continue")
            if not isinstance(following, dict) or not following:
                yield from waiting.values()
                return
            params = first | {key: str(value) for key, value in following.items()}

    def _item(self, page: Mapping[str, Any]) -> Candidate | Rejection:
        source_id = str(page["pageid"])
        infos = page.get("imageinfo") or []
        info: Mapping[str, Any] = infos[0] if infos else {}
        if not info.get("url"):
            return Rejection(source_id, "no file information from Commons")
        mime = str(info.get("mime", ""))
        if mime not in PHOTO_MIME_TYPES:
            return Rejection(source_id, f"not a bitmap photo ({mime or 'unknown type'})")
        meta = _Metadata(info.get("extmetadata") or {})
        licence = normalise_licence(meta.text("LicenseShortName"), meta.text("LicenseUrl"))
        if not is_free_licence(licence, self.extra_licences):
            return Rejection(source_id, f"licence not accepted: {licence or 'none stated'}")
        title = meta.plain("ObjectName") or _title_from_file_name(str(page.get("title", "")))
        author = meta.plain("Artist")
        return Candidate(
            source=self.name,
            source_id=source_id,
            file_url=str(info["url"]),
            source_page_url=str(info.get("descriptionurl", "")),
            title=title,
            description=meta.plain("ImageDescription"),
            author=author,
            attribution=_attribution(title, author, licence),
            licence=licence,
            licence_url=meta.text("LicenseUrl") or licence_url_for(licence),
            tags=topic_tags(meta.text("Categories")),
            taken_at=stated_datetime(meta.plain("DateTimeOriginal")),
            expected_sha1=str(info.get("sha1", "")),
            expected_size=int(info.get("size") or 0),
            mime=mime,
            extra={"uploaded_at": str(info.get("timestamp", ""))},
        )


class _Metadata:
    """extmetadata: {"Field": {"value": ..., "source": ..., "hidden": ...}}, values as text."""

    def __init__(self, fields: Mapping[str, Any]) -> None:
        self.fields = fields

    def text(self, name: str) -> str:
        entry = self.fields.get(name)
        value = entry.get("value") if isinstance(entry, Mapping) else None
        if value is None or isinstance(value, Mapping | list):
            return ""
        return str(value).strip()

    def plain(self, name: str) -> str:
        return html_to_text(self.text(name))


def _raise_api_error(answer: Mapping[str, Any]) -> None:
    error = answer.get("error")
    if isinstance(error, Mapping):
        info = error.get("info") or error.get("code") or "unknown error"
        raise SourceError(f"The Commons API refused the query: {info}")


def _answer_pages(answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    query = answer.get("query")
    pages = query.get("pages", []) if isinstance(query, Mapping) else []
    if isinstance(pages, Mapping):  # formatversion=1 keys pages by id; tolerate it
        pages = list(pages.values())
    pages = [page for page in pages if isinstance(page, dict)]
    # Search results carry their rank in `index`; the pages list itself is in no useful order.
    if pages and all("index" in page for page in pages):
        pages.sort(key=lambda page: page["index"])
    return pages


class _TextExtractor(HTMLParser):
    """Text content of an HTML fragment; block elements and <br> separate words."""

    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "td", "th", "dd", "dt"})
    _SKIPPED = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED and self._skipping:
            self._skipping -= 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Commons HTML (user links, <span class="fn">, <time>, entities) as one line of plain text."""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def topic_tags(categories: str) -> tuple[str, ...]:
    """The pipe-separated Categories field, lower-cased, minus NON_TOPIC_CATEGORY_PREFIXES."""
    prefixes = tuple(prefix.casefold() for prefix in NON_TOPIC_CATEGORY_PREFIXES)
    tags: dict[str, None] = {}
    for raw in categories.split("|"):
        name = " ".join(raw.replace("_", " ").split())
        if name and not name.casefold().startswith(prefixes):
            tags.setdefault(name.lower(), None)
    return tuple(tags)


def stated_datetime(text: str) -> datetime | None:
    """ "2019-05-04 12:33:10", EXIF's "2019:05:04 12:33:10" or "2019-05-04" as an aware datetime, in
    the offset the text gives or else UTC; None when the text does not start with a real date.

    Only the leading date (and time, and offset) is read: free text such as "circa 1900" is not a
    date the site can sort by.
    """
    match = _EXIF_OR_ISO_DATE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=_offset(zone),
        )
    except ValueError:  # 2019-02-30, 25:00, an offset of a day or more
        return None


def _offset(text: str | None) -> tzinfo:
    if not text or text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-offset if text.startswith("-") else offset)


def _title_from_file_name(page_title: str) -> str:
    name = page_title.removeprefix("File:")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return " ".join(stem.replace("_", " ").split())


def _attribution(title: str, author: str, licence: str) -> str:
    by = f" by {author}" if author else ""
    return f"{title}{by}, {licence}, via Wikimedia Commons"
