"""Counts missing from the cache are computed by one request while the others wait for its result,
instead of every request that arrives meanwhile counting the whole collection too."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from gallery import collection_version
from gallery.collection_version import cached_for_this_version, collection_changed


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_requests_arriving_while_counts_are_computed_wait_for_them_instead_of_counting_again() -> None:
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow_count() -> int:
        calls.append(1)
        started.set()
        release.wait(5)
        return 42

    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(cached_for_this_version, "count", "gallery", slow_count)
        started.wait(5)
        others = [pool.submit(cached_for_this_version, "count", "gallery", slow_count) for _ in range(3)]
        release.set()
        results = [first.result(10), *(other.result(10) for other in others)]

    assert results == [42, 42, 42, 42]
    assert len(calls) == 1


def test_counts_that_failed_to_compute_are_computed_by_the_next_request() -> None:
    def failing() -> int:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        cached_for_this_version("count", "gallery", failing)

    assert cached_for_this_version("count", "gallery", lambda: 7) == 7


def test_a_waiting_request_counts_for_itself_when_the_first_takes_too_long(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(collection_version, "COMPUTE_LOCK_SECONDS", 0.2)
    started, release = threading.Event(), threading.Event()

    def stuck() -> int:  # as a process killed mid-count leaves its lock behind
        started.set()
        release.wait(5)
        return 1

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(cached_for_this_version, "count", "gallery", stuck)
        started.wait(5)
        assert cached_for_this_version("count", "gallery", lambda: 9) == 9
        release.set()
        first.result(5)


@pytest.mark.django_db
def test_counts_are_computed_again_once_the_collection_changes() -> None:
    assert cached_for_this_version("count", "gallery", lambda: 1) == 1
    assert cached_for_this_version("count", "gallery", lambda: 2) == 1
    collection_changed()
    assert cached_for_this_version("count", "gallery", lambda: 3) == 3
