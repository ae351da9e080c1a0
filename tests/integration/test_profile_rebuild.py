"""A like made on the site rebuilds the user's taste profile on a real Celery worker, once per burst."""

from __future__ import annotations

import time

import pytest

from gallery.services.social import like_image
from profiles.models import ProfileSnapshot
from tests.factories import make_image, make_user
from tests.integration.conftest import WorkerStarter, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_burst_of_likes_rebuilds_the_profile_once_on_the_worker(start_worker: WorkerStarter) -> None:
    start_worker({})
    user = make_user(username="alice")
    images = [make_image(colours=[("blue", 0.8)], tags=["sea"]) for _ in range(5)]

    for image in images:
        like_image(user=user, image=image)

    wait_for(
        lambda: ProfileSnapshot.objects.filter(user=user).exists(), timeout=60, what="a profile snapshot"
    )
    time.sleep(3)  # long enough for a second, wrongly scheduled rebuild to land
    snapshots = list(ProfileSnapshot.objects.filter(user=user))
    assert len(snapshots) == 1
    assert snapshots[0].data["like_count"] == 5
