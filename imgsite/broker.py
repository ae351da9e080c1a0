"""Sending tasks: by name, so services need not import the tasks modules that import them, and
with the one list of errors that means "the broker (or the Redis cache beside it) cannot be reached"."""

from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from imgsite.celery import app

# kombu wraps the transport's connection errors (refused, reset, timed out) in OperationalError.
BROKER_ERRORS: tuple[type[Exception], ...] = (OperationalError,)
# What Django's Redis cache raises when Redis is down; production keeps the cache beside the broker.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)


def enqueue(task_name: str, *args: object, countdown: float | None = None) -> None:
    """Queue a task (or, with no broker configured, run it in-process). Raises one of BROKER_ERRORS
    when the broker is down; callers decide what the work they owe becomes then."""
    if task_name not in app.tasks:
        # Only workers discover the tasks modules at start; a web process does it on its first send,
        # so that without a broker the task is found and run in-process.
        app.loader.import_default_modules()
    signature = app.signature(task_name, args=args)
    if countdown is None:
        signature.apply_async()
    else:
        signature.apply_async(countdown=countdown)
