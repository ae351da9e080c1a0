"""Fetch one photo's bytes into memory: streamed, capped, hashed as they arrive, with clear errors.

The bytes are read once: hashed while they stream in, decoded from memory by the analysis, and written
to the media folder by `storage.write_file_atomically` only once the photo is accepted, so a refused
or duplicate file never touches the disk. The size cap (IMGSITE_MAX_DOWNLOAD_BYTES, 40 MB by
default) bounds the memory one item holds.

Retries with backoff on 5xx answers and connection errors come from the session's urllib3 Retry
(see gallery.sources.http.make_session); this module adds the size cap, the content-type check, an
overall deadline per photo and the hashing, and turns every failure into a DownloadError whose
message staff can read.

Photo URLs come from staff (URL lists) and from third-party data (the file URLs an API lists), so
unless `allow_private` is set, every address a URL's host resolves to must be public: private,
loopback, link-local, reserved and multicast addresses are refused, before the first request and
again before following each redirect (redirects are followed here, not by requests, for that
reason). The hosts in `trusted_hosts` (the deployer's configured API hosts) are not checked.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import socket
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from gallery.sources.http import short_reason

CHUNK_BYTES = 256 * 1024
MAX_REDIRECTS = 5
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Some file hosts label photos generically; magic bytes are checked after download either way.
ACCEPTED_CONTENT_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")


class DownloadError(Exception):
    """The bytes could not be fetched; the message says why in plain words."""


@dataclass(frozen=True, repr=False)
class FetchedFile:
    data: bytes  # the whole file, within the size cap
    size: int
    sha256: str
    sha1: str
    content_type: str


@dataclass(frozen=True)
class DownloadLimits:
    max_bytes: int
    connect_timeout: float
    read_timeout: float
    deadline: float = 120.0  # seconds for one photo's body, however slowly it arrives
    allow_private: bool = False
    trusted_hosts: frozenset[str] = frozenset()  # "host:port" as in a URL; not checked


def download_file(url: str, *, session: requests.Session, limits: DownloadLimits) -> FetchedFile:
    response = _get_following_safe_redirects(url, session=session, limits=limits)
    host = urlsplit(response.url or url).netloc or url
    with response:
        _check_response(response, limits.max_bytes)
        return _stream_body(response, limits, host)


def check_public_address(url: str, limits: DownloadLimits) -> None:
    """DownloadError unless every address the URL's host resolves to is public (or allowed)."""
    parts = urlsplit(url)
    if limits.allow_private or parts.netloc in limits.trusted_hosts:
        return
    host = parts.hostname
    if not host:
        raise DownloadError("the address has no host name")
    try:
        port = parts.port
    except ValueError as exc:
        raise DownloadError(f"{parts.netloc} has an invalid port") from exc
    for address in _resolve(host, port):
        if not is_public_address(address):
            raise DownloadError(
                f"{host} is a private, loopback or link-local address ({address}); photo URLs must be public"
            )


def is_public_address(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int | None) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise DownloadError(f"could not reach {host} (the host name could not be resolved)") from exc
    # An IPv6 address may carry a zone ("fe80::1%eth0"); the zone is not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _get_following_safe_redirects(
    url: str, *, session: requests.Session, limits: DownloadLimits
) -> requests.Response:
    for _ in range(MAX_REDIRECTS + 1):
        check_public_address(url, limits)
        response = _get(url, session=session, limits=limits)
        if not response.is_redirect:
            return response
        response.close()
        url = urljoin(url, response.headers["Location"])
    raise DownloadError(f"{urlsplit(url).netloc or url} redirected more than {MAX_REDIRECTS} times")


def _get(url: str, *, session: requests.Session, limits: DownloadLimits) -> requests.Response:
    host = urlsplit(url).netloc or url
    timeout = (limits.connect_timeout, limits.read_timeout)
    try:
        return session.get(url, stream=True, timeout=timeout, allow_redirects=False)
    except requests.exceptions.RetryError as exc:
        raise DownloadError(f"{host} kept failing after retries ({_short(exc)})") from exc
    except requests.exceptions.Timeout as exc:
        raise DownloadError(f"{host} did not answer in time") from exc
    except requests.exceptions.RequestException as exc:
        # With retries used up, a read timeout arrives wrapped in a ConnectionError; short_reason
        # unwraps it, so staff read "no answer within 30 s", not urllib3's pool text.
        raise DownloadError(f"could not reach {host} ({short_reason(exc, timeout)})") from exc


def read_local_file(path: Path, *, max_bytes: int) -> FetchedFile:
    """The folder source: the same checks as a download, so the pipeline treats both alike.

    Only a regular file is read. It is opened without blocking and without following a symbolic
    link, then checked: a FIFO named .jpg would otherwise hang the job waiting for a writer."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError as exc:
        raise DownloadError(f"cannot read {path.name}: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as source:
        details = os.fstat(source.fileno())
        if not stat.S_ISREG(details.st_mode):
            raise DownloadError(f"{path.name} is not a regular file")
        if details.st_size > max_bytes:
            raise DownloadError(f"file is {_mb(details.st_size)}, over the {_mb(max_bytes)} limit")
        return _hashed_bytes(iter(lambda: source.read(CHUNK_BYTES), b""), max_bytes, "")


def _check_response(response: requests.Response, max_bytes: int) -> None:
    if response.status_code != 200:
        raise DownloadError(f"HTTP {response.status_code} {response.reason or ''}".strip())
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type and not content_type.startswith(ACCEPTED_CONTENT_TYPES):
        raise DownloadError(f"the server sent {content_type}, not an image")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DownloadError(f"file is {_mb(int(declared))}, over the {_mb(max_bytes)} limit")


def _stream_body(response: requests.Response, limits: DownloadLimits, host: str) -> FetchedFile:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    chunks = _body_before_deadline(response, host, limits.deadline)
    try:
        return _hashed_bytes(chunks, limits.max_bytes, content_type)
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
        # A server that stalls mid-body surfaces here as a read timeout.
        raise DownloadError(f"{host} stopped sending data ({_short(exc)})") from exc


def _body_before_deadline(response: requests.Response, host: str, seconds: float) -> Iterator[bytes]:
    """The body as it arrives. read1 returns whatever has come, so the deadline is checked even
    when a server sends a byte at a time; iter_content would wait for a whole chunk first."""
    deadline = time.monotonic() + seconds
    while chunk := response.raw.read1(CHUNK_BYTES, decode_content=True):
        yield chunk
        if time.monotonic() > deadline:
            raise DownloadError(f"{host} took more than {seconds:g} s to send the file; gave up")


def _hashed_bytes(chunks: Iterable[bytes], max_bytes: int, content_type: str) -> FetchedFile:
    """The chunks joined, hashed as they arrive: one pass over the bytes, nothing written yet."""
    sha256, sha1, body = hashlib.sha256(), hashlib.sha1(usedforsecurity=False), bytearray()
    for chunk in chunks:
        if len(body) + len(chunk) > max_bytes:
            raise DownloadError(f"file is over the {_mb(max_bytes)} limit")
        sha256.update(chunk)
        sha1.update(chunk)
        body += chunk
    if not body:
        raise DownloadError("the file is empty (0 bytes)")
    return FetchedFile(bytes(body), len(body), sha256.hexdigest(), sha1.hexdigest(), content_type)


def _mb(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]


__all__ = ["DownloadError", "DownloadLimits", "FetchedFile", "download_file", "read_local_file"]
