"""{% related_photos image %}: the image page's "Similar photos" and "People who liked this also liked".

Four queries whatever the number of photos shown: the newest model's id, the co-likes, and the
photos themselves with their tags.
"""

from __future__ import annotations

from django import template

from gallery.models import Image
from recommender import selectors, services

register = template.Library()


@register.inclusion_tag("recommender/partials/related.html")
def related_photos(image: Image) -> dict[str, object]:
    similar_ids = services.similar_image_ids(image.pk)
    also_liked_ids = selectors.also_liked_image_ids(image.pk)
    images = {shown.pk: shown for shown in selectors.images_in_order([*similar_ids, *also_liked_ids])}
    return {
        "similar": [images[pk] for pk in similar_ids if pk in images],
        "also_liked": [images[pk] for pk in also_liked_ids if pk in images],
    }
