"""{% pick_card pick hide_form=True %}: a card on /for-you/ or the home page's picks, with why it
was picked, rendered once per process for each distinct pick.

Rendering a dozen pick cards (the thumbnail, the reason's words and links, the "Not interested"
form with its URL and CSRF tags) was half of a /for-you/ request's CPU (bench/README.md). A card
shows only its photo as every viewer sees it (gallery.card_faces.CardFace), the reason and the
liked photo the reason cites, so it is kept under exactly those (`PickFace`), as card faces are.
The one thing that is the viewer's own, the form's CSRF token, is left as a slot and put in per
request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.safestring import SafeString, mark_safe

from gallery.card_faces import CardFace, card_face_of, rendered_once
from gallery.templatetags.cards import csrf_field
from recommender.engine.reasons import Reason
from recommender.services import Pick

register = template.Library()

CSRF_SLOT = "<!--csrf-->"  # a photo's own text can't become a comment: the template engine escapes its "<"


@dataclass(frozen=True)
class PickFace:
    """Everything a pick card shows."""

    card: CardFace
    reason: Reason
    liked: CardFace | None  # the liked photo the reason cites
    liked_title: str
    hide_form: bool

    @classmethod
    def of(cls, pick: Pick, *, hide_form: bool) -> PickFace:
        liked = pick.liked_image
        return cls(
            card=card_face_of(pick.image, list_query="", in_gallery_list=False),
            reason=pick.reason,
            liked=None if liked is None else card_face_of(liked, list_query="", in_gallery_list=False),
            liked_title="" if liked is None else liked.title,
            hide_form=hide_form,
        )


@register.simple_tag(takes_context=True)
def pick_card(context: template.Context, pick: Pick, *, hide_form: bool) -> SafeString:
    face = PickFace.of(pick, hide_form=hide_form)
    html = rendered_once(
        "recommender/partials/pick_card.html",
        face,
        lambda: {"pick": pick, "hide_form": hide_form, "csrf_slot": mark_safe(CSRF_SLOT)},
    )
    if not hide_form:
        return html
    return mark_safe(html.replace(CSRF_SLOT, csrf_field(context.get("csrf_token"))))
