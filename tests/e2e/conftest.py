"""A real headless browser (the system's Chromium, driven by Playwright) against a live server.

Playwright never downloads a browser here: it starts the executable at CHROMIUM_PATH
(default /usr/bin/chromium) and the tests skip, with the reason, when there is none.
"""

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_executable() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    path = Path(configured)
    if path.is_file() and os.access(path, os.X_OK):
        return str(path)
    return shutil.which(configured)


@pytest.fixture
def chromium_executable() -> str:
    executable = _chromium_executable()
    if executable is None:
        pytest.skip(
            "No Chromium executable: install the system package (apt-get install chromium) "
            "or point CHROMIUM_PATH at one."
        )
    return executable


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture
def open_browser(chromium_executable, live_server):
    """Opens a fresh browser page, Norwegian by preference; closed when the test ends.

    Create the test's data before opening the browser, and touch the ORM no more afterwards.
    Playwright's sync API keeps an asyncio loop running on this thread while the browser is
    open. Django then treats the thread as async: its connection handling switches to
    per-context storage, so a query would open a second connection outside the test's
    database handling (left open, it blocks dropping the PostgreSQL test database). Django's
    async-safety check turns such a query into a SynchronousOnlyOperation error, and we keep
    it on rather than setting DJANGO_ALLOW_ASYNC_UNSAFE. The live server answers in its own
    threads, unaffected.
    """
    page_errors: list[str] = []
    with contextlib.ExitStack() as cleanup:

        def open_page() -> Page:
            playwright = cleanup.enter_context(sync_playwright())
            browser = playwright.chromium.launch(
                executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
            )
            cleanup.callback(browser.close)
            # nb-NO as the browser's language, so the portal shows its default language.
            context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
            cleanup.callback(context.close)
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            return page

        yield open_page
    assert not page_errors, f"JavaScript errors in the page: {page_errors}"
