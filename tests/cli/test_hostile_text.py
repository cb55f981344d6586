"""Site text is data (shown, never obeyed): markup, escape sequences, bidi controls and huge values in
every text field of stored orders, changes and run errors reach no terminal as anything but text.

Every human-readable command is run on such a store: it exits 0, the markup shows literally, no
ESC byte (nor a bidi override) reaches the output. CSV cells that a spreadsheet would run as a
formula are neutralised unless --raw.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wosync import config, progress
from wosync.fields import SCRAPED_FIELDS
from wosync.locks import FileLock, account_lock_path
from wosync.text import clean, csv_cell
from wosync.store import Store
from support.cli_helpers import daemon_alive
from support.stored_orders import ACCOUNT, make_order, store_sync
from support.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]
UTC = timezone.utc
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)

MARKUP = ["[/]", "[bold red]x[/bold red]", "[link=http://x]y[/link]"]
ESCAPES = ["\x1b[31m", "\x1b]0;t\x07", "\u202e"]
FORMULA = '=HYPERLINK("http://e","x")'
HOSTILE = f"{MARKUP[0]} {MARKUP[1]} {MARKUP[2]} {ESCAPES[0]}red{ESCAPES[1]}{ESCAPES[2]}evil {FORMULA}"
LONG = "L" * 10_000
LIMIT_ERROR = "Timeout 30000ms exceeded waiting for locator('form').filter(has(input[name=limit]))"
TEXT_FIELDS = [f for f in SCRAPED_FIELDS
               if f not in ("number", "work_id", "items", "visits_done", "visits_planned", "next_visit_date",
                            "due_date", "location_id")]


def hostile_order(n: int, value: str) -> dict:
    """Return an order whose every text field (items too) holds `value`."""
    order = make_order(n)
    for field in TEXT_FIELDS:
        order[field] = value
    order["items"] = [{"category": value, "quantity": 2, "name": value, "code": value}]
    return order


@pytest.fixture
def hostile_store(wosync_home: Path) -> dict:
    """A store where orders, changes, run errors, a schedule and a notification target hold hostile text."""
    with Store() as store:
        schedule = store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, T0 + timedelta(hours=1), T0)
        orders = [make_order(0), hostile_order(1, HOSTILE), hostile_order(2, LONG), hostile_order(3, FORMULA)]
        store_sync(store, orders, T0, schedule_id=schedule["id"])
        changed = [make_order(0, customer=HOSTILE, instructions=LONG), hostile_order(1, HOSTILE + " again"),
                   hostile_order(2, LONG + "M"), hostile_order(3, FORMULA)]
        changes_run = store_sync(store, changed, T0 + timedelta(hours=1), schedule_id=schedule["id"])
        for hours, message in ((2, f"{LIMIT_ERROR} {HOSTILE}"), (3, LONG), (4, FORMULA)):
            run_id = store.start_run(ACCOUNT, "scheduled", schedule["id"], 1, T0 + timedelta(hours=hours))
            store.finish_run(run_id, T0 + timedelta(hours=hours, minutes=1), status="failed", error_kind="layout",
                             error_message=message)
        store.add_notification_target(f"{ESCAPES[1]}{MARKUP[1]}{ESCAPES[0]}://host/path", T0)
    return {"changes_run": changes_run}


def assert_safe(result, *visible: str) -> str:
    """Check a command's result: exit 0, no escape byte nor bidi control, each `visible` text shown."""
    assert result.exit_code == 0, result.output[-3000:]
    output = result.output
    assert "\x1b" not in output and "\x9b" not in output
    assert not any(ch in output for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    for text in visible:
        assert text in output, f"{text!r} not shown in:\n{output[:3000]}"
    return output


# ------------------------------------------------------------------------------- the one place


def test_clean_removes_escape_sequences_whole_and_keeps_markup_as_text():
    assert clean("a\x1b[31mred\x1b[0m b") == "ared b"
    assert clean("x\x1b]0;title\x07y") == "xy"  # the OSC payload goes too
    assert clean("x\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\y") == "xlinky"  # an OSC 8 hyperlink
    assert clean("\u202eevil\u2066x\u2069") == "evilx"
    assert clean("a\x00b\x07c\x7fd\x85e\x9bf") == "abcde"  # \x9b f: an 8-bit CSI, whole
    assert clean("tab\there\nline") == "tab here line"
    assert clean("one\r\ntwo\n\nthree", multiline=True) == "one\ntwo\n\nthree"
    assert clean("[bold red]x[/bold red] [/]") == "[bold red]x[/bold red] [/]"
    assert clean(None) == "" and clean(42) == "42"
    assert clean(LIMIT_ERROR) == LIMIT_ERROR


def test_clean_leaves_no_control_character_in_any_position():
    every = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u061c\u200e\u200f\u202a\u202e\u2066\u2069"
    for multiline in (False, True):
        left = clean(every + "ok", multiline)
        assert all(ch in "\n" or (0x20 <= ord(ch) < 0x7F) for ch in left), repr(left)
        assert left.endswith("ok")


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("plain", "plain"), ("", ""), (-5, -5), (3.5, 3.5),
])
def test_csv_cells_that_start_a_formula_are_neutralised(value, expected):
    assert csv_cell(value) == expected
    assert csv_cell(value, raw=True) == value


# ---------------------------------------------------------------------- every readable command


def test_orders_listing(cli, hostile_store):
    output = assert_safe(cli("orders"), "[/] [bold red]x[/bold red]")
    assert "LLLLLLLLLL" in output
    assert all(len(line) <= 200 for line in output.splitlines())


def test_orders_show_card(cli, hostile_store):
    output = assert_safe(cli("orders", "show", "W-110230"), *MARKUP, FORMULA, "redevil")
    assert "0;t" not in output  # the window-title sequence went whole
    assert_safe(cli("orders", "show", "W-110231"), "L" * 150)
    assert_safe(cli("orders", "show", "110232"), FORMULA)


def test_orders_all_and_changes(cli, hostile_store):
    assert_safe(cli("orders", "--all"), "[/] [bold red]x[/bold red]")
    assert_safe(cli("changes"), "[/]", "[bold red]x[/bold red]", "[link=http://x]y[/link]", "LLLL")
    assert_safe(cli("changes", "--run", str(hostile_store["changes_run"])), "[bold red]x[/bold red]")


def test_history_shows_stored_errors_exactly(cli, hostile_store, monkeypatch):
    # Wide enough that the error column holds each quoted piece on one line (a table wraps
    # what does not fit; that is not what this test is about).
    monkeypatch.setenv("COLUMNS", "240")
    output = assert_safe(cli("history"), LIMIT_ERROR, MARKUP[0], FORMULA)
    assert "LLLL" in output
    # The table shows each error's one-line summary; `history show ID` has the whole of it.
    hostile_run = next(r["id"] for r in json.loads(cli("history", "--json").stdout)
                       if (r["error_message"] or "").startswith(LIMIT_ERROR))
    assert_safe(cli("history", "show", str(hostile_run)), LIMIT_ERROR, *MARKUP, FORMULA)
    from wosync.cli import common

    common_clock = common.clock
    common.clock = lambda: T0 + timedelta(hours=5)
    try:
        assert_safe(cli("history", "--report", "--days", "3"), "layout", "×3", FORMULA)
    finally:
        common.clock = common_clock


def test_status_and_status_line(cli, hostile_store):
    daemon_alive()
    assert_safe(cli("status"), "failed: " + FORMULA)
    assert_safe(cli("status", "--line"), "✗ sync failed")
    waybar = json.loads(assert_safe(cli("status", "--line", "--format", "waybar")).strip())
    assert "&lt;" not in waybar["tooltip"] and FORMULA in waybar["tooltip"]
    line = json.loads(assert_safe(cli("status", "--line", "--format", "json")).strip())
    assert line["state"] == "failed" and line["last_run"]["error_message"] == FORMULA


def test_status_of_a_live_sync_with_a_hostile_message(cli, hostile_store):
    lock = FileLock(account_lock_path(config.locks_dir(), ACCOUNT))
    now = datetime.now(UTC)
    lock.acquire(now)
    try:
        with Store() as store:
            run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), now)
            store.set_progress(ACCOUNT, progress.record("in_progress", "scraping", 45, HOSTILE, 3, run_id, now, now,
                                                        pid=os.getpid()))
        assert_safe(cli("status"), "Syncing tech@example.com: 45% (scraping) [/] [bold red]x[/bold red]")
        assert_safe(cli("status", "--line"), "● wosync 45% scraping")
    finally:
        lock.release()


def test_notify_list_and_doctor(cli, hostile_store, monkeypatch):
    assert_safe(cli("notify", "list"), "[bold red]x[/bold red]")
    import wosync.actions.doctor as doctor

    monkeypatch.setattr(doctor, "check_browser", lambda: [])  # no Chromium needed for the text check
    result = cli("doctor")
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "[bold red]x[/bold red]" in result.output, result.output


def test_csv_neutralises_formulas_unless_raw(cli, hostile_store):
    rows = list(csv.DictReader(io.StringIO(cli("orders", "--csv").stdout)))
    formula = next(r for r in rows if r["number"] == "W-110232")
    assert formula["customer"] == "'" + FORMULA and formula["city"] == "'" + FORMULA
    assert next(r for r in rows if r["number"] == "W-110229")["customer"].startswith("[/]")
    raw = list(csv.DictReader(io.StringIO(cli("orders", "--csv", "--raw").stdout)))
    assert next(r for r in raw if r["number"] == "W-110232")["customer"] == FORMULA
    runs = list(csv.DictReader(io.StringIO(cli("history", "--csv").stdout)))
    assert runs[0]["error_message"] == "'" + FORMULA
    assert list(csv.DictReader(io.StringIO(cli("history", "--csv", "--raw").stdout)))[0]["error_message"] == FORMULA


def test_calendar_feed_carries_no_control_characters(cli, hostile_store):
    import icalendar

    result = cli("calendar")
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert b"\x1b" not in data and "\u202e".encode() not in data
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 4
    summary = next(str(e["SUMMARY"]) for e in events if str(e["SUMMARY"]).startswith("W-110230"))
    assert "[/] [bold red]x[/bold red] [link=http://x]y[/link] redevil" in summary


def test_json_keeps_the_text_as_stored(cli, hostile_store):
    orders = {o["number"]: o for o in json.loads(cli("orders", "--json").stdout)}
    assert orders["W-110230"]["customer"] == HOSTILE + " again"
    assert orders["W-110231"]["street"] == LONG + "M"
    runs = json.loads(cli("history", "--json").stdout)
    assert runs[2]["error_message"] == f"{LIMIT_ERROR} {HOSTILE}"


def test_watch_shows_a_hostile_progress_message_and_error_as_text(wosync_home, hostile_store):
    # A sync as another process holds it: the lock, a running run row, a progress record.
    lock = FileLock(account_lock_path(config.locks_dir(), ACCOUNT))
    now = datetime.now(UTC)
    lock.acquire(now)
    # FORCE_COLOR: Rich draws the live view into the pipe as on a terminal, so the test can see
    # the moment watch shows the running sync (its own colour codes are told apart below).
    env = dict(os.environ, PYTHONPATH=str(REPO), COLUMNS="200", FORCE_COLOR="1")
    chunks: list[bytes] = []
    try:
        with Store() as store:
            run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), now)
            store.set_progress(ACCOUNT, progress.record("in_progress", "scraping", 45, HOSTILE, 3, run_id, now, now,
                                                        pid=os.getpid()))
        watch = subprocess.Popen([sys.executable, "-m", "wosync", "watch"], env=env, cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: watch.stdout.read1(65536), b"")),
                                  daemon=True)
        reader.start()
        try:
            wait_for(lambda: b"45%" in b"".join(chunks), 30, "watch to show the running sync")
            with Store() as store:
                store.finish_run(run_id, datetime.now(UTC), status="failed", error_kind="layout",
                                 error_message=f"{LIMIT_ERROR} {HOSTILE}")
                store.set_progress(ACCOUNT, progress.record("failed", "failed", 100, "Failed: " + HOSTILE, 3, run_id,
                                                            now, datetime.now(UTC), pid=os.getpid()))
            watch.wait(timeout=30)
            reader.join(10)
        finally:
            if watch.poll() is None:
                watch.kill()
    finally:
        lock.release()
    raw = b"".join(chunks).decode()
    assert watch.returncode == 1, raw
    # The site's own sequences never arrive; Rich's (colours, cursor moves) are its drawing.
    assert "\x1b[31mred" not in raw and "\x1b]0;t" not in raw and "\u202e" not in raw
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)
    assert "\x1b" not in shown, repr(shown[-2000:])
    assert "[/] [bold red]x[/bold red] [link=http://x]y[/link] redevil" in shown
    assert f"Run {run_id}" in shown and LIMIT_ERROR in shown


# ------------------------------------------------------------- the simulated site's hostile data

READABLE_COMMANDS = [["orders"], ["orders", "--all"], ["changes"], ["history"], ["history", "--report"],
                     ["status"], ["status", "--line"], ["status", "--line", "--format", "waybar"]]


def assert_readable_everywhere(cli, numbers: list[str]) -> None:
    """Run every readable command (and `orders show` of each order): exit 0, no escape byte, no bidi."""
    for command in READABLE_COMMANDS + [["orders", "show", n] for n in numbers]:
        result = cli(*command)
        assert result.exit_code == 0, (command, result.output[-2000:])
        assert "\x1b" not in result.output and "\x9b" not in result.output, command
        assert not any(ch in result.output for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), command


def test_the_simulated_sites_hostile_orders_through_every_command(cli, wosync_home):
    from wosync.sim import SimulatedWorkFossa

    with SimulatedWorkFossa(count=24, seed=3, hostile=True) as sim:
        orders = sim.expected_orders()
    hostile = [o for o in orders if "[/]" in json.dumps(o) or "\\u001b" in json.dumps(o)]
    assert hostile, "the hostile switch made no hostile order"
    with Store() as store:
        store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, T0 + timedelta(hours=1), T0)
        store_sync(store, orders, T0, schedule_id=1)
        edited = [dict(o, customer=hostile[0]["customer"], instructions=hostile[-1]["instructions"]) for o in orders]
        store_sync(store, edited, T0 + timedelta(hours=1), schedule_id=1)
    assert_readable_everywhere(cli, [o["number"] for o in hostile])
    shown = cli("orders", "show", hostile[0]["number"]).stdout
    assert "[bold red]x[/bold red]" in shown or "[/]" in shown or "[link=http://evil]x[/link]" in shown
    import icalendar

    feed = icalendar.Calendar.from_ical(cli("calendar").stdout_bytes)
    for event in feed.walk("VEVENT"):
        for key in ("SUMMARY", "LOCATION", "DESCRIPTION"):
            if key in event:
                text = str(event[key])
                assert not any(ord(ch) < 0x20 and ch != "\n" or 0x7F <= ord(ch) < 0xA0 for ch in text), repr(text)
                assert not any(ch in text for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.mark.browser
def test_a_real_sync_of_the_hostile_site_then_every_command(cli, wosync_home, monkeypatch):
    # The whole way: Chromium reads the hostile rows, the store keeps them as read, the commands show text.
    from wosync.sim import SimulatedWorkFossa

    with SimulatedWorkFossa(count=12, seed=5, hostile=True, username=ACCOUNT, password="hostile-pw-1") as sim:
        monkeypatch.setenv("WOSYNC_BASE_URL", sim.base_url)
        monkeypatch.setenv("WOSYNC_USERNAME", ACCOUNT)
        monkeypatch.setenv("WOSYNC_PASSWORD", "hostile-pw-1")
        result = cli("sync-now", "--quiet")
        assert result.exit_code == 0, result.output[-3000:]
        expected = {o["number"]: o for o in sim.expected_orders()}
    stored = {o["number"]: o for o in json.loads(cli("orders", "--json").stdout)}
    for number, order in expected.items():
        assert stored[number]["customer"] == order["customer"]  # stored as read
    assert_readable_everywhere(cli, list(expected))
