"""A person's visit in real headless Chromium: sign up, filter by colour, like and tag a photo, log
out; then a curator opens the ingest pages in the admin. Screenshots go to the artifacts folder."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from gallery.models import Image, IngestJob, JobStatus, Like, Source
from tests.browser.conftest import DESKTOP, PHONE, Screenshots
from tests.factories import DEFAULT_PASSWORD, make_image, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "quartz-tulip-harbour-4821"

# (title, thumbnail colour, palette as (family, share) in rank order). Blue at or above the
# palette's 10% family threshold in the first three only; the red door has a little blue, under it.
PHOTOS = [
    ("Blue lagoon", (40, 90, 200), [("blue", 0.6), ("white", 0.3)]),
    ("Harbour at dusk", (30, 60, 150), [("orange", 0.4), ("blue", 0.35)]),
    ("Mountain lake", (60, 110, 210), [("green", 0.5), ("blue", 0.2)]),
    ("Red door", (200, 30, 30), [("red", 0.7), ("blue", 0.05)]),
    ("Forest path", (40, 160, 60), [("green", 0.8), ("brown", 0.2)]),
    ("Autumn leaves", (240, 140, 20), [("orange", 0.6), ("red", 0.3)]),
]
BLUE_TITLES = {"Blue lagoon", "Harbour at dusk", "Mountain lake"}


def _make_photos() -> dict[str, Image]:
    return {
        title: make_image(title=title, rgb=rgb, colours=palette, width=600, height=400, tags=["outdoors"])
        for title, rgb, palette in PHOTOS
    }


def _finished_job() -> IngestJob:
    finished = timezone.now()
    return IngestJob.objects.create(
        source=Source.COMMONS,
        query="Category:Lakes",
        wanted=5,
        done=3,
        skipped=1,
        failed=1,
        status=JobStatus.DONE,
        errors=["File:Broken lake.jpg: not an image (cannot identify image file)"],
        started_at=finished - timedelta(minutes=2),
        finished_at=finished,
    )


def _card_titles(page: Page) -> set[str]:
    return set(page.locator("#photos .card__title").all_inner_texts())


def _nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def _sign_up(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    _nav(page).get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Email").fill("robin@example.com")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".messages")).to_contain_text("Welcome, robin!")
    expect(_nav(page).get_by_role("button", name="Log out")).to_be_visible()


def _filter_by_blue(page: Page, screenshots: Screenshots) -> None:
    expect(page.locator("#photos .card")).to_have_count(len(PHOTOS))
    # Choosing an option submits the filter form (site.js), as a person would see it.
    page.locator("#filter-colour").select_option("blue")
    page.wait_for_url(re.compile(r"[?&]colour=blue(&|$)"))
    expect(page.locator("#photos .card")).to_have_count(len(BLUE_TITLES))
    assert _card_titles(page) == BLUE_TITLES
    expect(page.locator(".chips[aria-label='Active filters']")).to_contain_text("Colour: Blue")
    screenshots.save(page, "gallery")


def _like_without_reload(page: Page) -> None:
    expect(page.locator("[data-like-count=page]")).to_have_text("Liked by 0 people")
    # A page load would wipe this marker; the script must update the count in place.
    page.evaluate("window.__sameDocument = true")
    page.locator("form[data-like-form] button").click()
    expect(page.locator("[data-like-count=page]")).to_have_text("Liked by 1 person")
    expect(page.locator("form[data-like-form] button")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__sameDocument === true")


def _add_tag(page: Page) -> None:
    page.get_by_label("Add a tag").fill("#Calm  Water")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Tagged “calm water”.")
    expect(page.locator("#tags .chip--own")).to_have_text("calm water")


def _check_like_and_tag_after_reload(page: Page, screenshots: Screenshots) -> None:
    page.reload()
    expect(page.locator("[data-like-count=page]")).to_have_text("Liked by 1 person")
    expect(page.locator("[data-like-label]")).to_have_text("Liked")
    expect(page.locator("#tags .chip--own")).to_have_text("calm water")
    screenshots.save(page, "image_page")


def _phone_gallery(page: Page, base: str, screenshots: Screenshots) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/gallery/")
    # On a phone the filters start folded away so the photos come first.
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")
    expect(page.locator("#photos .card").first).to_be_visible()
    screenshots.save(page, "gallery_phone")
    page.set_viewport_size(DESKTOP)


def _log_out(page: Page) -> None:
    _nav(page).get_by_role("button", name="Log out").click()
    expect(_nav(page).get_by_role("link", name="Log in")).to_be_visible()
    expect(_nav(page).get_by_role("button", name="Log out")).to_have_count(0)


def _curator_visits_ingest_pages(page: Page, base: str, job: IngestJob, screenshots: Screenshots) -> None:
    page.goto(f"{base}/admin/gallery/ingestjob/start/")
    # Not signed in as staff: the admin asks for a login first, then goes on to the page.
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Start an ingest job")).to_be_visible()
    expect(page.get_by_label("Source")).to_be_visible()
    expect(page.get_by_role("button", name="Start the job")).to_be_visible()
    screenshots.save(page, "admin_ingest_start")

    page.goto(f"{base}/admin/gallery/ingestjob/{job.pk}/progress/")
    expect(page.locator("#job-percent")).to_have_text("100%")
    expect(page.locator("[data-field=status_label]")).to_have_text("Done")
    expect(page.locator("#job-errors li")).to_have_text(
        ["File:Broken lake.jpg: not an image (cannot identify image file)"]
    )
    screenshots.save(page, "admin_ingest_job")

    page.locator("#logout-form button").click()
    # LOGOUT_REDIRECT_URL sends the curator back to the public site, signed out.
    expect(_nav(page).get_by_role("link", name="Log in")).to_be_visible()
    page.goto(f"{base}/admin/gallery/ingestjob/start/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))


def test_a_visitor_signs_up_filters_by_blue_likes_and_tags_and_a_curator_checks_ingest(
    page: Page, live_server, screenshots: Screenshots
) -> None:
    photos = _make_photos()
    make_user("curator", is_staff=True, is_superuser=True)
    job = _finished_job()
    base = live_server.url

    _sign_up(page, base)
    _filter_by_blue(page, screenshots)

    # A photo opens in the full-screen viewer; its "Photo page" link leads to the photo's page.
    page.locator("#photos .card__link", has_text="Blue lagoon").click()
    page.get_by_role("dialog", name="Blue lagoon").get_by_role("link", name="Photo page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Blue lagoon")
    _like_without_reload(page)
    _add_tag(page)
    _check_like_and_tag_after_reload(page, screenshots)
    assert Like.objects.filter(user__username="robin", image=photos["Blue lagoon"]).count() == 1

    _phone_gallery(page, base, screenshots)
    _log_out(page)
    _curator_visits_ingest_pages(page, base, job, screenshots)
