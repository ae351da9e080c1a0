"""The API's docs page in real Chromium under the site's Content-Security-Policy: Swagger UI loads
from the site's own static files, lists the endpoints and runs a request, with no violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Screenshots
from tests.browser.test_csp import ConsoleLog
from tests.factories import make_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_page_works_under_the_content_security_policy(
    page: Page, live_server, screenshots: Screenshots
) -> None:
    console = ConsoleLog(page)
    make_image(title="Harbour at dusk")
    console.visit(f"{live_server.url}/api/v1/docs")
    listing = page.locator("#operations-photos-gallery_api_list_photos")
    expect(listing).to_be_visible()
    listing.locator("button.opblock-summary-control").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".responses-wrapper .live-responses-table")).to_contain_text("Harbour at dusk")
    screenshots.save(page, "api_docs")
    assert console.problems() == []
