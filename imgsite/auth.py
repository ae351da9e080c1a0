"""Request helpers every app's views share."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind login_required (or that checked is_authenticated).

    The check narrows the type for mypy and turns a misuse (a view that forgot the login check)
    into a 403 rather than an AnonymousUser reaching a service.
    """
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
