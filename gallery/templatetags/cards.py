"""Photo cards: {% card_face image %}, the part every viewer sees alike (gallery.card_faces), and
{% like_heart image liked %}, the part that is the viewer's own.

The heart is built here rather than in a template: it is rendered for every card of every
signed-in page, where a template with its nested include, CSRF tag and URL tag cost a tenth of
the gallery's time (bench/README.md).
"""

from __future__ import annotations

from functools import cache

from django import template
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
    """The heart on a card: a form that likes or unlikes (site.js sends it without a reload); a
    link to log in, and back to this card, for a visitor signed out."""
    request = context["request"]
    label = Truncator(alt_text(image)).chars(60)
    if not request.user.is_authenticated:
        back = f"{urlencode(request.get_full_path())}%23photo-{image.pk}"
        return format_html(
            '<a class="card__heart heart" href="{}?next={}" aria-label="Log in to like {}">{}</a>',
            reverse("login"),
            back,
            label,
            heart_icon(),
        )
    return format_html(
        '<form method="post" action="{}" class="card__heart" data-like-form>{}'
        '<input type="hidden" name="action" value="{}">'
        '<input type="hidden" name="next" value="{}#photo-{}">'
        '<button type="submit" class="heart{}" aria-pressed="{}" aria-label="Like {}">{}</button></form>',
        reverse("gallery:like", args=[image.pk]),
        csrf_input(context),
        "unlike" if liked else "like",
        request.get_full_path(),
        image.pk,
        " is-liked" if liked else "",
        "true" if liked else "false",
        label,
        heart_icon(),
    )


def csrf_input(context: template.Context) -> SafeString:
    """What {% csrf_token %} writes: the request's token (one per page) in a hidden field."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return mark_safe("")
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@cache
def heart_icon() -> SafeString:
    return mark_safe(render_to_string("partials/heart_icon.svg").strip())
