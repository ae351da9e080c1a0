"""{% card_face image %}: a photo card's face, the part every viewer sees alike (gallery.card_faces)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from gallery.card_faces import card_face_html
from gallery.models import Image

register = template.Library()


@register.simple_tag(takes_context=True)
def card_face(context: template.Context, image: Image) -> SafeString:
    """Reads the card's list from the context as photo_card.html documents it."""
    return card_face_html(
        image,
        list_query=str(context.get("list_query") or ""),
        in_gallery_list=bool(context.get("in_gallery_list")),
    )
