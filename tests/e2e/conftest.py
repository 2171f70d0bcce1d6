"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every test in this folder is marked ``e2e``. Without /usr/bin/chromium the tests are skipped, unless
GOVHALL_REQUIRE_BROWSER=1 (set in CI), in which case they fail so that a missing browser is noticed.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in this thread; Django would then refuse database access
# from it (SynchronousOnlyOperation). Set before Django or Playwright does anything.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"locale": "zh-CN", "viewport": {"width": 1366, "height": 768}}
PHONE = {
    "locale": "zh-CN",
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item of the session, not only this folder's: filter by path.
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def _browser_required() -> bool:
    return os.environ.get("GOVHALL_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package to run the browser tests"
        )
        if _browser_required():
            pytest.fail(f"GOVHALL_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def portal(live_server: Any, transactional_db: None) -> Iterator[str]:
    """The live server's base URL, with the demo county loaded (regions, departments, items, accounts).

    live_server runs on a transactional database that is emptied after every test, so the demo data
    is loaded again for each test, inside it.
    """
    from govhall.demo.seeding import seed_demo

    seed_demo()
    yield live_server.url


def _new_page(browser: Any, options: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A desktop page (1366x768, zh-CN)."""
    yield from _new_page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A phone page (360x740, mobile, 2x pixels, zh-CN)."""
    yield from _new_page(browser, PHONE)


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot to docs/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
