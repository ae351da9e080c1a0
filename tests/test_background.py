"""Services queue tasks by name (imgsite.background); each name must be a task a worker would run."""

from __future__ import annotations

import pytest

from imgsite import background
from imgsite.celery import app


@pytest.mark.parametrize("name", background.TASK_NAMES)
def test_every_queued_name_resolves_to_a_registered_task(name: str) -> None:
    task = background.task_named(name)
    assert task.name == name
    assert name in app.tasks


def test_an_unknown_task_name_is_an_error_not_a_silent_no_op() -> None:
    with pytest.raises(KeyError):
        background.task_named("gallery.tasks.no_such_task")
