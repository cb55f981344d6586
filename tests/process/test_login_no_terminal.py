"""`wosync login` from a script or `ssh host wosync login` (no -t): stdin is /dev/null, no
terminal to ask on, and a keyring present.

Without a terminal, what would be asked is one usage error naming the option that gives it
(exit 2), never a getpass warning and "Error: interrupted". With WOSYNC_PASSWORD set, that is
the password syncs use: login checks it and stores nothing in the keyring.

Real `wosync` processes (stdin from /dev/null, a session of their own: no controlling
terminal) with keyrings.alt's plaintext keyring in the test's own XDG_DATA_HOME.
"""

from __future__ import annotations

import subprocess

import pytest

from support.environment import DataFolder
from support.run import run_python, wosync

USERNAME = "tech@example.com"
PASSWORD = "correct-horse-42"
PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"


@pytest.fixture
def env(data_folder: DataFolder, tmp_path) -> dict[str, str]:
    """A user's environment with a working keyring (a plaintext file in the test's folder)."""
    return dict(data_folder.env, HOME=str(tmp_path / "user"), PYTHON_KEYRING_BACKEND=PLAINTEXT)


def login(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run `wosync login ARGS` as a script would: stdin /dev/null, no controlling terminal."""
    return wosync("login", *args, env=env, stdin=None)


def keyring_entry(env: dict[str, str]) -> str | None:
    code = ("import keyring; v = keyring.get_password('wosync', 'tech@example.com'); "
            "print('<none>' if v is None else v, end='')")
    read = run_python(["-c", code], env=env)
    read.check_returncode()
    return None if read.stdout == "<none>" else read.stdout


def test_without_a_terminal_the_password_is_asked_for_by_name(env):
    result = login(env, "--username", USERNAME, "--base-url", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert result.stderr == ("Error: no terminal to ask for the password on; pipe it in with --password-stdin, "
                             "or set WOSYNC_PASSWORD (syncs then use it)\n")
    assert result.stdout == ""
    assert keyring_entry(env) is None


def test_without_a_terminal_the_email_is_asked_for_by_name(env):
    result = login(env)
    assert result.returncode == 2
    assert result.stderr == "Error: no terminal to ask for the email on; give --username EMAIL (or set WOSYNC_USERNAME)\n"


def test_with_a_keyring_the_environment_password_is_the_one_checked_and_nothing_is_stored(env):
    env = dict(env, WOSYNC_USERNAME=USERNAME, WOSYNC_PASSWORD=PASSWORD)
    result = login(env, "--base-url", "http://127.0.0.1:9", "--no-verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("Recorded (not checked) http://127.0.0.1:9 as tech@example.com; "
                             "the password comes from WOSYNC_PASSWORD (nothing stored).\n")
    assert result.stderr == ("Note: syncs use WOSYNC_PASSWORD while it is set, so nothing was put in the keyring; "
                             "unset it and run `wosync login` to keep a password there.\n")
    assert keyring_entry(env) is None


def test_password_stdin_still_works_without_a_terminal(env):
    result = wosync("login", "--username", USERNAME, "--no-verify", "--password-stdin", env=env,
                    stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert keyring_entry(env) == PASSWORD


@pytest.mark.browser
def test_with_a_keyring_the_environment_password_gets_a_real_login(env):
    from wosync.sim import SimulatedWorkFossa

    with SimulatedWorkFossa(count=3, seed=5, username=USERNAME, password=PASSWORD) as sim:
        wrong = login(dict(env, WOSYNC_PASSWORD="not-it"), "--username", USERNAME, "--base-url", sim.base_url)
        assert wrong.returncode == 3
        assert "WOSYNC_PASSWORD" in wrong.stderr.splitlines()[-1]
        site = sim.base_url
        right = login(dict(env, WOSYNC_PASSWORD=PASSWORD), "--username", USERNAME, "--base-url", site)
    assert right.returncode == 0, right.stderr
    assert right.stdout == (f"Logged in to {site} as {USERNAME}; "
                            "the password comes from WOSYNC_PASSWORD (nothing stored).\n")
    assert keyring_entry(env) is None
