"""Likes and user tags: idempotent, normalised, and only ever the user's own."""

from __future__ import annotations

import pytest

from gallery.models import ImageTag, Like, Tag, TagOrigin
from gallery.services.social import add_user_tag, like_image, remove_user_tag, unlike_image
from gallery.tagging import InvalidTag
from tests.factories import make_image, make_image_tag, make_user

pytestmark = pytest.mark.django_db


def test_liking_twice_is_one_like():
    user, image = make_user(), make_image()
    like_image(user=user, image=image)
    like_image(user=user, image=image)
    assert Like.objects.filter(user=user, image=image).count() == 1


def test_unliking_removes_only_that_users_like():
    alice, bob, image = make_user(), make_user(), make_image()
    like_image(user=alice, image=image)
    like_image(user=bob, image=image)
    unlike_image(user=alice, image=image)
    unlike_image(user=alice, image=image)  # again: nothing to do, no error
    assert list(Like.objects.values_list("user_id", flat=True)) == [bob.pk]


def test_a_user_tag_is_normalised():
    image_tag = add_user_tag(user=make_user(), image=make_image(), raw="#Sunset  Beach")
    assert image_tag.tag.name == "sunset beach"
    assert image_tag.origin == TagOrigin.USER


def test_adding_the_same_tag_twice_is_one_tag():
    user, image = make_user(), make_image()
    first = add_user_tag(user=user, image=image, raw="sunset")
    second = add_user_tag(user=user, image=image, raw="#SUNSET")
    assert first.pk == second.pk
    assert ImageTag.objects.filter(image=image).count() == 1


def test_a_user_tag_sits_beside_a_source_tag_of_the_same_name():
    image = make_image(tags=["sunset"])
    add_user_tag(user=make_user(), image=image, raw="sunset")
    assert sorted(ImageTag.objects.filter(image=image).values_list("origin", flat=True)) == ["source", "user"]
    assert Tag.objects.filter(name="sunset").count() == 1


@pytest.mark.parametrize("raw", ["", "   ", "#", "x" * 41, "<script>", "sun/set"])
def test_bad_tags_are_refused_and_nothing_is_written(raw):
    with pytest.raises(InvalidTag):
        add_user_tag(user=make_user(), image=make_image(), raw=raw)
    assert not ImageTag.objects.exists()
    assert not Tag.objects.exists()


def test_removing_a_tag_leaves_other_peoples_tags_alone():
    alice, bob, image = make_user(), make_user(), make_image()
    alices = make_image_tag(image, "sunset", user=alice)
    bobs = make_image_tag(image, "sunset", user=bob)
    assert remove_user_tag(user=bob, image_tag_id=alices.pk) is False
    assert remove_user_tag(user=alice, image_tag_id=alices.pk) is True
    assert list(ImageTag.objects.values_list("pk", flat=True)) == [bobs.pk]


def test_a_source_tag_cannot_be_removed_as_a_user_tag():
    image = make_image(tags=["beach"])
    source_tag = ImageTag.objects.get(image=image)
    assert remove_user_tag(user=make_user(), image_tag_id=source_tag.pk) is False
    assert ImageTag.objects.filter(pk=source_tag.pk).exists()


def test_a_like_racing_another_request_ends_as_one_like(monkeypatch):
    user, image = make_user(), make_image()
    Like.objects.create(user=user, image=image)  # the other request's like, already committed

    def lose_the_race(**kwargs):
        # Our read missed the other request's row, so our insert hits the unique constraint.
        return Like.objects.create(**kwargs), True

    monkeypatch.setattr(Like.objects, "get_or_create", lose_the_race)
    like = like_image(user=user, image=image)
    assert like.user_id == user.pk
    assert Like.objects.filter(user=user, image=image).count() == 1
