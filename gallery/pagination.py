"""Pages of the gallery that cost the same deep in the list as at its start.

The first OFFSET_PAGES pages are read by page number (an OFFSET of a few hundred rows at most).
Beyond them, "Next" and "Previous" carry a cursor (`gallery.cursor`: the sort key of the page's
last or first card) beside the page number, so page 400 starts where page 399 ended instead of
skipping 9,576 rows; the number is only shown. A page number typed or linked without a cursor
still works: it is read from whichever end of the list is nearer. Search results ranked by
relevance have no keyset and are read by number.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from django.db.models import QuerySet
from django.http import QueryDict

from gallery.cursor import InvalidCursor, after_key, before_key, decode_cursor, encode_cursor
from gallery.models import Image
from gallery.photo_lists import paged_query
from gallery.selectors import SORT_COLUMNS

PAGE_SIZE = 24  # cards on a gallery page
OFFSET_PAGES = 10


@dataclass(frozen=True)
class GalleryPage:
    """One page of cards, with what the pagination shows; `paginator` is itself, as templates
    written for Django's Page read `page.paginator.count`."""

    object_list: list[Image]
    number: int | None  # None for a page read from a cursor alone (a photo's link back to its list)
    count: int
    per_page: int
    previous_url: str | None
    next_url: str | None

    @property
    def paginator(self) -> GalleryPage:
        return self

    @property
    def num_pages(self) -> int:
        return max(1, ceil(self.count / self.per_page))

    def has_previous(self) -> bool:
        return self.previous_url is not None

    def has_next(self) -> bool:
        return self.next_url is not None

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()


def page_number(raw: str | None, num_pages: int) -> int:
    """The page asked for, as Django's Paginator.get_page reads it: "last", or a number clamped to
    the pages there are; anything else is page 1."""
    if raw == "last":
        return num_pages
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), num_pages)


def gallery_page(
    images: QuerySet[Image], *, sort: str, count: int, per_page: int, query: QueryDict
) -> GalleryPage:
    """The page of `images` (already in `sort`'s order, `count` of them) that `query` asks for."""
    num_pages = max(1, ceil(count / per_page))
    keyset = sort in SORT_COLUMNS
    rows = (_by_cursor(images, sort, query, per_page) if keyset else None) or None
    number: int | None
    if rows is None:
        number = page_number(query.get("page"), num_pages)
        rows = _by_number(images, number, count, per_page, keyset=keyset)
    else:
        number = page_number(query.get("page"), num_pages) if query.get("page") else None
    has_next = len(rows) == per_page and (number is None or number < num_pages)
    has_previous = bool(rows) and (number is None or number > 1)
    return GalleryPage(
        object_list=rows,
        number=number,
        count=count,
        per_page=per_page,
        previous_url=_link(query, sort, number, -1, rows[0], before=True) if has_previous else None,
        next_url=_link(query, sort, number, +1, rows[-1], before=False) if has_next else None,
    )


def _by_cursor(images: QuerySet[Image], sort: str, query: QueryDict, per_page: int) -> list[Image] | None:
    """The page after (or before) the cursor in `query`; None without a valid cursor for this sort."""
    after, before = query.get("after"), query.get("before")
    try:
        if after:
            return list(after_key(images, sort, decode_cursor(after, sort))[:per_page])
        if before:
            return list(reversed(before_key(images, sort, decode_cursor(before, sort))[:per_page]))
    except InvalidCursor:
        return None  # an old or edited link: read the page by its number instead
    return None


def _by_number(
    images: QuerySet[Image], number: int, count: int, per_page: int, *, keyset: bool
) -> list[Image]:
    start, end = (number - 1) * per_page, min(count, number * per_page)
    if keyset and start > count - end:  # nearer the end: read the order backwards
        return list(reversed(images.reverse()[count - end : count - start]))
    return list(images[start:end])


def _link(query: QueryDict, sort: str, number: int | None, step: int, edge: Image, *, before: bool) -> str:
    """The link `step` pages away: by number among the numbered pages, else from `edge`'s cursor
    (numbered when this page's number is known)."""
    target = None if number is None else number + step
    if target is not None and (target <= OFFSET_PAGES or sort not in SORT_COLUMNS):
        return paged_query(query, page=target)
    cursor = encode_cursor(sort, edge)
    page = target or 0
    return (
        paged_query(query, page=page, before=cursor)
        if before
        else paged_query(query, page=page, after=cursor)
    )
