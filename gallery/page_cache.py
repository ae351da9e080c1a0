"""Whole pages for signed-out visitors, kept in the shared cache and answered with an ETag.

A signed-out visitor's home, gallery, photo, tag or author page depends only on its address and
the data: the photos, their colours and tags (the collection's version) and the likes (the likes'
version, gallery.collection_version). So the rendered page is kept under both versions and the full
path, every web process serves it from the cache until either changes, and a browser that already
has it gets a 304. What is never cached: anything for a signed-in person, a page with messages
waiting for this visitor, a response that sets a cookie (a CSRF token or a session) or is not a
200, and anything but GET or HEAD. The one exception to the first is a page that shows nothing of
the person asking, kept once for all (`cached_alike_for_everyone`: the photo viewer's fragment).
Responses carry `Vary: Cookie`, so a shared cache never gives a visitor's page to someone signed
in, and `Cache-Control: no-cache`, so browsers ask again each time (cheaply, with the ETag) and
never show a stale like count.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeGuard

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

from gallery.collection_version import CACHED_COUNTS_SECONDS, collection_version, likes_version
from imgsite.background import CACHE_ERRORS

View = Callable[..., HttpResponseBase]
CachedPage = tuple[str, bytes, str]  # ETag, body, Content-Type


def cached_for_visitors(view: View) -> View:
    """Serve `view`'s page to signed-out visitors from the shared cache while the data is unchanged."""
    return _cached_when(_is_cacheable_request, view)


def cached_alike_for_everyone(*, unless: Callable[[HttpRequest], bool]) -> Callable[[View], View]:
    """Serve the view's page to everyone, signed in or not, from the shared cache while the data is
    unchanged, except to a request that `unless` says asks for something of its own.

    For a page that shows nothing of the person asking (no name, form, message or like of theirs):
    the photo viewer's fragment. A signed-in person's copy is everyone's copy.
    """

    def is_cacheable(request: HttpRequest) -> bool:
        return request.method in ("GET", "HEAD") and not unless(request)

    def decorate(view: View) -> View:
        return _cached_when(is_cacheable, view)

    return decorate


def _cached_when(is_cacheable: Callable[[HttpRequest], bool], view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = versioned_path_key("page", request) if is_cacheable(request) else None
        if key is None:
            return view(request, *args, **kwargs)
        page = _cached(key)
        if page is None:
            response = view(request, *args, **kwargs)
            if not _is_cacheable_response(response):
                return response
            page = _store(key, response)
        return _answer(request, page)

    return wrapper


def _is_cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and len(get_messages(request)) == 0  # counting does not use them up
    )


def _is_cacheable_response(response: HttpResponseBase) -> TypeGuard[HttpResponse]:
    return (
        isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.cookies
        and not response.has_header("Set-Cookie")
    )


def versioned_path_key(kind: str, request: HttpRequest) -> str | None:
    """The shared cache's key for what a page at the request's full path shows alike to everyone,
    under the collection's and the likes' versions; None when the cache is unreachable."""
    collection, likes = collection_version(), likes_version()
    if collection is None or likes is None:
        return None  # render as usual
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"gallery:{kind}:{collection}:{likes}:{path}"


def _cached(key: str) -> CachedPage | None:
    try:
        page = cache.get(key)
    except CACHE_ERRORS:
        return None
    return page if isinstance(page, tuple) else None


def _store(key: str, response: HttpResponse) -> CachedPage:
    body = response.content
    page = (f'"{hashlib.sha256(body).hexdigest()[:32]}"', body, response.get("Content-Type", "text/html"))
    with contextlib.suppress(*CACHE_ERRORS):  # shown all the same, just not kept
        cache.set(key, page, CACHED_COUNTS_SECONDS)
    return page


def _answer(request: HttpRequest, page: CachedPage) -> HttpResponse:
    etag, body, content_type = page
    known = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    response: HttpResponse = (
        HttpResponseNotModified() if etag in known else HttpResponse(body, content_type=content_type)
    )
    response["ETag"] = etag
    patch_vary_headers(response, ("Cookie",))
    patch_cache_control(response, no_cache=True)
    return response
