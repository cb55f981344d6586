"""Secrets audit: a distinctive password goes through a wrong login, a login, a successful sync,
failed syncs and the notifications they send, and is then looked for everywhere wosync writes or
shows anything: every file of the data folder (database, -wal, -shm, sessions, artefacts, locks),
everything the commands printed (history, progress, status, errors), every notification the
receiver got, and the process arguments of every process (wosync, Playwright's driver, Chromium)
seen while a sync ran. Looked for as typed, URL-encoded and base64-encoded.

Real parts only: `wosync` processes, the simulated site on loopback, real Chromium, a keyring file
outside the data folder (opted in, as a headless user would), Apprise to a loopback receiver.
"""

from __future__ import annotations

import base64
import gzip
import json
import sqlite3
import subprocess
import sys
from urllib.parse import quote, quote_plus

import pytest

from support import run
from support.environment import DataFolder
from support.http_receiver import HttpReceiver
from support.processes import command_line, environment, live_processes
from wosync.sim import SimulatedWorkFossa

USERNAME = "tech@example.com"
PASSWORD = "Zq7-audit-S3cret!pw&=%"  # distinctive, and with characters that URL-encoding changes

pytestmark = pytest.mark.browser


def encodings(secret: str) -> set[bytes]:
    forms = {secret, quote(secret), quote_plus(secret), base64.b64encode(secret.encode()).decode()}
    return {form.encode() for form in forms}


FORBIDDEN = encodings(PASSWORD)


def leaks(data: bytes) -> list[bytes]:
    return [form for form in FORBIDDEN if form in data]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The site, the receiver and a new user's environment, shared by the audit's steps."""
    folder = DataFolder(tmp_path_factory.mktemp("audit"))  # module-wide: its env is cleaned, not this process
    env = dict(folder.env, PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring")
    with SimulatedWorkFossa(count=30, seed=7, username=USERNAME, password=PASSWORD) as sim, HttpReceiver() as receiver:
        yield {"env": env, "home": folder.home, "sim": sim, "receiver": receiver, "outputs": []}


def wosync(world, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run `wosync ARGS` in the audit's environment; keep what it printed for the audit."""
    result = run.wosync(*args, env=world["env"], stdin=stdin, timeout=180)
    world["outputs"].append((args, result.stdout + result.stderr))
    return result


def sync_watching_processes(world) -> tuple[subprocess.CompletedProcess, dict[int, tuple[int, bytes]]]:
    """Run `wosync sync-now` and read every process's arguments until it exits.

    Returns the result and {pid: (ppid, cmdline)} of every process seen on the machine.
    """
    process = subprocess.Popen([sys.executable, "-m", "wosync", "sync-now", "--json"], env=world["env"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: dict[int, tuple[int, bytes]] = {}
    while not _exited(process):
        for pid, ppid in live_processes().items():
            cmdline = command_line(pid)
            if cmdline:  # None: the process ended while we looked
                seen[pid] = (ppid, cmdline)
    stdout, stderr = process.communicate()
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout.decode(), stderr.decode())
    world["outputs"].append((("sync-now",), result.stdout + result.stderr))
    return result, seen


def _exited(process: subprocess.Popen) -> bool:
    """Wait a moment for the process (leaving the CPU to the sync); return True once it ended."""
    try:
        process.wait(timeout=0.02)
    except subprocess.TimeoutExpired:
        return False
    return True


def descendants(seen: dict[int, tuple[int, bytes]], root: int) -> dict[int, bytes]:
    found = {root}
    grew = True
    while grew:
        grew = False
        for pid, (ppid, _) in seen.items():
            if ppid in found and pid not in found:
                found.add(pid)
                grew = True
    return {pid: seen[pid][1] for pid in found if pid in seen}


def forget_session(world) -> None:
    """Remove the saved session so the next sync types the password into the login form again."""
    for path in (world["home"] / "sessions").glob("*.json"):
        path.unlink()


def test_the_audit_recognises_each_form_of_the_password():
    assert leaks(b"x" + quote_plus(PASSWORD).encode() + b"y")
    assert leaks(base64.b64encode(PASSWORD.encode()))
    assert not leaks(b"Secret('***')")


@pytest.mark.slow  # several full syncs: over 20 s, over a minute on a busy machine
def test_the_password_is_found_nowhere(world):
    sim, receiver, home = world["sim"], world["receiver"], world["home"]
    assert wosync(world, "notify", "add", receiver.apprise_url).returncode == 0
    # Hold a connection open all along, so SQLite keeps the -wal file for us to read at the end.
    keeper = sqlite3.connect(home / "wosync.db")
    keeper.execute("SELECT count(*) FROM runs").fetchone()

    # A wrong password (artefacts of the login page are saved), then the right one.
    wrong = wosync(world, "login", "--username", USERNAME, "--base-url", sim.base_url, "--password-stdin",
                   stdin=PASSWORD + "-typo\n")
    assert wrong.returncode == 3
    right = wosync(world, "login", "--username", USERNAME, "--base-url", sim.base_url, "--password-stdin",
                   stdin=PASSWORD + "\n")
    assert right.returncode == 0, right.stderr
    session = json.loads((home / "sessions" / f"{USERNAME}.json").read_text())
    assert session["cookies"], "the storage state holds the session cookies"

    # A successful sync that logs in with the keyring's password, watched process by process.
    forget_session(world)
    synced, seen = sync_watching_processes(world)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["added"] == 30
    ours = descendants(seen, int(json.loads(synced.stdout)["pid"]))
    assert any(b"chromium" in cmd and b"--headless" in cmd for cmd in ours.values()), \
        "the scan saw the sync's Chromium"
    for pid, (ppid, cmdline) in seen.items():
        assert not leaks(cmdline), f"process {pid} has the password in its arguments"

    # Failed syncs: an HTTP 500 on the list (logged-in page saved), a changed layout, a rejected password.
    for fault in ({"http_500_on_page": 1}, {"layout_change": True}, {"reject_password": True}):
        forget_session(world)
        sim.set_faults(**fault)
        failed = wosync(world, "sync-now", "--json")
        assert failed.returncode in (1, 3), failed.stderr
        assert "Traceback" not in failed.stderr
        sim.set_faults(http_500_on_page=None, layout_change=False, reject_password=False)

    # What the user reads afterwards.
    for args in (("history", "--json"), ("history",), ("status", "--json"), ("changes", "--json"),
                 ("orders", "--json"), ("doctor",), ("notify", "list", "--json")):
        wosync(world, *args)

    artefacts = sorted((home / "artefacts").iterdir())
    assert any(p.name.endswith(".html.gz") for p in artefacts), "failures saved their page HTML"
    files = [p for p in home.rglob("*") if p.is_file()]
    assert {"wosync.db", "wosync.db-wal"} <= {p.name for p in files}
    for path in files:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        assert not leaks(data), f"{path} holds the password"
    for args, text in world["outputs"]:
        assert not leaks(text.encode()), f"`wosync {' '.join(args)}` printed the password"
    titles = [m["title"] for m in receiver.messages]
    assert titles[0] == "wosync: 30 new, 0 updated, 0 completed"
    assert f"wosync: sync failing for {USERNAME}" in titles
    for request in receiver.requests:
        assert not leaks(request["raw"]), "a notification carries the password"
    keeper.close()


def test_an_unexpected_failure_prints_one_line_without_traceback_or_password(world, tmp_path):
    """A browser that is not a browser makes the sync fail in Playwright itself: the user gets one
    `Error:` line (no traceback with locals), and the password appears nowhere in it."""
    env = {**world["env"], "WOSYNC_BROWSER": "/bin/false", "WOSYNC_PASSWORD": PASSWORD,
           "WOSYNC_USERNAME": USERNAME, "WOSYNC_BASE_URL": world["sim"].base_url}
    forget_session(world)
    result = run.wosync("sync-now", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: sync failed: ")
    assert not leaks((result.stdout + result.stderr).encode())


def test_a_password_from_the_environment_is_not_inherited_by_the_browser(world):
    """WOSYNC_PASSWORD is for automation; the browser and its driver must not carry it in their environment."""
    sim = world["sim"]
    env = dict(world["env"], WOSYNC_HOME=str(world["home"]) + "-env", WOSYNC_USERNAME=USERNAME,
               WOSYNC_PASSWORD=PASSWORD, WOSYNC_BASE_URL=sim.base_url)
    process = subprocess.Popen([sys.executable, "-m", "wosync", "sync-now", "--quiet"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    children_seen: dict[int, bytes] = {}
    leaking: list[int] = []
    marker = f"WOSYNC_HOME={env['WOSYNC_HOME']}".encode()
    while not _exited(process):
        for pid in live_processes():
            if pid == process.pid:
                continue
            environ, cmdline = environment(pid), command_line(pid)
            if environ is None or cmdline is None:
                continue  # the process ended while we looked
            if marker in environ:
                children_seen[pid] = cmdline
                if leaks(b"\0".join(environ)):
                    leaking.append(pid)
    assert process.returncode == 0, process.stderr.read()
    assert any(b"chrom" in cmd for cmd in children_seen.values()), "the scan saw the sync's browser"
    assert leaking == [], f"processes {leaking} inherited the password"
