"""`wosync week` (the coming days' visits, parts and dispensers to calibrate) and the schedule
kinds `wosync changes` shows first, on a store filled through the store's own sync transaction."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest

from wosync.cli import common
from wosync.store import Store
from support.cli_helpers import cli_json
from support.stored_orders import ACCOUNT, make_order, store_sync

UTC = timezone.utc
NOW = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)  # Sunday, 9:00 in Chicago
MONDAY = date(2026, 12, 7)
CHICAGO = "America/Chicago"
PARTS = [("CimTek 450-MB 10 Filter", "400MB-10"), ("Nozzle Boot & Spout Ring", "FE-4410"), ("Inspection Sticker", None)]


def week_orders(count: int = 30, seed: int = 7) -> list[dict]:
    """Return `count` orders with visits Monday to Friday, each with a calibration item and
    0-3 Parts items (a part may appear twice in one order), plus two outside the week."""
    rng = random.Random(seed)
    orders = []
    for n in range(count):
        items = [{"category": "Meter Calibration", "quantity": rng.randint(2, 8), "name": "All Dispensers", "code": "2861"}]
        for name, code in rng.sample(PARTS + PARTS[:1], rng.randint(0, 3)):
            items.append({"category": "Parts", "quantity": rng.randint(1, 12), "name": name, "code": code})
        day = MONDAY + timedelta(days=n % 5)
        orders.append(make_order(n, next_visit_date=day.isoformat(), items=items))
    orders.append(make_order(count, next_visit_date=(MONDAY - timedelta(days=1)).isoformat()))
    orders.append(make_order(count + 1, next_visit_date=(MONDAY + timedelta(days=9)).isoformat()))
    return orders


def dispensers(count: int) -> list[dict]:
    return [{"position": f"{2 * i + 1}/{2 * i + 2}", "grades": ["Regular", "Plus"], "make": "Gilbarco", "model": "NL3",
             "serial": f"SN{i}", "fields": {}} for i in range(count)]


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(common, "clock", lambda: NOW)


@pytest.fixture
def week_store(wosync_home: Path, clock) -> dict:
    """A Chicago schedule, 30 visits next week (20 locations read: 2-6 dispensers), 2 outside it."""
    orders = week_orders()
    counts = {}
    with Store() as store:
        store.create_schedule(ACCOUNT, 1.0, None, None, CHICAGO, True, None, NOW)
        run_id = store_sync(store, orders, NOW)
        for order in orders[:20]:
            counts[order["location_id"]] = 2 + order["location_id"] % 5
            store.save_equipment(run_id, ACCOUNT, order["location_id"], dispensers(counts[order["location_id"]]), [], NOW)
    return {"orders": orders, "counts": counts}


def parts_from_orders_json(cli, first: date, days: int) -> Counter:
    """Sum the Parts items of `orders --json` over the days, by (code, name): the test's own count."""
    last = (first + timedelta(days=days - 1)).isoformat()
    total: Counter = Counter()
    for order in cli_json(cli, "orders", "--json"):
        if order["next_visit_date"] and first.isoformat() <= order["next_visit_date"] <= last:
            for item in order["items"]:
                if item["category"] == "Parts":
                    total[(item["code"], item["name"])] += item["quantity"]
    return total


def test_week_json_totals_equal_the_orders_parts(cli, week_store):
    plan = cli_json(cli, "week", "--json")
    assert (plan["from"], plan["to"], plan["zone"]) == ("2026-12-06", "2026-12-12", CHICAGO), "today in Chicago"
    assert [d["date"] for d in plan["days"]] == [(MONDAY + timedelta(days=n - 1)).isoformat() for n in range(7)]
    assert plan["visits"] == 31, "30 this week and the one on Sunday"
    expected = parts_from_orders_json(cli, date(2026, 12, 6), 7)
    assert {(p["code"], p["name"]): p["quantity"] for p in plan["parts"]} == dict(expected)
    for day in plan["days"]:
        mine = parts_from_orders_json(cli, date.fromisoformat(day["date"]), 1)
        assert {(p["code"], p["name"]): p["quantity"] for p in day["parts"]} == dict(mine), day["date"]
        assert day["dispensers"] == sum(s["calibrate"] for s in day["stops"])
    stops = {s["number"]: s for d in plan["days"] for s in d["stops"]}
    by_number = {o["number"]: o for o in week_store["orders"]}
    for number, stop in stops.items():
        order = by_number[number]
        assert (stop["store_number"], stop["customer"], stop["city"], stop["items"]) == (
            order["store_number"], order["customer"], order["city"], order["items"])
        assert stop["dispensers"] == week_store["counts"].get(order["location_id"])
        # All Dispensers: the stored count where read, else the item's quantity.
        assert stop["calibrate"] == (stop["dispensers"] if stop["dispensers"] is not None else order["items"][0]["quantity"])
    assert plan["dispensers"] == sum(s["calibrate"] for s in stops.values())
    assert plan["not_read"] == sum(1 for s in stops.values() if s["dispensers"] is None)


def test_from_and_days_choose_the_span(cli, week_store):
    plan = cli_json(cli, "week", "--from", "2026-12-07", "--days", "5", "--json")
    assert plan["visits"] == 30 and len(plan["days"]) == 5
    assert all(len(d["stops"]) == 6 for d in plan["days"])
    expected = parts_from_orders_json(cli, MONDAY, 5)
    assert {(p["code"], p["name"]): p["quantity"] for p in plan["parts"]} == dict(expected)
    assert cli_json(cli, "week", "--from", "2026-12-16", "--json")["visits"] == 1


def test_week_text_fits_an_80_column_screen(cli, week_store, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("week", "--from", "2026-12-07")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert len(lines) <= 60, len(lines)
    assert lines[0].startswith("30 visits · Mon 2026-12-07 to Sun 2026-12-13")
    assert "Mon 2026-12-07 · 6 visits" in result.stdout and "Sat 2026-12-12 · no visits" in result.stdout
    wawa = next(line for line in lines if "#5154" in line and "Tampa" in line)
    assert wawa.split()[0] in ("8-12", "anytime", "12-16", "-")
    total = parts_from_orders_json(cli, MONDAY, 7)
    for (code, name), quantity in total.items():
        label = " ".join(x for x in (code, name) if x)
        assert f"  {label}: {quantity}" in lines, label


def test_week_csv_and_a_pipe(cli, week_store):
    result = cli("week", "--from", "2026-12-07", "--csv")
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0] == "date,time_window,number,store_number,customer,city,location_id,dispensers,calibrate,items"
    assert len(rows) == 31 and "x All Dispensers (2861)" in rows[1]
    assert "\x1b" not in cli("week").stdout, "no colour into a pipe"


def test_week_refuses_bad_options(cli, week_store, error_line):
    assert "--from takes a date like 2026-12-07" in error_line(cli("week", "--from", "12/07/2026"), 2)
    assert "--days must be from 1 to 366" in error_line(cli("week", "--days", "0"), 2)
    assert "--json and --csv" in error_line(cli("week", "--json", "--csv"), 2)
    assert "past the last date" in error_line(cli("week", "--from", "9999-12-30"), 2)


def test_week_on_an_empty_store_says_what_to_do(cli, wosync_home, clock):
    result = cli("week")
    assert result.exit_code == 0 and "No visits stored for these days" in result.stdout
    assert cli_json(cli, "week", "--json")["days"][0]["stops"] == []


def test_calendar_description_carries_the_visit_summary(cli, week_store):
    feed = icalendar.Calendar.from_ical(cli("calendar").stdout_bytes)
    events = {str(e["SUMMARY"]).split()[0]: e for e in feed.walk("VEVENT")}
    first = week_store["orders"][0]  # Wawa #5154, Tampa, 8:00am - 12:00pm, location read
    count = week_store["counts"][first["location_id"]]
    lines = str(events[first["number"]]["DESCRIPTION"]).splitlines()
    assert lines[0] == f"Wawa #5154 · Tampa · 8:00am - 12:00pm · {count} dispensers, {count} to calibrate"
    assert f"{first['items'][0]['quantity']} x All Dispensers (2861)" in lines
    unread = week_store["orders"][25]
    assert "dispensers not read yet" in str(events[unread["number"]]["DESCRIPTION"]).splitlines()[0]


def test_khal_imports_the_feed_with_the_summaries(cli, week_store, tmp_path):
    assert shutil.which("khal"), "khal is needed for the calendar tests: bash scripts/install.sh --test installs it"
    folder = tmp_path / "khal-calendar"
    folder.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[visits]]\npath = {folder}\ntype = calendar\n\n[locale]\nlocal_timezone = {CHICAGO}\n"
        f"default_timezone = {CHICAGO}\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n\n[default]\ndefault_calendar = visits\n")
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "d"), XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_CACHE_HOME=str(tmp_path / "k"))

    def khal(*args: str) -> str:
        done = subprocess.run(["khal", "-c", str(config), *args], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    target = tmp_path / "visits.ics"
    assert cli("calendar", "--output", str(target)).exit_code == 0
    khal("import", "--batch", "-a", "visits", str(target))
    listing = khal("list", "--format", "{start-date} {title} | {description}", "2026-12-07", "5d")
    first = week_store["orders"][0]
    count = week_store["counts"][first["location_id"]]
    assert f"2026-12-07 {first['number']} Wawa #5154: Meter Calibration | Wawa #5154 · Tampa · 8:00am - 12:00pm · " \
           f"{count} dispensers, {count} to calibrate" in listing
    assert len(list(folder.iterdir())) == 32


# ------------------------------------------------------------------ changes, by schedule kind


def test_changes_show_schedule_kinds_first_and_json_carries_them(cli, wosync_home, clock):
    tomorrow, later, far = "2026-12-07", "2026-12-10", "2026-12-15"  # today is 2026-12-06 in Chicago
    first = [make_order(0, next_visit_date=later), make_order(1, next_visit_date=far),
             make_order(2, next_visit_date=later), make_order(3, next_visit_date=tomorrow),
             make_order(4, next_visit_date=later, customer="Citgo"), make_order(5, next_visit_date=far),
             make_order(8, next_visit_date=later)]
    second = [dict(first[0], next_visit_date=far), dict(first[1], next_visit_date=later),   # swapped
              dict(first[2], next_visit_date="2026-12-11"),                                  # rescheduled
              make_order(6, next_visit_date=tomorrow, customer=first[3]["customer"]),       # replaces W-110232
              dict(first[4], next_visit_date=None),                                          # visit removed
              dict(first[5], instructions="Call first."),                                   # details
              make_order(7, next_visit_date=later), first[6]]                                # added, busy day
    with Store() as store:
        store.create_schedule(ACCOUNT, 1.0, None, None, CHICAGO, True, None, NOW)
        store_sync(store, first, NOW)
        store.save_equipment(1, ACCOUNT, first[2]["location_id"], dispensers(3), [], NOW)
        store_sync(store, second, NOW + timedelta(minutes=5), to_complete=(first[3]["number"],))
    records = cli_json(cli, "changes", "--json")
    kinds = {r["number"]: (r["kind"], r["schedule_kind"], r["urgent"]) for r in records}
    assert kinds == {
        "W-110229": ("updated", "swapped", True), "W-110230": ("updated", "swapped", True),
        "W-110231": ("updated", "rescheduled", False), "W-110232": ("completed", "replaced", True),
        "W-110233": ("updated", "visit_removed", False), "W-110234": ("updated", "details", False),
        "W-110235": ("new", "replaced", True), "W-110236": ("new", "visit_added", True),
    }
    by_number = {r["number"]: r for r in records}
    # Thursday keeps W-110237; W-110229, W-110231 and W-110233 left it; W-110236 came in this run.
    assert by_number["W-110230"]["urgent_reasons"] == ["busy day: 1 visit already"]
    assert by_number["W-110236"]["urgent_reasons"] == ["busy day: 1 visit already"]
    assert by_number["W-110229"]["urgent_reasons"] == ["busy day: 1 visit already"], "W-110234 stays on its day"
    assert by_number["W-110235"]["urgent_reasons"] == ["tomorrow"]
    assert (by_number["W-110229"]["old_date"], by_number["W-110229"]["new_date"], by_number["W-110229"]["partner"]) == (
        later, far, "W-110230")
    assert by_number["W-110231"]["dispensers"] == 3 and by_number["W-110231"]["city"] == "Denver"
    assert set(records[0]) >= {"run_id", "number", "kind", "fields", "customer", "store_number"}, "existing keys kept"
    text = cli("changes").stdout
    sections = [line.split(" (")[0] for line in text.splitlines()
                if line.split(" (")[0] in ("Rescheduled", "Swapped", "Replaced", "Visits added", "Visits removed",
                                           "Other changes")]
    assert sections == ["Rescheduled", "Swapped", "Replaced", "Visits added", "Visits removed", "Other changes"]
    assert text.index("Other changes") < text.index("Changes of run"), "the kinds come before the table"
    assert " ! W-110235 " in text and "replaces W-110232" in text and "Mon 12-07" in text
    assert "Thu 12-10 -> Tue 12-15 (swapped with W-110230)" in text


def test_site_text_in_the_week_is_shown_as_text(cli, wosync_home, clock, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    hostile = make_order(0, next_visit_date="2026-12-07", customer="[bold red]x[/bold red]\x1b]0;t\x07 Gas\u202e",
                         city="Tam\x1b[31mpa", items=[{"category": "Parts", "quantity": 2, "name": "[link=http://x]y[/link]",
                                                       "code": "=1+1\x9b"}])
    with Store() as store:
        store_sync(store, [hostile], NOW)
    text = cli("week", "--from", "2026-12-07", "--days", "1").stdout
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    assert "[bold red]x" in text and "Tampa" in text and "2x=1+1" in text
    assert "=1+1 [link=http://x]y[/link]: 2" in text
    rows = cli("week", "--from", "2026-12-07", "--csv").stdout.splitlines()
    assert rows[1].split(",")[0] == "2026-12-07" and ",'=1+1" not in rows[1], "the code is in the items text, not a cell"


def test_week_of_one_account(cli, week_store):
    with Store() as store:
        store_sync(store, [make_order(50, next_visit_date="2026-12-07")], NOW, account="other@example.com")
    assert cli_json(cli, "week", "--from", "2026-12-07", "--json")["visits"] == 31
    mine = cli_json(cli, "week", "--from", "2026-12-07", "--username", ACCOUNT, "--json")
    assert mine["visits"] == 30
