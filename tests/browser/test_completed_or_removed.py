"""Completed or removed, end to end: the simulated site (both pager versions), real Chromium, the
real CLI and SQLite file.

What a user checks: an order completed on the site is archived as `completed` (with the date the
completed list shows), one reassigned to another technician as `removed`; `changes` and the
digest name them apart; `orders --all --json` keeps both; a completed list that fails to load
leaves them active, the run `partial` (exit 5) saying why, and the next sync settles them; the
completed list is read only as far as the orders looked for.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from wosync.notify_messages import digest_message, rules_digest
from wosync.notify_digests import classify_run
from wosync.clock import system_clock
from wosync.sim import SimulatedWorkFossa
from wosync.sim.server import SIM_TODAY
from wosync.store import Store
from support.environment import DataFolder
from support.run import wosync

USERNAME = "tech@example.com"
PASSWORD = "correct-horse-42"

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # two or three whole syncs each


@pytest.fixture(params=["length-aware", "simple"])
def sim(request):
    # 120 active orders and 12 completed: the `all` list is two pages at "Show 100".
    with SimulatedWorkFossa(count=120, seed=7, username=USERNAME, password=PASSWORD,
                            pager=request.param) as site:
        yield site


def run(home: Path, sim: SimulatedWorkFossa, *args: str) -> subprocess.CompletedProcess:
    """Run `wosync ARGS` as a user would, the account given by the environment."""
    env = dict(DataFolder(home.parent, home=home).env, WOSYNC_BASE_URL=sim.base_url,
               WOSYNC_USERNAME=USERNAME, WOSYNC_PASSWORD=PASSWORD, COLUMNS="120",
               # The equipment step still runs in every sync, on one location instead of the
               # default 25 (14 s a sync on a busy machine): these tests check the work lists.
               WOSYNC_EQUIPMENT_PER_RUN="1")
    return wosync(*args, env=env, timeout=180)


def sync(home: Path, sim: SimulatedWorkFossa, expect: int = 0) -> dict:
    result = run(home, sim, "sync-now", "--json")
    assert result.returncode == expect, result.stderr
    return json.loads(result.stdout)


def two_orders_with_visits(sim: SimulatedWorkFossa) -> tuple[str, str]:
    with_visit = [o["number"] for o in sim.expected_orders() if o["next_visit_date"]]
    return with_visit[3], with_visit[-2]


def archived(home: Path, sim: SimulatedWorkFossa) -> dict[str, dict]:
    result = run(home, sim, "orders", "--all", "--json")
    assert result.returncode == 0, result.stderr
    return {o["number"]: o for o in json.loads(result.stdout)}


def test_a_completed_order_is_completed_and_a_reassigned_one_removed(tmp_path, sim):
    home = tmp_path / "home"
    assert sync(home, sim)["added"] == 120
    done, moved = two_orders_with_visits(sim)
    sim.complete(done)
    sim.reassign(moved)

    record = sync(home, sim)
    assert (record["status"], record["removed"], record["error_kind"]) == ("success", 1, None)
    changes = json.loads(run(home, sim, "changes", "--run", str(record["id"]), "--json").stdout)
    kinds = {c["number"]: c for c in changes}
    assert set(kinds) == {done, moved}
    assert kinds[done]["kind"] == "completed" and kinds[done]["schedule_kind"] == "visit_removed"
    assert kinds[done]["fields"] == {"completed_on": [None, SIM_TODAY.isoformat()]}
    assert kinds[moved]["kind"] == "removed" and kinds[moved]["schedule_kind"] == "visit_removed"

    orders = archived(home, sim)
    assert (orders[done]["archived_as"], orders[done]["completed_on"]) == ("completed", SIM_TODAY.isoformat())
    assert (orders[moved]["archived_as"], orders[moved]["completed_on"]) == ("removed", None)
    assert orders[done]["completed_at"] and orders[moved]["completed_at"]
    active = json.loads(run(home, sim, "orders", "--json").stdout)
    assert not {done, moved} & {o["number"] for o in active}

    with Store(home / "wosync.db") as store:
        run_record = store.get_run(record["id"])
        assert run_record["removed_orders"] == 1
        message = digest_message(run_record, store.list_changes(record["id"]))
        items = classify_run(store, run_record, system_clock())
    assert message.title.endswith("1 completed, 1 removed")
    assert f"Completed:\n- {done}" in message.body
    assert f"Removed (reassigned or cancelled):\n- {moved}" in message.body
    by_kind = rules_digest("visit_removed", items, "", None, "text")
    assert "(completed)" in by_kind.body and "(removed: reassigned or cancelled)" in by_kind.body

    card = run(home, sim, "history", "show", str(record["id"]))
    assert "-1 1 removed" in card.stdout, card.stdout  # one completed, one removed


def test_an_unreadable_completed_list_leaves_them_active_and_says_why(tmp_path, sim):
    home = tmp_path / "home"
    sync(home, sim)
    done, moved = two_orders_with_visits(sim)
    sim.complete(done)
    sim.reassign(moved)
    sim.faults.completed_list_fails = True

    record = sync(home, sim, expect=5)
    assert (record["status"], record["error_kind"], record["removed"]) == ("partial", "completed_list_unreadable", 0)
    assert "completed work list could not be read" in record["error_message"]
    assert "2 work orders that left the active list stay active" in record["error_message"]
    orders = archived(home, sim)
    assert orders[done]["completed_at"] is None and orders[moved]["completed_at"] is None
    assert orders[done]["archived_as"] is None
    assert json.loads(run(home, sim, "changes", "--run", str(record["id"]), "--json").stdout) == []

    sim.faults.completed_list_fails = False
    settled = sync(home, sim)
    assert (settled["status"], settled["removed"]) == ("success", 1)
    orders = archived(home, sim)
    assert (orders[done]["archived_as"], orders[moved]["archived_as"]) == ("completed", "removed")


def test_the_completed_list_is_read_only_as_far_as_needed(tmp_path, sim):
    home = tmp_path / "home"
    sync(home, sim)
    before = sim.list_requests
    sync(home, sim)
    plain = sim.list_requests - before  # a sync where nothing left the list
    first = sorted((o["number"] for o in sim.expected_orders()), key=lambda n: int(n[2:]))[0]
    sim.complete(first)  # on the first page of the `all` list (ordered by number)

    before = sim.list_requests
    record = sync(home, sim)
    assert (record["status"], record["removed"]) == ("success", 1)
    # The `all` list opened and shown at "Show 100": its second page is never asked for.
    assert sim.list_requests - before == plain + 2
