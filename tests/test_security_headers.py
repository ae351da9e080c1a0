"""Every response tells the browser to run only the site's own scripts and styles, and to refuse
powerful features such as the camera or location."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from imgsite.middleware import permissions_policy_header
from tests.factories import make_image, make_user
from tests.test_settings import REPO

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {words[0]: words[1:] for words in parts}


@pytest.mark.parametrize("url", ["/", "/gallery/", "/stats/", "/account/login/", "/admin/login/"])
def test_pages_carry_a_strict_content_security_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    # /stats/ embeds its two linked charts, served by the site itself, as <object> documents.
    assert policy["object-src"] == (["'self'"] if url == "/stats/" else ["'none'"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_pages_refuse_camera_microphone_and_location(client):
    header = client.get("/gallery/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in header.split(", ")


def test_the_photo_page_draws_its_colours_without_inline_styles(client):
    image = make_image(colours=[("blue", 0.6), ("white", 0.4)])
    html = client.get(f"/photos/{image.pk}/").content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert '<rect x="0.0000" width="0.6000" height="1" fill=' in html


def test_signed_in_pages_have_no_inline_styles_or_scripts(client):
    alice = make_user("alice")
    image = make_image(colours=[("blue", 0.6)])
    client.force_login(alice)
    client.post(f"/photos/{image.pk}/like/", {"action": "like"})
    for url in ["/me/", "/for-you/", "/account/", f"/photos/{image.pk}/", "/stats/"]:
        html = client.get(url).content.decode()
        assert "style=" not in html, url
        assert "<style" not in html, url
        assert "<script>" not in html, url


def test_the_permissions_policy_header_lists_each_feature_with_its_origins():
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == "camera=(), fullscreen=(self)"


def test_an_operator_can_have_violations_reported_to_a_collector():
    script = "import django; django.setup(); from csp.utils import build_policy; print(build_policy())"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imgsite.settings.test",
        "IMGSITE_CSP_REPORT_URI": "https://reports.example.org/csp",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert _directives(result.stdout)["report-uri"] == ["https://reports.example.org/csp"]
