"""Errors of the JSON API as problem details (RFC 9457): `application/problem+json` with type,
title, status and detail, for every status code under /api/.

django-ninja's own errors go through the exception handlers in `imgsite.api`, which call
`problem_response`. What happens outside ninja (an unknown URL under /api/, a method the path does
not take, an error in a middleware) would otherwise be one of Django's HTML pages; the middleware
here turns those into problem details too, so a client never has to parse HTML. An exception raised
outside ninja reaches it as Django's 500 page (already logged by Django), and is converted the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Schema

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_PATH_PREFIX = "/api/"
# "about:blank" says the problem means no more than its HTTP status (RFC 9457, section 4.2.1).
BLANK_TYPE = "about:blank"


def status_title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_body(*, status: int, detail: str, type_: str = BLANK_TYPE, **extra: Any) -> dict[str, Any]:
    return {"type": type_, "title": status_title(status), "status": status, "detail": detail, **extra}


def problem_response(*, status: int, detail: str, type_: str = BLANK_TYPE, **extra: Any) -> HttpResponse:
    body = problem_body(status=status, detail=detail, type_=type_, **extra)
    return HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)


def default_detail(status: int) -> str:
    if status == HTTPStatus.NOT_FOUND:
        return "There is nothing at this address in the API; see /api/v1/docs."
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        return "This address does not take that method; the Allow header lists those it takes."
    if status >= 500:
        return "Something went wrong on our side; it has been logged."
    return status_title(status)


def _detail_from(response: HttpResponseBase) -> str:
    """A JSON error body's "detail" text, if it has one (ninja's defaults); else the status's default."""
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            detail = json.loads(getattr(response, "content", b"") or b"{}").get("detail")
        except (ValueError, AttributeError):
            detail = None
        if isinstance(detail, str) and detail:
            return detail
    return default_detail(response.status_code)


def as_problem(response: HttpResponseBase) -> HttpResponse:
    problem = problem_response(status=response.status_code, detail=_detail_from(response))
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            problem[header] = response[header]
    return problem


class ApiProblemMiddleware:
    """Under /api/, an error response that is not already problem details becomes one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(API_PATH_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return response
        return as_problem(response)


class Problem(Schema):
    """RFC 9457 problem details; `errors` lists the fields at fault on a 422."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


# The errors any operation can answer, documented on each so clients (and schemathesis) know them.
ERROR_CODES = frozenset({400, 401, 403, 404, 405, 422, 429})


def with_errors(ok: dict[int, Any]) -> dict[Any, Any]:
    """An operation's `response=` mapping: its success schemas plus the problem details."""
    return {**ok, ERROR_CODES: Problem}
