"""A web process keeps its database connection between requests (CONN_MAX_AGE). When PostgreSQL
drops it (restart, failover, an idle-connection killer), the next request must still succeed."""

from __future__ import annotations

import io
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from tests.factories import make_image

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def get(handler: WSGIHandler, path: str) -> str:
    """One request the way gunicorn makes it, so Django's per-request connection handling runs
    (the test Client switches it off)."""
    environ: dict[str, object] = {"PATH_INFO": path, "HTTP_HOST": "testserver", "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    statuses: list[str] = []
    body = b"".join(handler(environ, lambda status, headers: statuses.append(status)))  # type: ignore[arg-type]
    assert body is not None
    return statuses[0]


def terminate_backend(pid: int) -> None:
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"] or "postgres",
        dbname=db["NAME"], autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_request_after_the_database_dropped_the_connection_succeeds() -> None:
    make_image()
    handler = WSGIHandler()
    assert get(handler, "/gallery/") == "200 OK"
    assert connection.connection is not None, "the connection should be kept between requests"
    pid = connection.connection.info.backend_pid

    terminate_backend(pid)

    # The API's photo list: a signed-out visitor's gallery, and the tags index, would now come from
    # the cache without the database.
    assert get(handler, "/api/v1/photos") == "200 OK"
    assert connection.connection.info.backend_pid != pid
