"""The limit on how many photos a listing gives is applied once, by `first_photos`, for every source.

Each source's own tests show it stops at the limit through `first_photos` (commons, openverse,
folder, unsplash-lite, urls); these pin the rule itself.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gallery.sources.base import Candidate, Rejection, SourceError, first_photos


def photo(n: int) -> Candidate:
    return Candidate(source="folder", source_id=f"photo-{n}", title=f"Photo {n}")


class CountingListing:
    """A listing that records how many items were asked of it."""

    def __init__(self, items: list[Candidate | Rejection]) -> None:
        self.items = items
        self.pulled = 0

    def __iter__(self) -> Iterator[Candidate | Rejection]:
        for item in self.items:
            self.pulled += 1
            yield item


def test_a_listing_asked_for_no_photos_is_refused_before_the_source_is_read() -> None:
    listing = CountingListing([photo(1)])
    with pytest.raises(SourceError, match=r"^The number of photos to list must be at least 1, not 0\.$"):
        first_photos(listing, 0)
    assert listing.pulled == 0


def test_the_listing_stops_at_the_limit_without_reading_further() -> None:
    listing = CountingListing([photo(n) for n in range(10)])
    assert [item.source_id for item in first_photos(listing, 3)] == ["photo-0", "photo-1", "photo-2"]
    assert listing.pulled == 3


def test_refused_items_pass_through_and_do_not_count() -> None:
    refused = Rejection(source_id="nc-1", reason="licence CC BY-NC 4.0 is not free")
    listing = CountingListing([refused, photo(1), refused, photo(2), photo(3)])
    items = list(first_photos(listing, 2))
    assert [item.source_id for item in items] == ["nc-1", "photo-1", "nc-1", "photo-2"]
