"""Personal access tokens for the JSON API: create, revoke, and find the token a request presents.

A token is `imgsite_` followed by 43 URL-safe characters (32 random bytes). It is shown once, when
made; the database keeps its SHA-256 and its first characters for display. A revoked token is
refused from the next request on: every request looks the token up, nothing is cached.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from profiles.models import ApiToken, TokenScope

TOKEN_PREFIX = "imgsite_"
DISPLAY_CHARS = len(TOKEN_PREFIX) + 6
# Writing last_used_at on every request would turn each read into a write; once a minute is enough
# for the owner to see which tokens are in use.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token; never stored, shown to its owner once


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(*, user: AbstractBaseUser, name: str, scope: str) -> NewToken:
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user_id=user.pk,
        name=name.strip(),
        prefix=secret[:DISPLAY_CHARS],
        key_hash=token_hash(secret),
        scope=scope,
    )
    return NewToken(token=token, secret=secret)


def active_tokens(user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True)


def get_own_token_or_404(user: AbstractBaseUser, pk: int) -> ApiToken:
    """The one way views load a token: another person's token is a 404, as if it did not exist."""
    return get_object_or_404(ApiToken, pk=pk, user_id=user.pk)


def revoke_api_token(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def token_for_secret(secret: str) -> ApiToken | None:
    """The active token of an active user with this secret, or None. Marks it used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        _mark_used(token)
    return token


def _mark_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
