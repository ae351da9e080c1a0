"""Each photo's stored like count follows its likes, whichever way a like comes or goes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from gallery.like_counts import recount_likes
from gallery.models import Image, Like
from gallery.services.duplicates import join_group, merge_group
from gallery.services.social import like_image, unlike_image
from profiles.accounts.services import delete_account
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def stored(image: Image) -> int:
    return Image.objects.values_list("like_count", flat=True).get(pk=image.pk)


def counted(image: Image) -> int:
    return Like.objects.filter(image=image).count()


def test_liking_and_unliking_move_the_count_by_one_each_and_twice_is_once():
    alice, bob, image = make_user(), make_user(), make_image()
    like_image(user=alice, image=image)
    like_image(user=alice, image=image)
    like_image(user=bob, image=image)
    assert stored(image) == counted(image) == 2
    unlike_image(user=alice, image=image)
    unlike_image(user=alice, image=image)
    assert stored(image) == counted(image) == 1


def test_a_deleted_account_takes_its_likes_off_every_count():
    alice, bob = make_user(), make_user()
    first, second = make_image(), make_image()
    for image in (first, second):
        like_image(user=alice, image=image)
    like_image(user=bob, image=first)
    delete_account(user=alice)
    assert (stored(first), stored(second)) == (counted(first), counted(second)) == (1, 0)


def test_a_like_deleted_on_its_own_as_the_admin_does_is_uncounted():
    alice, image = make_user(), make_image()
    like_image(user=alice, image=image)
    Like.objects.get(user=alice, image=image).delete()
    assert stored(image) == 0


def test_deleting_a_liked_photo_leaves_the_other_photos_counts_alone():
    alice = make_user()
    gone, kept = make_image(), make_image()
    like_image(user=alice, image=gone)
    like_image(user=alice, image=kept)
    gone.delete()
    assert stored(kept) == 1


def test_merging_versions_counts_the_moved_likes_once_per_person():
    alice, bob = make_user(), make_user()
    keep, other = make_image(), make_image()
    join_group([keep.pk, other.pk])
    like_image(user=alice, image=keep)
    like_image(user=alice, image=other)
    like_image(user=bob, image=other)
    merge_group(keep_id=keep.pk)
    assert stored(keep) == counted(keep) == 2


def test_a_recount_repairs_counts_written_around_the_receivers():
    image = make_image()
    Like.objects.bulk_create([Like(user=make_user(), image=image) for _ in range(3)])
    assert stored(image) == 0  # bulk_create sends no signal: why recount_likes exists
    assert recount_likes([image.pk]) == 1
    assert stored(image) == 3


def test_the_count_never_goes_below_zero():
    user: User = make_user()
    image = make_image()
    like = Like.objects.bulk_create([Like(user=user, image=image)])[0]
    Like.objects.filter(pk=like.pk).delete()
    assert stored(image) == 0


def test_the_recount_command_repairs_every_count_and_says_how_many_were_wrong():
    image = make_image()
    Like.objects.bulk_create([Like(user=make_user(), image=image) for _ in range(2)])
    out = StringIO()
    call_command("recount_likes", stdout=out)
    assert stored(image) == 2
    assert "1 stored counts were wrong" in out.getvalue()
