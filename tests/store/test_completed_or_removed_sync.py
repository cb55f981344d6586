"""Completed or removed through the real run_sync and store, with a stand-in source that can read
the completed list (no browser): what is archived how, the change rows and run counts, the
mass-removal guard counting both (and never asking the site), and an unreadable list that keeps
the orders active with the run partial."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from wosync.store import Store
from wosync.sync import SyncOptions, run_sync, summary_line
from wosync.vanished import UNREADABLE
from wosync.workfossa.completed_list import CompletedListRead
from wosync.workfossa.completion import RowCompletion
from wosync.workfossa.errors import SiteHttpError
from support.stored_orders import ACCOUNT, make_order

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=timezone.utc)


@dataclass
class _Read:
    orders: list = field(default_factory=list)
    matches: int | None = None
    rows_read: int = 0
    completeness: str | None = "count"


class _Site:
    """Reads `orders` as the active list; the completed list shows `done` ({number: date})."""

    def __init__(self, orders, done=None, fails=False):
        self.orders, self.done, self.fails, self.asked = orders, done or {}, fails, []

    def read_orders(self, account, password, on_page, cancel):
        return _Read(orders=self.orders, matches=len(self.orders), rows_read=len(self.orders))

    def find_completed(self, numbers, on_page):
        self.asked.append(sorted(numbers))
        if self.fails:
            raise SiteHttpError("WorkFossa answered HTTP 500 to the completed list", 500)
        found = {n: RowCompletion(True, d) for n, d in self.done.items() if n in numbers}
        return CompletedListRead(found=found, complete=True, rows_read=len(self.done))


def sync(store: Store, site: _Site, now: datetime, **options) -> dict:
    account = store.ensure_account(ACCOUNT, "http://127.0.0.1:9", now)
    return run_sync(store, account, lambda: now, SyncOptions(notify=False, **options), source=site,
                    password=lambda: "secret")


@pytest.fixture
def store(wosync_home):
    with Store() as opened:
        yield opened


def test_completed_and_removed_are_archived_apart(store):
    orders = [make_order(n) for n in range(10)]
    assert sync(store, _Site(orders), T0)["added"] == 10
    done, moved = orders[2]["number"], orders[5]["number"]
    site = _Site([o for o in orders if o["number"] not in (done, moved)], done={done: "2026-11-28"})
    run = sync(store, site, T0 + timedelta(hours=1))
    assert site.asked == [sorted([done, moved])]
    assert (run["status"], run["removed"], run["removed_orders"]) == ("success", 1, 1)
    assert summary_line(run).startswith("8 work orders: 0 new, 0 updated, 1 completed, 1 removed")
    kinds = {c["number"]: (c["kind"], c["fields"]) for c in store.list_changes(run["id"])}
    assert kinds == {done: ("completed", {"completed_on": [None, "2026-11-28"]}), moved: ("removed", {})}
    everything = {o["number"]: o for o in store.list_orders(include_completed=True)}
    assert (everything[done]["archived_as"], everything[done]["completed_on"]) == ("completed", "2026-11-28")
    assert (everything[moved]["archived_as"], everything[moved]["completed_on"]) == ("removed", None)
    assert everything[moved]["completed_at"] and len(everything) == 10

    back = sync(store, _Site(orders), T0 + timedelta(hours=2))  # both listed again: reopened, active
    assert back["reopened"] == 2
    again = {o["number"]: o for o in store.list_orders()}
    assert (again[moved]["archived_as"], again[moved]["completed_on"], again[moved]["completed_at"]) == (None, None, None)


def test_the_mass_removal_guard_counts_both_and_asks_nothing(store):
    orders = [make_order(n) for n in range(10)]
    sync(store, _Site(orders), T0)
    site = _Site(orders[:4], done={o["number"]: "2026-11-28" for o in orders[4:7]})
    run = sync(store, site, T0 + timedelta(hours=1))
    assert (run["status"], run["error_kind"], run["removed"], run["removed_orders"]) == (
        "partial", "mass_removal_guard", 0, 0)
    assert site.asked == [] and len(store.list_orders()) == 10


def test_an_unreadable_completed_list_keeps_them_active(store):
    orders = [make_order(n) for n in range(10)]
    sync(store, _Site(orders), T0)
    run = sync(store, _Site(orders[1:], fails=True), T0 + timedelta(hours=1))
    assert (run["status"], run["error_kind"], run["removed"], run["removed_orders"]) == ("partial", UNREADABLE, 0, 0)
    assert "HTTP 500 to the completed list" in run["error_message"]
    assert "1 work order that left the active list stays active" in run["error_message"]
    assert len(store.list_orders()) == 10 and store.list_changes(run["id"]) == []
