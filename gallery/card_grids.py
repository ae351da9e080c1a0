"""Grids of photo cards rendered once for everyone who sees them, with each viewer's hearts put in
per request: a gallery page's cards and pagination, the home page's sections.

Reading a page's photos and rendering their cards was about half of a signed-in gallery page's CPU
and more of the home page's (bench/README.md), and all of it but the hearts is the same for every
viewer: the cards' faces, their order, the links to the next and previous pages. So such a grid is
rendered without a request, with a slot for each heart (`heart_slots`, gallery.templatetags.cards),
and kept in the shared cache under a key its caller gives, which names everything it shows (the
collection's and the likes' versions and the page's address: gallery.page_cache.versioned_path_key).
Per request, only the viewer's likes among the cards are read and their hearts put in the slots.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from gallery.collection_version import CACHED_COUNTS_SECONDS
from gallery.models import Image
from gallery.photo_lists import liked_ids_among
from gallery.templatetags.cards import Heart, HeartViewer, heart_html
from imgsite.background import CACHE_ERRORS

HEART_SLOT = re.compile(r"<!--heart (\d+)-->")
# The plain values a grid is kept as: no class of ours is pickled, so a deploy never meets an old one.
Plain = tuple[tuple[str, ...], tuple[tuple[int, str, str], ...]]


@dataclass(frozen=True)
class Grid:
    """Cards without their hearts: `pieces` is the HTML around them, one more than there are hearts."""

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


def shared_grid(key: str | None, render: Callable[[], Grid]) -> Grid:
    """The grid kept under `key`, or `render()`'s, kept there for the next viewer (None: never kept)."""
    if key is not None:
        with contextlib.suppress(*CACHE_ERRORS):
            plain = cache.get(key)
            if plain is not None:
                return Grid.from_plain(plain)
    grid = render()
    if key is not None:
        with contextlib.suppress(*CACHE_ERRORS):  # shown all the same, just not kept
            cache.set(key, grid.plain(), CACHED_COUNTS_SECONDS)
    return grid


def render_grid(template_name: str, context: dict[str, Any], images: Sequence[Image]) -> Grid:
    """`template_name` rendered with `context`, leaving a slot for each heart; `images` are the
    cards' photos in the order the template shows them. No request: nothing of a viewer's gets in."""
    html = render_to_string(template_name, {**context, "liked_ids": (), "heart_slots": True})
    return grid_of(html, [Heart.of(image) for image in images])


def grid_of(html: str, hearts: list[Heart]) -> Grid:
    """`html` cut at its heart slots, which must be `hearts`' photos in order."""
    split = HEART_SLOT.split(html)  # piece, photo id, piece, photo id, ..., piece
    slotted = [int(pk) for pk in split[1::2]]
    if slotted != [heart.pk for heart in hearts]:
        raise ValueError(f"the grid's heart slots {slotted} are not its cards' {[h.pk for h in hearts]}")
    return Grid(tuple(split[0::2]), tuple(hearts))


def grid_html_for(request: HttpRequest, grid: Grid) -> SafeString:
    """The grid with the requesting viewer's hearts in it: one query for their likes among the cards."""
    return grid.html_for(HeartViewer.of(request), liked_ids_among(request.user, grid.image_ids))
