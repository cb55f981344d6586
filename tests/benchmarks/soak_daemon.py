"""Soak: one real `wosync daemon` process syncing 4 accounts (4 simulated sites) many times over,
with site faults and data changes turned on and off at random, a trickling notification target,
the database held locked 40 s by another process, a kill -9 every N syncs and a SIGTERM stop
every N syncs (offset by N/2).

    .venv/bin/python tests/benchmarks/soak_daemon.py [--syncs 300] [--accounts 4] [--seed 1]
                                                     [--kill-every 50] [--rss-stretch 60] [--max-minutes 70]

Not collected by pytest (it takes about 35 minutes). The sites are SimulatedWorkFossa servers in
this process, on 127.0.0.1 only; the daemon is a subprocess with its own WOSYNC_HOME in a
temporary folder, the password in $WOSYNC_PASSWORD and $WOSYNC_TEST_INTERVAL_SECONDS=0.1, so a
successful run repeats at once (the schedules rotate, most overdue first). A failed or partial
run is retried by the daemon after a minute or more; this script makes such a schedule due again
by setting its next_run in the store (the daemon notices within 2 s, as for any CLI change).

Between syncs, at random (seeded), one fault at a time is switched on or off on a site that is
not syncing (slow_ms, http_500_on_page, expire_session_after with expire_once, empty_glitch,
drop_rows), and orders are added, completed, edited or rescheduled. Every --kill-every syncs the
daemon is killed with SIGKILL while a sync runs and started again.

Notifications: a TrickleReceiver (tests/support/trickle_receiver.py: a real HTTP server on
127.0.0.1 that answers one byte every 2 s, forever) takes every message. One target without
rules (digests of every sync that changed something, and failure alerts) points at it all the
time; a second one, at a fresh URL each time (a URL whose earlier send is still unanswered gets
no second send, so a fresh one costs a full deadline again), is added and removed at random.
Each send is abandoned at wosync's 15 s deadline per target.

Database lock: every 15-35 syncs (at random, half of the time while a sync runs) a helper
process (tests/support/database_holder.py) holds the lock for 40 s, IMMEDIATE (writers out);
this script reads nothing meanwhile. EXCLUSIVE (readers out too) needs, in WAL mode, every other
connection closed, and the daemon keeps its connection open: so after every other kill -9 the
next daemon is started while a helper holds the database EXCLUSIVE for 40 s (its start waits).
A run that overlapped a lock is judged like any other: the lock is shorter than the busy
timeout (60 s), progress writes are skipped and the saves wait, so it must end as its site's
fault implies.

After --syncs syncs, --rss-stretch more run the same way but with no kill or stop, so the last
daemon process lives about N/2 + stretch syncs: long enough to see its memory after warm-up.

SIGTERM: every --kill-every syncs, offset by half of it, the daemon is stopped with SIGTERM and
started again, in turn: while a sync runs; while a send to a trickling target is in flight
(a fresh target and a data change on every site make the next sync send, and the signal comes
0.5-6 s after the request arrived); while the lock is held (taken while a sync runs, the signal
2-8 s later). The time from the signal until the process is gone is measured, as for the final
SIGTERM; any stop over 10 s fails the soak. A run still going when SIGTERM came must end
`interrupted`, or (it had just finished its work) with the status its fault implies.

At the end (faults off, one clean sync of each account, schedules paused, SIGTERM) it checks:
PRAGMA integrity_check; every order each site lists is in the store and active (and nothing
else is active), with the same fields the site shows; every run has a final status, runs cut
by kill -9 are `interrupted`, runs under one fault have the status that fault implies, runs
without a fault are `success` (runs during which a site's faults or data changed are not
judged); the daemon's RSS growth per 100 syncs: VmRSS is read after every finished run of each
process from its 5th and just before its kill or stop (all samples go to rss.tsv in the folder);
the growth is the least-squares slope of VmRSS over the finished runs of each process that ran
RSS_MIN_SPAN syncs past its warm-up (RSS_WARM_UP_SYNCS: a fresh daemon's RSS climbs for its
first 20-30 syncs, then stays level), goal < 20 MB per 100 syncs; the shorter processes' slopes
(warm-up included) are printed, not judged; no browser process left; every stop within 10 s; no traceback
or "unexpected" error in a daemon log. Prints a summary; exits 1 when a check
fails, 2 when it could not run to the end in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the tests' helpers (support/)

from wosync.clock import from_iso, to_iso  # noqa: E402
from wosync.sim import DEFAULT_PASSWORD, SimulatedWorkFossa  # noqa: E402
from wosync.store import Store  # noqa: E402
from support.database_holder import hold  # noqa: E402
from support.processes import processes_with_home, rss_megabytes  # noqa: E402
from support.trickle_receiver import TrickleReceiver  # noqa: E402

UTC = timezone.utc

# One fault at a time per site: its switch values, and the run statuses it implies.
FAULTS = {
    "slow_ms": lambda r: {"slow_ms": r.choice([300, 800, 1500])},
    "http_500_on_page": lambda r: {"http_500_on_page": 1},
    "expire_session_after": lambda r: {"expire_session_after": r.choice([1, 2]), "expire_once": True},
    "empty_glitch": lambda r: {"empty_glitch": True},
    "drop_rows": lambda r: {"drop_rows": r.choice([1, 2, 3])},
}
EXPECTED = {
    None: {"success"},
    "slow_ms": {"success"},  # slower, still complete
    "http_500_on_page": {"failed"},  # the work list itself answers 500
    "expire_session_after": {"success"},  # one expiry: the scraper logs in again
    "empty_glitch": {"partial"},  # the mass-removal guard
    "drop_rows": {"partial"},  # short of the match count: incomplete
}
CLEAR = dict(slow_ms=0, http_500_on_page=None, expire_session_after=None, expire_once=False,
             empty_glitch=False, drop_rows=0)
WARM_UP_SYNCS = 5  # RSS is first read after this many finished runs of each daemon process
# A daemon's RSS climbs for its first 20-30 syncs and then stays level (Apprise imported at the
# first send, the allocator's and SQLite's caches filling: a one-daemon probe with the trickling
# target and a fresh target URL every 6 syncs went 55 -> 97 MB by sync 5, ~104 MB by sync 25
# and stayed there to sync 57). Growth is read as the least-squares slope over the samples
# after this many runs, of a process that ran at least RSS_MIN_SPAN more.
RSS_WARM_UP_SYNCS = 30
RSS_MIN_SPAN = 30
RSS_GOAL = 20.0  # MB per 100 syncs
LOCK_SECONDS = 40.0  # how long the helper process holds the database
STOP_LIMIT = 10.0  # a SIGTERM must end the daemon within this many seconds
STOP_KINDS = ("while a sync runs", "while a trickling send is in flight", "while the lock is held")


def now() -> datetime:
    return datetime.now(UTC)


class Site:
    """A simulated site, its account, and when its faults or data changed (for judging runs)."""

    def __init__(self, index: int, seed: int, orders: int):
        self.orders = orders
        self.username = f"tech{index + 1}@example.com"
        self.sim = SimulatedWorkFossa(count=orders, seed=seed * 100 + index, username=self.username).start()
        assert self.sim.base_url.startswith("http://127.0.0.1:")
        self.fault: str | None = None
        self.fault_values: dict = {}
        self.timeline: list[tuple[datetime, str | None]] = [(now(), None)]
        self.data_changes: list[datetime] = []
        self.completes_pending = 0
        self.changes = Counter()

    def set_fault(self, name: str | None, rng: random.Random) -> None:
        self.sim.set_faults(**CLEAR)
        self.fault, self.fault_values = name, {}
        if name is not None:
            self.fault_values = FAULTS[name](rng)
            self.sim.set_faults(**self.fault_values)
        self.timeline.append((now(), name))
        self.changes[f"fault {name or 'off'}"] += 1

    def fault_over(self, start: datetime, end: datetime) -> tuple[bool, str | None]:
        """Return (one state throughout, that fault) for a run from start to end."""
        before = [name for moment, name in self.timeline if moment <= start]
        during = [name for moment, name in self.timeline if start < moment <= end]
        state = before[-1] if before else None
        return (not during, state)

    def data_changed(self, start: datetime, end: datetime) -> bool:
        return any(start < moment <= end for moment in self.data_changes)

    def active_numbers(self) -> list[str]:
        return [o.number for o in self.sim.listed_orders(include_completed=False)]

    def change_data(self, rng: random.Random) -> None:
        active = self.active_numbers()
        kinds = ["edit", "reschedule"]
        if len(active) < self.orders + 10:
            kinds.append("add")
        if len(active) > max(self.orders - 5, 4) and self.completes_pending < 2:
            kinds.append("complete")
        kind = rng.choice(kinds)
        number = rng.choice(active)
        if kind == "add":
            self.sim.add_orders(rng.randint(1, 3))
        elif kind == "complete":
            self.sim.complete(number)
            self.completes_pending += 1
        elif kind == "edit":
            field = rng.choice(["customer", "city", "contact_name", "po_number"])
            self.sim.edit(number, **{field: f"Soak {field} {rng.randint(1, 10**6)}"})
        else:
            day = dt.date(2026, 4, 10) + timedelta(days=rng.randint(1, 60))
            self.sim.reschedule(number, day.isoformat())
        self.data_changes.append(now())
        self.changes[kind] += 1


def processes_of(home: Path) -> list[tuple[int, str]]:
    """Return (pid, comm) of every process with this WOSYNC_HOME in its environment."""
    return sorted(processes_with_home(home).items())


def is_browser(comm: str) -> bool:
    return "chrom" in comm.lower() or "headless" in comm.lower()


def rss_mb(pid: int) -> float | None:
    return rss_megabytes(pid)


def slope(points: list[tuple[int, float]]) -> float:
    """Given (x, y) points (x not all equal), return the least-squares slope of y over x."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def wait_until(predicate, seconds: float, step: float = 0.25):
    """Poll predicate until it returns something truthy or `seconds` pass; return its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


class Reader:
    """A read-only connection to the store that can be closed and opened again (an EXCLUSIVE
    hold in WAL mode needs every other connection closed)."""

    def __init__(self, path: Path):
        self.path = path
        self.conn: sqlite3.Connection | None = None
        self.open()

    def open(self) -> None:
        self.conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30, isolation_level=None)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def execute(self, *args):
        return self.conn.execute(*args)


class Daemon:
    def __init__(self, env: dict, log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.process = subprocess.Popen([sys.executable, "-m", "wosync", "daemon"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=self._log, cwd=str(ROOT))
        self.pid = self.process.pid
        self.started_syncs = 0
        self.rss: list[tuple[int, float]] = []  # (finished runs of this process, MB)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--syncs", type=int, default=300)
    parser.add_argument("--accounts", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kill-every", type=int, default=50)
    parser.add_argument("--orders", type=int, default=30, help="active orders per site at the start")
    parser.add_argument("--rss-stretch", type=int, default=60,
                        help="syncs after --syncs with no kill or stop (faults, data changes, targets and locks "
                             "go on), so the last daemon process lives past its warm-up for the RSS check")
    parser.add_argument("--max-minutes", type=float, default=70.0, help="stop driving syncs after this long")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database)")
    args = parser.parse_args(argv)
    if not (1 <= args.accounts <= 20 and 1 <= args.syncs <= 5000 and args.kill_every >= 5 and args.rss_stretch >= 0):
        parser.error("--accounts 1..20, --syncs 1..5000, --kill-every >= 5, --rss-stretch >= 0")
    total_syncs = args.syncs + args.rss_stretch  # kills and stops only among the first args.syncs

    rng = random.Random(args.seed)
    t0 = time.monotonic()
    drive_deadline = t0 + args.max_minutes * 60
    folder = Path(tempfile.mkdtemp(prefix="wosync-soak-"))
    home = folder / "home"
    db_path = home / "wosync.db"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("WOSYNC_") and k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                                                         "CREDENTIALS_DIRECTORY", "JOURNAL_STREAM")}
    env.update(WOSYNC_HOME=str(home), WOSYNC_PASSWORD=DEFAULT_PASSWORD, PYTHONUNBUFFERED="1",
               WOSYNC_TEST_INTERVAL_SECONDS="0.1", NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")

    def cli(*cli_args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "wosync", *cli_args], env=env, capture_output=True,
                              text=True, timeout=60, cwd=str(ROOT))

    sites = [Site(i, args.seed, args.orders) for i in range(args.accounts)]
    by_account = {s.username: s for s in sites}
    with Store(db_path) as store:
        for site in sites:
            store.ensure_account(site.username, site.sim.base_url, now())
    for site in sites:
        made = cli("schedule", "create", "--interval", "0.25", "--username", site.username)
        if made.returncode != 0:
            print(f"schedule create failed: {made.stderr}", file=sys.stderr)
            return 2
    trickle = TrickleReceiver().start()
    targets_added = 0

    def notify_add() -> int:
        """Add a target at a fresh URL of the trickling receiver; return its id."""
        nonlocal targets_added
        targets_added += 1
        made = cli("notify", "add", f"json://127.0.0.1:{trickle.port}/soak-{targets_added}")
        if made.returncode != 0 or "Added notification target " not in made.stdout:
            raise SystemExit(f"notify add failed: {made.stdout} {made.stderr}")
        return int(made.stdout.split("Added notification target ", 1)[1].split(":", 1)[0])

    notify_add()  # always on: digests of every sync with changes, and failure alerts
    extra_target: int | None = None  # the one added and removed at random
    print(f"soak: {args.accounts} sites on 127.0.0.1, home {home}; target {args.syncs} syncs "
          f"and {args.rss_stretch} more without kills or stops, "
          f"kill -9 every {args.kill_every}, SIGTERM every {args.kill_every} (offset {args.kill_every // 2}), "
          f"database locked {LOCK_SECONDS:g} s every 15-35 syncs, trickling target on 127.0.0.1:{trickle.port}",
          flush=True)

    ro = Reader(db_path)

    def runs() -> list[dict]:
        cursor = ro.execute("SELECT id, account, status, error_kind, error_message, started_at, completed_at AS finished_at, "
                            "pid, notification_error FROM runs ORDER BY id")
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def force_due(limit_seconds: float = 3.0) -> int:
        """Make every enabled schedule whose next run is later than a few seconds due now."""
        moment = now()
        rows = ro.execute("SELECT id, next_run FROM schedules WHERE enabled = 1").fetchall()
        late = [sid for sid, nxt in rows if nxt and from_iso(nxt) > moment + timedelta(seconds=limit_seconds)]
        if late:
            with Store(db_path) as writer:
                for sid in late:
                    writer.update_schedule(sid, moment, next_run=moment)
        return len(late)

    daemons: list[Daemon] = []
    killed_runs: list[int] = []
    kill_leftovers: list[int] = []  # browsers still alive 15 s after each kill -9
    forced = 0
    kills = 0
    timed_out = False

    def start_daemon(exclusive: bool = False) -> Daemon:
        """Start a daemon and wait for its record; with `exclusive`, start it while a helper holds
        the database EXCLUSIVE for LOCK_SECONDS (in WAL mode that lock can only be taken while no
        other connection is open: here, between two daemon processes, with this script's reader
        closed), so its start waits the lock out."""
        started_syncs = len(runs())
        holder = None
        if exclusive:
            ro.close()
            holder, since = take_lock("EXCLUSIVE")
        daemon = Daemon(env, folder / f"daemon-{len(daemons)}.log")
        daemon.started_syncs = started_syncs
        daemons.append(daemon)
        if holder is not None:
            print(f"  [{time.monotonic() - t0:6.0f} s] daemon {daemon.pid} started while the database is held "
                  f"EXCLUSIVE for {LOCK_SECONDS:g} s", flush=True)
            end_lock(holder, "EXCLUSIVE", since)
            ro.open()
        up = wait_until(lambda: ro.execute("SELECT pid FROM daemon WHERE id = 1").fetchone() == (daemon.pid,)
                        or daemon.process.poll() is not None, 60)
        if daemon.process.poll() is not None:
            raise SystemExit(f"the daemon exited at start ({daemon.process.returncode}): "
                             f"{daemon.log_path.read_text()[-2000:]}")
        if not up:
            raise SystemExit("the daemon did not record its start within 60 s")
        return daemon

    stops: list[tuple[str, float]] = []  # (when, seconds from SIGTERM until the process was gone)
    stopped_runs: list[int] = []  # runs going when a SIGTERM came
    stop_statuses: list[int | None] = []
    locks: list[tuple[datetime, datetime, str]] = []  # (from, to, mode)
    exited_by_itself = 0

    def lock_over(start: datetime, end: datetime) -> bool:
        return any(a < end and start < b for a, b, _ in locks)

    def take_lock(mode: str):
        """Start the holder; return (it, the moment it held the lock)."""
        holder = hold(db_path, LOCK_SECONDS, mode)
        return holder, now()

    def end_lock(holder, mode: str, since: datetime) -> None:
        try:
            holder.process.wait(LOCK_SECONDS + 30)
        finally:
            holder.release()
        locks.append((since, now(), mode))

    def wait_for_run(seconds: float) -> bool:
        """Wait (keeping schedules due) until the current daemon runs a sync; return whether it does."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if [r for r in runs() if r["status"] == "running" and r["pid"] == daemon.pid]:
                return True
            force_due()
            time.sleep(0.2)
        return False

    def sigterm(kind: str, going: list[int] | None = None) -> None:
        """SIGTERM the daemon, time it until the process is gone, note the runs it cut (read
        here unless given: under a lock this script reads nothing)."""
        read_runs = going is None
        if going is None:
            going = [r["id"] for r in runs() if r["status"] == "running" and r["pid"] == daemon.pid]
        value = rss_mb(daemon.pid)
        if value is not None and read_runs:
            mine = sum(1 for r in runs() if r["pid"] == daemon.pid and r["status"] != "running")
            daemon.rss.append((mine, value))
        signalled = now()
        began = time.monotonic()
        daemon.process.send_signal(signal.SIGTERM)
        try:
            status = daemon.process.wait(60)
        except subprocess.TimeoutExpired:
            status = None
            daemon.process.kill()
            daemon.process.wait(10)
        seconds = time.monotonic() - began
        stops.append((kind, seconds))
        stop_statuses.append(status)
        daemon.going_at_stop = going
        daemon.signalled_at = signalled
        print(f"  [{time.monotonic() - t0:6.0f} s] SIGTERM {daemon.pid} {kind}: gone after {seconds:.2f} s "
              f"(exit {status}); runs going {going}", flush=True)

    def note_cut(old: "Daemon") -> None:
        """After a SIGTERM'd daemon's successor started: the runs the stop cut (read before the
        signal, or started by the old process after that read)."""
        cut = set(getattr(old, "going_at_stop", []))
        for r in runs():
            if r["pid"] == old.pid and from_iso(r["started_at"]) >= old.signalled_at.replace(microsecond=0) - \
                    timedelta(seconds=1) and r["id"] not in finished_before_stop.get(old.pid, set()):
                cut.add(r["id"])
        stopped_runs.extend(sorted(cut))

    finished_before_stop: dict[int, set[int]] = {}

    def stop_and_restart(kind: str) -> "Daemon":
        """One SIGTERM stop of the given kind (STOP_KINDS), then a new daemon; return it."""
        nonlocal extra_target
        old = daemon
        finished_before_stop[old.pid] = {r["id"] for r in runs() if r["status"] != "running"}
        if kind == STOP_KINDS[0]:
            wait_for_run(60)
            time.sleep(rng.uniform(0.3, 3.0))
            sigterm(kind)
        elif kind == STOP_KINDS[1]:
            if extra_target is not None:
                cli("notify", "remove", str(extra_target))
            extra_target = notify_add()
            for site in sites:  # something changes on every site: the next sync sends a digest
                site.sim.add_orders(1)
                site.data_changes.append(now())
                site.changes["add"] += 1
            before = trickle.requests
            deadline = time.monotonic() + 120
            while trickle.requests <= before and time.monotonic() < deadline:
                force_due()
                time.sleep(0.2)
            in_flight = trickle.requests > before
            time.sleep(rng.uniform(0.5, 6.0))
            sigterm(kind if in_flight else kind + " (no send arrived in 120 s)")
        else:
            mode = "IMMEDIATE"  # the daemon runs: an EXCLUSIVE hold could not be taken (see start_daemon)
            wait_for_run(60)
            time.sleep(rng.uniform(0.3, 3.0))
            finished_before_stop[old.pid] = {r["id"] for r in runs() if r["status"] != "running"}
            going = [r["id"] for r in runs() if r["status"] == "running" and r["pid"] == old.pid]
            holder, since = take_lock(mode)
            time.sleep(rng.uniform(2.0, 8.0))
            sigterm(f"{kind} ({mode})", going)
            end_lock(holder, mode, since)
        old.close()
        new = start_daemon()
        note_cut(old)
        return new

    finished: set[int] = set()
    next_kill = args.kill_every
    next_stop = args.kill_every // 2
    stop_count = 0
    next_lock = rng.randint(10, 25)
    kill_at: float | None = None  # monotonic moment of the next kill, once its sync runs
    last_force = 0.0
    try:  # every daemon started is killed in `finally`, whatever goes wrong
        daemon = start_daemon()
        while True:
            rows = runs()
            syncs = len(rows)
            if time.monotonic() > drive_deadline:
                timed_out = True
                break
            newly = [r for r in rows if r["status"] != "running" and r["id"] not in finished]
            for run in newly:
                finished.add(run["id"])
                site = by_account[run["account"]]
                site.completes_pending = 0
                mine = sum(1 for r in rows if r["pid"] == daemon.pid and r["status"] != "running")
                if mine >= WARM_UP_SYNCS:
                    value = rss_mb(daemon.pid)
                    if value is not None:
                        daemon.rss.append((mine, value))
            if newly and len(finished) > 2 * args.accounts:
                # Between syncs: change sites that are not being synced right now.
                busy = {r["account"] for r in rows if r["status"] == "running"}
                for _ in newly:
                    idle = [s for s in sites if s.username not in busy]
                    if not idle:
                        break
                    site = rng.choice(idle)
                    roll = rng.random()
                    if roll < 0.30:
                        site.set_fault(None if site.fault else rng.choice(sorted(FAULTS)), rng)
                    elif roll < 0.40 and site.fault:
                        site.set_fault(None, rng)
                    if rng.random() < 0.5:
                        rng.choice(idle).change_data(rng)
                if rng.random() < 0.08:  # the second trickling target: on (at a fresh URL) or off
                    if extra_target is None:
                        extra_target = notify_add()
                    else:
                        cli("notify", "remove", str(extra_target))
                        extra_target = None
            if syncs >= total_syncs and not any(r["status"] == "running" for r in rows):
                break
            if syncs >= total_syncs:
                # Enough started: pause so no more start, and let the last one finish.
                if ro.execute("SELECT count(*) FROM schedules WHERE enabled = 1").fetchone()[0]:
                    with Store(db_path) as writer:
                        for (sid,) in ro.execute("SELECT id FROM schedules").fetchall():
                            writer.update_schedule(sid, now(), enabled=0)
            running = [r for r in rows if r["status"] == "running" and r["pid"] == daemon.pid]
            if syncs >= next_kill and next_kill < args.syncs and running:
                if kill_at is None:
                    kill_at = time.monotonic() + rng.uniform(0.3, 3.0)
                elif time.monotonic() >= kill_at:
                    value = rss_mb(daemon.pid)
                    if value is not None:
                        mine = sum(1 for r in rows if r["pid"] == daemon.pid and r["status"] != "running")
                        daemon.rss.append((mine, value))
                    still = [r["id"] for r in runs() if r["status"] == "running" and r["pid"] == daemon.pid]
                    os.kill(daemon.pid, signal.SIGKILL)
                    daemon.process.wait(10)
                    # A run read as running may have saved its outcome in the instant before the
                    # kill: cut are those the dead process left `running`.
                    still = [r["id"] for r in runs() if r["id"] in still and r["status"] == "running"]
                    killed_runs.extend(still)
                    left = wait_until(lambda: not [p for p in processes_of(home) if is_browser(p[1])], 15) or \
                        [p for p in processes_of(home) if is_browser(p[1])]
                    kill_leftovers.append(0 if left is True else len(left))
                    print(f"  [{time.monotonic() - t0:6.0f} s] {syncs} syncs: kill -9 {daemon.pid} during run "
                          f"{still}; browsers left after 15 s: {kill_leftovers[-1]}", flush=True)
                    daemon.close()
                    kills += 1
                    daemon = start_daemon(exclusive=kills % 2 == 1)
                    next_kill += args.kill_every
                    kill_at = None
            if syncs >= next_stop and next_stop < args.syncs and kill_at is None:
                kind = STOP_KINDS[stop_count % len(STOP_KINDS)]
                daemon = stop_and_restart(kind)
                stop_count += 1
                next_stop += args.kill_every
                continue
            if syncs >= next_lock and syncs < total_syncs and kill_at is None:
                want_run = rng.random() < 0.5
                if not want_run or wait_for_run(30):
                    if want_run:
                        time.sleep(rng.uniform(0.3, 3.0))
                    mode = "IMMEDIATE"  # the daemon runs: an EXCLUSIVE hold could not be taken (see start_daemon)
                    holder, since = take_lock(mode)
                    print(f"  [{time.monotonic() - t0:6.0f} s] {syncs} syncs: database held {mode} for "
                          f"{LOCK_SECONDS:g} s", flush=True)
                    end_lock(holder, mode, since)
                next_lock = syncs + rng.randint(15, 35)
                continue
            if time.monotonic() - last_force > 2.0 and syncs < total_syncs:
                forced += force_due()
                last_force = time.monotonic()
            if daemon.process.poll() is not None:
                print(f"the daemon exited by itself ({daemon.process.returncode})", file=sys.stderr)
                exited_by_itself += 1
                daemon.close()
                daemon = start_daemon()
            if newly and len(finished) % 25 == 0:
                print(f"  [{time.monotonic() - t0:6.0f} s] {len(finished)} runs finished", flush=True)
            time.sleep(0.2)

        drive_seconds = time.monotonic() - t0
        syncs_done = len(runs())

        # --- the final clean sync of every account ------------------------------------------
        clean_from = now()
        for site in sites:
            site.set_fault(None, rng)
        time.sleep(1.1)  # past the second of the last change (the store keeps whole seconds)
        clean_from = now()
        with Store(db_path) as writer:
            for (sid,) in ro.execute("SELECT id FROM schedules").fetchall():
                writer.update_schedule(sid, now(), enabled=1, next_run=now(), consecutive_failures=0)

        def clean_done() -> bool:
            got = {r["account"] for r in runs() if r["status"] == "success"
                   and from_iso(r["started_at"]) >= clean_from.replace(microsecond=0)}
            return got >= set(by_account)

        final_ok = wait_until(clean_done, 240, 0.5)
        for (sid,) in ro.execute("SELECT id FROM schedules").fetchall():
            cli("schedule", "pause", str(sid))
        wait_until(lambda: not [r for r in runs() if r["status"] == "running"], 120, 0.5)
        time.sleep(0.5)
        value = rss_mb(daemon.pid)
        if value is not None:
            daemon.rss.append((sum(1 for r in runs() if r["pid"] == daemon.pid and r["status"] != "running"), value))
        sigterm("at the end (idle)")
        term_status = stop_statuses[-1]
        daemon.close()
    finally:
        for d in daemons:
            d.close()

    # --- checks -------------------------------------------------------------------------------
    failures: list[str] = []
    integrity = sqlite3.connect(str(db_path)).execute("PRAGMA integrity_check").fetchall()
    integrity_ok = integrity == [("ok",)]
    if not integrity_ok:
        failures.append(f"integrity_check: {integrity[:5]}")
    if not final_ok:
        failures.append("the final clean sync did not succeed for every account within 240 s")
    if term_status != 0:
        failures.append(f"SIGTERM at the end: exit status {term_status}")
    slow_stops = [f"{kind}: {seconds:.1f} s" for kind, seconds in stops if seconds > STOP_LIMIT]
    if slow_stops:
        failures.append(f"stops over {STOP_LIMIT:g} s after SIGTERM: {slow_stops}")
    if any(status != 0 for status in stop_statuses):
        failures.append(f"exit statuses after SIGTERM: {stop_statuses}")
    if exited_by_itself:
        failures.append(f"the daemon exited by itself {exited_by_itself} times")
    log_problems = []
    for d in daemons:
        for line in d.log_path.read_text(errors="replace").splitlines():
            if "Traceback" in line or "unexpected" in line:
                log_problems.append(f"{d.log_path.name}: {line[:200]}")
    if log_problems:
        failures.append(f"{len(log_problems)} traceback or unexpected-error lines in the daemon logs: {log_problems[:3]}")
    if trickle.requests == 0:
        failures.append("no notification reached the trickling receiver")

    missing, extra, field_diffs = 0, 0, []
    with Store(db_path) as store:
        for site in sites:
            stored = {o["number"]: o for o in store.list_orders(include_completed=False, account=site.username)}
            expected = site.sim.expected_orders()
            for order in expected:
                record = stored.get(order["number"])
                if record is None:
                    missing += 1
                    continue
                for key, value in order.items():
                    if key in record and record[key] != value:
                        field_diffs.append(f"{site.username} {order['number']} {key}: store {record[key]!r} "
                                           f"site {value!r}")
            extra += len(set(stored) - {o["number"] for o in expected})
    if missing:
        failures.append(f"{missing} orders listed by the sites are missing (or not active) in the store")
    if extra:
        failures.append(f"{extra} orders active in the store are no longer listed by their site")
    if field_diffs:
        failures.append(f"{len(field_diffs)} stored fields differ from the site: {field_diffs[:5]}")

    all_runs = runs()
    by_status = Counter(r["status"] for r in all_runs)
    if by_status.get("running"):
        failures.append(f"{by_status['running']} runs still `running`")
    killed_wrong = [r["id"] for r in all_runs if r["id"] in killed_runs and r["status"] != "interrupted"]
    if killed_wrong:
        failures.append(f"runs cut by kill -9 not `interrupted`: {killed_wrong}")
    other_interrupted = [r["id"] for r in all_runs if r["status"] == "interrupted"
                         and r["id"] not in killed_runs and r["id"] not in stopped_runs]
    if other_interrupted:
        failures.append(f"runs `interrupted` that no kill or stop cut: {other_interrupted}")
    judged, unjudged, wrong = Counter(), 0, []
    locked_judged, stop_outcomes = Counter(), Counter()
    notified_errors = Counter()
    for run in all_runs:
        if run["id"] in killed_runs or not run["finished_at"]:
            continue
        site = by_account[run["account"]]
        start = from_iso(run["started_at"]) - timedelta(seconds=0.5)
        end = from_iso(run["finished_at"]) + timedelta(seconds=1.0)  # whole seconds in the store
        steady, fault = site.fault_over(start, end)
        if run["id"] in stopped_runs:
            # Cut by SIGTERM: interrupted, or (its work was done) what its fault implies.
            allowed = {"interrupted"} | (EXPECTED[fault] if steady and not site.data_changed(start, end)
                                         else {"success", "partial", "failed"})
            stop_outcomes[run["status"]] += 1
            if run["status"] not in allowed:
                wrong.append(f"run {run['id']} ({run['account']}, cut by SIGTERM, fault {fault}): {run['status']} "
                             f"{run['error_kind']}: {(run['error_message'] or '')[:160]}")
            continue
        if not steady or site.data_changed(start, end):
            unjudged += 1
            continue
        judged[(fault or "none", run["status"])] += 1
        if lock_over(start, end):
            locked_judged[(fault or "none", run["status"])] += 1
        if run["status"] not in EXPECTED[fault]:
            wrong.append(f"run {run['id']} ({run['account']}, fault {fault}): {run['status']} "
                         f"{run['error_kind']}: {(run['error_message'] or '')[:160]}")
    if wrong:
        failures.append(f"{len(wrong)} runs with a status their fault does not imply")

    with open(folder / "rss.tsv", "w") as table:  # every sample, for a look at the curves
        table.write("pid\tfinished_runs\tvmrss_mb\n")
        for d in daemons:
            table.writelines(f"{d.pid}\t{n}\t{mb:.1f}\n" for n, mb in d.rss)
    growths = []  # (pid, MB per 100 syncs after the warm-up, first and last run fitted)
    for d in daemons:
        after = [(n, mb) for n, mb in d.rss if n >= RSS_WARM_UP_SYNCS]
        if len(after) >= 10 and after[-1][0] - after[0][0] >= RSS_MIN_SPAN:
            growths.append((d.pid, slope(after) * 100, after[0][0], after[-1][0]))
    if not growths:
        failures.append(f"no daemon process ran {RSS_MIN_SPAN} syncs past its warm-up ({RSS_WARM_UP_SYNCS} syncs): "
                        "RSS growth not measured")
    elif max(g for _, g, _, _ in growths) >= RSS_GOAL:
        failures.append(f"RSS grew {max(g for _, g, _, _ in growths):.1f} MB per 100 syncs after the warm-up "
                        f"(goal < {RSS_GOAL:g})")

    left = wait_until(lambda: not processes_of(home), 10) or processes_of(home)
    left = [] if left is True else left
    browsers_left = [p for p in left if is_browser(p[1])]
    if left:
        failures.append(f"processes left with this WOSYNC_HOME: {left}")
    if any(kill_leftovers):
        failures.append(f"browsers still alive 15 s after a kill -9: {kill_leftovers}")
    if timed_out:
        failures.append(f"stopped at {syncs_done} syncs: --max-minutes {args.max_minutes} reached")

    wall = time.monotonic() - t0
    changes = sum((s.changes for s in sites), Counter())
    print()
    print(f"soak_daemon: seed {args.seed}, {args.accounts} accounts, {args.orders} orders each at the start")
    print(f"  syncs done:        {syncs_done} driven in {drive_seconds / 60:.1f} min "
          f"({drive_seconds / max(syncs_done, 1):.1f} s per sync), wall time {wall / 60:.1f} min with the final checks")
    print(f"  kills (kill -9):   {len(killed_runs)} runs cut in {kills} kills; browsers left 15 s after "
          f"each: {kill_leftovers}")
    print(f"  runs by status:    {dict(sorted(by_status.items()))} (total {len(all_runs)}; "
          f"schedules made due early {forced} times)")
    print(f"  status vs fault:   judged {sum(judged.values())}: "
          + ", ".join(f"{f}->{s} {n}" for (f, s), n in sorted(judged.items()))
          + f"; not judged (fault or data changed during the run) {unjudged}")
    for line in wrong[:15]:
        print(f"    unexpected: {line}")
    print(f"  site changes:      {dict(sorted(changes.items()))}")
    with_error = [r for r in all_runs if r["notification_error"]]
    print(f"  notifications:     {trickle.requests} requests reached the trickling target ({targets_added} targets "
          f"added in all); {len(with_error)} runs recorded a notification error, "
          + ", ".join(f"{n} {what}" for what, n in Counter(
              "deadline" if "within" in r["notification_error"] else "stopped" if "stopped" in r["notification_error"]
              else "still unanswered" if "unanswered" in r["notification_error"] else "other"
              for r in with_error).most_common()))
    print(f"  database locks:    {len(locks)} holds of {LOCK_SECONDS:g} s ("
          + ", ".join(f"{n} {m}" for m, n in sorted(Counter(m for _, _, m in locks).items()))
          + f"); judged runs that overlapped one: {sum(locked_judged.values())}: "
          + ", ".join(f"{f}->{s} {n}" for (f, s), n in sorted(locked_judged.items())))
    ordered = sorted(seconds for _, seconds in stops)
    if ordered:
        median = ordered[len(ordered) // 2] if len(ordered) % 2 else sum(ordered[len(ordered) // 2 - 1:len(ordered) // 2 + 1]) / 2
        print(f"  SIGTERM stops:     {len(stops)}, worst {ordered[-1]:.2f} s, median {median:.2f} s (limit "
              f"{STOP_LIMIT:g} s); runs they cut: {len(stopped_runs)}, ended {dict(sorted(stop_outcomes.items()))}")
        for kind, seconds in stops:
            print(f"    {seconds:6.2f} s  {kind}")
    print("  RSS per process:   " + "; ".join(
        f"pid {d.pid}: {d.rss[0][1]:.1f} -> {d.rss[-1][1]:.1f} MB over runs {d.rss[0][0]}..{d.rss[-1][0]}"
        + (f" (fit {slope(d.rss) * 100:+.0f} MB/100, warm-up included)" if len(d.rss) >= 3 else "")
        for d in daemons if d.rss))
    print(f"  RSS growth:        " + ("; ".join(
        f"pid {pid}: {g:+.1f} MB per 100 syncs over runs {a}..{b} (least-squares slope)" for pid, g, a, b in growths)
        + f" (goal < {RSS_GOAL:g} after {RSS_WARM_UP_SYNCS} syncs)" if growths else "n/a"))
    print(f"  integrity_check:   {'ok' if integrity_ok else integrity[:3]}")
    print(f"  orders:            {missing} missing, {extra} extra active, {len(field_diffs)} fields differing "
          f"(sites list {sum(len(s.active_numbers()) for s in sites)} active orders)")
    print(f"  browsers left:     {len(browsers_left)} (other processes left: {len(left) - len(browsers_left)})")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("PASS" if not failures else f"{len(failures)} check(s) failed; logs in {folder}")
    for site in sites:
        site.sim.stop()
    trickle.stop()
    if not failures and not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    elif args.keep:
        print(f"kept: {folder}")
    return 0 if not failures else (2 if timed_out else 1)


if __name__ == "__main__":
    sys.exit(main())
