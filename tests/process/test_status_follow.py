"""`wosync status --line --follow`: one process for a status bar's whole session (waybar and
i3blocks persistent mode, polybar `tail = true`) that prints a line only when it changes and
sleeps in between.

A real `python -m wosync` process is read as a status bar reads it: line by line from a pipe.
The store is changed from this test, as the daemon or another command would change it.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from wosync.store import Store
from support.stored_orders import ACCOUNT, make_order, store_sync

UTC = timezone.utc


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time the process has used, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Follower:
    """`wosync status --line --follow` running, its lines collected by a reader thread."""

    def __init__(self, env: dict[str, str], *options: str):
        self.process = subprocess.Popen([sys.executable, "-m", "wosync", "status", "--line", "--follow", *options],
                                        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def next_line(self, timeout: float = 15) -> str:
        return self.lines.get(timeout=timeout)

    def quiet_for(self, seconds: float) -> bool:
        """Return True when no line comes within `seconds`."""
        try:
            line = self.lines.get(timeout=seconds)
        except queue.Empty:
            return True
        self.lines.put(line)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def follower(data_folder, tmp_path):
    started = []

    def start(*options: str) -> Follower:
        env = dict(data_folder.env, XDG_CONFIG_HOME=str(tmp_path / "config"), TZ="UTC")
        started.append(Follower(env, *options))
        return started[-1]

    yield start
    for item in started:
        item.stop()


def test_a_line_only_when_it_changes_from_one_process(data_folder, follower):
    now = datetime.now(UTC)
    with Store(data_folder.home / "wosync.db") as store:
        store_sync(store, [make_order(n) for n in range(250)], now - timedelta(minutes=10))
    running = follower()
    assert running.next_line() == "✓ 250 orders · no schedule\n"
    assert running.quiet_for(5)  # nothing changed: nothing printed

    with Store(data_folder.home / "wosync.db") as store:  # a schedule, and no daemon to run it
        store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, now + timedelta(hours=1), now)
    assert running.next_line() == "■ daemon not running: wosync install-service or wosync daemon\n"
    with Store(data_folder.home / "wosync.db") as store:  # the daemon starts
        store.set_daemon_state(os.getpid(), "waiting", datetime.now(UTC), started_at=datetime.now(UTC))
    next_run = now + timedelta(hours=1)

    def shown(at: datetime) -> str:
        """As a status bar says it at `at`: the time alone on the same day, the weekday before it on another."""
        return next_run.strftime("%H:%M" if next_run.date() == at.date() else "%a %H:%M")

    # The follower drew its line at a moment between `now` and the line's arrival: at midnight
    # those two fall on different days, and either day's form is right (it failed at 23:59).
    line = running.next_line()
    assert line in {f"✓ 250 orders · next {shown(at)}\n" for at in (now, datetime.now(UTC))}, line
    assert running.quiet_for(5)
    assert running.process.poll() is None  # still the same process


def test_waybar_json_from_a_folder_without_a_database_yet(data_folder, follower):
    running = follower("--format", "waybar")
    assert '"class": "ok"' in running.next_line()
    with Store(data_folder.home / "wosync.db") as store:  # the first sync creates the database
        store_sync(store, [make_order(n) for n in range(3)], datetime.now(UTC))
    assert '"text": "✓ 3 orders · no schedule"' in running.next_line()


def test_idle_costs_almost_no_cpu(data_folder, follower):
    running = follower()
    running.next_line()
    time.sleep(1)  # past start-up
    before, started = cpu_seconds(running.process.pid), time.monotonic()
    time.sleep(10)
    share = (cpu_seconds(running.process.pid) - before) / (time.monotonic() - started)
    assert share < 0.01, f"{share:.2%} of a core while idle"


def test_a_database_held_by_another_process_keeps_the_follower_alive(data_folder, follower):
    from support.database_holder import hold

    db = data_folder.home / "wosync.db"
    with Store(db) as store:
        store_sync(store, [make_order(n) for n in range(5)], datetime.now(UTC))
    with hold(db, 60, "EXCLUSIVE"):  # held before the follower starts: it cannot even read
        running = follower()
        assert running.next_line() == "… wosync: database busy (held by another process)\n"
        assert running.quiet_for(5)  # still held: the same line, not printed again
    assert running.next_line() == "✓ 5 orders · no schedule\n"  # freed: the real line, same process
    assert running.process.poll() is None


def test_a_daemon_that_dies_is_shown_at_the_next_poll(data_folder, follower):
    # Idle, the follower reads the store only when its files change; a daemon killed with -9
    # writes nothing, and must still show at the next poll (its process is looked at each time).
    now = datetime.now(UTC)
    daemon = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        with Store(data_folder.home / "wosync.db") as store:
            store_sync(store, [make_order(n) for n in range(5)], now - timedelta(minutes=10))
            store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, now + timedelta(hours=1), now)
            store.set_daemon_state(daemon.pid, "waiting", now, started_at=now)
        running = follower()
        assert running.next_line().startswith("✓ 5 orders · next ")
        assert running.quiet_for(5)  # idle polls: nothing changed, nothing printed
        daemon.kill()
        daemon.wait()
        assert running.next_line(timeout=10) == "■ daemon not running: wosync install-service or wosync daemon\n"
    finally:
        daemon.kill()
        daemon.wait()
