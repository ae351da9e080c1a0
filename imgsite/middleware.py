"""Response headers Django has no setting for: Permissions-Policy."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


def permissions_policy_header(policy: Mapping[str, Sequence[str]]) -> str:
    """'camera=(), fullscreen=(self)': each feature with the origins allowed to use it."""
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    """Tells browsers which powerful features (camera, location …) no page of the site may use, so
    an injected script or an embedded frame cannot ask the visitor for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
