"""Reads for tag suggestions: what a person is offered on a photo, and the one way to load a suggestion.

A suggestion is stored once per photo and tag; what each person sees of them differs only by what
they answered: a suggestion someone rejected is hidden from them for good (and one they accepted is a
tag on the photo, no longer a suggestion for anyone).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from gallery.models import Image, Tag, TagAnswer, TagSuggestion
from gallery.selectors import visible_image_or_404, visible_images


def suggestions_for(user: User | AnonymousUser) -> QuerySet[TagSuggestion]:
    """Suggestions on visible photos that `user` has not answered, most confident first."""
    queryset = TagSuggestion.objects.filter(image__in=visible_images()).select_related("tag")
    if user.is_authenticated:
        answered = TagAnswer.objects.filter(user_id=user.pk, image=OuterRef("image"), tag=OuterRef("tag"))
        queryset = queryset.exclude(Exists(answered))
    return queryset.order_by("-confidence", "tag__name")


def photo_suggestions(image: Image, user: User | AnonymousUser) -> list[TagSuggestion]:
    """What the photo page offers `user` on `image`."""
    return list(suggestions_for(user).filter(image=image))


def suggestion_for_user_or_404(user: User | AnonymousUser, *, image_id: int, tag_id: int) -> TagSuggestion:
    """The one way views load a suggestion to answer: only one offered to this person now, else 404.

    Addressed by photo and tag, not by row: rows are replaced whenever the model refreshes them. Both
    are looked up by primary key first, which answers "none" for an id beyond the database's range
    (a URL is free to say 10**30), where a filter on the foreign keys would raise."""
    image = visible_image_or_404(image_id)
    tag = get_object_or_404(Tag, pk=tag_id)
    return get_object_or_404(suggestions_for(user), image=image, tag=tag)
