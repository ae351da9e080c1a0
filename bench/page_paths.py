"""The addresses both page benchmarks ask for (bench/pages.py through gunicorn, bench/uncached_pages.py
in one process), so that their figures are for the same pages."""

from __future__ import annotations

from collections.abc import Sequence

# A photo opened from a filtered, sorted list: its neighbours and its page in that list are read.
IN_A_LIST = "?colour=blue&sort=liked"


def photo_pages(photo_ids: Sequence[int], *, query: str = "") -> tuple[str, ...]:
    return tuple(f"/photos/{pk}/{query}" for pk in photo_ids)


def viewer_steps(photo_ids: Sequence[int]) -> tuple[str, ...]:
    """The viewer's fragment for each photo, stepping through the blue, most-liked list."""
    return tuple(f"/photos/{pk}/viewer/{IN_A_LIST}" for pk in photo_ids)
