"""Point Celery at a broker that is down (a closed port on 127.0.0.1) for one test."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.conf import LazySettings

from imgsite.celery import app


def closed_port() -> int:
    """A port nothing listens on: bound once to learn a free number, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reset_connections() -> None:
    # Celery keeps a connection and producer pool per broker URL; drop them so a changed URL is used.
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


@pytest.fixture
def broker_down(settings: LazySettings) -> Iterator[str]:
    """Tasks are sent (not run in-process) to a Redis broker that refuses connections."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=url, task_always_eager=False)
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = url, False
    reset_connections()
    yield url
    app.conf.update(saved)
    reset_connections()
