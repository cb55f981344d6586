"""`wosync install-service`: the systemd user unit of this wosync, and its installation.

The unit's text lives here, as a template, so an installed wosync can write it without the
source tree; systemd/wosync.service in the repository is this template rendered with the
usual ~/.local/bin path (a test keeps the two identical).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Unit:
    """The unit of this wosync: its text, the command it starts (escaped for systemd) and the
    variables it carries from the environment it was made in."""

    text: str
    command: str
    environment: dict[str, str]


@dataclass(frozen=True)
class Installed:
    """A unit written: where, whether it replaced one, and the Unit itself."""

    path: Path
    replaced: bool
    unit: Unit
    # $WOSYNC_PASSWORD is set, and a unit never carries it: the service needs the keyring or
    # the unit's LoadCredential line instead.
    password_left_out: bool


def this_unit(environ: dict[str, str] | None = None) -> Unit:
    """Given the environment (default: this process's), return the unit that starts this same
    wosync with the data folder and browser set there."""
    env = os.environ if environ is None else environ
    command = " ".join(systemd_quote(word) for word in wosync_command())
    environment = {name: env[name] for name in CARRIED_VARIABLES if env.get(name)}
    data_dir = systemd_quote(env["WOSYNC_HOME"]) if environment.get("WOSYNC_HOME") else "%h/.local/share/wosync"
    return Unit(unit_text(command, environment, data_dir), command, environment)


def install(environ: dict[str, str] | None = None) -> Installed:
    """Given the environment (default: this process's), write this wosync's unit into the
    user's systemd folder (created when missing); return what was written where."""
    from wosync.credentials import has_environment_password

    unit = this_unit(environ)
    folder = user_unit_dir(environ)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / UNIT_NAME
    replaced = path.exists()
    path.write_text(unit.text)
    return Installed(path, replaced, unit, has_environment_password())
