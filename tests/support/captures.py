"""Load the saved pages of the real WorkFossa site (tests/fixtures/workfossa/) into a real
Chromium, with every network request refused, so a test reads exactly the saved DOM.

Use it from any test module (tests/ is on sys.path, as for cli_helpers):

    import pytest
    from captures import browser, capture_page, open_capture  # import the fixtures you use:
                                                               # pytest finds them by name

    pytestmark = pytest.mark.browser

    def test_something(browser):
        page = open_capture(browser, "work-list-length-aware.html")
        assert page.locator("div.row.work-list-item").count() == 44

    def test_other(capture_page):            # the same, the page closed after the test
        page = capture_page("login.html")

`open_capture(browser, name)` loads the file with `page.set_content` on about:blank;
`open_capture(browser, name, url=...)` serves it as the document of that URL instead (for
readers that look at `location`); `html=...` loads a variant built from a capture. Either way
every other request (the capture's stylesheets and scripts point at the real site) is aborted,
and the viewport is desktop-sized (1440x900: the match count is hidden on narrow screens).
`capture_html(name)` and `capture_expected(name)` give the saved HTML and its
`.expected.json` without a browser.

The browser is Chromium at $WOSYNC_BROWSER or /usr/lib/chromium/chromium, headless; tests that
take the `browser` fixture are skipped when there is none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Iterator

import pytest

CAPTURES = Path(__file__).parent.parent / "fixtures" / "workfossa"
VIEWPORT = {"width": 1440, "height": 900}
CHROMIUM = os.environ.get("WOSYNC_BROWSER", "/usr/lib/chromium/chromium")


def capture_html(name: str) -> str:
    """Given a capture's file name ("login.html"), return its saved HTML."""
    return (CAPTURES / name).read_text(encoding="utf-8")


def capture_expected(name: str):
    """Given a capture's name ("equipment-dispensers.html" or "equipment-dispensers"), return
    its ground truth, the parsed <name>.expected.json."""
    stem = name.removesuffix(".html").removesuffix(".expected.json")
    return json.loads((CAPTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))


def open_capture(browser, name: str | None = None, *, html: str | None = None,
                 url: str | None = None):
    """Given a Playwright browser and a capture's file name (or `html` to load instead),
    return a new page in a new desktop-sized context showing it, every request refused.

    With `url` the HTML is served as that URL's document (so `location.href` is the site's
    address); without it, `page.set_content` loads it on about:blank. The page's context is
    closed with the browser, or earlier by `page.context.close()`.
    """
    if html is None:
        if name is None:
            raise TypeError("open_capture needs a capture's name or html")
        html = capture_html(name)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    if url is None:
        page.route("**/*", lambda route: route.abort())
        page.set_content(html)
    else:
        def serve(route, request):
            # Only the document itself is answered; nothing else leaves the page.
            if request.url == url and request.resource_type == "document":
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            else:
                route.abort()

        page.route("**/*", serve)
        page.goto(url)
    return page


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium for the module that imports this fixture, closed at its end (one
    Playwright may run at a time in a thread: a longer-lived one would make every later
    `sync_playwright()` of the run fail); skips the test when there is no Chromium."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright_api.sync_playwright() as playwright:
        # Playwright starts Chromium without its sandbox by default (chromium_sandbox=False),
        # which it needs as root.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def capture_page(browser) -> Iterator[Callable[..., object]]:
    """Return open(name, html=None, url=None) -> page: open_capture on the shared browser;
    every page it opened is closed when the test ends."""
    pages = []

    def open_one(name: str | None = None, *, html: str | None = None, url: str | None = None):
        page = open_capture(browser, name, html=html, url=url)
        pages.append(page)
        return page

    yield open_one
    for page in pages:
        page.context.close()
