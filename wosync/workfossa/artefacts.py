"""Save what the browser showed when a scrape failed: a screenshot and the page's HTML.

Files are private (0600, folder 0700) and named with a timestamp and the error kind. The
password never reaches them: password fields are emptied before saving, and the HTML is
scrubbed of the password text should the site have echoed it anywhere.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from wosync.secret import Secret

CLEAR_PASSWORD_FIELDS = """() => {
  for (const field of document.querySelectorAll('input[type=password]')) {
    field.value = '';
    field.removeAttribute('value');
  }
}"""


def write_private(path: Path, data: bytes) -> None:
    """Given a path and bytes, write them to a file created with mode 0600 (atomic rename)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def save_artefacts(page, folder: Path, kind: str, secret: Secret | None) -> list[Path]:
    """Given the Playwright page, the artefacts folder, the error kind and the password (if it
    was fetched), save a screenshot and the page HTML; return the paths saved.

    Never raises: a failure to save must not hide the error being reported.
    """
    saved: list[Path] = []
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    stem = f"workfossa-{stamp}-{kind}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        page.evaluate(CLEAR_PASSWORD_FIELDS)
    except Exception:
        pass
    try:
        png = folder / f"{stem}.png"
        write_private(png, _screenshot(page))
        saved.append(png)
    except Exception:
        pass
    try:
        html = page.content()
        if secret:
            html = html.replace(secret.reveal(), "***")
        target = folder / f"{stem}.html"
        write_private(target, html.encode("utf-8"))
        saved.append(target)
    except Exception:
        pass
    return saved


def _screenshot(page) -> bytes:
    """Return a PNG of the page. Chromium sometimes answers "Unable to capture screenshot"
    for a page that has not painted yet (a browser error page, just shown): then wait for
    the next frame and try once more."""
    try:
        return page.screenshot(timeout=10_000)
    except Exception:
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
        return page.screenshot(timeout=10_000)
