"""A like made on the site rebuilds the user's taste profile on a real Celery worker, once per burst.

"Once" is checked without sleeping: the test records every rebuild task this process sends, waits
until the worker has run each of them and holds nothing more, and then counts what ran.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.signals import after_task_publish
from kombu.exceptions import ChannelError

from gallery.services.social import like_image
from imgsite.celery import app
from profiles.models import ProfileSnapshot
from profiles.tasks import rebuild_profile_task
from tests.factories import make_image, make_user
from tests.integration.conftest import WorkerStarter, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sent_rebuilds() -> Iterator[list[str]]:
    """Ids of the rebuild tasks this process publishes while the test runs."""
    sent: list[str] = []

    def record(sender: str | None = None, headers: dict[str, Any] | None = None, **_: Any) -> None:
        if sender == rebuild_profile_task.name and headers:
            sent.append(headers["id"])

    after_task_publish.connect(record, weak=False)
    yield sent
    after_task_publish.disconnect(record)


def rebuilds_run(log: Path) -> list[str]:
    """Ids of the rebuild tasks the worker has finished, from its log (celery.app.trace at INFO)."""
    pattern = rf"Task {re.escape(rebuild_profile_task.name)}\[([0-9a-f-]+)\] succeeded"
    return re.findall(pattern, log.read_text(errors="replace"))


def queued_messages() -> int:
    with app.connection_for_read() as connection:
        channel: Any = connection.default_channel  # kombu types it as StdChannel, which lacks queue_declare
        try:
            queue = channel.queue_declare(queue=app.conf.task_default_queue, passive=True)
        except ChannelError:  # Redis drops an empty queue's key, and then "there is no such queue"
            return 0
    return int(queue.message_count)


def worker_holds_nothing() -> bool:
    """The broker's queue is empty and the worker has no task running, prefetched or waiting for its
    countdown. A worker that has not answered yet counts as busy."""
    if queued_messages():
        return False
    inspect = app.control.inspect(timeout=1.0)
    for held in (inspect.active(), inspect.reserved(), inspect.scheduled()):
        if held is None or any(held.values()):
            return False
    return True


def test_a_burst_of_likes_rebuilds_the_profile_once_on_the_worker(
    start_worker: WorkerStarter, sent_rebuilds: list[str], tmp_path: Path
) -> None:
    start_worker({})
    user = make_user(username="alice")
    images = [make_image(colours=[("blue", 0.8)], tags=["sea"]) for _ in range(5)]

    for image in images:
        like_image(user=user, image=image)

    worker_log = tmp_path / "worker.log"
    wait_for(
        lambda: set(sent_rebuilds) <= set(rebuilds_run(worker_log)),
        timeout=60,
        what="the worker to finish every rebuild sent",
    )
    wait_for(worker_holds_nothing, timeout=60, what="the worker to hold no more tasks")
    assert len(sent_rebuilds) == 1
    assert rebuilds_run(worker_log) == sent_rebuilds
    snapshots = list(ProfileSnapshot.objects.filter(user=user))
    assert len(snapshots) == 1
    assert snapshots[0].data["like_count"] == 5
