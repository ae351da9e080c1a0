"""Photo cards: {% card_face image %}, the part every viewer sees alike (gallery.card_faces), and
{% like_heart image liked %}, the part that is the viewer's own.

The heart is built here rather than in a template: it is rendered for every card of every
signed-in page, where a template with its nested include, CSRF tag and URL tag cost a tenth of
the gallery's time (bench/README.md). A grid rendered once for every viewer (gallery.card_grids)
asks for a slot instead (`heart_slots` in the context) and puts each viewer's heart in it with
`heart_html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django import template
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from gallery.card_faces import card_face_html
from gallery.models import Image
from gallery.templatetags.gallery_extras import alt_text

register = template.Library()


@dataclass(frozen=True)
class Heart:
    """What a card's heart shows of its photo, the same for every viewer."""

    pk: int
    label: str  # the photo's alt text, shortened
    like_url: str

    @classmethod
    def of(cls, image: Image) -> Heart:
        return cls(image.pk, Truncator(alt_text(image)).chars(60), reverse("gallery:like", args=[image.pk]))


@dataclass(frozen=True)
class HeartViewer:
    """Who a page's hearts are for: signed in or not, their CSRF field, and the page to come back to."""

    signed_in: bool
    csrf_input: SafeString
    path: str

    @classmethod
    def of(cls, request: HttpRequest) -> HeartViewer:
        signed_in = request.user.is_authenticated
        # Only a signed-in viewer's hearts are forms: a visitor's page sets no CSRF cookie (gallery.page_cache).
        return cls(
            signed_in, csrf_field(get_token(request)) if signed_in else mark_safe(""), request.get_full_path()
        )


@register.simple_tag(takes_context=True)
def card_face(context: template.Context, image: Image) -> SafeString:
    """Reads the card's list from the context as photo_card.html documents it."""
    return card_face_html(
        image,
        list_query=str(context.get("list_query") or ""),
        in_gallery_list=bool(context.get("in_gallery_list")),
    )


@register.simple_tag(takes_context=True)
def like_heart(context: template.Context, image: Image, liked: bool) -> SafeString:
    """The viewer's heart on `image`'s card, or with `heart_slots` in the context, a slot for it."""
    if context.get("heart_slots"):
        return heart_slot(image.pk)
    request = context["request"]
    viewer = HeartViewer(
        request.user.is_authenticated, csrf_field(context.get("csrf_token")), request.get_full_path()
    )
    return heart_html(Heart.of(image), liked=liked, viewer=viewer)


def heart_slot(pk: int) -> SafeString:
    """Where photo `pk`'s heart goes in a grid rendered for every viewer (gallery.card_grids).
    A photo's own text can't end up as a comment: the template engine escapes its "<"."""
    return mark_safe(f"<!--heart {pk}-->")


def heart_html(heart: Heart, *, liked: bool, viewer: HeartViewer) -> SafeString:
    """The heart on a card: a form that likes or unlikes (site.js sends it without a reload); a
    link to log in, and back to this card, for a visitor signed out."""
    if not viewer.signed_in:
        return format_html(
            '<a class="card__heart heart" href="{}?next={}%23photo-{}" aria-label="Log in to like {}">{}</a>',
            reverse("login"),
            urlencode(viewer.path),
            heart.pk,
            heart.label,
            heart_icon(),
        )
    return format_html(
        '<form method="post" action="{}" class="card__heart" data-like-form>{}'
        '<input type="hidden" name="action" value="{}">'
        '<input type="hidden" name="next" value="{}#photo-{}">'
        '<button type="submit" class="heart{}" aria-pressed="{}" aria-label="Like {}">{}</button></form>',
        heart.like_url,
        viewer.csrf_input,
        "unlike" if liked else "like",
        viewer.path,
        heart.pk,
        " is-liked" if liked else "",
        "true" if liked else "false",
        heart.label,
        heart_icon(),
    )


def csrf_field(token: object) -> SafeString:
    """What {% csrf_token %} writes: the request's token (one per page) in a hidden field."""
    if not token or token == "NOTPROVIDED":
        return mark_safe("")
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@cache
def heart_icon() -> SafeString:
    return mark_safe(render_to_string("partials/heart_icon.svg").strip())
