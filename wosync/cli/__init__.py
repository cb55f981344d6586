"""The `wosync` command: a Typer app whose root turns typed errors into one `Error: ...` line.

Sub-commands live one module per action (schedule, history, sync, orders, notify, ...); each
registers itself on `app` here. Heavy libraries are imported inside commands, never at import.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

import typer
from typer.core import TyperGroup

from wosync.credentials import hidden_environment_password
from wosync.errors import ExitCode, Interrupted, WosyncError


def _storage_error(exc: BaseException):
    """Given an unexpected exception, return the typed error it stands for (disk full, a
    damaged database; see wosync.errors.as_storage_error), or None."""
    from wosync import config
    from wosync.errors import as_storage_error

    folder = config.data_home()
    return as_storage_error(exc, folder / config.DB_FILE_NAME, folder)


def _error_line(message: str) -> None:
    """Print one `Error: ...` line on stderr."""
    typer.echo(f"Error: {message}", err=True)


class WosyncGroup(TyperGroup):
    """The root command group: one place where errors become messages and exit codes."""

    def invoke(self, ctx):
        # Typer would turn Ctrl-C into a silent exit 130; make it our one-line message instead.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted("interrupted (Ctrl-C)") from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # Playwright's driver runs on asyncio; when Ctrl-C stops it first, asyncio would print
        # "Future exception was never retrieved" noise after our own one-line message.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        try:
            with hidden_environment_password():  # no child process (the browser) inherits it
                result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except WosyncError as exc:
            _error_line(exc.message)
            code = int(exc.exit_code)
        except typer.TyperException as exc:
            # Typer's own (click-derived) errors: usage errors carry exit code 2 and a context.
            code = getattr(exc, "exit_code", int(ExitCode.USAGE))
            ctx = getattr(exc, "ctx", None)
            hint = f"; see `{ctx.command_path} --help`" if ctx is not None and code == ExitCode.USAGE else ""
            message = exc.format_message().rstrip(".")
            if message:  # an empty one is Typer's "no arguments: show the help", already printed
                _error_line(f"{message}{hint}")
        except (typer.Abort, KeyboardInterrupt):
            _error_line("interrupted")
            code = int(ExitCode.INTERRUPTED)
        except Exception as exc:  # never a traceback for a user; WOSYNC_DEBUG=1 adds it
            known = _storage_error(exc)
            if known is not None:
                _error_line(known.message)
                code = int(known.exit_code)
            else:
                debug = bool(os.environ.get("WOSYNC_DEBUG"))
                if debug:
                    # The exception's chain and source lines only: no frame locals (a password
                    # may be one), the same as Python's own report.
                    traceback.print_exception(exc, file=sys.stderr)
                _error_line(
                    f"unexpected {type(exc).__name__}: {exc}; run `wosync doctor`, and "
                    + ("report the traceback above" if debug else "set WOSYNC_DEBUG=1 to see the details")
                )
                code = int(ExitCode.SYNC_FAILED)
        else:
            code = result if isinstance(result, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=WosyncGroup,
    name="wosync",
    help="Keep your WorkFossa work orders in a local SQLite file, on a schedule.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _register() -> None:
    """Attach every command module to the app (imports are light: no playwright/keyring/apprise)."""
    from wosync.cli import daemon, demo, doctor, history, login, notify, orders, schedule, sync

    app.add_typer(schedule.app, name="schedule", help="Create, list, change, pause and delete sync schedules.")
    for module in (sync, orders, history, notify, login, daemon, demo, doctor):
        module.register(app)


_register()


def main() -> None:
    """Entry point of the `wosync` console script."""
    app()
