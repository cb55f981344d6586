"""`wosync dispensers`, the Dispensers column of `wosync orders`, the dispensers under `orders
show`, and dispenser changes in `wosync changes`: the real CLI on a real store file.

The store is filled through its own methods (apply_sync, save_equipment), as a sync fills it.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest

from wosync import equipment
from wosync.fields import SCRAPED_FIELDS
from wosync.store import Store

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
USER = "tech@example.com"

NL3 = {"position": "1/2", "grades": ["Regular", "Plus", "Diesel"], "make": "Gilbarco", "model": "NL3",
       "serial": "SN60372", "fields": {"Grade": "Regular, Plus, Diesel", "Stand Alone Code": "0128",
                                       "Number of Nozzles (per side)": "3", "Meter Type": "Electronic"}}
NO_MODEL = {"position": "3/4", "grades": ["Regular"], "make": "Wayne", "model": None, "serial": "SN51254",
            "fields": {"Grade": "Regular", "Stand Alone Code": "0128", "Number of Nozzles (per side)": "2",
                       "Meter Type": "Mechanical"}}


def scraped(number, location_id, customer="Wawa", store_number="#5154"):
    order = {k: None for k in SCRAPED_FIELDS}
    order.update(number=number, location_id=location_id, customer=customer, store_number=store_number,
                 street="100 Main St", city="Tampa", state="FL", next_visit_date="2026-12-01")
    return order


@pytest.fixture
def filled(wosync_home):
    """A store with 3 active orders at 2 locations (one read: 2 dispensers; one never read) and
    a completed order at a third location read with none; return the run that read them."""
    with Store() as store:
        store.ensure_account(USER, "http://127.0.0.1:1", T0)
        run_id = store.start_run(USER, "manual", None, 1, T0)
        orders = [scraped("W-100", 32951), scraped("W-101", 32951), scraped("W-102", 40000, "7-Eleven", "#30001"),
                  scraped("W-103", 50000, "Circle K", "#2700001")]
        store.apply_sync(run_id, USER, orders, [o["number"] for o in orders], {}, {}, ["W-103"], T0,
                         {"status": "success", "items_processed": 4}, None, {})
        store.save_equipment(run_id, USER, 32951, [NL3, NO_MODEL], [], T0)
        store.save_equipment(run_id, USER, 50000, [], [], T0)
        return run_id


def test_json_lists_every_location_of_active_orders_with_its_dispensers(cli, filled):
    result = cli("dispensers", "--json")
    assert result.exit_code == 0, result.output
    locations = json.loads(result.stdout)
    assert [loc["location_id"] for loc in locations] == [32951, 40000], "active orders' locations only"
    first, unread = locations
    assert list(first) == ["location_id", "customer", "store_number", "street", "city", "orders",
                           "equipment_checked_at", "dispensers"]
    assert first["orders"] == ["W-100", "W-101"] and first["equipment_checked_at"] == "2026-11-29T10:00:00Z"
    assert [{k: d[k] for k in NL3} for d in first["dispensers"]] == [NL3, NO_MODEL]
    assert first["dispensers"][0]["first_seen_at"] == "2026-11-29T10:00:00Z"
    assert unread["equipment_checked_at"] is None and unread["dispensers"] == []


def test_one_orders_location_or_one_location_by_id(cli, filled):
    by_order = json.loads(cli("dispensers", "w-101", "--json").stdout)
    assert [loc["location_id"] for loc in by_order] == [32951]
    by_id = json.loads(cli("dispensers", "--location", "50000", "--json").stdout)
    assert by_id[0]["orders"] == ["W-103"] and by_id[0]["dispensers"] == [], "read, with none"
    assert json.loads(cli("dispensers", "103", "--json").stdout)[0]["location_id"] == 50000, "a completed order too"


def test_csv_is_one_line_per_dispenser(cli, filled):
    result = cli("dispensers", "--csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["location_id"], r["orders"], r["position"], r["model"]) for r in rows] == [
        ("32951", "W-100 W-101", "1/2", "NL3"), ("32951", "W-100 W-101", "3/4", "")]
    assert json.loads(rows[0]["grades"]) == NL3["grades"] and json.loads(rows[1]["fields"]) == NO_MODEL["fields"]


def test_the_table_shows_each_location_and_says_when_it_was_not_read(cli, filled):
    result = cli("dispensers")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Location 32951 · Wawa #5154 · 100 Main St, Tampa · W-100, W-101" in out
    assert "1/2  Gilbarco NL3 · S/N SN60372" in out and "Regular, Plus, Diesel" in out
    assert "Stand Alone Code: 0128 · Number of Nozzles (per side): 3 · Meter Type: Electronic" in out
    assert "3/4  Wayne (no model) · S/N SN51254" in out
    assert "Grade:" not in out, "the Grade field repeats the grades: not shown twice"
    assert "2 dispensers, read 2026-11-29" in out
    assert "Location 40000" in out and "Equipment not read yet" in out
    assert "2 dispensers at 2 locations (1 not read yet" in out


def test_bad_usage_is_one_error_line(cli, filled, error_line):
    assert "not both" in error_line(cli("dispensers", "W-100", "--location", "1"), 2)
    assert error_line(cli("dispensers", "W-999"), 2) == "Error: no work order W-999; see `wosync orders --all`"
    assert "no stored work order is at location 7" in error_line(cli("dispensers", "--location", "7"), 2)
    assert "choose one of --json and --csv" in error_line(cli("dispensers", "--json", "--csv"), 2)


def test_orders_has_a_dispensers_column_and_show_lists_them_under_the_order(cli, filled):
    listing = cli("orders").stdout
    header = next(line for line in listing.splitlines() if "Number" in line)
    assert header.rstrip().endswith("Dispensers")
    counts = {line.split()[0]: line.split()[-1] for line in listing.splitlines() if line.strip().startswith("W-")}
    assert counts["W-100"] == "2" and counts["W-101"] == "2"
    assert not counts["W-102"].isdigit(), "never read: blank, not 0"

    shown = cli("orders", "show", "W-100")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.index("W-100") < shown.stdout.index("Location 32951") < shown.stdout.index("SN51254")
    assert json.loads(cli("orders", "show", "W-100", "--json").stdout)["location_id"] == 32951


def test_changes_show_dispenser_changes_with_an_order_at_that_location(cli, filled):
    with Store() as store:
        run_id = store.start_run(USER, "manual", None, 1, T1)
        read = [dict(NL3, model="NL2"), dict(NL3, position="5/6", serial="SN9")]
        rows = equipment.dispenser_changes(32951, store.load_dispensers(USER, 32951), read)
        store.save_equipment(run_id, USER, 32951, read, rows, T1)
        store.finish_run(run_id, T1, status="success")
    records = json.loads(cli("changes", "--json").stdout)
    assert [(r["number"], r["kind"], r["customer"]) for r in records] == [
        ("L-32951", "dispenser_removed", "Wawa"), ("L-32951", "dispenser_updated", "Wawa"),
        ("L-32951", "dispenser_added", "Wawa")]
    assert records[1]["fields"] == {"1/2 model": ["NL3", "NL2"]}
    table = cli("changes").stdout
    assert "dispenser updated" in table and "1/2 model: NL3 -> NL2" in table
    assert "3/4: Regular - Wayne, S/N SN51254" in table
    assert "5/6: Regular, Plus, Diesel - Gilbarco NL3, S/N SN9" in table


def test_a_location_id_is_a_positive_whole_number(cli, filled, error_line):
    assert "--location must be a whole number written with the digits 0-9" in error_line(
        cli("dispensers", "--location", "12a"), 2)
    assert "--location must be a positive whole number" in error_line(cli("dispensers", "--location", "-3"), 2)
