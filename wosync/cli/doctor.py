"""`wosync doctor`: one line per check (browser, keyring, passwords, database, daemon, notifications),
each `ok`, `warning` or `FAILED` with what to do. Exit 0 only when nothing FAILED.

The checks are wosync.actions.doctor (and doctor_site for --site); this module prints them.
"""

from __future__ import annotations

from dataclasses import asdict

import typer

from wosync.cli import common
from wosync.text import clean
from wosync.errors import ExitCode

VERDICT_COLOUR = {"ok": "32", "warning": "33", "FAILED": "31"}


def doctor(
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    site: bool = typer.Option(False, "--site", help="Instead: log in and read page 1 of the work list, "
                              "step by step, to see which part of the site contract fails (nothing is synced)."),
    username: str | None = typer.Option(None, "--username", help="With --site: the account (default: the only one)."),
) -> int:
    """Check the browser, the keyring, each account's password, the database, the daemon and notifications."""
    if site:
        from wosync.actions.doctor_site import run_site_checks

        checks = run_site_checks(username, common.clock())
    else:
        from wosync.actions.doctor import run_checks

        checks = run_checks(common.clock())
    failed = [c for c in checks if c.status == "FAILED"]
    if json_out:
        common.print_json([asdict(c) for c in checks])
    else:
        import platform
        import sys

        from wosync import __version__
        from wosync.render import colour_wanted

        # Which wosync answered: on stderr, so the check lines stay one per check on stdout.
        typer.echo(f"wosync {__version__} (Python {platform.python_version()})", err=True)
        colour = colour_wanted(sys.stdout)
        for check in checks:
            # Details quote stored and remote text: no escape sequences.
            verdict = f"{check.status:<8}"
            if colour:  # the colours of `wosync status`: green ok, yellow warning, red FAILED
                verdict = f"\x1b[{VERDICT_COLOUR[check.status]}m{check.status}\x1b[0m" + verdict[len(check.status):]
            # Written as is: typer.echo would strip the colour when stdout is not a terminal (FORCE_COLOR).
            sys.stdout.write(verdict + clean(f"{check.name}: {check.detail}") + "\n")
        count = len(failed)
        typer.echo(f"{count} check{'s' if count != 1 else ''} failed." if failed else "All checks passed.")
    return int(ExitCode.SYNC_FAILED if failed else ExitCode.OK)


def register(root: typer.Typer) -> None:
    """Attach `doctor` to the root app."""
    root.command("doctor")(doctor)
