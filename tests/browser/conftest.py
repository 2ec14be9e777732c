"""Browser tests: Playwright driving Debian's Chromium (never a downloaded
browser) against pytest-django's live server, at a 360 px phone viewport.

CI installs Chromium (`apt-get install chromium`); when it is missing these
tests fail with that instruction rather than skip, so a green run always
means the journeys were really driven."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path(os.environ.get("KRAYA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests need it "
            "(Debian: apt-get install chromium; or set KRAYA_CHROMIUM to its path)."
        )
    # Playwright's sync API keeps an event loop in this thread; the test's own
    # ORM calls (building the world, checking rows) are still synchronous.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()


def _page(chromium: Browser, base_url: str, *, javascript: bool) -> Iterator[Page]:
    context = chromium.new_context(
        viewport=PHONE,
        base_url=base_url,
        locale="en-IN",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(chromium: Browser, live_server) -> Iterator[Page]:
    """A phone-sized tab on the live server."""
    yield from _page(chromium, live_server.url, javascript=True)


@pytest.fixture
def page_without_js(chromium: Browser, live_server) -> Iterator[Page]:
    """The same with JavaScript turned off: the main journeys must still work."""
    yield from _page(chromium, live_server.url, javascript=False)


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="Sign out").click()
