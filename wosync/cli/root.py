"""The Typer app of `wosync`: a root group that loads a command's module only when that command runs.

Building every command of every module took most of `wosync status`'s start-up, so
the root group knows its commands by name, module and one-line help (COMMANDS below) and
imports a module when one of its commands is invoked. `wosync --help` lists every command from
that table without importing any of them. A new command is one more COMMANDS entry; its module
keeps its `register(app)` (tests/process/test_startup.py checks that the table and the modules agree).

The root group is also the one place where errors become one `Error: ...` line and an exit code.
"""

from __future__ import annotations

import importlib
import sys
from difflib import get_close_matches
from typing import NamedTuple

import typer
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperCommand, TyperGroup

from wosync.cli import error_line, report_unexpected
from wosync.credentials import hidden_environment_password
from wosync.errors import ExitCode, Interrupted, WosyncError


class CommandSpec(NamedTuple):
    """Where a root command lives and the help `wosync --help` shows for it."""

    module: str
    help: str
    group: bool = False  # a sub-app (module.app) rather than module.register(app)


# In `wosync --help` order. The help is the first line of the command's docstring (or, for a
# group, its help=), so the listing reads as it did when every module was imported.
COMMANDS: dict[str, CommandSpec] = {
    "sync-now": CommandSpec("wosync.cli.sync", "Sync now, in the foreground, with a live progress bar on a terminal."),
    "watch": CommandSpec("wosync.cli.sync", "Show the running sync live: a percentage bar, the phase, the orders found, the elapsed time."),
    "status": CommandSpec("wosync.cli.status", "Show each schedule's state (active, syncing, failed, paused), its next run and last result."),
    "history": CommandSpec("wosync.cli.history", "Show the sync history: when, how long, what triggered it, the result and the counts."),
    "orders": CommandSpec("wosync.cli.orders", "List stored work orders, or show one."),
    "changes": CommandSpec("wosync.cli.orders", "Show what a sync found: new, updated (field by field), completed and reopened orders."),
    "dispensers": CommandSpec("wosync.cli.dispensers", "Show the dispensers at an order's location, or at every location with active orders."),
    "calendar": CommandSpec("wosync.cli.calendar", "Print the next visit of every active work order as an iCalendar (.ics) feed."),
    "week": CommandSpec("wosync.cli.week", "Show the coming week's visits by day, the parts to bring and the dispensers to calibrate."),
    "schedule": CommandSpec("wosync.cli.schedule", "Create, list, change, pause and delete sync schedules.", group=True),
    "notify": CommandSpec("wosync.cli.notify", "Where digests and failure alerts go: Apprise URLs (ntfy, e-mail, Slack, Telegram, webhooks...)."),
    "login": CommandSpec("wosync.cli.login", "Check your WorkFossa password with a real login, then keep it in the system keyring."),
    "logout": CommandSpec("wosync.cli.login", "Remove the account's password from the keyring and its saved session (history and orders stay)."),
    "daemon": CommandSpec("wosync.cli.daemon", "Run the schedules in the foreground until Ctrl-C or SIGTERM (this is what systemd runs)."),
    "install-service": CommandSpec("wosync.cli.daemon", "Write the systemd user unit for this wosync and print the command that starts it."),
    "doctor": CommandSpec("wosync.cli.doctor", "Check the browser, the keyring, each account's password, the database, the daemon and notifications."),
    "backup": CommandSpec("wosync.cli.backup", "Back up the database with SQLite's online backup API (safe while a sync runs); mode 0600."),
    "restore": CommandSpec("wosync.cli.backup", "Put a backup in place of the database, after checking it; the current one is kept beside it."),
    "demo": CommandSpec("wosync.cli.demo", "Run the whole flow against a simulated WorkFossa on 127.0.0.1: sync, change the site, sync again."),
}


# Commands that never drive a browser (see WosyncGroup.main).
NO_BROWSER_COMMANDS = frozenset({"status", "history", "orders", "changes", "calendar", "week", "schedule", "dispensers",
                                 "watch", "logout", "install-service", "backup", "restore"})


def load_module_commands(module_name: str, name: str | None = None) -> dict:
    """Given a command module (and, for a sub-app, the command's name), import it and return
    {name: click command} of every command it registers."""
    module = importlib.import_module(module_name)
    holder = typer.Typer()
    spec = COMMANDS.get(name) if name else None
    if spec is not None and spec.group:
        holder.add_typer(module.app, name=name, help=spec.help)
    else:
        module.register(holder)
    return dict(typer.main.get_group(holder).commands)


class WosyncGroup(TyperGroup):
    """The root command group: commands loaded on use, errors turned into messages and exit codes."""

    _listing_help = False

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS) + [name for name in self.commands if name not in COMMANDS]

    def get_command(self, ctx, cmd_name: str):
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        if self._listing_help:
            # `wosync --help` needs a name and a line of help, not the command: no import.
            return TyperCommand(name=cmd_name, help=spec.help)
        self.commands.update(load_module_commands(spec.module, cmd_name))
        return self.commands.get(cmd_name)

    def format_help(self, ctx, formatter) -> None:
        self._listing_help = True
        try:
            return super().format_help(ctx, formatter)
        finally:
            self._listing_help = False

    def resolve_command(self, ctx, args):
        try:
            return self._click_resolve_command(ctx, args)
        except ClickUsageError as exc:
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches:
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {', '.join(repr(m) for m in matches)}?"
            raise

    def invoke(self, ctx):
        # Typer would turn Ctrl-C into a silent exit 130; make it our one-line message instead.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted("interrupted (Ctrl-C)") from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # Playwright's driver runs on asyncio; when Ctrl-C stops it first, asyncio would print
        # "Future exception was never retrieved" noise after our own one-line message. Commands
        # that never start a browser skip importing logging for it: they must start fast (a
        # status bar runs `wosync status` every few seconds).
        given = list(sys.argv[1:] if args is None else args)
        if not given or given[0] not in NO_BROWSER_COMMANDS:
            import logging

            logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        try:
            with hidden_environment_password():  # no child process (the browser) inherits it
                result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except WosyncError as exc:
            error_line(exc.message)
            code = int(exc.exit_code)
        except typer.TyperException as exc:
            # Typer's own (click-derived) errors: usage errors carry exit code 2 and a context.
            code = getattr(exc, "exit_code", int(ExitCode.USAGE))
            ctx = getattr(exc, "ctx", None)
            hint = f"; see `{ctx.command_path} --help`" if ctx is not None and code == ExitCode.USAGE else ""
            message = exc.format_message().rstrip(".")
            if message:  # an empty one is Typer's "no arguments: show the help", already printed
                error_line(f"{message}{hint}")
        except (typer.Abort, KeyboardInterrupt):
            error_line("interrupted")
            code = int(ExitCode.INTERRUPTED)
        except Exception as exc:  # never a traceback for a user; WOSYNC_DEBUG=1 adds it
            code = report_unexpected(exc)
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


@app.callback()
def _root() -> None:
    # A callback makes the app a group even though no command is registered up front.
    pass
