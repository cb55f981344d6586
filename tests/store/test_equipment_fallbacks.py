"""The equipment step's deleted locations and the dispenser fields read by their fallback,
without a browser: a fake reader stands in for the Equipment tab (as in test_equipment.py).

What a user checks: a location the site says was deleted is skipped and named on the run, and
never counts toward the three failed locations in a row that end the step; the dispenser fields
the parser read by their text fallback on most dispensers are added to the run's
fallback_fields as "dispenser.<field>", next to the row fields the sync recorded.
"""

from __future__ import annotations

from wosync import equipment
from wosync.store import Account
from wosync.workfossa.errors import LocationNotFound, SiteHttpError

from store.test_equipment import USER, Clock, FakeSite, Tracker, dispenser, order, save_orders, step, store  # noqa: F401

DELETED = "Could not find this location. It may have been deleted."


def test_deleted_locations_are_skipped_recorded_and_never_end_the_step(store):
    save_orders(store, [order(f"W-{i}", i) for i in range(1, 8)])
    site = FakeSite({7: [dispenser("1/2")]})
    # Two failed pages, then three deleted locations, then a third failed page: without the
    # deleted ones counting, the failures are never three in a row before location 7.
    site.fail[1] = SiteHttpError("WorkFossa answered HTTP 500", 500)
    site.fail[2] = SiteHttpError("WorkFossa answered HTTP 500", 500)
    for i in (3, 4, 5):
        site.fail[i] = LocationNotFound(DELETED, i)
    run, _ = step(store, site, Clock())
    assert site.reads == [1, 2, 3, 4, 5, 6, 7], "deleted locations never count toward three in a row"
    assert [d["serial"] for d in store.load_dispensers(USER, 7)] == ["SN12"]
    assert "4 more locations failed too" in run["equipment_error"]
    assert "stopped" not in run["equipment_error"]

    site = FakeSite({})
    for i in range(1, 8):
        site.fail[i] = LocationNotFound(DELETED, i)
    run, _ = step(store, site, Clock())
    assert site.reads == [1, 2, 3, 4, 5], "every due location tried: all deleted is no site failure"
    assert DELETED in run["equipment_error"] and "stopped" not in run["equipment_error"]


class CountingSite(FakeSite):
    """A source whose read_equipment counts the fields read by fallback, as the browser's does."""

    def read_equipment(self, location_id, strategies=None):
        dispensers = self(self, location_id)
        for _ in dispensers:
            strategies.add_row({"block", "serial"} if location_id != 2 else {"block"})
        return dispensers


def test_dispenser_fields_read_by_fallback_on_most_dispensers_join_the_run_s(store):
    save_orders(store, [order(f"W-{i}", i) for i in (1, 2, 3)])
    site = CountingSite({1: [dispenser("1/2"), dispenser("3/4")], 2: [dispenser("1/2")] * 3, 3: [dispenser("1/2")]})
    run = store.finish_run(store.start_run(USER, "manual", None, 1, Clock()()), Clock()(), status="success",
                           fallback_fields='{"items": 40}')
    result = equipment.after_sync(store, site, Account(USER, "x"), run, Clock(), Tracker(), False)
    # block on 6 of 6 dispensers, serial on 3 of 6 (not more than half): only block is recorded.
    assert result["fallback_fields"] == {"items": 40, "dispenser.block": 6}
    assert store.get_run(run["id"])["fallback_fields"] == {"items": 40, "dispenser.block": 6}
