"""A polite, fast-failing session for source tests: no backoff sleeps, two retries."""

import pytest
import requests

from gallery.sources.http import make_session

TEST_USER_AGENT = "imgsite-tests/1.0 (https://example.org/imgsite; tests@example.org)"


@pytest.fixture
def session() -> requests.Session:
    return make_session(TEST_USER_AGENT, retries=2, backoff=0.0)
