"""Who is calling the JSON API, and what they may do.

Three ways in, tried in order: a personal access token (`Authorization: Bearer imgsite_…`), the
browser session (with Django's CSRF check on writes, since a cookie is sent by any page that posts
to us), and, on public reads only, nobody. A token that is presented but unknown or revoked is
refused at once with 401, never treated as anonymous, so a script learns its token stopped working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth

from profiles.accounts.api_tokens import token_for_secret
from profiles.models import TokenScope


@dataclass(frozen=True)
class Caller:
    """The authenticated party of one request; `user` is None for an anonymous public read."""

    user: User | None
    scope: str
    token_id: int | None = None


ANONYMOUS = Caller(user=None, scope=TokenScope.READ)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        found = token_for_secret(token)
        if found is None:
            raise AuthenticationError(401, "The token is unknown or has been revoked.")
        return Caller(user=found.user, scope=found.scope, token_id=found.pk)


class BrowserSession(SessionAuth):
    """The logged-in browser, with CSRF checked on unsafe methods (SessionAuth's csrf=True)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check guards a signed-in session; with none, there is nothing to forge, and the
        # caller should hear 401 (sign in) rather than 403 (CSRF).
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        if isinstance(request.user, User) and request.user.is_active:
            return Caller(user=request.user, scope=TokenScope.WRITE)
        return None


def anonymous(request: HttpRequest) -> Caller:
    return ANONYMOUS


SIGNED_IN: list[Any] = [BearerToken(), BrowserSession()]
PUBLIC: list[Any] = [*SIGNED_IN, anonymous]


def caller_of(request: HttpRequest) -> Caller:
    caller = getattr(request, "auth", None)
    return caller if isinstance(caller, Caller) else ANONYMOUS


def signed_in_user(request: HttpRequest) -> User:
    user = caller_of(request).user
    if user is None:
        raise AuthenticationError(401, "Sign in or send a personal access token.")
    return user


def writing_user(request: HttpRequest) -> User:
    """The caller, who must be allowed to change things: a read-only token gets 403."""
    user = signed_in_user(request)
    if caller_of(request).scope != TokenScope.WRITE:
        raise HttpError(403, "This token is read-only; create a write token on /account/ to change things.")
    return user


def staff_user(request: HttpRequest, *, permission: str) -> User:
    """A staff member holding `permission`, the same permission the admin page asks for."""
    user = signed_in_user(request)
    if not (user.is_staff and user.has_perm(permission)):
        raise HttpError(403, "Only staff may do this.")
    return user
