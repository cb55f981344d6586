"""`wosync demo`: the whole flow against the simulated WorkFossa, no account and no network needed."""

from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from wosync.text import plural

from wosync.cli import common


def _command_name() -> str:
    """Return how the user can call wosync again: `wosync` when it is on PATH, else its full path."""
    if shutil.which("wosync"):
        return "wosync"
    program = Path(sys.argv[0])
    return str(program.resolve()) if program.name == "wosync" else f"{sys.executable} -m wosync"


def demo(
    orders: int = typer.Option(120, "--orders", min=1, max=5000, help="How many work orders the simulated site holds."),
    home: Optional[Path] = typer.Option(None, "--home", help="Data folder to use (default: a new temporary folder)."),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated data."),
    pager: str = typer.Option("length-aware", "--pager", metavar="length-aware|simple",
                              help="Which of the real site's two paginators the simulated site shows "
                                   "(simple: prev/next only, no match count)."),
    markup: str = typer.Option("classic", "--markup", metavar="classic|next-release",
                               help="How the simulated site's pages are written (next-release: re-wrapped "
                                    "rows, renamed styling classes; read partly by the parser's fallbacks)."),
) -> int:
    """Run the whole flow against a simulated WorkFossa on 127.0.0.1: sync, change the site, sync again."""
    from wosync import render
    from wosync.actions.demo import PAGERS, demo as run_demo
    from wosync.cli.history import run_record

    if pager not in PAGERS:
        raise common.UsageError(f"--pager takes {' or '.join(PAGERS)}, not {pager!r}")
    from wosync.sim.next_release import MARKUPS

    if markup not in MARKUPS:
        raise common.UsageError(f"--markup takes {' or '.join(MARKUPS)}, not {markup!r}")
    out = common.stdout_console()
    result = run_demo(common.clock, _DemoView(out, common.stderr_console(), orders, pager), orders, home, seed, pager, markup)
    if result.exit_code:
        typer.echo(f"Error: the demo sync did not succeed: {result.runs[-1]['error_message']}", err=True)
        return result.exit_code
    out.print()
    out.print(render.changes_table(result.changes, result.runs[-1]["id"]))
    out.print(render.history_table([run_record(r) for r in reversed(result.runs)], out.width))
    from wosync.fallbacks import history_lines  # next-release markup: fields read by their text fallback

    for line in history_lines(list(reversed(result.runs))):
        out.print(line, style="yellow", markup=False, highlight=False, soft_wrap=True)
    out.print(f"Logged in {plural(result.logins, 'time')} for {plural(len(result.runs), 'sync')} (the saved session was reused).",
              highlight=False)
    _show_one_stop(out, result)
    out.print(
        f"\nLook around: WOSYNC_HOME={result.folder} {_command_name()} orders   (or dispensers, changes, history, status)",
        highlight=False, soft_wrap=True,  # one line: the command in it is copied whole
    )
    return 0


class _DemoView:
    """The demo's running commentary (wosync.actions.demo.DemoView) on the consoles."""

    def __init__(self, out, err, orders: int, pager: str):
        self.out, self.err, self.orders, self.pager = out, err, orders, pager

    def started(self, base_url: str, folder: Path) -> None:
        self.out.print(f"[bold]wosync demo[/]: a simulated WorkFossa at {base_url} with {self.orders} work orders "
                       f"({self.pager} pager); data in {folder}", highlight=False)

    def site_changed(self, changed: dict[str, list[str]]) -> None:
        self.out.print(
            f"\nThe site changes: {len(changed['new'])} new, {len(changed['rescheduled'])} rescheduled, "
            f"{len(changed['completed'])} completed, {len(changed['edited'])} with new instructions.",
            highlight=False,
        )

    @contextmanager
    def sync(self, title: str):
        from wosync import render

        self.out.print(f"\n[bold]{title}[/]")
        with render.SyncProgressView(self.err, clock=common.clock) as view:
            yield view

    def synced(self, run) -> None:
        from wosync import render
        from wosync.sync import summary_line

        self.out.print(render.safe(summary_line(run)), highlight=False)  # an error may quote the site


def _show_one_stop(out, result) -> None:
    """Print how many locations' equipment the syncs read, then the first order (by next
    visit) at a location with dispensers: its card and the dispensers waiting there."""
    from wosync import render
    from wosync.cli.orders import order_record

    out.print(f"\nEquipment read at {result.equipment_read} of {result.locations} locations (at most "
              f"{result.per_run} a sync; `wosync sync-now --equipment` reads every one that is due).", highlight=False,
              soft_wrap=True)
    if result.one_stop is not None:
        order, location = result.one_stop
        out.print("\n[bold]One stop: the next visit at a location whose dispensers were read[/]")
        out.print(render.order_card(order_record(order)))
        out.print(render.location_dispensers(location, location["dispensers"]))


def register(app: typer.Typer) -> None:
    """Attach `demo` to the root app."""
    app.command("demo")(demo)
