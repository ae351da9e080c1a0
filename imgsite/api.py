"""The JSON API at /api/v1/: one NinjaAPI, with a router per app (gallery, profiles, recommender).

django-ninja builds the OpenAPI schema (/api/v1/openapi.json) from the routers' typed signatures and
Pydantic schemas, so the documentation cannot drift from the code, and its docs page (/api/v1/docs)
loads Swagger UI from the package's own static files, not a CDN. Authentication is in
`imgsite.api_auth`, rate limits in `imgsite.api_limits`, and every error is problem details
(`imgsite.api_problems`).
"""

from __future__ import annotations

import logging
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from gallery.api import likes_router, tags_router
from gallery.api import router as gallery_router
from gallery.api import staff_router as gallery_staff_router
from imgsite.api_auth import PUBLIC
from imgsite.api_limits import API_THROTTLES
from imgsite.api_problems import PROBLEM_CONTENT_TYPE, default_detail, problem_response
from profiles.api import router as profiles_router
from profiles.api import stats_router
from recommender.api import router as recommender_router
from recommender.api import staff_router as recommender_staff_router

log = logging.getLogger(__name__)

DESCRIPTION = """The imgsite collection as JSON: photos with every gallery filter, likes, tags,
recommendations with their reasons, taste profiles and statistics.

**Authentication.** Send a personal access token, made on [your account page](/account/), as
`Authorization: Bearer imgsite_…`. Read tokens can look; write tokens can also like and tag. In the
browser the session cookie works too (writes need the `X-CSRFToken` header). Public reads need nothing.

**Errors** are problem details (RFC 9457, `application/problem+json`). **Rate limits** apply per
token and per address; over them you get `429` with `Retry-After` in seconds.

**Pages** of photos and likes are cursor-paginated: pass the response's `next_cursor` as `cursor`.
"""


class ImgsiteAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        """Ninja documents every response as application/json; ours for errors are problem+json."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {PROBLEM_CONTENT_TYPE: content.pop("application/json")}
        return schema


# The one CSP exception of the site, on the docs page only: Swagger UI's own stylesheet draws its
# icons (arrows, locks, copy buttons) as data: SVG images, which `img-src 'self'` blocks. Images
# from data: URLs cannot run script, and the page's scripts and styles stay 'self' only.
docs_csp = csp_update({"img-src": [SELF, "data:"]})

api = ImgsiteAPI(
    title="imgsite API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-1",
    auth=PUBLIC,
    throttle=API_THROTTLES,
    docs_url="/docs",
    docs_decorator=docs_csp,
    openapi_url="/openapi.json",
)
api.add_router("/photos", gallery_router)
api.add_router("/me/likes", likes_router)
api.add_router("/tags", tags_router)
api.add_router("/", profiles_router)
api.add_router("/stats", stats_router)
api.add_router("/", recommender_router)
api.add_router("/staff", gallery_staff_router)
api.add_router("/staff", recommender_staff_router)


@api.exception_handler(ValidationError)
def validation_failed(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return problem_response(
        status=422, detail="The request has invalid values; `errors` says which.", errors=errors
    )


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(
        status=401,
        detail=exc.message if exc.message != "Unauthorized" else ("Sign in or send a personal access token."),
    )
    response["WWW-Authenticate"] = 'Bearer realm="imgsite"'
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(status=exc.status_code, detail=exc.message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(status=404, detail="No such object, or it is not yours to see.")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(status=403, detail=str(exc) or "You may not do this.")


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(status=500, detail=default_detail(500))
