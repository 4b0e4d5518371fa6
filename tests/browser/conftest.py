"""Playwright driving Debian's Chromium against the live test server.

Browser tests are transactional (the live server reads what they commit) and use
``serialized_rollback=True``: the tables are emptied afterwards, and the rows the migrations
loaded (the statutory catalogue, holidays, schedules) are put back for the tests that follow.
"""

from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the test makes
    # between page actions are still plain synchronous calls. Only for the browser tests: the
    # variable is gone again afterwards.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/desk/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # The sign-in form's button: a page for someone signed in already also has "Sign out".
    page.click("form:has(input[name=username]) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/desk/")
