"""A curator downloads the collection report from the admin index in real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import Screenshots
from tests.factories import DEFAULT_PASSWORD, make_image, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_curator_downloads_a_four_page_report_from_the_admin_index(
    page: Page, live_server, screenshots: Screenshots
) -> None:
    for n in range(3):
        make_image(title=f"Harbour {n}", colours=[("blue", 0.6)])
    make_user("curator", is_staff=True, is_superuser=True)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    link = page.get_by_role("link", name="Download the report (PDF)")
    expect(link).to_be_visible()
    screenshots.save(page, "admin_report_download")

    with page.expect_download() as download:
        link.click()

    saved = Path(download.value.path())
    assert download.value.suggested_filename.startswith("imgsite-report-")
    pages = PdfReader(saved).pages
    assert len(pages) == 4
    assert "Photos 3 (3 shown, 0 failed analysis)" in " ".join(pages[0].extract_text().split())
