"""Fixtures for the JSON API tests: tokens for alice and bob, and a client that sends them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from profiles.accounts.api_tokens import create_api_token


class ApiClient:
    """Django's test client with a bearer token on every request (none for an anonymous caller)."""

    def __init__(self, secret: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def put(self, path: str, body: dict[str, Any] | None = None) -> Any:
        if body is None:
            return self.client.put(path, headers=self.headers)
        return self.client.put(path, body, content_type="application/json", headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, body or {}, content_type="application/json", headers=self.headers)


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Each test starts with no requests counted against any token or address."""
    cache.clear()
    yield
    cache.clear()


def token_client(user: User, scope: str = "write") -> ApiClient:
    return ApiClient(create_api_token(user=user, name=f"{user.username} {scope}", scope=scope).secret)


@pytest.fixture
def alice_api(alice: User) -> ApiClient:
    return token_client(alice, "write")


@pytest.fixture
def bob_api(bob: User) -> ApiClient:
    return token_client(bob, "write")


@pytest.fixture
def anonymous_api(db: None) -> ApiClient:
    return ApiClient()
