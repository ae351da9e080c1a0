"""The collection's version: a token in the shared cache (CACHES, Redis in production) that every
change to what the gallery counts replaces, so counts cached under it are never read again once
stale, and every web process agrees on it.

What the gallery counts is photos (their visibility, fields, colours and tags): `gallery.receivers`
calls `collection_changed` when one is saved or deleted, and the services that change them in bulk
(which send no signals) call it themselves. Likes do not change it: like counts are stored on the
photo (`gallery.services.like_counts`), and "Liked by me" is counted per request.

The token is replaced at once (so the writing process, and a test, reads fresh counts inside its
transaction) and again after commit (so a page computed from the data before the commit, and stored
under the token in between, is never read). When the cache cannot be reached, nothing is cached and
every page counts afresh; cached counts also expire after CACHED_COUNTS_SECONDS, which bounds the
harm of a change made while the cache was unreachable.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

from imgsite.background import CACHE_ERRORS

logger = logging.getLogger(__name__)
T = TypeVar("T")

VERSION_KEY = "gallery:collection-version"
# Likes have a version of their own: they change no filter count, only the like counts that whole
# pages show (gallery.page_cache), so a like need not throw the filter counts away.
LIKES_VERSION_KEY = "gallery:likes-version"
TOKEN_KEYS = (VERSION_KEY, LIKES_VERSION_KEY)
CACHED_COUNTS_SECONDS = 600
# How long the processes that want the same missing counts wait for the one computing them (a cold
# count at 100,000 photos takes under a second), and how often they look.
COMPUTE_LOCK_SECONDS = 10
WAIT_STEP_SECONDS = 0.02


def collection_version() -> str | None:
    """The current token, None when the cache cannot be reached (then nothing should be cached)."""
    return _version(VERSION_KEY)


def likes_version() -> str | None:
    """The token replaced whenever a like is added or removed; None when the cache is unreachable."""
    return _version(LIKES_VERSION_KEY)


# Within a request (gallery.middleware), the versions read so far: a page asks for them several
# times (counts, filters, its grid), and each read is a round trip to the cache.
_read: ContextVar[dict[str, str] | None] = ContextVar("gallery_versions_read", default=None)


@contextlib.contextmanager
def versions_read_once() -> Iterator[None]:
    """Within this block, both versions are read from the cache together, once, and a change made
    inside it is seen at once: what one request shows is counted under one pair of versions."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def _version(key: str) -> str | None:
    read = _read.get()
    if read is not None and key in read:
        return read[key]
    try:
        # Both tokens in one round trip: a page that needs one mostly needs the other.
        versions = {name: str(value) for name, value in cache.get_many(TOKEN_KEYS).items()}
        if key not in versions:
            # add, so that processes starting together settle on one token.
            cache.add(key, uuid4().hex, timeout=None)
            found = cache.get(key)
            if found is None:
                return None
            versions[key] = str(found)
    except CACHE_ERRORS:
        return None
    if read is not None:
        read.update(versions)
    return versions[key]


def cached_for_this_version(name: str, key: str, compute: Callable[[], T], *, likes: bool = False) -> T:
    """`compute()`, or what it returned before for the same `name` and `key` since the collection
    last changed, and with `likes`, since a like was last added or removed too (for what shows like
    counts or is ordered by them). Computed afresh when the cache cannot be reached.

    When the value is missing, one process computes it while the others asking for it wait for its
    result (`_wait_for`) instead of counting the collection too, as every one did before; a waiter
    computes it itself after COMPUTE_LOCK_SECONDS, in case the first one died.
    """
    version = _versions(likes=likes)
    if version is None:
        return compute()
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"gallery:{name}:{version}:{digest}"
    lock_key = f"{cache_key}:lock"
    try:
        value = cache.get(cache_key)
        holding_lock = value is None and cache.add(lock_key, 1, COMPUTE_LOCK_SECONDS)
    except CACHE_ERRORS:
        return compute()
    if value is None and not holding_lock:
        value = _wait_for(cache_key)
    if value is None:
        try:
            value = compute()
            with contextlib.suppress(*CACHE_ERRORS):  # counted afresh, just not kept
                cache.set(cache_key, value, CACHED_COUNTS_SECONDS)
        finally:
            if holding_lock:
                with contextlib.suppress(*CACHE_ERRORS):
                    cache.delete(lock_key)
    return value


def _versions(*, likes: bool) -> str | None:
    """The token a cached value is kept under; None when the cache cannot be reached."""
    collection = collection_version()
    if not likes or collection is None:
        return collection
    liked = likes_version()
    return None if liked is None else f"{collection}-{liked}"


def _wait_for(cache_key: str) -> Any:
    """The value another process is computing under `cache_key`, or None if it has not come within
    COMPUTE_LOCK_SECONDS."""
    deadline = time.monotonic() + COMPUTE_LOCK_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        try:
            value = cache.get(cache_key)
        except CACHE_ERRORS:
            return None
        if value is not None:
            return value
    return None


def collection_changed() -> None:
    """Say that photos, their colours or their tags changed: counts cached so far are stale.

    Inside `changes_counted_every` (an ingest job), at most once per its interval, and at its end.
    """
    batch = _batch.get()
    if batch is not None and not batch.due():
        return
    _replace(VERSION_KEY)
    transaction.on_commit(lambda: _replace(VERSION_KEY))


@dataclass
class _Batch:
    every: float
    last: float = -math.inf  # when the version was last replaced; the first change replaces it at once
    pending: bool = False  # a change not yet announced

    def due(self) -> bool:
        """Note a change; whether to announce it now (and so everything before it)."""
        now = time.monotonic()
        self.pending = now - self.last < self.every
        if not self.pending:
            self.last = now
        return not self.pending


_batch: ContextVar[_Batch | None] = ContextVar("gallery_collection_changes", default=None)


@contextlib.contextmanager
def changes_counted_every(seconds: float) -> Iterator[None]:
    """Within this block, replace the collection's version at most once every `seconds`, and once
    more at its end if anything changed since.

    For a stream of machine-made changes, an ingest storing ten photos a second: each photo would
    otherwise throw every cached count away before any request could use it, so that every page
    counted the whole collection. The counts then include a new photo within `seconds`, as a
    search engine's refresh interval does; a person's own changes (likes, tags, deletions) are
    counted at once, since they are never made inside this block.
    """
    batch = _Batch(seconds)
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        if batch.pending:
            collection_changed()


def likes_changed() -> None:
    """Say that a like was added or removed: pages cached so far show stale like counts."""
    _replace(LIKES_VERSION_KEY)
    transaction.on_commit(lambda: _replace(LIKES_VERSION_KEY))


def forget_collection_version() -> None:
    """Drop the tokens: the next reader starts new ones (for a database emptied by other means,
    e.g. between tests)."""
    read = _read.get()
    if read is not None:
        read.clear()
    with contextlib.suppress(*CACHE_ERRORS):
        cache.delete_many(TOKEN_KEYS)


def _replace(key: str) -> None:
    read = _read.get()
    if read is not None:
        read.pop(key, None)
    try:
        cache.set(key, uuid4().hex, timeout=None)
    except CACHE_ERRORS:
        logger.warning(
            "The cache is unreachable: cached gallery counts may be stale for %ss.", CACHED_COUNTS_SECONDS
        )
