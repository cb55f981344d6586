"""Soak: one real `wosync daemon` process syncing 4 accounts (4 simulated sites) many times over,
with site faults and data changes turned on and off at random and a kill -9 every N syncs.

    .venv/bin/python tests/benchmarks/soak_daemon.py [--syncs 300] [--accounts 4] [--seed 1]
                                                     [--kill-every 50] [--max-minutes 40]

Not collected by pytest (it takes about 30 minutes). The sites are SimulatedWorkFossa servers in
this process, on 127.0.0.1 only; the daemon is a subprocess with its own WOSYNC_HOME in a
temporary folder, the password in $WOSYNC_PASSWORD and $WOSYNC_TEST_INTERVAL_SECONDS=0.1, so a
successful run repeats at once (the schedules rotate, most overdue first). A failed or partial
run is retried by the daemon after a minute or more; this script makes such a schedule due again
by setting its next_run in the store (the daemon notices within 2 s, as for any CLI change).

Between syncs, at random (seeded), one fault at a time is switched on or off on a site that is
not syncing (slow_ms, http_500_on_page, expire_session_after with expire_once, empty_glitch,
drop_rows), and orders are added, completed, edited or rescheduled. Every --kill-every syncs the
daemon is killed with SIGKILL while a sync runs and started again.

At the end (faults off, one clean sync of each account, schedules paused, SIGTERM) it checks:
PRAGMA integrity_check; every order each site lists is in the store and active (and nothing
else is active), with the same fields the site shows; every run has a final status, runs cut
by kill -9 are `interrupted`, runs under one fault have the status that fault implies, runs
without a fault are `success` (runs during which a site's faults or data changed are not
judged); the daemon's RSS growth per 100 syncs (VmRSS after 5 syncs of each daemon process and
just before its kill or stop); no browser process left. Prints a summary; exits 1 when a check
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
from support.processes import processes_with_home, rss_megabytes  # noqa: E402

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


def wait_until(predicate, seconds: float, step: float = 0.25):
    """Poll predicate until it returns something truthy or `seconds` pass; return its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


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
    parser.add_argument("--max-minutes", type=float, default=40.0, help="stop driving syncs after this long")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database)")
    args = parser.parse_args(argv)
    if not (1 <= args.accounts <= 20 and 1 <= args.syncs <= 5000 and args.kill_every >= 5):
        parser.error("--accounts 1..20, --syncs 1..5000, --kill-every >= 5")

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
    print(f"soak: {args.accounts} sites on 127.0.0.1, home {home}; target {args.syncs} syncs, "
          f"kill -9 every {args.kill_every}", flush=True)

    ro = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30, isolation_level=None)

    def runs() -> list[dict]:
        cursor = ro.execute("SELECT id, account, status, error_kind, error_message, started_at, completed_at AS finished_at, "
                            "pid FROM runs ORDER BY id")
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
    timed_out = False

    def start_daemon() -> Daemon:
        daemon = Daemon(env, folder / f"daemon-{len(daemons)}.log")
        daemon.started_syncs = len(runs())
        daemons.append(daemon)
        up = wait_until(lambda: ro.execute("SELECT pid FROM daemon WHERE id = 1").fetchone() == (daemon.pid,)
                        or daemon.process.poll() is not None, 60)
        if daemon.process.poll() is not None:
            raise SystemExit(f"the daemon exited at start ({daemon.process.returncode}): "
                             f"{daemon.log_path.read_text()[-2000:]}")
        if not up:
            raise SystemExit("the daemon did not record its start within 60 s")
        return daemon

    finished: set[int] = set()
    next_kill = args.kill_every
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
            if syncs >= args.syncs and not any(r["status"] == "running" for r in rows):
                break
            if syncs >= args.syncs:
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
                    killed_runs.extend(still)
                    left = wait_until(lambda: not [p for p in processes_of(home) if is_browser(p[1])], 15) or \
                        [p for p in processes_of(home) if is_browser(p[1])]
                    kill_leftovers.append(0 if left is True else len(left))
                    print(f"  [{time.monotonic() - t0:6.0f} s] {syncs} syncs: kill -9 {daemon.pid} during run "
                          f"{still}; browsers left after 15 s: {kill_leftovers[-1]}", flush=True)
                    daemon.close()
                    daemon = start_daemon()
                    next_kill += args.kill_every
                    kill_at = None
            if time.monotonic() - last_force > 2.0 and syncs < args.syncs:
                forced += force_due()
                last_force = time.monotonic()
            if daemon.process.poll() is not None:
                print(f"the daemon exited by itself ({daemon.process.returncode})", file=sys.stderr)
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
        daemon.process.send_signal(signal.SIGTERM)
        try:
            term_status = daemon.process.wait(15)
        except subprocess.TimeoutExpired:
            term_status = None
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
    other_interrupted = [r["id"] for r in all_runs if r["status"] == "interrupted" and r["id"] not in killed_runs]
    if other_interrupted:
        failures.append(f"runs `interrupted` that no kill cut: {other_interrupted}")
    judged, unjudged, wrong = Counter(), 0, []
    for run in all_runs:
        if run["id"] in killed_runs or not run["finished_at"]:
            continue
        site = by_account[run["account"]]
        start = from_iso(run["started_at"]) - timedelta(seconds=0.5)
        end = from_iso(run["finished_at"]) + timedelta(seconds=1.0)  # whole seconds in the store
        steady, fault = site.fault_over(start, end)
        if not steady or site.data_changed(start, end):
            unjudged += 1
            continue
        judged[(fault or "none", run["status"])] += 1
        if run["status"] not in EXPECTED[fault]:
            wrong.append(f"run {run['id']} ({run['account']}, fault {fault}): {run['status']} "
                         f"{run['error_kind']}: {(run['error_message'] or '')[:160]}")
    if wrong:
        failures.append(f"{len(wrong)} runs with a status their fault does not imply")

    growths = []
    for d in daemons:
        if len(d.rss) >= 2 and d.rss[-1][0] - d.rss[0][0] >= 10:
            (n0, m0), (n1, m1) = d.rss[0], d.rss[-1]
            growths.append((m1 - m0) / (n1 - n0) * 100)
    worst_growth = max(growths) if growths else None
    if worst_growth is None:
        failures.append("no daemon process ran 10 syncs past its warm-up: RSS growth not measured")
    elif worst_growth >= 20:
        failures.append(f"RSS grew {worst_growth:.1f} MB per 100 syncs (goal < 20)")

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
    print(f"  kills (kill -9):   {len(killed_runs)} runs cut in {len(daemons) - 1} kills; browsers left 15 s after "
          f"each: {kill_leftovers}")
    print(f"  runs by status:    {dict(sorted(by_status.items()))} (total {len(all_runs)}; "
          f"schedules made due early {forced} times)")
    print(f"  status vs fault:   judged {sum(judged.values())}: "
          + ", ".join(f"{f}->{s} {n}" for (f, s), n in sorted(judged.items()))
          + f"; not judged (fault or data changed during the run) {unjudged}")
    for line in wrong[:15]:
        print(f"    unexpected: {line}")
    print(f"  site changes:      {dict(sorted(changes.items()))}")
    print("  RSS per process:   " + "; ".join(
        f"pid {d.pid}: {d.rss[0][1]:.1f} -> {d.rss[-1][1]:.1f} MB over runs {d.rss[0][0]}..{d.rss[-1][0]}"
        for d in daemons if d.rss))
    print(f"  RSS growth:        " + (f"{max(growths):.1f} MB per 100 syncs at worst, "
                                      f"{sum(growths) / len(growths):.1f} on average (goal < 20)" if growths else "n/a"))
    print(f"  integrity_check:   {'ok' if integrity_ok else integrity[:3]}")
    print(f"  orders:            {missing} missing, {extra} extra active, {len(field_diffs)} fields differing "
          f"(sites list {sum(len(s.active_numbers()) for s in sites)} active orders)")
    print(f"  browsers left:     {len(browsers_left)} (other processes left: {len(left) - len(browsers_left)})")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("PASS" if not failures else f"{len(failures)} check(s) failed; logs in {folder}")
    for site in sites:
        site.sim.stop()
    if not failures and not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    elif args.keep:
        print(f"kept: {folder}")
    return 0 if not failures else (2 if timed_out else 1)


if __name__ == "__main__":
    sys.exit(main())
