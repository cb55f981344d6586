"""Save what the browser showed when a scrape failed: a screenshot and the page's HTML.

Files are private (0600, folder 0700) and named with a timestamp and the error kind. The
password never reaches them: password fields are emptied before saving, and the HTML is
scrubbed of the password text should the site have echoed it anywhere. The HTML is saved
gzip-compressed (`.html.gz`: read it with `zless`).

The folder stays bounded: after every save only the last failures are kept, at most
WOSYNC_ARTEFACTS_KEEP of them (default 20) and at most WOSYNC_ARTEFACTS_MAX_MB megabytes
(default 50), whichever is smaller; the oldest are removed first, the one just saved never.
"""

from __future__ import annotations

import datetime as dt
import gzip
import logging
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


log = logging.getLogger("wosync.artefacts")

KEEP_ENV = "WOSYNC_ARTEFACTS_KEEP"
MAX_MB_ENV = "WOSYNC_ARTEFACTS_MAX_MB"
DEFAULT_KEEP = 20
DEFAULT_MAX_MB = 50.0
# Everything wosync saves here starts so; other files in the folder are not ours to remove.
PREFIX = "workfossa-"
# The endings of one failure's files: they share the rest of the name (its stem).
_ENDINGS = (".html.gz", ".html", ".png")


def _setting(name: str, default: float) -> float:
    """Given a variable's name and its default, return its value as a number >= 0; a value that
    is not one is ignored with a warning (a typo must not stop failures from being recorded)."""
    text = os.environ.get(name)
    if text:
        try:
            value = float(text)
            if value >= 0:
                return value
        except ValueError:
            pass
        log.warning("%s=%r is not a number >= 0; using %g", name, text, default)
    return default


def limits() -> tuple[int, int]:
    """Return (how many failures to keep, how many bytes at most) from the environment."""
    return int(_setting(KEEP_ENV, DEFAULT_KEEP)), int(_setting(MAX_MB_ENV, DEFAULT_MAX_MB) * 1_000_000)


def _stem(name: str) -> str:
    for ending in _ENDINGS:
        if name.endswith(ending):
            return name[: -len(ending)]
    return name


def prune(folder: Path, keep: int | None = None, max_bytes: int | None = None,
          protect: str | None = None) -> list[Path]:
    """Given the artefacts folder, how many failures to keep and how many bytes at most
    (default: `limits()`) and the stem of a failure never to remove (the one just saved),
    remove the oldest failures' files until both limits hold; return the paths removed.

    A failure is the files sharing a stem (screenshot and HTML); its age is its newest file's
    modification time. Never raises: keeping too much is better than failing a report.
    """
    default_keep, default_bytes = limits()
    keep = default_keep if keep is None else keep
    max_bytes = default_bytes if max_bytes is None else max_bytes
    groups: dict[str, list[tuple[Path, os.stat_result]]] = {}
    try:
        for entry in os.scandir(folder):
            if entry.name.startswith(PREFIX) and entry.is_file(follow_symlinks=False):
                groups.setdefault(_stem(entry.name), []).append((Path(entry.path), entry.stat(follow_symlinks=False)))
    except OSError:
        return []
    newest_first = sorted(groups, key=lambda stem: (stem == protect, max(s.st_mtime for _, s in groups[stem]), stem),
                          reverse=True)
    removed: list[Path] = []
    kept = total = 0
    for stem in newest_first:
        size = sum(s.st_size for _, s in groups[stem])
        if stem == protect or (kept < keep and total + size <= max_bytes):
            kept += 1
            total += size
            continue
        for path, _ in groups[stem]:
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


def save_html(folder: Path, stem: str, html: str) -> Path:
    """Given the artefacts folder, a file stem and a page's HTML, save it gzip-compressed as
    STEM.html.gz (0600), then prune the folder; return the path (OSError when it cannot be written)."""
    path = folder / f"{stem}.html.gz"
    # mtime=0: the file's own time says when it was saved; the same page gives the same bytes.
    write_private(path, gzip.compress(html.encode("utf-8"), mtime=0))
    prune(folder, protect=stem)
    return path


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
        saved.append(save_html(folder, stem, html))
    except Exception:
        pass
    prune(folder, protect=stem)
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
