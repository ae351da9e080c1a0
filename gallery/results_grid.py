"""A gallery page's cards and pagination, rendered once for everyone who opens the same page of the
same list, with each viewer's hearts put in per request.

Reading a page's 24 photos and rendering their cards was about half of a signed-in gallery page's
CPU (bench/README.md), and all of it but the hearts is the same for every viewer: the cards' faces,
the order, the links to the next and previous pages. So the grid is rendered without a request,
with a slot for each heart (`heart_slots`, gallery.templatetags.cards), and kept in the shared cache
under the collection's and the likes' versions and the page's full path, as a signed-out visitor's
whole page is (gallery.page_cache). Per request, only the viewer's likes among the cards are read
and their hearts written into the slots. A list of one person's own ("Liked by me") is never kept.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from gallery import pagination
from gallery.collection_version import CACHED_COUNTS_SECONDS
from gallery.page_cache import versioned_path_key
from gallery.photo_lists import list_query
from gallery.selectors import GalleryFilters, gallery_cards, list_sort, shared_list_key, with_card_tags
from gallery.templatetags.cards import Heart, HeartViewer, heart_html
from imgsite.background import CACHE_ERRORS

HEART_SLOT = re.compile(r"<!--heart (\d+)-->")
# The plain values a grid is kept as: no class of ours is pickled, so a deploy never meets an old one.
Plain = tuple[tuple[str, ...], tuple[tuple[int, str, str], ...]]


@dataclass(frozen=True)
class Grid:
    """The cards of one page and its pagination, without the hearts: `pieces` is the HTML around
    them, one more piece than there are hearts."""

    pieces: tuple[str, ...]
    hearts: tuple[Heart, ...]

    @property
    def image_ids(self) -> list[int]:
        return [heart.pk for heart in self.hearts]

    def html_for(self, viewer: HeartViewer, liked: Collection[int]) -> SafeString:
        parts = [self.pieces[0]]
        for heart, piece in zip(self.hearts, self.pieces[1:], strict=True):
            parts += (heart_html(heart, liked=heart.pk in liked, viewer=viewer), piece)
        return mark_safe("".join(parts))  # pieces and hearts are escaped where they were rendered

    def plain(self) -> Plain:
        return self.pieces, tuple((heart.pk, heart.label, heart.like_url) for heart in self.hearts)

    @classmethod
    def from_plain(cls, plain: Plain) -> Grid:
        pieces, hearts = plain
        return cls(pieces, tuple(Heart(*heart) for heart in hearts))


def results_grid(request: HttpRequest, filters: GalleryFilters, *, count: int) -> Grid:
    """The grid of the page of `filters`' list (of `count` cards) that the request asks for."""
    key = versioned_path_key("grid", request) if shared_list_key(filters) is not None else None
    if key is not None:
        with contextlib.suppress(*CACHE_ERRORS):
            plain = cache.get(key)
            if plain is not None:
                return Grid.from_plain(plain)
    grid = _render_grid(request, filters, count)
    if key is not None:
        with contextlib.suppress(*CACHE_ERRORS):  # shown all the same, just not kept
            cache.set(key, grid.plain(), CACHED_COUNTS_SECONDS)
    return grid


def _render_grid(request: HttpRequest, filters: GalleryFilters, count: int) -> Grid:
    page = pagination.gallery_page(
        gallery_cards(filters),
        sort=list_sort(filters),
        count=count,
        per_page=pagination.PAGE_SIZE,
        query=request.GET,
    )
    images = with_card_tags(page.object_list)
    context = {
        "page": page,
        "list_query": list_query(filters),
        "in_gallery_list": True,
        "liked_ids": (),  # every card has a heart
        "heart_slots": True,
    }
    html = render_to_string("gallery/partials/results_grid.html", context) if images else ""
    return grid_of(html, [Heart.of(image) for image in images])


def grid_of(html: str, hearts: list[Heart]) -> Grid:
    """`html` cut at its heart slots, which must be `hearts`' photos in order."""
    split = HEART_SLOT.split(html)  # piece, photo id, piece, photo id, ..., piece
    slotted = [int(pk) for pk in split[1::2]]
    if slotted != [heart.pk for heart in hearts]:
        raise ValueError(f"the grid's heart slots {slotted} are not its cards' {[h.pk for h in hearts]}")
    return Grid(tuple(split[0::2]), tuple(hearts))
