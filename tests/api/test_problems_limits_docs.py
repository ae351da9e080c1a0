"""Every error under /api/ is problem details; rate limits answer 429 with Retry-After; the schema
and the docs page are served by the site itself."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpResponseServerError
from django.test import Client

from imgsite.api_limits import window_position
from imgsite.api_problems import as_problem
from tests.api.conftest import token_client
from tests.factories import make_image

pytestmark = pytest.mark.django_db

PROBLEM_FIELDS = {"type", "title", "status", "detail"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status
    return body


def test_an_unknown_api_url_is_a_404_problem_not_an_html_page(anonymous_api):
    body = assert_problem(anonymous_api.get("/api/v1/no/such/thing"), 404)
    assert body["title"] == "Not Found"
    assert_problem(anonymous_api.get("/api/v2/photos"), 404)


def test_a_method_the_path_does_not_take_is_a_405_problem_with_allow(anonymous_api):
    response = anonymous_api.post("/api/v1/photos")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_an_invalid_filter_value_is_a_422_problem_naming_the_field(anonymous_api):
    body = assert_problem(anonymous_api.get("/api/v1/photos", colour="tartan"), 422)
    assert any(error["loc"][-1] == "colour" for error in body["errors"])


def test_a_bad_json_body_is_a_problem(alice_api):
    image = make_image()
    response = alice_api.client.post(
        f"/api/v1/photos/{image.pk}/tags",
        "{not json",
        content_type="application/json",
        headers=alice_api.headers,
    )
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == "application/problem+json"


def test_a_missing_credential_is_a_401_problem(anonymous_api):
    assert_problem(anonymous_api.get("/api/v1/me/profile"), 401)


def test_an_error_inside_an_endpoint_is_a_500_problem_without_a_traceback(alice_api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("profiles.api.taste_profile", broken)
    response = alice_api.get("/api/v1/me/profile")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.content.decode()
    assert body["title"] == "Internal Server Error"


def test_pages_outside_the_api_keep_their_html_404(client: Client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "problem+json" not in response["Content-Type"]


def test_a_token_over_its_limit_gets_429_with_retry_after(settings, alice):
    settings.API_MAX_REQUESTS_PER_CREDENTIAL = 3
    api = token_client(alice, "read")
    statuses = [api.get("/api/v1/me/likes").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("/api/v1/me/likes")
    assert_problem(limited, 429)
    assert 1 <= int(limited["Retry-After"]) <= settings.API_RATE_WINDOW_SECONDS
    # Another token of the same person has its own count.
    assert token_client(alice, "read").get("/api/v1/me/likes").status_code == 200


def test_one_address_over_its_limit_gets_429_whoever_it_claims_to_be(settings, db):
    settings.API_MAX_REQUESTS_PER_IP = 2
    settings.IMGSITE_TRUSTED_PROXY_COUNT = 0  # a forged X-Forwarded-For must not buy a new count
    client = Client()
    statuses = [
        client.get("/api/v1/photos", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    other_address = Client(REMOTE_ADDR="203.0.113.7")
    assert other_address.get("/api/v1/photos").status_code == 200


def test_the_retry_wait_is_what_is_left_of_the_window():
    assert window_position(125.0, 60) == (2, 55.0)


def test_the_openapi_schema_documents_every_endpoint_and_problem_responses(anonymous_api):
    schema = anonymous_api.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/photos",
        "/api/v1/photos/{photo_id}",
        "/api/v1/photos/{photo_id}/similar",
        "/api/v1/photos/{photo_id}/like",
        "/api/v1/photos/{photo_id}/tags",
        "/api/v1/tags/{tag_id}",
        "/api/v1/me/likes",
        "/api/v1/me/recommendations",
        "/api/v1/photos/{photo_id}/not-interested",
        "/api/v1/me/profile",
        "/api/v1/users/{username}/profile",
        "/api/v1/stats",
        "/api/v1/stats/{chart}",
        "/api/v1/staff/ingest-jobs",
        "/api/v1/staff/ingest-jobs/{job_id}",
        "/api/v1/staff/recommender/rebuild",
    ):
        assert path in paths
    not_found = paths["/api/v1/photos/{photo_id}"]["get"]["responses"]["404"]
    assert list(not_found["content"]) == ["application/problem+json"]
    assert "BearerToken" in schema["components"]["securitySchemes"]


def test_the_docs_page_loads_its_assets_from_the_site_not_a_cdn(anonymous_api):
    html = anonymous_api.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(source.endswith("swagger-ui-bundle.js") for source in sources)
    assert all(source.startswith("/static/") for source in sources), sources
    for source in sources:  # each is one of the site's own static files (collectstatic serves it)
        assert finders.find(source.removeprefix("/static/")), source


def test_an_html_error_page_from_outside_the_api_framework_becomes_problem_details():
    html = HttpResponseServerError("<h1>Server Error (500)</h1>")
    problem = as_problem(html)
    assert problem["Content-Type"] == "application/problem+json"
    assert problem.status_code == 500
    assert json.loads(problem.content)["title"] == "Internal Server Error"
