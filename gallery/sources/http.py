"""HTTP for sources and downloads: one polite session with retries, and JSON with clear failures.

Retries are urllib3's `Retry` on the session's adapters, so every request made through the session
(API pages and file downloads alike) retries the same way: on connection errors, read timeouts
and 429/500/502/503/504 answers, with exponential backoff, honouring the server's Retry-After.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from gallery.sources.base import SourceError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A server may ask for a long pause in Retry-After; waiting longer than this would look like a hang.
MAX_RETRY_AFTER_SECONDS = 60.0


class _CappedRetry(Retry):
    """urllib3's Retry, with the server's Retry-After wait capped."""

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, MAX_RETRY_AFTER_SECONDS)


def make_session(user_agent: str, *, retries: int, backoff: float) -> requests.Session:
    """A session that sends `user_agent` and retries failed GET/HEAD requests `retries` times.

    After the last retry of an error status the response itself is returned (not an exception),
    so callers see the real status code and can report it.
    """
    retry = _CappedRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    return session


def get_json(
    session: requests.Session,
    url: str,
    params: Mapping[str, str | int],
    *,
    timeout: tuple[float, float],
) -> dict[str, Any]:
    """GET `url` and return its JSON object; SourceError("Could not reach <host>: ...") otherwise."""
    host = urlsplit(url).netloc or url
    try:
        response = session.get(url, params=dict(params), timeout=timeout)
    except requests.RequestException as exc:
        raise SourceError(f"Could not reach {host}: {short_reason(exc, timeout)}.") from exc
    if response.status_code >= 400:
        raise SourceError(f"Could not reach {host}: {_status_text(response)}.")
    try:
        data = response.json()
    except ValueError as exc:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        raise SourceError(f"Could not reach {host}: the answer was not JSON ({kind}).") from exc
    if not isinstance(data, dict):
        raise SourceError(f"Could not reach {host}: the answer was not a JSON object.")
    return data


def short_reason(exc: requests.RequestException, timeout: tuple[float, float] | None = None) -> str:
    """A few words on why a request failed, instead of urllib3's nested exception text."""
    cause = _underlying(exc)
    if isinstance(cause, ReadTimeoutError | requests.ReadTimeout):
        return f"no answer within {timeout[1]:g} s" if timeout else "the server stopped answering"
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2, so it is checked first.
    if isinstance(cause, NameResolutionError):
        return "the host name could not be resolved"
    if isinstance(cause, NewConnectionError):
        return "connection refused" if "refused" in str(cause).lower() else "could not connect"
    if isinstance(cause, ConnectTimeoutError | requests.ConnectTimeout):
        return f"no connection within {timeout[0]:g} s" if timeout else "the connection timed out"
    if isinstance(cause, ResponseError):
        return "too many error answers"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return "the address is not a valid URL"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the answer was cut off"
    return type(cause).__name__


def _underlying(exc: requests.RequestException) -> BaseException:
    """The urllib3 error behind a requests error (requests wraps it in MaxRetryError after retries)."""
    inner = exc.args[0] if exc.args else None
    if isinstance(inner, MaxRetryError) and inner.reason is not None:
        return inner.reason
    if isinstance(inner, BaseException):
        return inner
    return exc


def _status_text(response: requests.Response) -> str:
    text = f"HTTP {response.status_code} {response.reason or ''}".strip()
    if detail := _error_detail(response):
        text += f" ({detail})"
    if response.status_code in RETRY_STATUSES:
        retries = response.raw.retries if response.raw is not None else None
        if isinstance(retries, Retry) and retries.history:
            text += f" after {len(retries.history)} retries"
    return text


def _error_detail(response: requests.Response) -> str:
    """The one-line reason an API put in its JSON error body ({"detail": ...} or {"error": {"info"}})."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    detail = body.get("detail")
    error = body.get("error")
    if isinstance(error, dict):
        detail = error.get("info")
    return " ".join(detail.split())[:200] if isinstance(detail, str) else ""
