"""Profiles are rebuilt in the background after likes and tags change, debounced per user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User

from gallery.models import Image, Like
from profiles import rebuilds, services
from profiles.models import ProfileSnapshot
from profiles.selectors import latest_snapshot
from tests.factories import make_image_tag, make_like, make_user

pytestmark = pytest.mark.django_db

CaptureCallbacks = Callable[..., Any]


def test_a_like_rebuilds_the_profile_through_the_task_once_committed(
    collection: list[Image], django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    alice = make_user("alice")

    with django_capture_on_commit_callbacks(execute=True):
        make_like(alice, collection[0])

    snapshot = latest_snapshot(alice)
    assert snapshot is not None
    assert snapshot.data["like_count"] == 1
    assert snapshot.data["colour_families"]["blue"] == 0.7


def test_nothing_is_rebuilt_before_the_like_is_committed(
    collection: list[Image], django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    alice = make_user("alice")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_like(alice, collection[0])

    # One rebuild waits for the commit (beside it, the like also replaces the cached pages' version).
    assert len([c for c in callbacks if c.__module__ != "gallery.collection_version"]) == 1
    assert latest_snapshot(alice) is None


def test_a_burst_of_ten_likes_schedules_one_rebuild(
    collection: list[Image], django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    alice = make_user("alice")

    with mock.patch("profiles.tasks.rebuild_profile_task.apply_async") as apply_async:
        for image in collection[:10]:
            with django_capture_on_commit_callbacks(execute=True):
                make_like(alice, image)

    apply_async.assert_called_once_with(args=(alice.pk,), countdown=rebuilds.REBUILD_DELAY_SECONDS)


def test_each_user_gets_their_own_debounced_rebuild(
    collection: list[Image], django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    alice, bob = make_user("alice"), make_user("bob")

    with mock.patch("profiles.tasks.rebuild_profile_task.apply_async") as apply_async:
        for image in collection[:3]:
            with django_capture_on_commit_callbacks(execute=True):
                make_like(alice, image)
                make_like(bob, image)

    assert sorted(call.kwargs["args"] for call in apply_async.call_args_list) == [(alice.pk,), (bob.pk,)]


def test_a_like_after_the_rebuild_started_schedules_another(
    collection: list[Image], django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    alice = make_user("alice")
    with mock.patch("profiles.tasks.rebuild_profile_task.apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            make_like(alice, collection[0])
        services.rebuild_profile(alice)  # what the queued task does, which clears the pending mark
        with django_capture_on_commit_callbacks(execute=True):
            make_like(alice, collection[1])

    assert apply_async.call_count == 2


def test_unliking_and_user_tags_rebuild_the_profile_but_source_tags_do_not(
    collection: list[Image], django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    alice = make_user("alice")
    like = make_like(alice, collection[0])

    with mock.patch("profiles.rebuilds.schedule_profile_rebuild") as schedule:
        with django_capture_on_commit_callbacks(execute=True):
            make_image_tag(collection[1], "mountains")  # a source tag: nobody's taste changed
        assert schedule.call_count == 0
        with django_capture_on_commit_callbacks(execute=True):
            make_image_tag(collection[1], "sunset", user=alice)
        with django_capture_on_commit_callbacks(execute=True):
            like.delete()

    assert [call.kwargs for call in schedule.call_args_list] == [{"user_id": alice.pk}, {"user_id": alice.pk}]


def test_the_task_rebuilds_from_a_user_id_and_shrugs_at_a_deleted_user(collection: list[Image]) -> None:
    from profiles.tasks import rebuild_profile_task

    alice = make_user("alice")
    Like.objects.bulk_create([Like(user=alice, image=image) for image in collection[:4]])

    snapshot_id = rebuild_profile_task.delay(alice.pk).get()

    assert snapshot_id is not None
    assert ProfileSnapshot.objects.get(pk=snapshot_id).data["like_count"] == 4
    assert rebuild_profile_task.delay(999_999).get() is None


def test_only_the_latest_few_snapshots_are_kept(collection: list[Image]) -> None:
    alice: User = make_user("alice")
    make_like(alice, collection[0])

    snapshots = [services.rebuild_profile(alice) for _ in range(5)]

    kept = list(ProfileSnapshot.objects.filter(user=alice).order_by("id"))
    assert kept == snapshots[-services.SNAPSHOTS_KEPT :]
    assert latest_snapshot(alice) == snapshots[-1]
