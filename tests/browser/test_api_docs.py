"""The API's docs page in real Chromium under the site's Content-Security-Policy: Swagger UI loads
from the site's own static files, lists the endpoints and runs a request, with no violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Screenshots
from tests.browser.test_csp import ConsoleLog, _log_in
from tests.factories import make_image, make_user

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


def test_a_token_made_on_the_account_page_is_shown_once_and_opens_the_api(
    page: Page, live_server, screenshots: Screenshots
) -> None:
    console = ConsoleLog(page)
    make_user("alice")
    _log_in(page, live_server.url, "alice")
    console.visit(f"{live_server.url}/account/")
    page.get_by_label("Name").fill("class exercise")
    page.get_by_label("Scope").select_option("write")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("imgsite_")
    expect(page.get_by_role("cell", name="class exercise")).to_be_visible()
    screenshots.save(page, "api_token_created")
    assert console.problems() == []
    answer = page.request.get(
        f"{live_server.url}/api/v1/me/likes", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200
    page.goto(f"{live_server.url}/account/")
    expect(page.locator("#new-token")).to_have_count(0)
