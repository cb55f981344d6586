"""Readable listings (a technician reads them in any terminal): `wosync orders` is one line per order at any width from 80
columns, checked in a real terminal (tmux) at 80 and 200 columns; `wosync orders show` is a card.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from wosync.render import ORDER_COLUMNS, choose_order_columns
from wosync.store import Store
from support.stored_orders import make_order, store_sync
from support.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
LONG_NAME = "The Extraordinarily Long Customer Name Fuel & Convenience Holdings LLC"


@pytest.fixture
def twenty_orders(wosync_home: Path) -> list[dict]:
    orders = [make_order(n) for n in range(20)]
    orders[3]["customer"] = LONG_NAME
    orders[5]["status"] = "Waiting on Parts from the Manufacturer"
    orders[7]["city"] = "Llanfairpwllgwyngyll-on-the-Sea"
    with Store() as store:
        store_sync(store, orders, T0)
    return orders


def tmux_screen(home: Path, width: int, command: str) -> list[str]:
    """Run `wosync COMMAND` in a detached tmux window `width` columns wide; return the screen's lines."""
    assert shutil.which("tmux"), "tmux is needed for the terminal tests: bash scripts/install.sh --test installs it"
    session = f"wosync-listing-{uuid.uuid4().hex[:8]}"
    # COLUMNS/LINES from the test run would override the terminal's own size: drop them.
    shell = (f"env -u COLUMNS -u LINES WOSYNC_HOME={home} PYTHONPATH={REPO} TERM=xterm-256color "
             f"{sys.executable} -m wosync {command}; echo LISTING-DONE; sleep 60")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", str(width), "-y", "60", shell], check=True)
    try:
        def screen() -> str:
            return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout

        text = wait_for(lambda: (s := screen()) and "LISTING-DONE" in s and s, 60, "the listing to finish")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return text.splitlines()


@pytest.mark.parametrize("width", [80, 200])
def test_orders_is_one_line_per_order_in_a_real_terminal(twenty_orders, wosync_home, width):
    lines = tmux_screen(wosync_home, width, "orders")
    listing = lines[:lines.index("LISTING-DONE")]
    rows = [line for line in listing if re.match(r"^W-\d+ ", line)]
    assert len(rows) == 20, "\n".join(listing)
    assert all(len(line) <= width for line in listing)
    assert len(listing) == 20 + 3  # the title, the header, its rule: nothing wrapped
    header = listing[1]
    for column in ("Number", "Next visit", "Customer"):
        assert column in header
    by_number = {line.split()[0]: line for line in rows}
    assert "Tue 2026-12-01 8am-12pm" in by_number["W-110229"] and "Wawa #5154" in by_number["W-110229"]
    long_row = by_number["W-110232"]
    if width == 80:
        assert "…" in long_row and LONG_NAME not in long_row
        assert "City" not in header  # the columns that fit, by width
    else:
        assert all(column in header for column in ("Status", "Due", "City", "Work", "Visits"))
        assert "Waiting on Parts" in by_number["W-110234"] and "…" in by_number["W-110234"]


@pytest.mark.parametrize("width", [80, 100, 120, 160, 240])
def test_the_columns_chosen_by_width_always_fit(twenty_orders, cli, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    output = cli("orders", "--all").stdout.splitlines()
    assert all(len(line) <= width for line in output)
    assert sum(1 for line in output if line.startswith("W-")) == 20 and len(output) == 23


def test_choose_order_columns_keeps_number_visit_and_customer():
    cells = {c.key: [c.text(make_order(n, customer=LONG_NAME)) for n in range(3)] for c in ORDER_COLUMNS}
    for width in (40, 60, 80):
        widths = choose_order_columns(cells, width, ORDER_COLUMNS)
        assert list(widths)[:3] == ["number", "next_visit", "customer"]
        assert sum(widths.values()) + 2 * (len(widths) - 1) <= width
    wide = choose_order_columns(cells, 300, ORDER_COLUMNS)
    assert wide["customer"] == 40 and "status" in wide and "due" in wide


def test_orders_show_is_a_card(twenty_orders, cli):
    result = cli("orders", "show", "W-110230")
    assert result.exit_code == 0, result.output
    text = result.stdout
    lines = [line.strip("│ ").rstrip() for line in text.splitlines()]
    assert lines[0].startswith("╭─ W-110230 · Scheduled")
    assert "Circle K Stores Inc. #99291  (Circle K)" in lines
    # The address as on an envelope: street, the crossing, town with state and ZIP, county.
    start = lines.index("101 N Dale Mabry Hwy")
    assert lines[start:start + 4] == ["101 N Dale Mabry Hwy", "at SR 60 & US 301", "Winter Haven, FL 33844",
                                      "Hillsborough County"]
    assert any(re.match(r"Next visit +Wed 2 Dec 2026, anytime +\(visit 2 of 2\)", line) for line in lines), text
    assert any(re.match(r"Due +Wed 16 Dec 2026", line) for line in lines)
    assert any(re.match(r"Contact +Maria Gómez 813-555-1918", line) for line in lines)
    assert "4 x All Dispensers (2861)  · Meter Calibration" in lines
    assert "Gate code 4471. Do NOT block the <diesel> lane." in lines
    assert any(re.match(r"Visit +https://app.workfossa.com/app/work/600001/visits/130001/", line) for line in lines)
    assert any(re.match(r"Order +https://app.workfossa.com/app/work/600001/", line) for line in lines)
    for field_name in ("first_seen_at", "visit_url", "store_number", "time_window"):
        assert field_name not in text  # a card, not a dump of field names


def test_orders_show_of_an_order_without_a_visit(cli, wosync_home):
    with Store() as store:
        store_sync(store, [make_order(0, next_visit_date=None, time_window=None, due_date=None, instructions=None,
                                      visit_url=None, items=[])], T0)
    text = cli("orders", "show", "W-110229").stdout
    assert re.search(r"Next visit +none planned", text)
    assert "Instructions" not in text and "Items" not in text and "Visit  " not in text
