"""The systemd side: the user unit (checked by systemd-analyze), `wosync install-service`, and the
sd_notify datagrams (received on real sockets, path and abstract)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from wosync.actions.service import ENABLE_COMMAND, systemd_quote, unit_text, wosync_command
from wosync.sdnotify import Notifier, socket_address, watchdog_interval
from support.environment import clean_environment
from support.run import run

REPO = Path(__file__).resolve().parents[2]
UNIT = REPO / "systemd" / "wosync.service"


# --- the unit file ---------------------------------------------------------------------------


def verify_unit(path: Path, tmp_path: Path) -> list[str]:
    """Run `systemd-analyze --user verify` on a unit file; return its complaints about that file.

    verify exits 0 even for unknown keys or bad values (it only warns), so the output is read:
    any line naming the file is a complaint.
    """
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (CI installs systemd)")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    result = subprocess.run([analyze, "--user", "verify", str(path)], capture_output=True, text=True,
                            env={**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_LEVEL": "warning"},
                            timeout=60)
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if path.name in line or
                  "Failed" in line or "rror" in line]
    if result.returncode != 0:
        complaints.append(f"exit status {result.returncode}")
    return complaints


def runnable_copy(text: str, tmp_path: Path) -> Path:
    """Write the unit with ExecStart pointing at this Python (verify checks that it exists)."""
    lines = [f"ExecStart={systemd_quote(sys.executable)} -m wosync daemon" if line.startswith("ExecStart=") else line
             for line in text.splitlines()]
    path = tmp_path / "wosync.service"
    path.write_text("\n".join(lines) + "\n")
    return path


def directives(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith(("#", "[")))


def test_the_repository_unit_is_what_install_service_writes_for_the_usual_path():
    assert UNIT.read_text() == unit_text("%h/.local/bin/wosync")


def test_the_unit_is_a_notify_user_service_with_watchdog_restart_and_hardening():
    text = UNIT.read_text()
    settings = directives(text)
    assert settings["Type"] == "notify" and settings["NotifyAccess"] == "main"
    assert settings["ExecStart"] == "%h/.local/bin/wosync daemon"
    assert settings["Restart"] == "on-failure"
    assert int(settings["WatchdogSec"]) >= 60
    assert settings["KillMode"] == "mixed"  # SIGTERM to the daemon alone: it closes the browser itself
    assert settings["NoNewPrivileges"] == "yes"
    assert settings["WantedBy"] == "default.target"
    assert "# LoadCredential=wosync-password:%h/.config/wosync/password" in text.splitlines()


def test_systemd_analyze_verifies_the_unit(tmp_path):
    assert verify_unit(runnable_copy(UNIT.read_text(), tmp_path), tmp_path) == []


def test_the_verification_would_catch_a_broken_unit(tmp_path):
    broken = UNIT.read_text().replace("KillMode=mixed", "KillMode=gently").replace("Restart=on-failure", "Restart=sometimes")
    complaints = verify_unit(runnable_copy(broken, tmp_path), tmp_path)
    assert any("KillMode" in line or "kill mode" in line for line in complaints), complaints


# --- install-service -------------------------------------------------------------------------


def installed_wosync() -> Path:
    """The `wosync` console script installed beside this Python (pip puts it there)."""
    script = Path(sys.executable).parent / "wosync"
    if not script.exists():
        pytest.skip(f"no wosync script beside {sys.executable}")
    return script


def test_install_service_writes_the_unit_for_this_wosync_and_prints_how_to_start_it(tmp_path):
    script = installed_wosync()
    user_home = tmp_path / "user"
    user_home.mkdir()
    data = tmp_path / "my data"
    env = {k: v for k, v in clean_environment(os.environ).items() if k not in ("XDG_CONFIG_HOME", "WOSYNC_BROWSER")}
    env.update(HOME=str(user_home), WOSYNC_HOME=str(data))

    result = run([script, "install-service"], env=env, timeout=60)

    assert result.returncode == 0, result.stderr
    unit = user_home / ".config" / "systemd" / "user" / "wosync.service"
    settings = directives(unit.read_text())
    assert settings["ExecStart"] == f"{script} daemon"
    assert settings["Environment"] == f'"WOSYNC_HOME={data}"'
    assert f"Wrote {unit}" in result.stdout
    assert f"  {ENABLE_COMMAND}" in result.stdout.splitlines()  # one command, on a line of its own
    assert "loginctl enable-linger $USER" in result.stdout
    assert "journalctl --user -u wosync -f" in result.stdout
    assert verify_unit(unit, tmp_path) == []


def test_install_service_follows_xdg_config_home_and_updates_an_existing_unit(tmp_path):
    script = installed_wosync()
    config_home = tmp_path / "config"
    env = {k: v for k, v in clean_environment(os.environ).items() if k != "WOSYNC_BROWSER"}
    env["XDG_CONFIG_HOME"] = str(config_home)

    first = run([script, "install-service"], env=env, timeout=60)
    second = run([script, "install-service"], env=env, timeout=60)

    unit = config_home / "systemd" / "user" / "wosync.service"
    assert first.stdout.startswith(f"Wrote {unit}") and second.stdout.startswith(f"Updated {unit}")
    assert "Environment=" not in unit.read_text()


def test_the_command_is_the_running_script_or_this_python(tmp_path):
    script = tmp_path / "bin" / "wosync"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert wosync_command(str(script), "/usr/bin/python3") == [str(script)]
    # Started as `python -m wosync`: argv[0] is the package's __main__.py.
    assert wosync_command("/src/wosync/__main__.py", "/venv/bin/python") == ["/venv/bin/python", "-m", "wosync"]


def test_paths_are_escaped_for_systemd():
    assert systemd_quote("/home/ann/.local/bin/wosync") == "/home/ann/.local/bin/wosync"
    assert systemd_quote("/home/ann/my apps/wosync") == '"/home/ann/my apps/wosync"'
    assert systemd_quote("/opt/100%/$HOME") == "/opt/100%%/$$HOME"


# --- sd_notify -------------------------------------------------------------------------------


@pytest.fixture
def receiver():
    """A datagram socket bound in the abstract namespace, as systemd's notify socket may be."""
    name = f"wosync-sdnotify-{uuid.uuid4().hex[:10]}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(b"\0" + name.encode())
    sock.settimeout(5)
    yield "@" + name, sock
    sock.close()


def test_notifier_sends_ready_status_watchdog_and_stopping_to_an_abstract_socket(receiver):
    address, sock = receiver
    environ = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}
    notifier = Notifier(environ)
    try:
        assert notifier.ready("idle; next sync 14:30")
        assert notifier.status("syncing 45% (scraping)\nsecond line")
        assert notifier.watchdog()
        assert notifier.stopping()
    finally:
        notifier.close()

    received = [sock.recv(4096).decode() for _ in range(4)]
    assert received[0].split("\n") == ["READY=1", f"MAINPID={os.getpid()}", "STATUS=idle; next sync 14:30"]
    assert received[1:] == ["STATUS=syncing 45% (scraping) second line", "WATCHDOG=1", "STOPPING=1"]
    assert notifier.watchdog_seconds == 15.0
    assert environ == {}  # hidden from the browser and any other child process


def test_notifier_sends_to_a_socket_file(tmp_path):
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    try:
        notifier = Notifier({"NOTIFY_SOCKET": str(path)})
        assert notifier.ready()
        assert sock.recv(4096).decode().startswith("READY=1\n")
    finally:
        sock.close()


def test_without_systemd_or_with_it_gone_notifying_is_a_quiet_no_op(tmp_path):
    assert not Notifier({}).ready()
    assert not Notifier({"NOTIFY_SOCKET": "vsock:2:1234"}).ready()  # not supported: disabled
    gone = Notifier({"NOTIFY_SOCKET": str(tmp_path / "nobody-listens")})
    assert gone.enabled and not gone.status("idle")


def test_the_watchdog_interval_is_half_the_timeout_and_only_for_this_process():
    assert watchdog_interval({"WATCHDOG_USEC": "120000000"}, 42) == 60.0
    assert watchdog_interval({"WATCHDOG_USEC": "120000000", "WATCHDOG_PID": "42"}, 42) == 60.0
    assert watchdog_interval({"WATCHDOG_USEC": "120000000", "WATCHDOG_PID": "7"}, 42) is None
    assert watchdog_interval({"WATCHDOG_USEC": "soon"}, 42) is None
    assert watchdog_interval({}, 42) is None
    assert socket_address("@x") == b"\0x" and socket_address("/run/x") == "/run/x" and socket_address("x") is None
