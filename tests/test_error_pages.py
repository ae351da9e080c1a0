"""The site's own error pages and its icon."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.views.defaults import server_error


@pytest.mark.django_db
def test_a_missing_page_is_a_404_in_the_sites_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can\u2019t find that page" in html
    assert 'aria-label="Main"' in html  # the site's header and navigation
    assert 'href="/gallery/"' in html


@pytest.mark.django_db
def test_a_missing_photo_is_the_same_404(client):
    assert "We can\u2019t find that page" in client.get("/photos/999999/").content.decode()


def test_the_500_page_renders_without_a_request_or_the_database(django_db_blocker):
    request = RequestFactory().get("/gallery/")
    with django_db_blocker.block():  # any query would raise here
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "/static/css/site.css" in html  # still in the site's style


def test_a_view_that_crashes_answers_with_the_500_page(client, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setattr("gallery.views.liked_facet", _explode)
    client.raise_request_exception = False
    response = client.get("/gallery/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def _explode(*args, **kwargs):
    raise RuntimeError("boom")


def test_the_favicon_is_linked_from_every_page_and_favicon_ico_leads_to_it(client, db):
    html = client.get("/gallery/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
    icon = finders.find("favicon.svg")  # what collectstatic publishes at that address
    assert icon is not None
    assert Path(icon).read_text().startswith("<svg")
