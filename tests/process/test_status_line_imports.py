"""What `wosync status --line` loads: a status bar starts it every few seconds, so in the
ordinary case (a database with orders, a schedule, a finished run, a live daemon) it reads with
sqlite3 and a few light wosync modules, and loads no third-party library and none of wosync's
heavy modules (the store, the model, the scheduling rules); `wosync status` reads the same way
and draws with its own view only. A behaviour test: what is imported, never how long it takes.

Each case runs the line in a fresh interpreter and lists the modules it added to sys.modules
(those Python itself loaded before wosync's entry point are left out).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from wosync import config, progress
from wosync.locks import FileLock, account_lock_path
from wosync.store import Store
from support.cli_helpers import daemon_alive
from support.run import run_python
from support.stored_orders import ACCOUNT, make_order, store_sync

UTC = timezone.utc
# The store and what comes with it, and the libraries only other commands need.
HEAVY_WOSYNC = ("wosync.store", "wosync.model", "wosync.schedule_rules", "wosync.schedules", "wosync.cli.common",
                "wosync.cli.root", "wosync.render")
# What the line's own modules take care not to load (each costs a status bar more than its reads).
HEAVY_STDLIB = ("typing", "pathlib", "dataclasses", "inspect", "json", "zoneinfo")

_SCRIPT = """
import json, sys, sysconfig
before = set(sys.modules)
sys.argv = ["wosync", "status", "--line"] + sys.argv[1:]
from wosync.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
stdlib = sysconfig.get_paths()["stdlib"]
added = {}
for name in set(sys.modules) - before:
    origin = getattr(sys.modules[name], "__file__", None) or ""
    added[name] = "stdlib" if origin.startswith(stdlib) or not origin else origin
sys.stderr.write("MODULES " + json.dumps({"code": code, "added": added}) + "\\n")
"""


def line_modules(env: dict[str, str], *options: str) -> tuple[str, dict[str, str]]:
    """Run `wosync status --line [options]` in a fresh Python; return its output and the
    modules it loaded ({name: "stdlib" or the file it came from})."""
    completed = run_python(["-c", _SCRIPT, *options], env=env, timeout=60)
    assert "MODULES " in completed.stderr, completed.stderr[-2000:]
    report = json.loads(completed.stderr.rsplit("MODULES ", 1)[1])
    assert report["code"] in (0, None), completed.stderr[-2000:]
    return completed.stdout, report["added"]


def third_party(added: dict[str, str]) -> list[str]:
    """Return the loaded modules that are neither the standard library's nor wosync's."""
    return sorted(name for name, origin in added.items() if origin != "stdlib" and name.split(".")[0] != "wosync")


def among(added: dict[str, str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in added if any(m == n or m.startswith(n + ".") for n in names))


@pytest.fixture
def ordinary(wosync_home):
    """A technician's data folder: orders from a sync, one schedule, a failed run, a live daemon."""
    now = datetime.now(UTC)
    with Store() as store:
        store_sync(store, [make_order(n) for n in range(20)], now - timedelta(hours=2))
        store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, now + timedelta(hours=1), now)
        run_id = store.start_run(ACCOUNT, "scheduled", 1, 1, now - timedelta(minutes=30))
        store.finish_run(run_id, now - timedelta(minutes=29), status="failed", error_kind="unreachable",
                         error_message="the site did not answer")
    daemon_alive(now)
    return now


@pytest.mark.parametrize("fmt", ["text", "waybar"])
def test_the_ordinary_line_loads_no_third_party_and_no_heavy_module(data_folder, ordinary, fmt):
    out, added = line_modules(data_folder.env, "--format", fmt)
    assert out.startswith("✗ sync failed" if fmt == "text" else '{"text": "✗ sync failed'), out
    assert "wosync.status_read" in added and "sqlite3" in added  # the log is real
    assert third_party(added) == []
    assert among(added, HEAVY_WOSYNC) == []
    heavy = HEAVY_STDLIB if fmt == "text" else tuple(n for n in HEAVY_STDLIB if n != "json")  # waybar is JSON
    assert among(added, heavy) == []


def test_a_live_sync_is_checked_without_the_store(data_folder, ordinary):
    # A running run: its process and lock are looked at (wosync.recovery), nothing is written.
    lock = FileLock(account_lock_path(config.locks_dir(), ACCOUNT))
    lock.acquire(ordinary)
    with Store() as store:
        run_id = store.start_run(ACCOUNT, "scheduled", 1, os.getpid(), ordinary)
        store.set_progress(ACCOUNT, progress.record("in_progress", "scraping", 45, "Scraping work orders page 2 of 3...",
                                                    90, run_id, ordinary, ordinary, pid=os.getpid()))
    try:
        out, added = line_modules(data_folder.env)
    finally:
        lock.release()
    assert out == "● wosync 45% scraping page 2 of 3\n"
    assert third_party(added) == []
    assert among(added, HEAVY_WOSYNC) == []


def test_a_dead_sync_is_recovered_through_the_store(data_folder, ordinary):
    # A running run whose process is gone must be marked interrupted (a write): then, and only
    # then, the store is opened, as before.
    with Store() as store:
        run_id = store.start_run(ACCOUNT, "scheduled", 1, 2 ** 22 + 12345, ordinary)  # no such process
    out, added = line_modules(data_folder.env)
    assert "wosync.store" in added
    with Store() as store:
        assert store.get_run(run_id)["status"] == "interrupted"
    assert out.startswith("✗ sync interrupted "), out


def test_status_loads_neither_the_store_nor_other_views(data_folder, ordinary):
    # `wosync status` (the Typer app) reads through the same reader and draws with render.status alone.
    script = _SCRIPT.replace('["wosync", "status", "--line"]', '["wosync", "status"]')
    completed = run_python(["-c", script], env=data_folder.env, timeout=60)
    report = json.loads(completed.stderr.rsplit("MODULES ", 1)[1])
    assert report["code"] in (0, None) and "Daemon:" in completed.stdout, completed.stderr[-2000:]
    added = report["added"]
    assert "typer" in added and "wosync.render.status" in added  # the log is real
    assert among(added, ("wosync.store", "wosync.model", "wosync.schedule_rules", "sqlite_utils", "rich")) == []
    assert sorted(m for m in added if m.startswith("wosync.render.")) == [
        "wosync.render.status", "wosync.render.style", "wosync.render.table"]


def test_the_wosync_command_itself_loads_no_regular_expressions(data_folder, ordinary):
    # The launcher pip installs (bin/wosync) and the line's own path import no `re` (pip's
    # generated entry-point wrapper did: about 6 ms of CPU on every poll of a status bar).
    # -S leaves out site, whose editable-install hook loads `re` for the floor as well.
    from support.run import REPO

    env = dict(data_folder.env, PYTHONPATH=str(REPO))
    completed = run_python(["-S", "-X", "importtime", str(REPO / "bin" / "wosync"), "status", "--line"],
                           env=env, timeout=60)
    assert completed.stdout.startswith("✗ sync failed"), completed.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[1].strip() for line in completed.stderr.splitlines() if line.startswith("import time:")}
    assert "wosync.status_read" in loaded  # the log is real
    assert "re" not in loaded and "enum" not in loaded, completed.stderr
