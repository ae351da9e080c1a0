"""Sending tasks: by name, so services need not import the tasks modules that import them, and
with the one list of errors that means "the broker cannot be reached"."""

from kombu.exceptions import OperationalError

from imgsite.celery import app

# kombu wraps the transport's connection errors (refused, reset, timed out) in OperationalError.
BROKER_ERRORS: tuple[type[Exception], ...] = (OperationalError,)


def enqueue(task_name: str, *args: object, countdown: float | None = None) -> None:
    """Queue a task (or, with no broker configured, run it in-process). Raises one of BROKER_ERRORS
    when the broker is down; callers decide what the work they owe becomes then."""
    signature = app.signature(task_name, args=args)
    if countdown is None:
        signature.apply_async()
    else:
        signature.apply_async(countdown=countdown)
