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
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from wosync.cli import error_line, report_unexpected
from wosync.credentials import hidden_environment_password
from wosync.errors import ExitCode, Interrupted, WosyncError


# --- one style for every --help: flags show no value, values show what to give, usage lines
# name arguments one way.
#
# Typer draws a flag as `--password-stdin <bool>` (which reads as if it took a value: `--no-verify
# true` then fails), an option without a metavar as `<str>`, and an argument in a usage line as
# `{number}`, `{ID}` or `[[FILE]]` (our own "[FILE]" bracketed once more). apply_help_style() changes how
# Typer's parameters describe themselves, once, before any help is drawn:
#
# - a flag shows nothing after its name;
# - an option shows its metavar, else the word of a shared option (EMAIL for --username, URL,
#   HOURS...), else a capital word for its type (TEXT, NUMBER, FILE);
# - an argument is its metavar (brackets dropped) or its name in capitals: `ID`, `NUMBER`,
#   `URL` when required, `[FILE]` when optional.

# The capital word for an option's value, by the type Typer would show.
TYPE_WORDS = {"<str>": "TEXT", "<int>": "NUMBER", "<float>": "NUMBER", "<path>": "FILE", "<file>": "FILE"}
# Options many commands share, named alike everywhere without a metavar on each.
NAME_WORDS = {"username": "EMAIL", "base_url": "URL", "interval": "HOURS", "active_hours": "START-END",
              "timezone": "ZONE", "limit": "NUMBER", "since": "DATE", "run": "ID"}


def _argument_name(param: TyperArgument) -> str:
    """Given an argument, return its bare name: its metavar without brackets, or its name in capitals."""
    if param.metavar:
        return param.metavar.strip("[]{}<>") or param.metavar
    return (param.name or "").upper()


def _argument_usage(self: TyperArgument) -> str:
    name = _argument_name(self)
    name = name if self.required else f"[{name}]"
    return name + ("..." if self.nargs != 1 else "")


def _argument_rich_name(self: TyperArgument) -> str:
    return _argument_name(self) + ("..." if self.nargs != 1 else "")


def _option_value(self: TyperOption, ctx) -> str | None:
    if self.is_flag or self.count:
        return None
    if self.metavar is not None:
        return self.metavar
    if self.name in NAME_WORDS:
        return NAME_WORDS[self.name]
    shown = self.display_type(ctx)
    return TYPE_WORDS.get(shown, shown.strip("<>").upper())


def apply_help_style() -> None:
    """Make Typer draw parameters in wosync's style (see the comment above TYPE_WORDS)."""
    TyperArgument._usage_display_name = _argument_usage
    TyperArgument._rich_display_name = _argument_rich_name
    # The Arguments panel and "Missing argument 'ID'" use this name; the panel shows no type
    # column for an argument (its capital name already says what it is).
    TyperArgument.display_name_raw = property(_argument_name)
    TyperArgument.display_type_rich = lambda self, ctx: None
    TyperOption.display_type_rich = _option_value


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


def _counted(message: str) -> str:
    """Given a Typer usage message, return it with "argument(s) (a b)" counted: "arguments (a b)"."""
    import re

    def words(match) -> str:
        given = match.group(1)
        return ("argument" if len(given.split()) == 1 else "arguments") + f" ({given})"

    return re.sub(r"argument\(s\) \((.*)\)", words, message)


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
            if matches:  # one sentence with the "; see `wosync --help`" main() adds
                exc.message = f"{exc.message.rstrip('.')} (did you mean {' or '.join(repr(m) for m in matches)}?)"
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
            message = _counted(exc.format_message().rstrip("."))
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


apply_help_style()
app = typer.Typer(
    cls=WosyncGroup,
    name="wosync",
    help="Keep your WorkFossa work orders in a local SQLite file, on a schedule.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    """The eager --version option: print "wosync 0.1.0" and stop before any command."""
    if value:
        from wosync import __version__

        typer.echo(f"wosync {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print wosync's version and exit."),
) -> None:
    # A callback makes the app a group even though no command is registered up front.
    pass
