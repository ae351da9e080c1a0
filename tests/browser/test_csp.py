"""Every main page in real Chromium under the site's Content-Security-Policy and Permissions-Policy:
no violation reported, no console error, and the pages still work (like without a reload, the tag
form, the admin's lists, forms and live job progress)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from gallery.models import Image, IngestJob, JobStatus, Source
from tests.browser.conftest import Screenshots
from tests.factories import DEFAULT_PASSWORD, aware, make_image, make_like, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script and outside the page's policy, so it sees every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


class ConsoleLog:
    """Console errors and CSP violations seen on the current page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.add_init_script(RECORD_VIOLATIONS)

    def _on_console(self, message: ConsoleMessage) -> None:
        # The browser asks for /favicon.ico on its own; the site has none, which is no policy matter.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type in {"error", "warning"}:
            self.errors.append(f"{message.type}: {message.text}")

    def problems(self) -> list[str]:
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate("window.__cspViolations || []")
        return [*self.errors, *violations]

    def visit(self, url: str) -> None:
        self.errors.clear()
        response = self.page.goto(url)
        assert response is not None
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"], url
        assert "camera=()" in response.headers["permissions-policy"], url
        assert self.problems() == [], url


@pytest.fixture
def console(page: Page) -> ConsoleLog:
    return ConsoleLog(page)


def _collection() -> list[Image]:
    palettes = [
        [("blue", 0.6), ("white", 0.4)],
        [("red", 0.7), ("orange", 0.3)],
        [("green", 0.8), ("brown", 0.2)],
    ]
    return [
        make_image(
            title=f"Photo {n}",
            colours=palettes[n % 3],
            tags=["outdoors", f"theme{n % 3}"],
            camera_make="Canon",
            camera_model="EOS 5D",
            taken_at=aware(2018 + n % 4),
            width=600,
            height=400,
        )
        for n in range(9)
    ]


def _running_job() -> IngestJob:
    return IngestJob.objects.create(
        source=Source.COMMONS,
        query="Category:Lakes",
        wanted=10,
        done=4,
        status=JobStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=1),
    )


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out")).to_be_visible()


def test_every_main_page_loads_and_works_under_the_content_security_policy(
    page: Page, console: ConsoleLog, live_server, screenshots: Screenshots
) -> None:
    photos = _collection()
    alice = make_user("alice")
    for image in photos[:5]:
        make_like(alice, image)
    base = live_server.url

    for url in [
        "/",
        "/gallery/",
        "/gallery/?colour=blue",
        f"/photos/{photos[0].pk}/",
        "/stats/",
        "/account/signup/",
        "/account/password-reset/",
    ]:
        console.visit(f"{base}{url}")

    _log_in(page, base, "alice")
    assert console.problems() == []
    console.visit(f"{base}/me/")
    expect(page.locator("svg.colour-chip__dot").first).to_be_visible()
    screenshots.save(page, "csp_me")
    for url in ["/for-you/", "/likes/", "/account/", "/account/password/"]:
        console.visit(f"{base}{url}")

    # The photo page's scripts still run: like without a reload, then the tag form.
    console.visit(f"{base}/photos/{photos[6].pk}/")
    page.evaluate("window.__sameDocument = true")
    page.locator("form[data-like-form] button").click()
    expect(page.locator("[data-like-count=page]")).to_have_text("Liked by 1 person")
    assert page.evaluate("window.__sameDocument === true")
    page.get_by_label("Add a tag").fill("quiet")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#tags .chip--own")).to_have_text("quiet")
    # The palette is drawn: the bar's first segment has the photo's first colour.
    first_colour = photos[6].colours.order_by("rank").values_list("hex", flat=True)[0]
    expect(page.locator("svg.palette-bar rect").first).to_have_attribute("fill", first_colour)
    assert console.problems() == []
    screenshots.save(page, "csp_photo_page")

    # Filters submit on change (site.js).
    console.visit(f"{base}/gallery/")
    page.locator("#filter-colour").select_option("red")
    page.wait_for_url("**colour=red**")
    expect(page.locator("#photos .card")).to_have_count(3)
    assert console.problems() == []


def test_the_admin_works_under_the_content_security_policy(
    page: Page, console: ConsoleLog, live_server, screenshots: Screenshots
) -> None:
    photos = _collection()
    make_user("curator", is_staff=True, is_superuser=True)
    job = _running_job()
    base = live_server.url

    console.visit(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Collection, jobs and people")).to_be_visible()
    assert console.problems() == []

    for url in [
        "/admin/",
        "/admin/gallery/image/",
        f"/admin/gallery/image/{photos[0].pk}/change/",
        "/admin/gallery/tag/",
        "/admin/gallery/ingestjob/",
        "/admin/gallery/ingestjob/start/",
        "/admin/recommender/recommendermodel/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
    ]:
        console.visit(f"{base}{url}")
    screenshots.save(page, "csp_admin_user_add")

    # The admin's own scripts run: the image list's select-all checkbox ticks every row.
    console.visit(f"{base}/admin/gallery/image/")
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select:checked")).to_have_count(len(photos))

    # Live job progress polls its JSON endpoint (job_progress.js) and shows the new count.
    console.visit(f"{base}/admin/gallery/ingestjob/{job.pk}/progress/")
    IngestJob.objects.filter(pk=job.pk).update(done=7)
    expect(page.locator("[data-field=done]")).to_have_text("7")
    assert console.problems() == []
    screenshots.save(page, "csp_admin_progress")
