"""Shared fixtures: a private data folder per test in a clean environment, the CLI run
in-process, the local time zone; and the markers each test folder gives its tests.

Kept small and generic on purpose: each test module builds its own data through the store.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

import pytest
from typer.testing import Result
from typer.testing import CliRunner

from support.environment import DataFolder

TESTS = Path(__file__).resolve().parent

# Every test under these folders gets the marker of the same name: `-m "not browser and not
# process"` then runs the fast part (unit, store, cli) alone.
FOLDER_MARKERS = ("browser", "process")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Given the collected tests, mark each one under tests/browser or tests/process by its folder."""
    for item in items:
        try:
            folder = Path(item.path).resolve().relative_to(TESTS).parts[0]
        except ValueError:
            continue
        if folder in FOLDER_MARKERS:
            item.add_marker(folder)


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataFolder:
    """Given a temporary folder, return a DataFolder in it (`.home`, not yet created; `.env` for
    subprocesses), with this process's environment made the same clean one: WOSYNC_HOME and the
    keyring's folder point into it, the developer's WOSYNC_* settings and systemd's variables
    are gone (see support/environment.py)."""
    return DataFolder(tmp_path).apply(monkeypatch)


@pytest.fixture
def wosync_home(data_folder: DataFolder) -> Path:
    """Return data_folder.home: the data folder of a test that only needs its path."""
    return data_folder.home


@pytest.fixture
def cli(wosync_home: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Return run(*args) -> click Result: `wosync ARGS` run in-process against `wosync_home`.

    The root group's own main() turns errors into `Error: ...` and exit codes, exactly as the
    console script does. Tables are drawn 200 columns wide so words are not wrapped, and as
    for a terminal (WOSYNC_FORCE_TERMINAL=1), not as tab-separated rows for a pipe.
    """
    monkeypatch.setenv("COLUMNS", "200")
    # CliRunner's stdout is no terminal: draw for one anyway, as these tests read tables.
    monkeypatch.setenv("WOSYNC_FORCE_TERMINAL", "1")
    from wosync.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return run


@pytest.fixture
def error_line() -> Callable[..., str]:
    """Return check(result, exit_code) -> message: assert the result is exactly one `Error:` line.

    That is: the exit code, nothing on stdout, one stderr line starting `Error: `, and no
    traceback (CliRunner keeps an escaped exception in result.exception). Returns the message.
    """

    def check(result: Result, exit_code: int) -> str:
        assert result.exit_code == exit_code, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        return lines[0]

    return check


@pytest.fixture
def local_zone():
    """Return set(zone): make `zone` this process's local time zone (TZ + tzset) until the test ends.

    wosync shows stored UTC times in local time; pinning the zone makes those texts exact.
    """
    original = os.environ.get("TZ")

    def set_zone(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield set_zone
    if original is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = original
    time.tzset()
