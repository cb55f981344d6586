"""`wosync doctor` as a user runs it: a real `wosync` process, real Chromium, a real keyring file,
a real database; the verdict lines and the exit status are what the user reads."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from wosync.store import Store
from support.environment import DataFolder
from support.run import wosync

USERNAME = "tech@example.com"
PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"
CHROMIUM = os.environ.get("WOSYNC_BROWSER", "/usr/lib/chromium/chromium")


@pytest.fixture
def env(data_folder: DataFolder) -> dict[str, str]:
    """A new user's clean environment, on a machine without a browser (a test adds one)."""
    # XDG_CONFIG_HOME: no systemd unit installed (the daemon check names how to start one).
    return dict(data_folder.env, WOSYNC_BROWSER="/nonexistent/chromium",
                XDG_CONFIG_HOME=str(data_folder.home.parent / "config"))


def lines(result: subprocess.CompletedProcess) -> dict[str, str]:
    """Map each check's name to its line (verdict first)."""
    table = {}
    for line in result.stdout.splitlines()[:-1]:
        verdict, _, rest = line.partition(" ")
        name, _, detail = rest.strip().partition(": ")
        table[name] = f"{verdict} {detail}"
    return table


def now() -> datetime:
    return datetime.now(timezone.utc)


@pytest.mark.browser
def test_a_healthy_setup_passes_every_check(env):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    env = {**env, "WOSYNC_BROWSER": CHROMIUM, "PYTHON_KEYRING_BACKEND": PLAINTEXT}
    stored = wosync("login", "--username", USERNAME, "--no-verify", "--password-stdin", env=env, stdin="pw\n")
    assert stored.returncode == 0, stored.stderr
    with Store(Path(env["WOSYNC_HOME"]) / "wosync.db") as store:
        store.add_notification_target("json://127.0.0.1:9/", now())
        store.create_schedule(USERNAME, 1, None, None, "UTC", True, None, now())
        # A daemon whose process is alive (this test's) and that has just written its heartbeat.
        store.set_daemon_state(os.getpid(), "idle", now(), started_at=now())

    result = wosync("doctor", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    checks = lines(result)
    assert list(checks) == ["browser", "keyring", f"account {USERNAME}", "database", "daemon", "notification 1"]
    assert all(line.startswith("ok ") for line in checks.values()), result.stdout
    assert checks["browser"].startswith(f"ok {CHROMIUM} (Chromium ")
    assert checks["keyring"] == "ok PlaintextKeyring (keeps passwords in a PLAINTEXT file)"
    assert checks[f"account {USERNAME}"] == "ok password from the keyring (https://app.workfossa.com)"
    assert checks["daemon"].startswith(f"ok running (pid {os.getpid()}, last heartbeat ")
    assert checks["notification 1"] == "ok json://127.0.0.1:9/ parses (`wosync notify test` sends one)"
    assert result.stdout.endswith("All checks passed.\n")


def test_every_problem_gets_a_failed_line_with_its_fix(env):
    with Store(Path(env["WOSYNC_HOME"]) / "wosync.db") as store:
        store.ensure_account(USERNAME, "https://app.workfossa.com", now())
        store.add_notification_target("definitely not a url", now())  # as if stored by an older version
        store.create_schedule(USERNAME, 1, None, None, "UTC", True, None, now())

    result = wosync("doctor", env=env)
    assert result.returncode == 1
    checks = lines(result)
    assert checks["browser"].startswith("FAILED WOSYNC_BROWSER=/nonexistent/chromium is not an executable file; install one")
    assert checks["keyring"].startswith("FAILED this machine has no usable keyring backend")
    assert checks[f"account {USERNAME}"] == f"FAILED no password found; run `wosync login --username {USERNAME}`"
    assert checks["database"].startswith("ok ")
    assert checks["daemon"] == ("FAILED daemon not running, so 1 enabled schedule will not run; "
                                "start it with `wosync install-service` or `wosync daemon`")
    assert checks["notification 1"] == ("FAILED *** does not parse; remove it with `wosync notify remove 1` "
                                        "and add a correct one")
    assert result.stdout.endswith("5 checks failed.\n")


def test_a_password_from_the_environment_satisfies_the_keyring_and_account_checks(env):
    env = {**env, "WOSYNC_USERNAME": USERNAME, "WOSYNC_PASSWORD": "from-env"}
    checks = lines(wosync("doctor", env=env))
    assert checks["keyring"] == "ok no keyring backend, but WOSYNC_PASSWORD supplies the password"
    assert checks[f"account {USERNAME}"] == "ok password from WOSYNC_PASSWORD (https://app.workfossa.com)"


def test_a_stopped_daemon_is_only_a_warning_without_enabled_schedules(env):
    env = {**env, "WOSYNC_USERNAME": USERNAME, "WOSYNC_PASSWORD": "from-env"}
    with Store(Path(env["WOSYNC_HOME"]) / "wosync.db") as store:
        store.create_schedule(USERNAME, 1, None, None, "UTC", False, None, now())  # paused
        store.set_daemon_state(None, "stopped", now())
    checks = lines(wosync("doctor", env=env))
    assert checks["daemon"] == "warning not running (no enabled schedule needs it)"
    assert checks["notifications"] == "warning no targets; add one with `wosync notify add URL`"


def test_a_hung_daemon_fails(env):
    with Store(Path(env["WOSYNC_HOME"]) / "wosync.db") as store:
        store.set_daemon_state(os.getpid(), "idle", datetime(2026, 1, 1, tzinfo=timezone.utc))
    checks = lines(wosync("doctor", env=env))
    assert checks["daemon"].startswith(f"FAILED pid {os.getpid()} is alive but has not written a heartbeat for ")
    assert checks["daemon"].endswith("restart it (`systemctl --user restart wosync`)")


def test_a_corrupt_database_fails_without_hiding_the_other_checks(env):
    home = Path(env["WOSYNC_HOME"])
    home.mkdir(mode=0o700)
    (home / "wosync.db").write_bytes(b"this is not a database" * 100)
    result = wosync("doctor", env=env)
    assert result.returncode == 1
    checks = lines(result)
    assert checks["database"].startswith(f"FAILED the database {home / 'wosync.db'} is damaged (file is not a database)")
    assert checks["database"].endswith("Restore a backup with `wosync restore FILE` (see the wosync-*.db files "
                                       "beside it), or move it aside to start afresh")
    assert "browser" in checks and "keyring" in checks
    assert "Traceback" not in result.stderr
