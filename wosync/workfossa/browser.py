"""Find the Chromium executable to drive: WOSYNC_BROWSER, Playwright's own, or the system's."""

from __future__ import annotations

import os
import shutil

from wosync import config
from wosync.workfossa.errors import BrowserNotFound

HOW_TO_GET_ONE = (
    "install one with `apt-get install chromium` or `playwright install chromium`, "
    "or point WOSYNC_BROWSER at a Chromium executable"
)


def find_browser() -> str:
    """Return the path of the Chromium to drive.

    Order: $WOSYNC_BROWSER (must be executable), else Playwright's own Chromium when it is
    installed, else a system Chromium. Raises BrowserNotFound naming how to get one.
    """
    configured = config.configured_browser()
    if configured:
        return _executable(configured)
    return pick_browser(_playwright_chromium_path())


def pick_browser(playwright_path: str | None) -> str:
    """Given the path where Playwright's own Chromium would be (None if unknown), return it
    when it exists, else the system Chromium; BrowserNotFound when there is neither.

    $WOSYNC_BROWSER is honoured first, as in find_browser.
    """
    configured = config.configured_browser()
    if configured:
        return _executable(configured)
    if playwright_path and os.access(playwright_path, os.X_OK):
        return playwright_path
    system = config.system_browser()
    if system:
        return system
    raise BrowserNotFound(f"no Chromium browser found; {HOW_TO_GET_ONE}")


def _executable(name: str) -> str:
    """Given WOSYNC_BROWSER's value (a path or a command name), return its executable path."""
    path = os.path.expanduser(name)
    if os.path.isabs(path) or os.sep in path:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    else:
        found = shutil.which(path)
        if found:
            return found
    raise BrowserNotFound(f"WOSYNC_BROWSER={name} is not an executable file; {HOW_TO_GET_ONE}")


def _playwright_chromium_path() -> str | None:
    """Return where Playwright expects its own Chromium (it may not be installed), or None
    when Playwright cannot say. Starts Playwright's driver briefly."""
    try:
        from playwright.sync_api import sync_playwright  # heavy: only here

        with sync_playwright() as playwright:
            return playwright.chromium.executable_path
    except Exception:  # no driver, broken install: fall back to the system's browser
        return None
