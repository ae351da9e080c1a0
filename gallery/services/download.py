"""Fetch one photo's bytes into a temporary file: streamed, capped, hashed, with clear errors.

Retries with backoff on 5xx answers and connection errors come from the session's urllib3 Retry
(see gallery.sources.http.make_session); this module adds the size cap, the content-type check and
the hashing, and turns every failure into a DownloadError whose message staff can read.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from gallery.services.storage import remove_quietly
from gallery.sources.http import short_reason

CHUNK_BYTES = 256 * 1024
# Some file hosts label photos generically; magic bytes are checked after download either way.
ACCEPTED_CONTENT_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")


class DownloadError(Exception):
    """The bytes could not be fetched; the message says why in plain words."""


@dataclass(frozen=True)
class FetchedFile:
    path: Path  # a temporary file the caller must move or remove
    size: int
    sha256: str
    sha1: str
    content_type: str


@dataclass(frozen=True)
class DownloadLimits:
    max_bytes: int
    connect_timeout: float
    read_timeout: float


def download_to_temp(
    url: str, *, session: requests.Session, limits: DownloadLimits, into: Path
) -> FetchedFile:
    host = urlsplit(url).netloc or url
    try:
        response = session.get(url, stream=True, timeout=(limits.connect_timeout, limits.read_timeout))
    except requests.exceptions.RetryError as exc:
        raise DownloadError(f"{host} kept failing after retries ({_short(exc)})") from exc
    except requests.exceptions.Timeout as exc:
        raise DownloadError(f"{host} did not answer in time") from exc
    except requests.exceptions.RequestException as exc:
        # With retries used up, a read timeout arrives wrapped in a ConnectionError; short_reason
        # unwraps it, so staff read "no answer within 30 s", not urllib3's pool text.
        timeouts = (limits.connect_timeout, limits.read_timeout)
        raise DownloadError(f"could not reach {host} ({short_reason(exc, timeouts)})") from exc
    with response:
        _check_response(response, limits.max_bytes)
        return _stream_to_temp(response, limits.max_bytes, into, host)


def copy_local_to_temp(path: Path, *, max_bytes: int, into: Path) -> FetchedFile:
    """The folder source: the same checks as a download, so the pipeline treats both alike."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DownloadError(f"cannot read {path.name}: {exc.strerror}") from exc
    if size > max_bytes:
        raise DownloadError(f"file is {_mb(size)}, over the {_mb(max_bytes)} limit")
    with path.open("rb") as source:
        return _write_chunks(iter(lambda: source.read(CHUNK_BYTES), b""), max_bytes, into, "")


def _check_response(response: requests.Response, max_bytes: int) -> None:
    if response.status_code != 200:
        raise DownloadError(f"HTTP {response.status_code} {response.reason or ''}".strip())
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type and not content_type.startswith(ACCEPTED_CONTENT_TYPES):
        raise DownloadError(f"the server sent {content_type}, not an image")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DownloadError(f"file is {_mb(int(declared))}, over the {_mb(max_bytes)} limit")


def _stream_to_temp(response: requests.Response, max_bytes: int, into: Path, host: str) -> FetchedFile:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    try:
        return _write_chunks(response.iter_content(CHUNK_BYTES), max_bytes, into, content_type)
    except requests.exceptions.RequestException as exc:
        # A server that stalls mid-body surfaces here as a read timeout wrapped in ConnectionError.
        raise DownloadError(f"{host} stopped sending data ({_short(exc)})") from exc


def _write_chunks(chunks: Iterable[bytes], max_bytes: int, into: Path, content_type: str) -> FetchedFile:
    into.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=into, prefix=".download-")
    path = Path(name)
    sha256, sha1, size = hashlib.sha256(), hashlib.sha1(usedforsecurity=False), 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadError(f"file is over the {_mb(max_bytes)} limit")
                sha256.update(chunk)
                sha1.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        remove_quietly(path)
        raise
    if size == 0:
        remove_quietly(path)
        raise DownloadError("the file is empty (0 bytes)")
    return FetchedFile(path, size, sha256.hexdigest(), sha1.hexdigest(), content_type)


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]


__all__ = ["DownloadError", "DownloadLimits", "FetchedFile", "copy_local_to_temp", "download_to_temp"]
