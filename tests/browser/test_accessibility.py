"""axe-core in Debian's Chromium over the main pages: no serious or critical accessibility violation.

axe-core is vendored (tests/browser/vendor/axe.min.js, MPL-2.0, see its README), so the test needs
no network. It is injected into a context that bypasses the page's Content-Security-Policy, which
would rightly refuse an injected script; the CSP itself is checked by test_csp.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, Screenshots
from tests.factories import DEFAULT_PASSWORD, aware, make_image, make_like, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}
# The lightbox (issue 13, part 2) opens over the gallery when a card is clicked; once it is merged
# it shows as a dialog, and this test checks it too.
VIEWER = "dialog[open], [role=dialog]:visible"


def _collection() -> list:
    palettes = [[("blue", 0.6), ("white", 0.4)], [("red", 0.7)], [("green", 0.8), ("brown", 0.2)]]
    return [
        make_image(
            title=f"Harbour photo {n}",
            description="Boats at rest in a small harbour",
            colours=palettes[n % 3],
            tags=["harbour", f"theme{n % 3}"],
            author="A. Photographer",
            camera_make="Canon",
            camera_model="EOS 5D",
            taken_at=aware(2018 + n % 4),
            width=600,
            height=400,
        )
        for n in range(8)
    ]


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(content=AXE.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[node['target'] for node in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_main_pages_have_no_serious_accessibility_violations(
    chromium_browser: Browser, live_server, screenshots: Screenshots, viewport
) -> None:
    photos = _collection()
    alice = make_user("alice")
    for photo in photos[:5]:
        make_like(alice, photo)
    context = chromium_browser.new_context(viewport=viewport, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    base = live_server.url
    found: dict[str, list[str]] = {}

    def check(url: str) -> None:
        page.goto(f"{base}{url}")
        page.wait_for_load_state("load")
        found[url] = serious_violations(page)

    for url in ["/", "/gallery/", "/gallery/?q=harbour&colour=blue", "/tags/", "/tags/harbour/",
                f"/photos/{photos[0].pk}/", "/stats/"]:  # fmt: skip
        check(url)

    page.goto(f"{base}/gallery/")
    page.locator("#photos .card a").first.click()
    viewer = page.locator(VIEWER)
    if viewer.count():
        found["the viewer"] = serious_violations(page)

    _log_in(page, base, "alice")
    for url in ["/me/", "/for-you/"]:
        check(url)
    screenshots.save(page, f"a11y_for_you_{viewport['width']}")
    context.close()

    assert {url: problems for url, problems in found.items() if problems} == {}


def test_the_check_catches_a_serious_violation(chromium_browser: Browser, live_server) -> None:
    # The harness itself can fail: an unlabelled image and button on the gallery are reported.
    make_image(title="Harbour")
    context = chromium_browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/gallery/")
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML(
             'beforeend', '<img src="/nothing.jpg"><button></button>')"""
    )
    problems = serious_violations(page)
    context.close()
    assert any("image-alt" in problem for problem in problems)
    assert any("button-name" in problem for problem in problems)
