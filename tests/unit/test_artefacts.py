"""The artefacts folder stays bounded: the last failures' files only (20, or 50 MB, whichever
is smaller; both settable), the oldest removed first, the one just saved never; the HTML is
saved gzip-compressed as .html.gz. Real files, with their modification times set."""

from __future__ import annotations

import gzip
import os
import stat
from pathlib import Path

import pytest

from wosync.secret import Secret
from wosync.workfossa import artefacts
from wosync.workfossa.artefacts import prune, save_artefacts, save_html

T0 = 1_790_000_000  # a fixed moment (seconds since the epoch) for the files' times


@pytest.fixture(autouse=True)
def default_limits(monkeypatch):
    monkeypatch.delenv(artefacts.KEEP_ENV, raising=False)
    monkeypatch.delenv(artefacts.MAX_MB_ENV, raising=False)


def failure(folder: Path, n: int, size: int = 1000, at: float | None = None) -> str:
    """Write failure number n (a screenshot and its HTML) made at T0 + n minutes; return its stem."""
    folder.mkdir(exist_ok=True)
    stem = f"workfossa-20261201-{n:06d}-layout"
    for ending in (".png", ".html.gz"):
        path = folder / f"{stem}{ending}"
        path.write_bytes(b"x" * size)
        moment = T0 + 60 * n if at is None else at
        os.utime(path, (moment, moment))
    return stem


def stems(folder: Path) -> list[str]:
    return sorted({p.name.split(".")[0] for p in folder.iterdir()})


class FakePage:
    """What save_artefacts asks of a Playwright page: a screenshot, the HTML, a script run."""

    def __init__(self, html: str):
        self.html = html

    def screenshot(self, timeout: int) -> bytes:
        return b"\x89PNG" + b"\0" * 20_000

    def content(self) -> str:
        return self.html

    def evaluate(self, script: str) -> None:
        return None


def test_a_hundred_failures_leave_the_last_twenty(tmp_path):
    folder = tmp_path / "artefacts"
    made = [failure(folder, n) for n in range(100)]
    removed = prune(folder)
    assert stems(folder) == sorted(made[80:])
    assert len(removed) == 160


def test_the_byte_limit_wins_when_it_is_smaller(tmp_path, monkeypatch):
    folder = tmp_path / "artefacts"
    made = [failure(folder, n, size=50_000) for n in range(30)]  # 100 kB a failure
    monkeypatch.setenv(artefacts.MAX_MB_ENV, "0.5")
    prune(folder)
    assert stems(folder) == sorted(made[25:])


def test_the_count_is_settable_and_age_is_the_files_time_not_the_name(tmp_path, monkeypatch):
    folder = tmp_path / "artefacts"
    monkeypatch.setenv(artefacts.KEEP_ENV, "3")
    # Failure 9's name sorts last, but its files are the oldest: it goes first.
    made = [failure(folder, n) for n in range(9)] + [failure(folder, 9, at=T0 - 3600)]
    prune(folder)
    assert stems(folder) == sorted(made[6:9])


def test_the_failure_just_saved_is_never_removed(tmp_path):
    folder = tmp_path / "artefacts"
    made = [failure(folder, n) for n in range(5)]
    just_saved = failure(folder, 5, size=2_000_000, at=T0 - 3600)  # over the limit, and its clock is behind
    prune(folder, keep=2, max_bytes=1_000_000, protect=just_saved)
    assert stems(folder) == [just_saved]  # it fills the 1 MB alone: every older one goes


def test_other_files_in_the_folder_are_left_alone(tmp_path):
    folder = tmp_path / "artefacts"
    for n in range(3):
        failure(folder, n)
    (folder / "notes.txt").write_text("mine")
    prune(folder, keep=1)
    assert (folder / "notes.txt").read_text() == "mine"
    assert len(stems(folder)) == 2  # notes and the newest failure


def test_a_setting_that_is_not_a_number_keeps_the_default(monkeypatch, caplog):
    monkeypatch.setenv(artefacts.KEEP_ENV, "many")
    monkeypatch.setenv(artefacts.MAX_MB_ENV, "-1")
    assert artefacts.limits() == (20, 50_000_000)
    assert "WOSYNC_ARTEFACTS_KEEP='many' is not a number" in caplog.text


def test_html_is_saved_compressed_private_and_readable(tmp_path):
    folder = tmp_path / "artefacts"
    path = save_html(folder, "workfossa-20261201-000000-field-loss", "<html>" + "<tr>row</tr>" * 5000 + "</html>")
    assert path.name == "workfossa-20261201-000000-field-loss.html.gz"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert gzip.decompress(path.read_bytes()).decode().startswith("<html><tr>row</tr>")
    assert path.stat().st_size < 5000


def test_a_hundred_saved_failures_keep_twenty_compressed_and_no_password(tmp_path):
    folder = tmp_path / "artefacts"
    page = FakePage("<html><body>" + "<div class='work-list-item'>W-110229 Wawa</div>" * 2000
                    + "<p>hunter2-secret</p></body></html>")
    saved = []
    for _ in range(100):
        saved.append(save_artefacts(page, folder, "layout", Secret("hunter2-secret")))
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 40
    assert {p.name for p in saved[-1]} <= set(names)
    assert all(name.endswith((".png", ".html.gz")) for name in names)
    html = [folder / name for name in names if name.endswith(".html.gz")]
    assert all(b"hunter2-secret" not in gzip.decompress(p.read_bytes()) for p in html)
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert total < 20 * 25_000  # the screenshots; the compressed HTML is small
