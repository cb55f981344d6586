"""The `wosync` command. The Typer app is in wosync.cli.root (loaded on first use of `app`).

Sub-commands live one module per action (schedule, history, sync, orders, notify, ...); the
root group imports a command's module only when that command runs. `wosync status --line`,
which a status bar runs every few seconds, is answered here without Typer at all: Python,
sqlite3 and the few light wosync modules it reads with (wosync.status_read, wosync.status),
nothing else; wosync.errors is imported only when something fails. This package imports no
third-party module at import time; heavy libraries are imported inside commands.
"""

from __future__ import annotations

import os
import sys


def error_line(message: str) -> None:
    """Print one `Error: ...` line on stderr (cleaned: no escape sequence, no line break)."""
    from wosync.text import clean

    sys.stderr.write(f"Error: {clean(message)}\n")
    sys.stderr.flush()


def _storage_error(exc: BaseException):
    """Given an unexpected exception, return the typed error it stands for (disk full, a
    damaged database; see wosync.errors.as_storage_error), or None."""
    from wosync import config
    from wosync.errors import as_storage_error

    folder = config.data_home()
    from wosync import busy

    if busy.is_busy(exc):  # another process holds the database: say so, naming it
        return busy.busy_error(folder / config.DB_FILE_NAME)
    return as_storage_error(exc, folder / config.DB_FILE_NAME, folder)


def report_unexpected(exc: Exception) -> int:
    """Given an exception no command handled, print its one `Error:` line; return the exit code.

    A full disk or a damaged database is named as such; anything else is "unexpected", with
    the traceback on stderr only when WOSYNC_DEBUG=1 (never frame locals: a password may be one).
    """
    known = _storage_error(exc)
    if known is not None:
        error_line(known.message)
        return int(known.exit_code)
    debug = bool(os.environ.get("WOSYNC_DEBUG"))
    if debug:
        import traceback

        # The exception's chain and source lines only, the same as Python's own report.
        traceback.print_exception(exc, file=sys.stderr)
    error_line(
        f"unexpected {type(exc).__name__}: {exc}; run `wosync doctor`, and "
        + ("report the traceback above" if debug else "set WOSYNC_DEBUG=1 to see the details")
    )
    from wosync.errors import ExitCode

    return int(ExitCode.SYNC_FAILED)


def status_line_format(args: list[str]) -> str | None:
    """Given the command-line arguments, return the --format of a plain `status --line
    [--follow]` call, or None for anything else (--help, --json, a typo...: the Typer app
    decides those)."""
    if len(args) < 2 or args[0] != "status" or "--line" not in args:
        return None
    fmt, rest, index = "text", args[1:], 0
    while index < len(rest):
        arg = rest[index]
        if arg == "--format" and index + 1 < len(rest):
            fmt = rest[index + 1]
            index += 1
        elif arg.startswith("--format="):
            fmt = arg.partition("=")[2]
        elif arg not in ("--line", "--follow"):
            return None
        index += 1
    return fmt


def print_status_line(fmt: str, clock=None, follow: bool = False) -> None:
    """Given a line format (text | waybar | json) and the clock (default: the system's; the app
    passes wosync.cli.common's, which tests replace), print the status-bar line of the data
    folder; with `follow`, print it again each time it changes, until stopped (Ctrl-C ends it
    quietly)."""
    from wosync.actions import status
    from wosync.clock import system_clock

    def write(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    if not follow:
        write(status.line((clock or system_clock)(), fmt))
        return
    try:
        status.follow(lambda: (clock or system_clock)(), fmt, write, watch=True)
    except KeyboardInterrupt:  # how a follower is meant to end
        pass


def _fast_status_line(fmt: str, follow: bool = False) -> int:
    """Run `wosync status --line [--follow]` without Typer; return the exit code (errors as the app gives them)."""
    try:
        print_status_line(fmt, follow=follow)
    except BrokenPipeError:  # the status bar stopped reading: nothing to tell anyone
        return 0
    except (KeyboardInterrupt, Exception) as exc:
        # wosync.errors is imported here, once something failed: the line itself never needs it.
        from wosync.errors import ExitCode, WosyncError

        if isinstance(exc, WosyncError):
            error_line(exc.message)
            return int(exc.exit_code)
        if isinstance(exc, KeyboardInterrupt):
            error_line("interrupted")
            return int(ExitCode.INTERRUPTED)
        return report_unexpected(exc)
    return 0


def __getattr__(name: str):
    # `from wosync.cli import app` builds the Typer app on first use, not at import.
    if name == "app":
        from wosync.cli.root import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point of the `wosync` console script."""
    fmt = status_line_format(sys.argv[1:])
    if fmt is not None:
        sys.exit(_fast_status_line(fmt, "--follow" in sys.argv[1:]))
    from wosync.cli.root import app

    app()
