"""What a person may do with their own account: take their data away, or delete it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from gallery.models import ImageTag, Like, TagOrigin
from profiles.models import ApiToken, ProfileSnapshot, UserProfile
from recommender.models import NotInterested

PROFILE_FIELDS = ("username", "email", "first_name", "last_name", "date_joined", "last_login")


def export_user_data(*, user: User) -> dict[str, Any]:
    """Everything the site keeps that is about this person, as JSON-ready data."""
    profile = {name: _jsonable(getattr(user, name, None)) for name in PROFILE_FIELDS}
    settings_row = UserProfile.objects.filter(user=user).first()
    profile["is_public"] = settings_row.is_public if settings_row else False
    snapshot = ProfileSnapshot.objects.filter(user=user).order_by("-computed_at", "-id").first()
    likes = [
        {"image_id": like.image_id, "title": like.image.title, "liked_at": like.created_at.isoformat()}
        for like in Like.objects.filter(user=user).select_related("image").order_by("created_at")
    ]
    tags = [
        {"image_id": it.image_id, "tag": it.tag.name, "added_at": it.created_at.isoformat()}
        for it in ImageTag.objects.filter(user=user, origin=TagOrigin.USER)
        .select_related("tag")
        .order_by("created_at")
    ]
    not_interested = [
        {"image_id": record.image_id, "title": record.image.title, "marked_at": record.created_at.isoformat()}
        for record in NotInterested.objects.filter(user=user).select_related("image").order_by("created_at")
    ]
    # What identifies each token to its owner; never the hash, which would only help a guesser.
    api_tokens = [
        {name: _jsonable(value) for name, value in row.items()}
        for row in ApiToken.objects.filter(user=user)
        .order_by("created_at")
        .values("name", "prefix", "scope", "created_at", "last_used_at", "revoked_at")
    ]
    return {
        "profile": profile,
        "taste": snapshot.data if snapshot else None,  # what the site learnt from the likes and tags
        "likes": likes,
        "tags": tags,
        "not_interested": not_interested,  # photos they asked not to be shown
        "api_tokens": api_tokens,
    }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the user. Their likes, user tags and "not interested" marks go with them (CASCADE);
    images, tag names and other people's tags stay."""
    user.delete()
