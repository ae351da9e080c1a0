"""{% related_photos image %}: the image page's "Similar photos" and "People who liked this also liked".

The section is the same for everyone (its cards carry no heart), so it is rendered once and kept
under what it shows: the model (similar photos), the collection's version (which photos are visible,
their tags and thumbnails) and the likes' version ("also liked" counts likes; the cards show like
counts). A page then reads one small row, the newest model's id, instead of four queries and the
similar photos' product with every photo's vector.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from gallery.collection_version import cached_for_this_version
from gallery.models import Image
from recommender import selectors, services

register = template.Library()


@register.simple_tag
def related_photos(image: Image) -> SafeString:
    model = selectors.latest_ready_model()
    model_key = "none" if model is None else f"{model.pk}-{model.built_at}"
    html = cached_for_this_version(
        "related-photos", f"{model_key}:{image.pk}", lambda: _render_related(image.pk), likes=True
    )
    return mark_safe(html)  # rendered by the template engine, which escaped what it showed


def _render_related(image_id: int) -> str:
    similar_ids = services.similar_image_ids(image_id)
    also_liked_ids = selectors.also_liked_image_ids(image_id)
    images = {shown.pk: shown for shown in selectors.images_in_order([*similar_ids, *also_liked_ids])}
    context = {
        "similar": [images[pk] for pk in similar_ids if pk in images],
        "also_liked": [images[pk] for pk in also_liked_ids if pk in images],
    }
    return render_to_string("recommender/partials/related.html", context)
