"""Services queue tasks by name (imgsite.background); each name must be a task a worker would run."""

from __future__ import annotations

import logging

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


@pytest.mark.django_db
def test_without_a_broker_a_task_runs_in_process_and_kombu_does_not_warn(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `make demo` runs with no broker; its console used to show kombu's "No hostname was supplied".
    assert app.conf.task_always_eager

    with caplog.at_level(logging.WARNING, logger="kombu"):
        background.enqueue(background.ANALYSE_IMAGE, 999_999)  # a photo that is not there

    assert [record.getMessage() for record in caplog.records if record.name.startswith("kombu")] == []
