"""Building a source from settings, by its name: one of `gallery.models.Source`, the one list of sources.

`query` means: commons - a category ("Category:X") or search words (empty: the default category);
openverse - search words; unsplash-lite - the dataset folder; urls - the CSV file; folder - the
folder (options: licence, author). Those three local paths must lie below one of
IMGSITE_FOLDER_ROOTS (after following symbolic links), so staff cannot publish the server's own
files (a folder job on /usr/share once did).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import requests
from django.conf import settings

from gallery.models import Source
from gallery.sources.base import ImageSource, SourceError
from gallery.sources.commons import CommonsSource
from gallery.sources.folder import FolderSource
from gallery.sources.http import make_session
from gallery.sources.openverse import DEFAULT_LICENCES, OpenverseSource
from gallery.sources.unsplash_lite import UnsplashLiteSource
from gallery.sources.url_list import UrlListSource


def build_source(name: str, query: str, *, options: Mapping[str, str]) -> ImageSource:
    """The source called `name`, set up from settings; SourceError for an unknown name."""
    query = query.strip()
    extra_licences = tuple(settings.IMGSITE_EXTRA_LICENCES)
    if name == "commons":
        return CommonsSource(
            query or settings.IMGSITE_DEFAULT_COMMONS_CATEGORY,
            api_url=settings.IMGSITE_COMMONS_API,
            session=http_session(),
            extra_licences=extra_licences,
            timeout=_timeout(),
        )
    if name == "openverse":
        return OpenverseSource(
            query,
            api_url=settings.IMGSITE_OPENVERSE_API,
            session=http_session(),
            licences=options.get("licences") or DEFAULT_LICENCES,
            extra_licences=extra_licences,
            timeout=_timeout(),
        )
    if name == "unsplash-lite":
        return UnsplashLiteSource(_path(name, query, "the folder holding the dataset"))
    if name == "urls":
        return UrlListSource(_path(name, query, "the CSV file"), extra_licences=extra_licences)
    if name == "folder":
        return FolderSource(
            _path(name, query, "the folder"),
            licence=options.get("licence", ""),
            author=options.get("author", ""),
            extra_licences=extra_licences,
        )
    raise SourceError(f"There is no source called {name!r}; choose one of: {', '.join(Source.values)}.")


def http_session() -> requests.Session:
    """The one session set up from settings (user agent, retries, backoff): for API pages and downloads."""
    return make_session(
        settings.IMGSITE_USER_AGENT,
        retries=settings.IMGSITE_DOWNLOAD_RETRIES,
        backoff=settings.IMGSITE_RETRY_BACKOFF,
    )


def _timeout() -> tuple[float, float]:
    return (float(settings.IMGSITE_CONNECT_TIMEOUT), float(settings.IMGSITE_READ_TIMEOUT))


def _path(name: str, query: str, what: str) -> Path:
    if not query:
        raise SourceError(f"The {name} source needs {what} as its argument.")
    return path_inside_roots(Path(query).expanduser(), settings.IMGSITE_FOLDER_ROOTS)


def path_inside_roots(path: Path, roots: list[Path]) -> Path:
    """`path` made absolute, if it lies below one of `roots`; SourceError naming the roots if not."""
    resolved = path.resolve()
    if any(resolved.is_relative_to(root.resolve()) for root in roots):
        return resolved
    allowed = ", ".join(str(root) for root in roots) or "none configured"
    raise SourceError(
        f"{path} is outside the folders photos may be imported from ({allowed}); "
        "set IMGSITE_FOLDER_ROOTS to allow another."
    )
