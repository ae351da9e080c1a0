"""Journeys in Chromium: searching from the header, narrowing with a filter and the tag box, Back
after filtering, keyboard-safe selects, clean URLs, and a phone-width search."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Screenshots
from tests.factories import make_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _params(page: Page) -> list[tuple[str, str]]:
    """The current URL's query, blanks included (parse_qsl drops them unless asked)."""
    return parse_qsl(urlsplit(page.url).query, keep_blank_values=True)


def _harbour() -> dict[str, object]:
    blue_boat = make_image(title="Boat in the harbour", colours=[("blue", 0.8)], tags=["sea", "lighthouse"])
    red_boat = make_image(title="Red boats", colours=[("red", 0.8)], tags=["sea"])
    described = make_image(title="Quay", description="fishing boat at dawn", colours=[("blue", 0.8)])
    mountain = make_image(title="Mountain", colours=[("green", 0.8)], tags=["lightning"])
    return {"blue_boat": blue_boat, "red_boat": red_boat, "described": described, "mountain": mountain}


def _card_titles(page: Page) -> list[str]:
    return page.locator("#photos .card__title").all_inner_texts()


def test_a_visitor_searches_from_the_header_then_narrows_by_colour_and_tag(
    page: Page, live_server, screenshots: Screenshots
) -> None:
    _harbour()
    page.goto(f"{live_server.url}/")

    search = page.get_by_role("search").get_by_label("Search photos")
    search.fill("boats")
    search.press("Enter")

    page.wait_for_url("**/gallery/?q=boats")
    assert _params(page) == [("q", "boats")]
    # Ranked: title matches before the description match; "boats" finds "boat".
    expect(page.locator("#photos .card")).to_have_count(3)
    assert _card_titles(page)[-1] == "Quay"
    expect(page.get_by_role("heading", level=1)).to_have_text("Photos matching “boats”")
    screenshots.save(page, "search_results")

    # The viewer steps through the results in their ranked order, then closes on the list.
    titles = _card_titles(page)
    page.locator("#photos .card").first.get_by_role("link", name=titles[0]).first.click()
    for title in titles:
        expect(page.get_by_role("dialog", name=title)).to_be_visible()
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    expect(page.locator("dialog[data-viewer]")).not_to_be_visible()

    page.get_by_role("list", name="Filter by colour").get_by_role("link", name="Blue").click()
    page.wait_for_url("**colour=blue**")
    assert dict(_params(page)) == {"q": "boats", "colour": "blue"}
    expect(page.locator("#photos .card")).to_have_count(2)

    # The tag box completes over every tag with its count under the current filters.
    tag_box = page.get_by_label("Tag", exact=True)
    tag_box.fill("light")
    expect(page.locator("#tag-options option[value=lighthouse]")).to_have_text("lighthouse (1)")
    expect(page.locator("#tag-options option")).to_have_count(1)  # "lightning" has no blue boat
    tag_box.fill("lighthouse")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**tag=lighthouse**")
    assert dict(_params(page)) == {"q": "boats", "tag": "lighthouse", "colour": "blue"}
    expect(page.locator("#photos .card__title")).to_have_text(["Boat in the harbour"])
    screenshots.save(page, "search_narrowed")


def test_back_after_filtering_shows_the_form_of_the_page_it_returns_to(
    page: Page, live_server, screenshots: Screenshots
) -> None:
    _harbour()
    page.goto(f"{live_server.url}/gallery/")

    page.locator("#filter-colour").select_option("red")  # picked: applies at once
    page.wait_for_url("**/gallery/?colour=red")
    assert _params(page) == [("colour", "red")]
    expect(page.locator("#photos .card")).to_have_count(1)

    page.go_back()
    page.wait_for_url("**/gallery/")
    expect(page.locator("#filter-colour")).to_have_value("")
    expect(page.locator("#photos .card")).to_have_count(4)
    assert page.locator("[data-filter-form] :disabled:not(option)").count() == 0

    page.go_forward()
    page.wait_for_url("**colour=red")
    expect(page.locator("#filter-colour")).to_have_value("red")
    screenshots.save(page, "back_forward_filtered")


def test_arrow_keys_on_a_select_do_not_leave_the_page_and_apply_sends_a_clean_url(
    page: Page, live_server
) -> None:
    _harbour()
    page.goto(f"{live_server.url}/gallery/")
    page.evaluate("window.__samePage = true")

    orientation = page.locator("#filter-colour")
    orientation.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(500)  # a submit would have started by now

    assert orientation.input_value() != ""  # the keys did change the choice…
    assert page.evaluate("window.__samePage === true")  # …without leaving the page
    chosen = orientation.input_value()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**/gallery/?colour={chosen}")
    assert _params(page) == [("colour", chosen)]


def test_a_phone_visitor_searches_and_the_page_fits_the_screen(
    page: Page, live_server, screenshots: Screenshots
) -> None:
    _harbour()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/gallery/")

    search = page.get_by_role("search").get_by_label("Search photos")
    expect(search).to_be_visible()
    search.fill("harbour boat")
    page.get_by_role("search").get_by_role("button", name="Search").click()

    page.wait_for_url("**/gallery/?q=harbour+boat")
    expect(page.locator("#photos .card__title")).to_have_text(["Boat in the harbour"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshots.save(page, "search_phone")
