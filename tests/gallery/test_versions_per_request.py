"""A request reads the collection's and the likes' versions from the cache once and keeps to them,
sees its own changes at once, and the next request sees another process's changes."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from gallery.collection_version import (
    VERSION_KEY,
    collection_changed,
    collection_version,
    likes_changed,
    likes_version,
    versions_read_once,
)

pytestmark = pytest.mark.django_db

# What gallery.middleware.VersionsReadOncePerRequest wraps each request in.
_request = versions_read_once


def test_a_request_keeps_to_the_versions_it_first_read() -> None:
    with _request():
        first = collection_version()
        cache.set(VERSION_KEY, "replaced by another process")

        assert collection_version() == first


def test_the_next_request_sees_another_process_change() -> None:
    with _request():
        collection_version()
    cache.set(VERSION_KEY, "replaced by another process")

    with _request():
        assert collection_version() == "replaced by another process"


def test_a_request_sees_its_own_changes_at_once() -> None:
    with _request():
        collection, likes = collection_version(), likes_version()
        collection_changed()
        likes_changed()

        assert collection_version() != collection
        assert likes_version() != likes


def test_outside_a_request_every_read_asks_the_cache() -> None:
    collection_version()
    cache.set(VERSION_KEY, "replaced by another process")

    assert collection_version() == "replaced by another process"
