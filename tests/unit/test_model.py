"""The typed contracts of wosync/model.py: run statuses and triggers are the strings the store
keeps (read back from a real store after syncs of fake sources), and a source is a Source
whether or not it can read equipment; sync reads equipment only through one that can.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

import pytest

from wosync import equipment, sync
from wosync.errors import Interrupted, WosyncError
from wosync.model import (
    FINISHED_STATUSES, EquipmentSource, RunStatus, ScrapeResult, Source, Trigger, as_result, as_source,
)
from wosync.secret import Secret
from wosync.store import Store
from wosync.sync import SyncOptions, run_sync

USER = "tech@example.com"


def clock() -> datetime:
    return datetime.now(timezone.utc)


def order(number: str, location_id: int | None = None) -> dict:
    from wosync.fields import SCRAPED_FIELDS

    return {**{k: None for k in SCRAPED_FIELDS}, "number": number, "customer": "Fuel", "location_id": location_id}


class OrdersOnly:
    """A Source with no read_equipment: reads `count` orders, or raises `error`; while reading,
    it notes the status of its own run row (the `running` one)."""

    def __init__(self, store: Store, count: int = 3, matches: int | None = None, error: Exception | None = None):
        self.store, self.count, self.error = store, count, error
        self.matches = count if matches is None else matches
        self.status_while_running: str | None = None

    def read_orders(self, account, password, on_page, cancel) -> ScrapeResult:
        self.status_while_running = self.store.list_runs(limit=1)[0]["status"]
        if self.error is not None:
            raise self.error
        orders = [order(f"W-{n}", location_id=100 + n) for n in range(self.count)]
        completeness = "count" if self.matches == self.count else None
        return ScrapeResult(orders=orders, matches=self.matches, rows_read=self.count, completeness=completeness)


class WithEquipment(OrdersOnly):
    """The same source, able to read each location's dispensers too."""

    def __init__(self, store: Store):
        super().__init__(store)
        self.equipment_reads: list[int] = []

    def read_equipment(self, location_id: int) -> list[dict]:
        self.equipment_reads.append(location_id)
        return [{"position": "1/2", "grades": ["Regular"], "make": "Gilbarco", "model": "NL3",
                 "serial": f"SN{location_id}", "fields": {}}]


@pytest.fixture
def store(wosync_home):
    with Store() as opened:
        opened.ensure_account(USER, "http://127.0.0.1:9", clock())
        yield opened


def sync_once(store: Store, source, trigger: Trigger | str = Trigger.MANUAL) -> dict:
    account = store.ensure_account(USER, "http://127.0.0.1:9", clock())
    return run_sync(store, account, clock, SyncOptions(trigger=trigger, notify=False), source=source,
                    password=lambda: Secret("unused"))


def test_the_enum_values_are_the_stored_strings():
    # The database and every JSON output hold these strings: a changed value would orphan them.
    assert [s.value for s in RunStatus] == ["running", "success", "partial", "failed", "interrupted"]
    assert [t.value for t in Trigger] == ["scheduled", "manual", "retry"]
    assert FINISHED_STATUSES == ("success", "partial", "failed", "interrupted")
    assert json.dumps({"status": RunStatus.PARTIAL, "trigger": Trigger.RETRY}) == '{"status": "partial", "trigger": "retry"}'
    assert f"{RunStatus.FAILED}" == "failed" and str(Trigger.SCHEDULED) == "scheduled"


@pytest.mark.parametrize("make, stored, expected", [
    (lambda s: OrdersOnly(s), "success", RunStatus.SUCCESS),
    (lambda s: OrdersOnly(s, count=3, matches=5), "partial", RunStatus.PARTIAL),
    (lambda s: OrdersOnly(s, error=WosyncError("the site said no")), "failed", RunStatus.FAILED),
    (lambda s: OrdersOnly(s, error=Interrupted("stop")), "interrupted", RunStatus.INTERRUPTED),
])
def test_each_run_status_is_stored_and_read_back_as_its_string(store, make, stored, expected):
    source = make(store)
    run = sync_once(store, source)
    row = store.get_run(run["id"])
    assert type(row["status"]) is str and row["status"] == stored
    assert RunStatus(row["status"]) is expected
    # The `running` row, read while the sync still runs, holds the same string.
    assert source.status_while_running == "running" and RunStatus(source.status_while_running) is RunStatus.RUNNING


@pytest.mark.parametrize("given, stored", [
    (Trigger.MANUAL, "manual"), (Trigger.SCHEDULED, "scheduled"), (Trigger.RETRY, "retry"), ("retry", "retry"),
])
def test_each_trigger_is_stored_and_read_back_as_its_string(store, given, stored):
    run = sync_once(store, OrdersOnly(store), trigger=given)  # a plain string is taken too
    row = store.get_run(run["id"])
    assert type(row["trigger_type"]) is str and row["trigger_type"] == stored
    assert Trigger(row["trigger_type"]) == given


def test_a_misspelt_trigger_is_refused():
    with pytest.raises(ValueError):
        SyncOptions(trigger="hourly")


def test_a_source_without_read_equipment_is_a_source_and_sync_skips_equipment(store, monkeypatch):
    called = []
    monkeypatch.setattr(equipment, "after_sync", lambda *args, **kwargs: called.append(args))
    source = OrdersOnly(store)
    assert isinstance(source, Source) and not isinstance(source, EquipmentSource)
    run = sync_once(store, source)
    assert run["status"] == RunStatus.SUCCESS and run["equipment_error"] is None
    assert called == []
    assert store.get_progress(USER)[0]["phase"] == "completed"


def test_an_equipment_source_has_its_due_locations_read_through_read_equipment(store):
    source = WithEquipment(store)
    assert isinstance(source, EquipmentSource)
    run = sync_once(store, source)
    assert run["status"] == RunStatus.SUCCESS
    assert sorted(source.equipment_reads) == [100, 101, 102]
    assert store.dispenser_counts(USER) == {(USER, 100): 1, (USER, 101): 1, (USER, 102): 1}


def test_a_failed_run_reads_no_equipment(store):
    source = WithEquipment(store)
    source.error = WosyncError("the site said no")
    run = sync_once(store, source)
    assert run["status"] == RunStatus.FAILED and source.equipment_reads == []


def test_a_plain_function_is_still_a_source_and_its_outcome_is_judged_by_the_count(store):
    class Outcome:
        def __init__(self, orders, matches):
            self.orders, self.matches, self.rows_read = orders, matches, len(orders)

    def read(account, password, on_page, cancel):
        return Outcome([order("W-1"), order("W-2")], 2)

    assert isinstance(as_source(read), Source)
    run = sync_once(store, read)
    assert run["status"] == RunStatus.SUCCESS and run["completeness"] == "count"
    short = as_result(Outcome([order("W-1")], 2))
    assert short.completeness is None and short.matches == 2 and short.orders == [order("W-1")]


def test_the_real_source_can_read_equipment_and_is_closed_by_the_sync():
    source = sync.WorkFossaSource()
    assert isinstance(source, EquipmentSource)
    source.close()  # nothing open yet: safe


def test_a_cancel_after_the_read_records_interrupted(store):
    cancel = threading.Event()

    class Cancelling(OrdersOnly):
        def read_orders(self, account, password, on_page, cancel_event):
            cancel.set()
            return super().read_orders(account, password, on_page, cancel_event)

    account = store.ensure_account(USER, "http://127.0.0.1:9", clock())
    run = run_sync(store, account, clock, SyncOptions(notify=False), source=Cancelling(store), cancel=cancel)
    assert run["status"] == RunStatus.INTERRUPTED == "interrupted"
