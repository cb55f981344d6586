"""Shared fixtures: a private data folder per test, the CLI run in-process, the local time zone.

Kept small and generic on purpose: each test module builds its own data through store.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

import pytest
from typer.testing import Result
from typer.testing import CliRunner

# Variables that would make a test depend on the machine it runs on.
_ENVIRONMENT_TO_CLEAR = (
    "WOSYNC_USERNAME", "WOSYNC_PASSWORD", "WOSYNC_BASE_URL", "CREDENTIALS_DIRECTORY", "WOSYNC_DEBUG",
)


@pytest.fixture
def wosync_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Given a temporary folder, point WOSYNC_HOME at a (not yet created) folder in it; return that path.

    Also clears the account/credential variables, so no test sees the developer's own account.
    """
    home = tmp_path / "wosync-home"
    monkeypatch.setenv("WOSYNC_HOME", str(home))
    for name in _ENVIRONMENT_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def cli(wosync_home: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Return run(*args) -> click Result: `wosync ARGS` run in-process against `wosync_home`.

    The root group's own main() turns errors into `Error: ...` and exit codes, exactly as the
    console script does. Tables are drawn 200 columns wide so words are not wrapped.
    """
    monkeypatch.setenv("COLUMNS", "200")
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
