"""What every CLI command shares: consoles, the clock, option parsers, output formats.

Commands parse options, call one action (wosync.actions) and render what it returns; this
module keeps the glue in one place so the commands stay thin. The store is opened by the
actions, never here.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

from wosync.clock import Clock, system_clock
from wosync.errors import UsageError

# The clock commands use; tests may replace it (time-machine works too).
clock: Clock = system_clock


def stdout_console():
    """Return a Rich console on stdout (data)."""
    from rich.console import Console

    return Console(highlight=False)


def stderr_console():
    """Return a Rich console on stderr (progress, notes); not on a terminal, its lines are
    never wrapped."""
    from rich.console import Console

    from wosync.render.plain import terminal_wanted

    return Console(stderr=True, highlight=False, soft_wrap=not terminal_wanted(sys.stderr))


def print_json(data: Any) -> None:
    """Print data as indented JSON on stdout."""
    import json  # here: most commands print no JSON, and `status` starts faster without it

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_csv(rows: Iterable[dict[str, Any]], columns: list[str], raw: bool = False) -> None:
    """Print rows as CSV with a header on stdout; lists and dicts become JSON text. A text cell
    that a spreadsheet would run as a formula is neutralised (text.csv_cell) unless `raw`."""
    from wosync.text import csv_cell

    import csv
    import io
    import json

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        values = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, (list, dict)):
                value = json.dumps(value, ensure_ascii=False)
            values.append("" if value is None else csv_cell(value, raw))
        writer.writerow(values)
    sys.stdout.write(buffer.getvalue())


def reject_both(json_out: bool, csv_out: bool) -> None:
    """Refuse --json together with --csv."""
    if json_out and csv_out:
        raise UsageError("choose one of --json and --csv")


# ---------------------------------------------------------------- option validators
#
# Typer would accept any Python int (past SQLite's 64-bit INTEGER, which then fails deep in a
# query), "1_0" and non-ASCII digits (int() and float() take both); these parsers take only
# what a user means by a number, and name the option and its range when refusing.

# SQLite's largest INTEGER: no id or count beyond it can name anything stored.
MAX_INTEGER = 2**63 - 1
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def _shown(text: Any) -> str:
    """Return user input quoted for a message, cut short when it is very long."""
    text = str(text)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def whole_number(value: Any, what: str, minimum: int = 1, maximum: int = MAX_INTEGER, hint: str = "") -> int:
    """Given the text of a whole number (an id, a count), return it as an int.

    Raises UsageError (exit 2) naming `what` unless it is written with the ASCII digits 0-9 only
    and lies in [minimum, maximum]; a negative number is told to be positive. `hint` (e.g.
    "; see `wosync schedule list`") is added to the message.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        if text.startswith("-") and _DIGITS.fullmatch(text[1:]):
            raise UsageError(f"{what} must be a positive whole number, got {_shown(value)}{hint}")
        if not _DIGITS.fullmatch(text):
            raise UsageError(f"{what} must be a whole number written with the digits 0-9, got {_shown(value)}{hint}")
        # More digits than 2**63 has is out of range (and int() refuses past 4,300 digits).
        number = int(text) if len(text.lstrip("0")) <= 19 else maximum + 1
    if not minimum <= number <= maximum:
        raise UsageError(f"{what} must be from {minimum} to {maximum}, got {_shown(value)}{hint}")
    return number


def decimal_text(value: Any, what: str) -> str:
    """Given the text of a decimal number ("1", "0.25", ".5"), return it stripped.

    Raises UsageError naming `what` for anything else: signs, exponents, "1_0", "inf", "nan",
    non-ASCII digits. The range is the caller's to check.
    """
    text = str(value).strip()
    if not _DECIMAL.fullmatch(text):
        raise UsageError(f"{what} must be a number written with the digits 0-9 and an optional "
                         f"decimal point (like 1 or 0.25), got {_shown(value)}")
    return text


def decimal_number(value: Any, what: str, minimum: float, maximum: float) -> float:
    """Given the text of a decimal number, return it as a float in [minimum, maximum]; UsageError otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        number = float(decimal_text(value, what))
    if not minimum <= number <= maximum:
        raise UsageError(f"{what} must be from {minimum:g} to {maximum:g}, got {_shown(value)}")
    return number


def int_parser(what: str, minimum: int = 1, maximum: int = MAX_INTEGER, hint: str = "") -> Callable[[Any], int]:
    """Return a Typer `parser=` for an integer option or argument (see whole_number)."""
    return lambda value: whole_number(value, what, minimum, maximum, hint)


def decimal_parser(what: str, minimum: float, maximum: float) -> Callable[[Any], float]:
    """Return a Typer `parser=` for a decimal option (see decimal_number)."""
    return lambda value: decimal_number(value, what, minimum, maximum)


# Commands whose positional argument is an id: "-1" must reach the id's parser (which says an
# id is positive) instead of click's "No such option: -1".
ID_COMMAND_SETTINGS = {"ignore_unknown_options": True}


def writable_file(path: Path | str, what: str, must_not_exist: bool = False) -> Path:
    """Given a file path an option names for writing, return it (user-expanded) once it can be written.

    Checks, before anything runs: the folder exists (or can be created) and is a writable
    folder; the path is not a folder; with must_not_exist, nothing is there yet. UsageError
    (exit 2) naming `what` and the path otherwise.
    """
    path = Path(path).expanduser()
    if str(path).strip() == "" or path.name in ("", ".", ".."):
        raise UsageError(f"{what} needs a file name, got {_shown(path)}")
    folder = path.parent
    if not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise UsageError(f"{what}: cannot create the folder {folder}: {exc.strerror or exc}") from None
    if not folder.is_dir():
        raise UsageError(f"{what}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{what}: the folder {folder} is not writable")
    if path.is_dir():
        raise UsageError(f"{what}: {path} is a folder; name a file")
    if must_not_exist and (path.exists() or path.is_symlink()):
        raise UsageError(f"{what}: {path} already exists; choose another name")
    if path.exists() and not (path.is_file() and os.access(path, os.W_OK)):
        raise UsageError(f"{what}: {path} is not a writable file")
    return path


def readable_file(path: Path | str, what: str) -> Path:
    """Given a file path an option names for reading, return it once it is a readable regular
    file; UsageError (exit 2) naming `what` and the path otherwise."""
    path = Path(path).expanduser()
    if not path.exists():
        raise UsageError(f"{what}: {path} does not exist")
    if not path.is_file():
        raise UsageError(f"{what}: {path} is not a file")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{what}: {path} cannot be read (permissions)")
    return path


def parse_username(value: Any) -> str:
    """A Typer `parser=` for --username: an e-mail address, lower-case (see wosync.accounts)."""
    from wosync import accounts  # (with the credentials look-up: not for `status --line`)

    return accounts.normalize_username(value, "--username")
