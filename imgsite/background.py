"""Background work, queued by task name: the one way services start a Celery task.

Why by name: a Celery task is a thin wrapper that loads rows by id and calls one service, so every
tasks module imports the services it calls. A service that imported its task back, even inside a
function, would close an import cycle. So services never import tasks: they queue a task by the
name listed here, and only the tasks modules import services. The arrows are

    views, commands, admin -> services -> imgsite.background
    tasks -> services

Celery registers a task when its module is imported. A worker imports every app's tasks module
when it starts (autodiscovery, `imgsite/celery.py`); in other processes (web, manage.py, tests) the
first look-up here runs that same autodiscovery. A name therefore always resolves to the real task
object, and without a broker (eager mode) the task still runs in-process.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from imgsite.celery import app

# Every task services queue, by its registered name (Celery's default: module path and function).
# tests/test_background.py checks that each one names a registered task.
RUN_INGEST_JOB = "gallery.tasks.run_ingest_job_task"
ANALYSE_IMAGE = "gallery.tasks.analyse_image_task"
REBUILD_PROFILE = "profiles.tasks.rebuild_profile_task"
REBUILD_MODEL = "recommender.tasks.rebuild_model_task"
LEARN_TAG_ANSWERS = "gallery.tasks.learn_tag_answers_task"
TRAIN_TAG_SUGGESTER = "gallery.tasks.train_tag_suggester_task"
TASK_NAMES = (
    RUN_INGEST_JOB,
    ANALYSE_IMAGE,
    REBUILD_PROFILE,
    REBUILD_MODEL,
    LEARN_TAG_ANSWERS,
    TRAIN_TAG_SUGGESTER,
)

# What `enqueue` raises when the broker cannot be reached: kombu wraps the transport's connection
# errors (refused, reset, timed out) in OperationalError. Callers decide what the work they owe
# becomes then (a failed job staff can retry, an owed profile rebuild, a photo the sweeper resends).
BROKER_ERRORS: tuple[type[Exception], ...] = (OperationalError,)
# What Django's Redis cache raises when Redis is down; production keeps the cache beside the broker,
# so work that is debounced through the cache treats these like BROKER_ERRORS.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)


def task_named(name: str) -> Any:
    """The registered Celery task called `name`; KeyError for a name no tasks module defines."""
    if name not in app.tasks:
        app.loader.import_default_modules()  # Celery's autodiscovery of every app's tasks module
    return app.tasks[name]


def enqueue(name: str, *args: int, countdown: float | None = None) -> None:
    """Queue task `name` now with these ids (and run it at once when there is no broker).

    Raises one of BROKER_ERRORS when the broker is down."""
    task_named(name).apply_async(args=args, countdown=countdown)


def enqueue_on_commit(name: str, *args: int) -> None:
    """Queue task `name` once the current transaction commits, so the worker sees the rows it reads."""
    transaction.on_commit(lambda: enqueue(name, *args))
