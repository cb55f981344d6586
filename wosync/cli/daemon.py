"""`wosync daemon` (the schedule loop, in the foreground) and `wosync install-service` (its
systemd user unit: wosync.actions.service)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def daemon(
    log_file: Optional[str] = typer.Option(
        None, "--log-file", metavar="PATH",
        help="Also write the log to this file (rotated at 1 MB, 3 kept); for use without systemd.",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log more detail (debug lines)."),
) -> None:
    """Run the schedules in the foreground until Ctrl-C or SIGTERM (this is what systemd runs)."""
    from wosync.daemon import serve
    from wosync.safe_paths import output_target

    if log_file is not None:  # exit 2 now, not a failed daemon later
        log_file = output_target(log_file, "the log file", appends=True)

    raise typer.Exit(serve(log_file, verbose))


def install_service(
    print_only: bool = typer.Option(False, "--print", help="Print the unit instead of writing it."),
) -> None:
    """Write the systemd user unit for this wosync and print the command that starts it."""
    from wosync.actions import service

    if print_only:
        typer.echo(service.this_unit().text, nl=False)
        return
    done = service.install()
    typer.echo(f"{'Updated' if done.replaced else 'Wrote'} {done.path} (it starts {done.unit.command} daemon).")
    if done.unit.environment:
        typer.echo(f"It keeps {', '.join(done.unit.environment)} as set now.")
    typer.echo("Start it now and at every login with:")
    typer.echo(f"  {service.ENABLE_COMMAND}")
    typer.echo(f"To keep it running while you are logged out: {service.LINGER_COMMAND}")
    typer.echo(f"Its logs: {service.LOGS_COMMAND}")
    if done.password_left_out:
        typer.echo("Note: WOSYNC_PASSWORD is not copied into the unit; store the password with "
                   "`wosync login` or use the LoadCredential line in the unit.", err=True)


def register(app: typer.Typer) -> None:
    """Add `daemon` and `install-service` to the root app."""
    app.command("daemon")(daemon)
    app.command("install-service")(install_service)
