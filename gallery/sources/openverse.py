"""Openverse image search (https://api.openverse.org/v1/images/), page by page.

Request: GET <api_url>?q=<words>&license=<codes>&page=<n>&page_size=<size>. Anonymous clients
may ask for at most 20 results per page (and Openverse caps how deep one may page), so pages are
20 long and the listing stops at the answer's page_count or an empty page (the ingest pipeline stops it sooner, at its limit).

Fields used from the answer: page_count, results. From each result: id, title, url,
foreign_landing_url, creator, license, license_version, license_url, tags[].name, attribution,
filetype, filesize, provider, source.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import requests

from gallery.formats import mime_type_of_extension
from gallery.licences import is_free_licence, licence_url_for, normalise_licence
from gallery.sources.base import Candidate, Rejection, SourceError
from gallery.sources.http import get_json

DEFAULT_LICENCES = "cc0,pdm,by,by-sa"
PAGE_SIZE = 20  # the most Openverse gives an anonymous client per page


class OpenverseSource:
    name = "openverse"

    def __init__(
        self,
        query: str,
        *,
        api_url: str,
        session: requests.Session,
        licences: str = DEFAULT_LICENCES,
        extra_licences: tuple[str, ...] = (),
        timeout: tuple[float, float] = (5, 30),
    ) -> None:
        if not query.strip():
            raise SourceError("Give Openverse some search words.")
        self.query = query.strip()
        self.api_url = api_url
        self.session = session
        self.licences = licences
        self.extra_licences = extra_licences
        self.timeout = timeout

    def candidates(self) -> Iterator[Candidate | Rejection]:
        page = 1
        while True:
            answer = get_json(self.session, self.api_url, self.request_params(page), timeout=self.timeout)
            results = answer.get("results")
            if not isinstance(results, list) or not results:
                return
            for result in results:
                yield self._item(result)
            page_count = answer.get("page_count")
            if not isinstance(page_count, int) or page >= page_count:
                return
            page += 1

    def request_params(self, page: int) -> dict[str, str | int]:
        return {"q": self.query, "license": self.licences, "page": page, "page_size": PAGE_SIZE}

    def _item(self, result: Mapping[str, Any]) -> Candidate | Rejection:
        source_id = str(result.get("id", ""))
        licence = openverse_licence(_text(result, "license"), _text(result, "license_version"))
        if not is_free_licence(licence, self.extra_licences):
            return Rejection(source_id, f"licence not accepted: {licence or 'none stated'}")
        file_url = _text(result, "url")
        if not file_url.startswith(("http://", "https://")):
            return Rejection(source_id, "no file URL")
        tags = result.get("tags") or []
        return Candidate(
            source=self.name,
            source_id=source_id,
            file_url=file_url,
            source_page_url=_text(result, "foreign_landing_url"),
            title=_text(result, "title"),
            author=_text(result, "creator"),
            attribution=_text(result, "attribution"),
            licence=licence,
            licence_url=_text(result, "license_url") or licence_url_for(licence),
            tags=_tag_names(tags),
            expected_size=int(result.get("filesize") or 0),
            mime=mime_type_of_extension(_text(result, "filetype")),
            extra={"provider": _text(result, "provider"), "openverse_source": _text(result, "source")},
        )


def openverse_licence(code: str, version: str) -> str:
    """Openverse's licence code and version as a canonical short name: ("by", "4.0") -> "CC BY 4.0"."""
    code = code.strip().lower()
    version = version.strip()
    if code == "cc0":
        return normalise_licence(f"CC0 {version or '1.0'}")
    if code == "pdm":
        return normalise_licence(f"Public Domain Mark {version or '1.0'}")
    if not code:
        return ""
    return normalise_licence(f"CC {code.upper()} {version}")


def _text(result: Mapping[str, Any], key: str) -> str:
    value = result.get(key)
    return "" if value is None else str(value).strip()


def _tag_names(tags: list[Any]) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for tag in tags:
        name = tag.get("name") if isinstance(tag, Mapping) else None
        if isinstance(name, str) and name.strip():
            names.setdefault(" ".join(name.split()).lower(), None)
    return tuple(names)
