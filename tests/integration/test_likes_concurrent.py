"""Many people like and unlike one photo at the same moment on PostgreSQL: its stored like count
ends equal to its likes, none lost and none counted twice.

Each thread has its own database connection, as web processes would. The count moves with an F()
expression in the transaction that writes the Like, so two updates of the photo's row wait for
each other instead of both writing the count they read.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from gallery.models import Image, Like
from gallery.services.social import like_image, unlike_image
from imgsite import background
from tests.factories import make_image, make_user

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PEOPLE = 12


def run_at_once(work: list[tuple[User, bool]], image: Image) -> list[BaseException]:
    background.task_named(background.REBUILD_PROFILE)  # registered before the threads queue it
    start = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def act(user: User, like: bool) -> None:
        try:
            start.wait(timeout=10)
            if like:
                like_image(user=user, image=image)
                like_image(user=user, image=image)  # a double click: still one like
            else:
                unlike_image(user=user, image=image)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=item) for item in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_likes_and_unlikes_at_once_leave_the_count_equal_to_the_likes() -> None:
    image = make_image()
    people = [make_user(f"fan{n}") for n in range(PEOPLE)]

    assert not run_at_once([(person, True) for person in people], image)
    image.refresh_from_db()
    assert image.like_count == Like.objects.filter(image=image).count() == PEOPLE

    # Half unlike while the other half like again (already liked: nothing changes for them).
    work = [(person, n % 2 == 0) for n, person in enumerate(people)]
    assert not run_at_once(work, image)
    image.refresh_from_db()
    assert image.like_count == Like.objects.filter(image=image).count() == PEOPLE // 2
