"""The equipment step of a sync without a browser: which locations are due, the dispenser diff,
what is stored and recorded, the progress phase, and errors that never fail the run.

A fake reader stands in for the Equipment tab (wosync.workfossa.locations is tested against
the simulated site in test_equipment_sim.py); everything else is the real store on a file.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest

from wosync import equipment
from wosync.errors import Interrupted
from wosync.store import Account, Store
from wosync.workfossa.errors import LayoutNotRecognised, SiteHttpError, SiteUnreachable

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
USER = "tech@example.com"


def dispenser(position, model="NL3", serial=None, meter="Electronic", grades=("Regular", "Plus")):
    return {
        "position": position, "grades": list(grades), "make": "Gilbarco", "model": model,
        "serial": serial or f"SN{position.replace('/', '')}",
        "fields": {"Grade": ", ".join(grades), "Meter Type": meter},
    }


class Clock:
    def __init__(self, now=T0):
        self.now = now

    def __call__(self):
        return self.now


class Tracker:
    def __init__(self):
        self.updates = []

    def update(self, status, phase, percentage, message, found=None):
        self.updates.append((status, phase, percentage, message))


class FakeSite:
    """The equipment each location shows, and which locations were read."""

    def __init__(self, equipment):
        self.equipment = equipment
        self.reads = []
        self.fail = {}

    def __call__(self, site, location_id):
        assert site is self
        self.reads.append(location_id)
        if location_id in self.fail:
            raise self.fail[location_id]
        return copy.deepcopy(self.equipment.get(location_id, []))


def order(number, location_id, completed=False):
    return {"number": number, "location_id": location_id, "customer": f"Fuel {number}", "store_number": "#1",
            "completed": completed}


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "wosync.db") as s:
        s.ensure_account(USER, "http://127.0.0.1:1", T0)
        yield s


def save_orders(store, orders, now=T0):
    """Store orders (with the fields apply_sync needs) as one successful run; return the run."""
    from wosync.fields import SCRAPED_FIELDS

    run_id = store.start_run(USER, "manual", None, 1, now)
    scraped = [{**{k: None for k in SCRAPED_FIELDS}, **{k: v for k, v in o.items() if k != "completed"}}
               for o in orders]
    run = store.apply_sync(run_id, USER, scraped, [o["number"] for o in scraped], {}, {},
                           [o["number"] for o in orders if o["completed"]], now,
                           {"status": "success", "items_processed": len(scraped)}, None, {})
    return run


def step(store, site, clock, all_due=False):
    run = store.finish_run(store.start_run(USER, "manual", None, 1, clock()), clock(), status="success")
    tracker = Tracker()
    result = equipment.after_sync(store, site, Account(USER, "x"), run, clock, tracker, all_due, reader=site)
    return result, tracker


# --------------------------------------------------------------------------- pure


def test_dispenser_changes_report_added_removed_and_each_changed_field():
    stored = [dispenser("1/2"), dispenser("3/4", model="NL2"), dispenser("5/6")]
    read = [dispenser("1/2"), dispenser("3/4", model="NL3", meter="Mechanical"), dispenser("7/8", model=None)]
    assert equipment.dispenser_changes(40123, stored, read) == [
        ("L-40123", "dispenser_removed", {"5/6": ["Regular, Plus - Gilbarco NL3, S/N SN56", None]}),
        ("L-40123", "dispenser_updated", {"3/4 model": ["NL2", "NL3"], "3/4 Meter Type": ["Electronic", "Mechanical"]}),
        ("L-40123", "dispenser_added", {"7/8": [None, "Regular, Plus - Gilbarco, S/N SN78"]}),
    ]


def test_dispenser_changes_treat_blank_as_missing_and_pair_repeated_positions_in_order():
    stored = [dispenser("1/2", model=""), dispenser("1/2", serial="A")]
    read = [dispenser("1/2", model=None), dispenser("1/2", serial="B")]
    assert equipment.dispenser_changes(7, stored, read) == [
        ("L-7", "dispenser_updated", {"1/2 serial": ["A", "B"]}),
    ]
    assert equipment.dispenser_changes(7, read, read) == []


def test_location_keys_and_the_choice_of_due_locations():
    assert equipment.location_key(40123) == "L-40123"
    assert equipment.location_of_key("L-40123") == 40123
    assert equipment.location_of_key("W-40123") is None
    assert equipment.choose_due([3, 1, 2], all_due=False, limit=2) == [3, 1]
    assert equipment.choose_due([3, 1, 2], all_due=True, limit=2) == [3, 1, 2]
    assert equipment.choose_due([3, 1, 2], all_due=False, limit=0) == []
    assert [equipment.equipment_percentage(i, 4) for i in (1, 2, 3, 4)] == [90, 92, 94, 96]


def test_settings_come_from_the_environment_and_a_typo_falls_back(monkeypatch):
    assert (equipment.max_age(), equipment.per_run()) == (timedelta(days=7), 25)
    monkeypatch.setenv("WOSYNC_EQUIPMENT_MAX_AGE_DAYS", "0.5")
    monkeypatch.setenv("WOSYNC_EQUIPMENT_PER_RUN", "3")
    assert (equipment.max_age(), equipment.per_run()) == (timedelta(hours=12), 3)
    monkeypatch.setenv("WOSYNC_EQUIPMENT_MAX_AGE_DAYS", "a week")
    monkeypatch.setenv("WOSYNC_EQUIPMENT_PER_RUN", "-1")
    assert (equipment.max_age(), equipment.per_run()) == (timedelta(days=7), 25)


# --------------------------------------------------------------------------- the step


def test_due_locations_are_those_of_active_orders_never_or_long_ago_read(store, monkeypatch):
    monkeypatch.setenv("WOSYNC_EQUIPMENT_PER_RUN", "2")
    save_orders(store, [order("W-1", 30), order("W-2", 10), order("W-3", 10), order("W-4", 20),
                        order("W-5", 99, completed=True), order("W-6", None)])
    site = FakeSite({10: [dispenser("1/2")], 20: [], 30: [dispenser("1/2"), dispenser("3/4")]})
    clock = Clock()

    run, tracker = step(store, site, clock)
    assert site.reads == [10, 20], "at most WOSYNC_EQUIPMENT_PER_RUN, by location id among never-read ones"
    assert run["equipment_error"] is None
    assert [u[1:] for u in tracker.updates] == [("equipment", 90, "Reading equipment 1 of 2..."),
                                              ("equipment", 94, "Reading equipment 2 of 2...")]

    clock.now += timedelta(hours=1)
    step(store, site, clock)
    assert site.reads == [10, 20, 30], "the rest next run; completed orders' locations are never due"

    clock.now += timedelta(days=6)
    step(store, site, clock)
    assert site.reads == [10, 20, 30], "read within the week: not due"

    clock.now += timedelta(days=1, minutes=1)
    step(store, site, clock)
    assert site.reads == [10, 20, 30, 10, 20], "more than 7 days: due again, the longest unread first"
    step(store, site, clock, all_due=True)
    assert site.reads[-1:] == [30], "--equipment reads every due one"


def test_the_dispensers_are_stored_and_a_change_is_recorded_on_the_run(store):
    save_orders(store, [order("W-1", 10), order("W-2", 10), order("W-3", 20)])
    site = FakeSite({10: [dispenser("1/2"), dispenser("3/4", model="NL2")], 20: []})
    clock = Clock()
    first, _ = step(store, site, clock)
    assert store.list_changes(first["id"]) == [], "a first read has nothing to compare with"
    stored = store.list_dispensers(USER)
    assert [{k: v for k, v in d.items() if not k.endswith("_seen_at")} for d in stored[(USER, 10)]] == site.equipment[10]
    assert (USER, 20) not in stored and store.dispenser_counts(USER) == {(USER, 10): 2, (USER, 20): 0}

    site.equipment[10][1]["model"] = "NL3"
    site.equipment[10].append(dispenser("5/6"))
    site.equipment[20] = [dispenser("1/2")]
    clock.now += timedelta(days=8)
    second, _ = step(store, site, clock)
    changes = store.list_changes(second["id"])
    assert [(c["number"], c["kind"], c["fields"]) for c in changes] == [
        ("L-10", "dispenser_updated", {"3/4 model": ["NL2", "NL3"]}),
        ("L-10", "dispenser_added", {"5/6": [None, "Regular, Plus - Gilbarco NL3, S/N SN56"]}),
        ("L-20", "dispenser_added", {"1/2": [None, "Regular, Plus - Gilbarco NL3, S/N SN12"]}),
    ]
    assert changes[0]["customer"] == "Fuel W-1", "shown with an order at that location"
    after = store.load_dispensers(USER, 10)
    assert after[0]["first_seen_at"] == "2026-11-29T10:00:00Z" and after[0]["last_seen_at"] == "2026-12-07T10:00:00Z"
    assert after[2]["first_seen_at"] == "2026-12-07T10:00:00Z"


def test_a_location_error_is_recorded_on_the_run_and_the_next_location_still_read(store):
    save_orders(store, [order("W-1", 10), order("W-2", 20), order("W-3", 30)])
    site = FakeSite({20: [dispenser("1/2")]})
    site.fail[10] = LayoutNotRecognised('no "Equipment" tab on the location page', "text=Equipment")
    run, _ = step(store, site, Clock())
    assert run["status"] == "success"
    assert site.reads == [10, 20, 30]
    assert run["equipment_error"].startswith('location 10 (W-1): no "Equipment" tab on the location page;')
    assert "1 location not read this time" in run["equipment_error"]
    assert store.dispenser_counts(USER) == {(USER, 20): 1, (USER, 30): 0}
    assert store.equipment_due(USER, T0) == [10], "the failed one stays due"


def test_three_failures_in_a_row_or_a_site_wide_error_end_the_step(store):
    save_orders(store, [order(f"W-{i}", i) for i in range(1, 7)])
    site = FakeSite({})
    for i in (1, 2, 3):
        site.fail[i] = SiteHttpError("WorkFossa answered HTTP 500", 500)
    run, _ = step(store, site, Clock())
    assert site.reads == [1, 2, 3]
    assert "2 more locations failed too; stopped after 3 failed locations in a row" in run["equipment_error"]

    site = FakeSite({})
    site.fail[1] = SiteUnreachable("cannot reach WorkFossa")
    run, _ = step(store, site, Clock())
    assert site.reads == [1] and "cannot reach WorkFossa; stopped there; 6 locations not read" in run["equipment_error"]


def test_a_stop_request_or_a_bug_ends_the_step_without_failing_the_run(store):
    save_orders(store, [order("W-1", 1), order("W-2", 2)])
    site = FakeSite({})
    site.fail[2] = Interrupted("the WorkFossa scrape was cancelled")
    run, _ = step(store, site, Clock())
    assert run["status"] == "success"
    assert run["equipment_error"].startswith("interrupted after 1 of 2 locations;")

    site = FakeSite({})
    site.fail[2] = KeyError("position")
    run, _ = step(store, site, Clock())
    assert run["status"] == "success" and run["equipment_error"] == "unexpected KeyError: 'position'"


def test_the_digest_lists_dispenser_changes_under_their_own_headings(store):
    from wosync import notify

    save_orders(store, [order("W-1", 10)])
    site = FakeSite({10: [dispenser("1/2"), dispenser("3/4", model="NL2")]})
    clock = Clock()
    step(store, site, clock)
    site.equipment[10] = [dispenser("1/2", model="NL2"), dispenser("5/6")]
    clock.now += timedelta(days=8)
    run, _ = step(store, site, clock)
    message = notify.digest_message(run, store.list_changes(run["id"]))
    assert message.title == "wosync: 0 new, 0 updated, 0 completed, 3 dispenser changes"
    body = message.body.split("\n")
    start = body.index("Dispensers added:")
    assert body[start:start + 3] == ["Dispensers added:", "- L-10  Fuel W-1 #1, no next visit",
                                     "    5/6: Regular, Plus - Gilbarco NL3, S/N SN56"]
    assert "    1/2 model: NL3 -> NL2" in body and "Dispensers changed:" in body
    assert "Dispensers removed:" in body and "    3/4: Regular, Plus - Gilbarco NL2, S/N SN34" in body
