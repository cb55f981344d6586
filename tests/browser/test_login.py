"""`wosync login` / `wosync logout` as a new user meets them: real `wosync` processes, the simulated
site on loopback, real Chromium, a real keyring backend in a temporary folder.

On this kind of headless machine the only keyring backend is keyrings.alt's plaintext file,
which wosync refuses unless PYTHON_KEYRING_BACKEND names it: the tests opt in explicitly (with
XDG_DATA_HOME in the test's folder) where a working keyring is the point, and leave it unset
where the "no keyring" message is.
"""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wosync.sim import SimulatedWorkFossa
from support.environment import DataFolder
from support.run import run_python, wosync

USERNAME = "tech@example.com"
PASSWORD = "correct-horse-42"
PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sim():
    with SimulatedWorkFossa(count=8, seed=5, username=USERNAME, password=PASSWORD) as site:
        yield site


@pytest.fixture
def env(data_folder: DataFolder, tmp_path) -> dict[str, str]:
    """A new user's environment: empty data folder, a keyring folder of its own, no wosync settings."""
    return dict(data_folder.env, HOME=str(tmp_path / "user"))


def with_keyring(env: dict[str, str]) -> dict[str, str]:
    return {**env, "PYTHON_KEYRING_BACKEND": PLAINTEXT}


def keyring_entry(env: dict[str, str], username: str = USERNAME) -> str | None:
    """Read the test's plaintext keyring the way keyring itself does."""
    code = ("import keyring, sys; v = keyring.get_password('wosync', sys.argv[1]); "
            "print('<none>' if v is None else v, end='')")
    read = run_python(["-c", code, username], env=with_keyring(env))
    read.check_returncode()
    out = read.stdout
    return None if out == "<none>" else out


def accounts(env: dict[str, str]) -> list[tuple[str, str]]:
    path = Path(env["WOSYNC_HOME"]) / "wosync.db"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return db.execute("SELECT username, base_url FROM accounts ORDER BY username").fetchall()


def session_file(env: dict[str, str]) -> Path:
    return Path(env["WOSYNC_HOME"]) / "sessions" / f"{USERNAME}.json"


def test_without_a_keyring_backend_login_names_the_three_ways_out_before_asking(env, sim):
    result = wosync("login", "--username", USERNAME, "--base-url", sim.base_url, env=env, stdin=PASSWORD + "\n")
    assert result.returncode == 3
    assert "password" not in result.stderr.split("Error:")[0].lower()  # no prompt came before the error
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("Error: this machine has no usable keyring backend")
    for way in ("LoadCredential=wosync-password", "WOSYNC_PASSWORD", "PYTHON_KEYRING_BACKEND=keyrings.alt", "PLAINTEXT"):
        assert way in message
    assert accounts(env) == []


def test_a_wrong_password_is_rejected_with_exit_3_and_nothing_is_stored(env, sim):
    result = wosync("login", "--username", USERNAME, "--base-url", sim.base_url, "--password-stdin",
                    env=with_keyring(env), stdin="not-the-password\n")
    assert result.returncode == 3
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: WorkFossa ({sim.base_url}) rejected the password for {USERNAME}; nothing was stored. "
        "Check the email and password and run `wosync login` again"
    )
    assert keyring_entry(env) is None
    assert accounts(env) == []
    assert not session_file(env).exists()


def test_login_sync_logout_as_a_new_user(env, sim):
    login = wosync("login", "--username", USERNAME, "--base-url", sim.base_url, "--password-stdin",
                   env=with_keyring(env), stdin=PASSWORD + "\n")
    assert login.returncode == 0, login.stderr
    assert login.stdout == (f"Logged in to {sim.base_url} as {USERNAME}; "
                            "the password is in the keyring (PlaintextKeyring).\n")
    assert "PLAINTEXT file" in login.stderr
    assert keyring_entry(env) == PASSWORD
    assert accounts(env) == [(USERNAME, sim.base_url)]
    assert stat.S_IMODE(session_file(env).stat().st_mode) == 0o600

    # The next sync finds the password in the keyring on its own (no WOSYNC_PASSWORD, no --username).
    synced = wosync("sync-now", "--json", "--quiet", env=with_keyring(env))
    assert synced.returncode == 0, synced.stderr
    run = json.loads(synced.stdout)
    assert (run["status"], run["account"], run["added"]) == ("success", USERNAME, 8)

    logout = wosync("logout", env=with_keyring(env))
    assert logout.returncode == 0, logout.stderr
    assert logout.stdout == (f"Removed the password of {USERNAME} from the keyring.\n"
                             "Removed the saved session.\n"
                             "History, schedules and work orders are kept.\n")
    assert keyring_entry(env) is None
    assert not session_file(env).exists()
    assert wosync("orders", "--json", env=with_keyring(env)).stdout.count('"number"') == 8

    again = wosync("sync-now", "--quiet", env=with_keyring(env))
    assert again.returncode == 3
    assert again.stderr.strip().endswith(f"run `wosync login --username {USERNAME}`")


def test_a_script_logs_in_from_the_environment_alone_with_no_terminal(env, sim):
    # WOSYNC_USERNAME and WOSYNC_PASSWORD set, stdin empty: nothing to ask (it asked for the
    # email, got end-of-input and ended "Error: interrupted").
    env = {**env, "WOSYNC_USERNAME": USERNAME, "WOSYNC_PASSWORD": PASSWORD}
    result = wosync("login", "--base-url", sim.base_url, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"Logged in to {sim.base_url} as {USERNAME}; "
                             "the password comes from WOSYNC_PASSWORD (nothing stored).\n")


def test_without_a_keyring_a_password_from_the_environment_is_checked_and_not_stored(env, sim):
    env = {**env, "WOSYNC_PASSWORD": PASSWORD}
    result = wosync("login", "--username", USERNAME, "--base-url", sim.base_url, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"Logged in to {sim.base_url} as {USERNAME}; "
                             "the password comes from WOSYNC_PASSWORD (nothing stored).\n")
    assert accounts(env) == [(USERNAME, sim.base_url)]


def test_no_verify_stores_without_a_login(env):
    result = wosync("login", "--username", USERNAME, "--base-url", "http://127.0.0.1:9", "--password-stdin",
                    "--no-verify", env=with_keyring(env), stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Recorded (not checked) http://127.0.0.1:9 as {USERNAME}")
    assert keyring_entry(env) == PASSWORD


def test_an_unreachable_site_stores_nothing_and_says_how_to_skip_the_check(env):
    result = wosync("login", "--username", USERNAME, "--base-url", "http://127.0.0.1:9", "--password-stdin",
                    env=with_keyring(env), stdin=PASSWORD + "\n")
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        "the password was not stored (`wosync login --no-verify` stores it without checking)")
    assert keyring_entry(env) is None
    assert accounts(env) == []


@pytest.mark.parametrize("args, message", [
    (("--base-url", "app.workfossa.com", "--username", USERNAME),
     "Error: --base-url takes an address like https://app.workfossa.com, got 'app.workfossa.com'"),
    (("--password-stdin",), "Error: --password-stdin needs --username EMAIL (or WOSYNC_USERNAME)"),
])
def test_bad_input_is_refused_with_exit_2(env, args, message):
    result = wosync("login", *args, env=with_keyring(env), stdin=PASSWORD + "\n")
    assert result.returncode == 2
    assert result.stderr.strip() == message


def test_with_two_accounts_logout_asks_which(env):
    for name in ("a@example.com", "b@example.com"):
        wosync("login", "--username", name, "--no-verify", "--password-stdin", env=with_keyring(env),
               stdin="pw-" + name + "\n")
    result = wosync("logout", env=with_keyring(env))
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: several accounts (a@example.com, b@example.com); choose one with --username"
    assert wosync("logout", "--username", "b@example.com", env=with_keyring(env)).returncode == 0
    assert keyring_entry(env, "b@example.com") is None
    assert keyring_entry(env, "a@example.com") == "pw-a@example.com"


def test_the_prompts_ask_for_the_email_and_do_not_echo_the_password(env, sim, monkeypatch):
    """In-process through Typer's runner, which feeds the prompts like a terminal would."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    for name, value in with_keyring(env).items():
        monkeypatch.setenv(name, value)
    for name in ("WOSYNC_USERNAME", "WOSYNC_PASSWORD", "WOSYNC_BASE_URL", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        from wosync.cli import app

        result = CliRunner().invoke(app, ["login", "--base-url", sim.base_url], input=f"{USERNAME}\n{PASSWORD}\n")
    finally:
        keyring.set_keyring(previous)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("WorkFossa email:WorkFossa password:Checking the password")
    assert USERNAME in result.stdout  # typed input is echoed, like on a terminal...
    assert PASSWORD not in result.stdout + result.stderr  # ...but not the password
    assert keyring_entry(env) == PASSWORD
