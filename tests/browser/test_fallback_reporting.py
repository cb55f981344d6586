"""What the parser's fallbacks tell the user, end to end: the simulated site on loopback, real
Chromium, real SQLite files, the real CLI.

What a user checks: a first sync (nothing stored to compare with) of a site whose rows lost
their items is a layout error naming items, with nothing stored, unless --allow-field-loss; a
later sync of such a site is the drift guard's, as before. A sync of the next-release site
(`python -m wosync.sim --markup next-release`, here started in-process) with --equipment stores
every order and every dispenser exactly; the run records the fields read by their text
fallback on most rows (`history --json`, `sync-now --json`: fallback_fields) and `history`
names them under its table; `doctor --site` prints one line per field found by its fallback,
with the selector that found nothing and the pattern that did.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from wosync.sim import SimulatedWorkFossa
from wosync.workfossa import site
from support.environment import DataFolder, sim_cli_env
from support.run import wosync

USER = "tech@example.com"
PASSWORD = "correct-horse-42"

pytestmark = pytest.mark.browser


@pytest.fixture
def home(data_folder: DataFolder) -> Path:
    return data_folder.home


def cli_env(home: Path, sim: SimulatedWorkFossa, **extra: str) -> dict[str, str]:
    """The environment of a `wosync` subprocess syncing the simulated site (automation style)."""
    return sim_cli_env(home, sim, USER, PASSWORD, COLUMNS="160", **extra)


# For the tests of the work list's items: the equipment step still runs in each sync, on one
# location instead of the default 25 (about half of these tests' time).
ONE_LOCATION_A_SYNC = {"WOSYNC_EQUIPMENT_PER_RUN": "1"}


def stored_count(home: Path) -> int:
    if not (home / "wosync.db").exists():
        return 0
    with sqlite3.connect(home / "wosync.db") as db:
        return db.execute("SELECT count(*) FROM work_orders").fetchone()[0]


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_first_sync_whose_rows_lost_their_items_is_a_layout_error_and_stores_nothing(home):
    with SimulatedWorkFossa(count=30, seed=8, username=USER, password=PASSWORD) as sim:
        sim.faults.drop_items = True
        env = cli_env(home, sim, **ONE_LOCATION_A_SYNC)
        first = wosync("sync-now", env=env)
        assert first.returncode == 1, first.stdout + first.stderr
        error = error_line(first.stderr)
        assert "'items'" in error and "every one of the 30 rows" in error
        assert stored_count(home) == 0, "a first sync that lost a field stores nothing"
        history = json.loads(wosync("history", "--json", env=env).stdout)
        assert (history[0]["status"], history[0]["error_kind"]) == ("failed", "layout")

        # Asked for: the rows are stored without their items.
        forced = wosync("sync-now", "--allow-field-loss", "--json", env=env)
        assert forced.returncode == 0, forced.stderr
        assert json.loads(forced.stdout)["items_processed"] == 30 and stored_count(home) == 30


def test_a_later_sync_whose_rows_lost_their_items_is_the_drift_guard_s(home):
    with SimulatedWorkFossa(count=30, seed=8, username=USER, password=PASSWORD) as sim:
        env = cli_env(home, sim, **ONE_LOCATION_A_SYNC)
        assert wosync("sync-now", "--quiet", env=env).returncode == 0
        sim.faults.drop_items = True
        again = wosync("sync-now", env=env)
        assert again.returncode == 1
        error = error_line(again.stderr)
        assert "items" in error and "--allow-field-loss" in error, "the drift guard's message, as before"
        orders = json.loads(wosync("orders", "--json", env=env).stdout)
        assert len(orders) == 30 and all(o["items"] for o in orders), "the stored items are kept"


def without_seen(locations: list[dict]) -> dict[int, list[dict]]:
    return {loc["location_id"]: [{k: v for k, v in d.items() if not k.endswith("_seen_at")} for d in loc["dispensers"]]
            for loc in locations}


# Two pages of the work list at "Show 100" and 61 locations: every row and every Equipment tab
# is read, as with the 250 orders (125 locations) this test used before, in half the time.
NEXT_RELEASE_ORDERS = 120


@pytest.mark.slow  # a sync of 120 orders and every location's Equipment tab
def test_a_sync_of_the_next_release_stores_every_dispenser_and_names_the_fallbacks(home):
    with SimulatedWorkFossa(count=NEXT_RELEASE_ORDERS, seed=12, username=USER, password=PASSWORD,
                            markup="next-release") as sim:
        env = cli_env(home, sim)
        result = wosync("sync-now", "--equipment", "--json", env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        run = json.loads(result.stdout)
        assert run["status"] == "success" and run["items_processed"] == NEXT_RELEASE_ORDERS
        assert run["equipment_error"] is None

        orders = {o["number"]: o for o in json.loads(wosync("orders", "--json", env=env).stdout)}
        for expected in sim.expected_orders():
            assert {k: orders[expected["number"]][k] for k in expected} == expected
        listed = json.loads(wosync("dispensers", "--json", env=env).stdout)
        ids = sim.location_ids()
        assert without_seen(listed) == {i: sim.expected_dispensers(i) for i in ids}

        # The renamed utilities: item groups and labels by their text on every row, the
        # dispensers' blocks by their title lines.
        fallback = run["fallback_fields"]
        assert fallback["items"] == NEXT_RELEASE_ORDERS and fallback["reason"] == NEXT_RELEASE_ORDERS
        assert fallback["dispenser.block"] == sum(len(sim.expected_dispensers(i)) for i in ids)
        assert "number" not in fallback and "city" not in fallback
        history = json.loads(wosync("history", "--json", env=env).stdout)
        assert history[0]["fallback_fields"] == fallback
        table = wosync("history", env=dict(env, WOSYNC_FORCE_TERMINAL="1")).stdout
        line = next(line for line in table.splitlines() if "by their fallback" in line)
        assert line.startswith(f"run {run['id']} read {len(fallback)} fields by their fallback: ")
        assert "items" in line and "dispenser.block" in line

        doctor = wosync("doctor", "--site", "--json", env=env)
        checks = {c["name"]: c for c in json.loads(doctor.stdout)}
        items = checks["found by fallback: items"]
        assert items["status"] == "warning"
        assert site.ITEM_GROUP in items["detail"] and site.ITEM_LINE_FALLBACK_PATTERN in items["detail"]
        assert "100 of 100 rows" in items["detail"]
        assert "found by fallback: reason" in checks and "found by fallback: number" not in checks
        assert all(c["status"] == "ok" for name, c in checks.items() if not name.startswith("found by fallback"))


def test_the_classic_site_records_no_fallback_and_doctor_prints_none(home):
    with SimulatedWorkFossa(count=30, seed=8, username=USER, password=PASSWORD) as sim:
        env = cli_env(home, sim)
        run = json.loads(wosync("sync-now", "--json", env=env).stdout)
        assert run["status"] == "success" and run["fallback_fields"] == {}
        table = wosync("history", env=dict(env, WOSYNC_FORCE_TERMINAL="1")).stdout
        assert "by their fallback" not in table
        checks = json.loads(wosync("doctor", "--site", "--json", env=env).stdout)
        assert not [c for c in checks if c["name"].startswith("found by fallback")]
