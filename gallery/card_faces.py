"""A photo card's face, rendered once per process and reused by every page and every viewer.

The face of a card (its link, thumbnail, title and counts: partials/card_face.html) is the same for
everyone; what is one viewer's own, the heart (whether they liked the photo, their CSRF token), is
rendered around it for each request (partials/photo_card.html). Rendering 24 cards through the
template engine was a third of a signed-in gallery page's time (bench/README.md).

A face is kept under everything it shows: `CardFace` holds exactly what card_face.html reads, so a
new title, tag, like count or thumbnail is another key, and a cached face is never stale; no
version, nothing to invalidate, so each web process keeps its own (no round trip to the shared
cache). Faces expire after FACE_SECONDS all the same, as whole pages do, so a signed media URL
(IMGSITE_S3_SIGNED_URLS) in one is always fresh enough.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from gallery.analysis.thumbnails import THUMBNAIL_LONG_EDGE
from gallery.collection_version import CACHED_COUNTS_SECONDS
from gallery.models import Image
from gallery.templatetags.gallery_extras import alt_text, scaled_size

FACE_SECONDS = CACHED_COUNTS_SECONDS
# About 1 KB each: a few MB per process for the cards of the pages people open most.
FACES_KEPT = 5_000

_faces = LocMemCache("gallery-card-faces", {"TIMEOUT": FACE_SECONDS, "OPTIONS": {"MAX_ENTRIES": FACES_KEPT}})


@dataclass(frozen=True)
class CardFace:
    """What a card's face shows: the photo as every viewer sees it, in the list it belongs to."""

    pk: int
    thumbnail: str  # the file's name; its URL is made when the face is rendered
    width: int
    height: int
    alt: str
    other_versions: int
    like_count: int
    list_query: str  # the gallery list the card opens the photo in ("" for none)
    in_gallery_list: bool  # the card opens the full-screen viewer


def card_face_of(image: Image, *, list_query: str, in_gallery_list: bool) -> CardFace:
    width, height = scaled_size(image.width, image.height, THUMBNAIL_LONG_EDGE)
    return CardFace(
        pk=image.pk,
        thumbnail=image.thumbnail.name or "",
        width=width,
        height=height,
        alt=alt_text(image),
        other_versions=int(getattr(image, "other_versions", 0) or 0),
        like_count=image.like_count or 0,
        list_query=list_query,
        in_gallery_list=in_gallery_list,
    )


def card_face_html(image: Image, *, list_query: str, in_gallery_list: bool) -> SafeString:
    """The face of `image`'s card, from this process's cache when it was rendered before."""
    face = card_face_of(image, list_query=list_query, in_gallery_list=in_gallery_list)
    return rendered_once(
        "partials/card_face.html", face, lambda: {"face": face, "thumbnail_url": image.thumbnail.url}
    )


def rendered_once(template_name: str, face: object, context: Callable[[], dict[str, Any]]) -> SafeString:
    """`template_name` rendered with `context()`, once per process for each distinct `face`, which
    must hold everything the template shows (a frozen dataclass: its repr is the key)."""
    key = hashlib.sha256(f"{template_name} {face!r}".encode()).hexdigest()
    html = _faces.get(key)
    if html is None:
        html = render_to_string(template_name, context())
        _faces.set(key, html)
    return mark_safe(html)  # rendered by the template engine, which escaped it


def forget_card_faces() -> None:
    """Drop this process's faces (tests)."""
    _faces.clear()
