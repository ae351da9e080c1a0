"""Likes and user tags: the writes a visitor makes on an image page.

Every function is idempotent, so a double click or a retried request leaves one like or one tag,
and a race between two requests ends in the unique constraint, which we treat as "already done".
A like added or removed moves the photo's stored like count in the same transaction
(`gallery.receivers`, `gallery.like_counts`), so a like rolled back is not counted.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from gallery.models import Image, ImageTag, Like, Tag, TagOrigin
from gallery.tagging import normalise_tag


def like_image(*, user: User, image: Image) -> Like:
    try:
        with transaction.atomic():
            like, _ = Like.objects.get_or_create(user=user, image=image)
    except IntegrityError:
        # Another request created it between our read and our insert.
        like = Like.objects.get(user=user, image=image)
    return like


def unlike_image(*, user: User, image: Image) -> None:
    Like.objects.filter(user=user, image=image).delete()


def add_user_tag(*, user: User, image: Image, raw: str) -> ImageTag:
    """Normalise `raw` and tag the image with it for this user.

    Raises gallery.tagging.InvalidTag, with a message for the user, when `raw` cannot be a tag.
    """
    name = normalise_tag(raw)
    tag = _get_or_create_tag(name)
    try:
        with transaction.atomic():
            image_tag, _ = ImageTag.objects.get_or_create(
                image=image, tag=tag, user=user, defaults={"origin": TagOrigin.USER}
            )
    except IntegrityError:
        image_tag = ImageTag.objects.get(image=image, tag=tag, user=user)
    return image_tag


def _get_or_create_tag(name: str) -> Tag:
    try:
        with transaction.atomic():
            tag, _ = Tag.objects.get_or_create(name=name)
    except IntegrityError:
        tag = Tag.objects.get(name=name)
    return tag


def remove_user_tag(*, user: User, image_tag_id: int) -> bool:
    """Remove one of the user's own tags; another user's tag or a source tag is left alone.

    Returns whether a tag was removed. The Tag row stays: other images may use it.
    """
    deleted, _ = ImageTag.objects.filter(pk=image_tag_id, user=user, origin=TagOrigin.USER).delete()
    return deleted > 0
