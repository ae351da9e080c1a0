"""The gallery's per-request middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from gallery.collection_version import versions_read_once


class VersionsReadOncePerRequest:
    """Each request reads the collection's and the likes' versions once (gallery.collection_version):
    a signed-in gallery page asked the cache for them six times."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with versions_read_once():
            return self.get_response(request)
