"""The shared session: retries the library way, and one clear line when an API cannot be used."""

import pytest
import urllib3.util.retry
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse

from gallery.sources.base import SourceError
from gallery.sources.http import MAX_RETRY_AFTER_SECONDS, get_json, make_session
from tests.support.fake_http import Reply


def test_a_rate_limited_request_waits_as_asked_and_is_retried(fake_http, session, monkeypatch):
    # urllib3 waits with time.sleep; recording the waits checks the delay asked for without taking it.
    waits: list[float] = []
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", waits.append)
    replies = iter([Reply(429, b"Too Many Requests", {"Retry-After": "7"}), Reply.json({"ok": True})])
    fake_http.route("/api", lambda request: next(replies))

    assert get_json(session, fake_http.url("/api"), {"q": "x"}, timeout=(2, 2)) == {"ok": True}
    assert fake_http.hits("/api") == 2
    assert waits == [7.0]


def test_a_server_asking_for_an_hour_long_pause_is_not_obeyed_to_the_letter():
    adapter = make_session("ua", retries=3, backoff=0.0).get_adapter("https://example.org")
    assert isinstance(adapter, HTTPAdapter)
    retry = adapter.max_retries
    answer = HTTPResponse(status=429, headers={"Retry-After": "3600"})

    assert retry.get_retry_after(answer) == MAX_RETRY_AFTER_SECONDS


def test_an_html_answer_where_json_was_expected_gives_one_clear_line(fake_http, session):
    fake_http.route("/api", Reply(200, b"<html>Maintenance</html>", {"Content-Type": "text/html"}))

    with pytest.raises(
        SourceError, match=r"^Could not reach 127\.0\.0\.1:\d+: the answer was not JSON \(text/html\)\.$"
    ):
        get_json(session, fake_http.url("/api"), {}, timeout=(2, 2))


def test_a_missing_endpoint_is_reported_with_its_status(fake_http, session):
    with pytest.raises(SourceError, match=r"HTTP 404 Not Found\.$"):
        get_json(session, fake_http.url("/nothing-here"), {}, timeout=(2, 2))
    assert fake_http.hits("/nothing-here") == 1  # a 404 is not worth retrying
