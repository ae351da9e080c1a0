"""Real headless Chromium for the browser tests, driven by Playwright against Django's live server.

The browser is Debian's `chromium` at /usr/bin/chromium; Playwright's own browser download is never
used. When it is missing the browser tests skip and say why; with IMGSITE_REQUIRE_BROWSER=1 (set by
.ci/run) the run stops with a usage error instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
# Screenshots saved this session, listed at the end of the run so CI logs show where they are.
SAVED_SCREENSHOTS: list[Path] = []


def missing_browser() -> str:
    """Why the browser tests cannot run here, or '' when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return ""


@pytest.fixture(autouse=True, scope="module")
def _chromium_or_skip() -> None:
    """Runs only for selected tests, so a run that deselects the browser tests never fails here."""
    reason = missing_browser()
    if not reason:
        return
    if os.environ.get("IMGSITE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"IMGSITE_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """Where screenshots go: $IMGSITE_ARTIFACTS, else <repo>/artifacts/screenshots."""
    folder = Path(os.environ.get("IMGSITE_ARTIFACTS") or REPO / "artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SAVED_SCREENSHOTS:
        terminalreporter.section("browser screenshots")
        for path in SAVED_SCREENSHOTS:
            terminalreporter.write_line(str(path))


class Screenshots:
    """Saves full-page screenshots into the artifacts folder and remembers their paths."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save(self, page: Page, name: str) -> Path:
        path = self.folder / f"{name}.png"
        # Deferred scripts (the admin's sidebar, site.js) have run once the page has loaded.
        page.wait_for_load_state("load")
        # From the top: after a jump to #tags the sticky header and photo would be drawn mid-page.
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(path), full_page=True)
        SAVED_SCREENSHOTS.append(path)
        print(f"screenshot: {path}")
        return path


@pytest.fixture
def screenshots(screenshots_dir: Path) -> Screenshots:
    return Screenshots(screenshots_dir)


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop on the test thread, and Django refuses ORM calls
    # from a thread with a running loop. The calls here are plain synchronous test code, so it is
    # safe; the switch is set only while a browser module runs, so other tests keep the guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context(viewport=DESKTOP)
    # Generous for a busy shared machine; a real failure still ends well inside a minute.
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
