"""`wosync daemon` (the schedule loop, in the foreground) and `wosync install-service` (its systemd user unit).

The unit's text lives here, as a template, so an installed wosync can write it without the
source tree; systemd/wosync.service in the repository is this template rendered with the
usual ~/.local/bin path (a test keeps the two identical).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from wosync.credentials import has_environment_password

UNIT_NAME = "wosync.service"
ENABLE_COMMAND = "systemctl --user daemon-reload && systemctl --user enable --now wosync"
LOGS_COMMAND = "journalctl --user -u wosync -f"
LINGER_COMMAND = "loginctl enable-linger $USER"
# The environment variables install-service carries into the unit when they are set, so the
# service uses the same data folder and browser as the shell it was installed from. Never the
# password: that goes to the keyring or to LoadCredential.
CARRIED_VARIABLES = ("WOSYNC_HOME", "WOSYNC_BROWSER")

UNIT_TEMPLATE = """\
# wosync: keep WorkFossa work orders in a local SQLite file, on a schedule.
# A systemd user unit, written by `wosync install-service` to ~/.config/systemd/user/wosync.service.
# Start it with:  {enable}
# Read its logs:  {logs}
# Keep it running while you are logged out:  {linger}

[Unit]
Description=wosync: sync WorkFossa work orders on a schedule

[Service]
Type=notify
NotifyAccess=main
ExecStart={exec_start} daemon
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=30
# Exit 2 is bad input or a database that needs the user (damaged, or from a newer wosync):
# restarting would not help, so systemd leaves it stopped (see `systemctl --user status wosync`).
RestartPreventExitStatus=2
# The daemon pings the watchdog every 60 s, also while a sync runs; a hung daemon is restarted.
WatchdogSec=120
# SIGTERM goes to the daemon alone: it cancels the running sync and closes the browser itself
# (within 10 s); anything still left when TimeoutStopSec runs out is killed.
KillMode=mixed
TimeoutStopSec=20
{environment}# The password without a keyring: put it in a file only you can read (chmod 600), then uncomment.
# systemd hands it to wosync as a credential file, never as an environment variable.
# LoadCredential=wosync-password:%h/.config/wosync/password

# Hardening that works in a user unit without privileges or namespaces.
NoNewPrivileges=yes
UMask=0077
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
SystemCallArchitectures=native
# File-system sandboxing needs user namespaces in a user unit (systemd 253 or newer, and a kernel
# that lets unprivileged users create them); without them the service would fail to start.
# Uncomment if `systemd-run --user --wait -p PrivateTmp=yes true` works on this machine:
# PrivateTmp=yes
# ProtectSystem=strict
# ReadWritePaths={data_dir}

[Install]
WantedBy=default.target
"""


def systemd_quote(text: str) -> str:
    """Given one word for a unit file (a path, a value), return it escaped for systemd.

    "%" starts a specifier and "$" a variable in ExecStart=, so both are doubled; a word with
    white space, quotes or backslashes is put in double quotes with those escaped.
    """
    escaped = text.replace("%", "%%").replace("$", "$$")
    if any(ch.isspace() or ch in "\"'\\" for ch in escaped):
        escaped = '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return escaped


def unit_text(exec_start: str, environment: dict[str, str] | None = None,
              data_dir: str = "%h/.local/share/wosync") -> str:
    """Given the command that starts wosync (already escaped for systemd), the environment to
    set and the data folder, return the text of the user unit."""
    lines = "".join(
        f"Environment={systemd_quote(f'{name}={value}')}\n" for name, value in (environment or {}).items()
    )
    return UNIT_TEMPLATE.format(
        exec_start=exec_start, environment=lines, data_dir=data_dir,
        enable=ENABLE_COMMAND, logs=LOGS_COMMAND, linger=LINGER_COMMAND,
    )


def wosync_command(argv0: str | None = None, python: str | None = None) -> list[str]:
    """Return the absolute command that starts this same wosync: the `wosync` script that is
    running (symlinks kept, so a pipx upgrade still works), else `python -m wosync` with this
    interpreter (when started as `python -m wosync`)."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    python = sys.executable if python is None else python
    if os.path.basename(argv0) == "wosync":
        path = os.path.abspath(argv0) if os.sep in argv0 else None
        if path is None:
            import shutil

            path = shutil.which(argv0)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return [os.path.abspath(path)]
    return [os.path.abspath(python), "-m", "wosync"]


def user_unit_dir(environ: dict[str, str] | None = None) -> Path:
    """Return the folder of the user's systemd units: $XDG_CONFIG_HOME/systemd/user (default ~/.config)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "systemd" / "user"


def daemon(
    log_file: Optional[Path] = typer.Option(
        None, "--log-file", metavar="PATH",
        help="Also write the log to this file (rotated at 1 MB, 3 kept); for use without systemd.",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log more detail (debug lines)."),
) -> None:
    """Run the schedules in the foreground until Ctrl-C or SIGTERM (this is what systemd runs)."""
    from wosync.cli.common import writable_file
    from wosync.daemon import serve

    if log_file is not None:
        log_file = writable_file(log_file, "--log-file")  # exit 2 now, not a failed daemon later

    raise typer.Exit(serve(log_file, verbose))


def install_service(
    print_only: bool = typer.Option(False, "--print", help="Print the unit instead of writing it."),
) -> None:
    """Write the systemd user unit for this wosync and print the command that starts it."""
    command = " ".join(systemd_quote(word) for word in wosync_command())
    environment = {name: os.environ[name] for name in CARRIED_VARIABLES if os.environ.get(name)}
    data_dir = systemd_quote(os.environ["WOSYNC_HOME"]) if environment.get("WOSYNC_HOME") else "%h/.local/share/wosync"
    text = unit_text(command, environment, data_dir)
    if print_only:
        typer.echo(text, nl=False)
        return
    folder = user_unit_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / UNIT_NAME
    existed = path.exists()
    path.write_text(text)
    typer.echo(f"{'Updated' if existed else 'Wrote'} {path} (it starts {command} daemon).")
    if environment:
        typer.echo(f"It keeps {', '.join(environment)} as set now.")
    typer.echo("Start it now and at every login with:")
    typer.echo(f"  {ENABLE_COMMAND}")
    typer.echo(f"To keep it running while you are logged out: {LINGER_COMMAND}")
    typer.echo(f"Its logs: {LOGS_COMMAND}")
    if has_environment_password():
        typer.echo("Note: WOSYNC_PASSWORD is not copied into the unit; store the password with "
                   "`wosync login` or use the LoadCredential line in the unit.", err=True)


def register(app: typer.Typer) -> None:
    """Add `daemon` and `install-service` to the root app."""
    app.command("daemon")(daemon)
    app.command("install-service")(install_service)
