"""Output for pipes: with stdout a pipe, every listing prints a header line and tab-separated
rows (no padding, no wrapping, no colour); a message with a command keeps it on one line; a
sync's progress on stderr is one line per phase in words."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone

import pytest

from wosync.store import Store
from support.run import wosync
from support.stored_orders import ACCOUNT, make_order, store_sync

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
LONG_NAME = "The Extraordinarily Long Customer Name Fuel & Convenience Holdings LLC of the Gulf Coast"

LISTINGS = {
    ("orders",): "NUMBER\tNEXT VISIT\tCUSTOMER",
    ("orders", "--all"): "NUMBER\tNEXT VISIT\tCUSTOMER",
    ("changes",): "RUN\tNUMBER\tCHANGE",
    ("history",): "RUN\tSTARTED\tTOOK",
    ("dispensers",): "LOCATION\tCUSTOMER\tSTORE",
    ("schedule", "list"): "ID\tACCOUNT\tEVERY",
    ("notify", "list"): "ID\tURL\tGETS",
    ("week", "--from", "2026-11-29", "--days", "14"): "DATE\tWINDOW\tNUMBER",
}


@pytest.fixture
def stored(data_folder):
    """A data folder with orders (one with a long name), two runs (one failed with a long
    error), a schedule and a notification target; return its subprocess environment."""
    orders = [make_order(n) for n in range(12)]
    orders[2]["customer"] = LONG_NAME
    with Store() as store:
        store_sync(store, orders, T0)
        store_sync(store, [dict(o, status="Waiting on Parts") if o is orders[0] else o for o in orders],
                   T0 + timedelta(hours=1))
        run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), T0 + timedelta(hours=2))
        store.finish_run(run_id, T0 + timedelta(hours=2, seconds=4), status="failed", error_kind="unreachable",
                         error_message="cannot reach WorkFossa (connection refused)\nhttp://127.0.0.1:1/: "
                                       "net::ERR_CONNECTION_REFUSED; check WOSYNC_BASE_URL and the network\n"
                                       "(saved: /tmp/a.png, /tmp/a.html.gz)")
        store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, T0 + timedelta(hours=3), T0)
        store.add_notification_target("json://localhost:9/hook", T0)
    return dict(data_folder.env, COLUMNS="80")


@pytest.mark.parametrize("args", list(LISTINGS))
def test_piped_listings_are_tab_separated_rows_with_a_header(stored, args):
    result = wosync(*args, env=stored, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and lines[0].startswith(LISTINGS[args]), result.stdout
    assert len(lines) >= 2, result.stdout
    columns = lines[0].count("\t")
    assert all(line.count("\t") == columns for line in lines), result.stdout  # nothing wrapped
    assert not any(line.endswith(" ") or " \t" in line for line in lines), "padding:\n" + result.stdout
    assert "\x1b" not in result.stdout and "│" not in result.stdout and "━" not in result.stdout


def test_piped_orders_keep_long_cells_whole_and_history_shows_the_summary(stored):
    orders = wosync("orders", env=stored).stdout
    assert any(LONG_NAME in line for line in orders.splitlines())
    history = wosync("history", env=stored).stdout.splitlines()
    failed = next(line.split("\t") for line in history if "\tfailed\t" in line)
    assert failed[-1] == "cannot reach WorkFossa (connection refused)"
    assert len(wosync("history", "--json", env=stored).stdout) > 0  # --json stays as it was


def test_piped_json_and_csv_are_unchanged(stored):
    assert wosync("orders", "--json", env=stored).stdout.lstrip().startswith("[")
    assert wosync("history", "--csv", env=stored).stdout.startswith("id,schedule_id,account,")


def test_a_message_with_a_command_is_never_split(data_folder):
    env = dict(data_folder.env, COLUMNS="40")  # narrower than any of these messages
    for args, command in ((("orders",), "`wosync sync-now`"), (("schedule", "list"), "`wosync schedule create --interval 1`"),
                          (("history",), "`wosync sync-now`"), (("dispensers",), "`wosync sync-now`")):
        result = wosync(*args, env=env)
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) == 1 and command in result.stdout, (args, result.stdout)


@pytest.mark.browser
def test_piped_progress_is_one_line_per_phase_in_words(data_folder):
    from wosync.sim import SimulatedWorkFossa

    with SimulatedWorkFossa(count=120, seed=2, username=ACCOUNT, password="correct-horse-42") as sim:
        env = dict(data_folder.env, WOSYNC_BASE_URL=sim.base_url, WOSYNC_USERNAME=ACCOUNT,
                   WOSYNC_PASSWORD="correct-horse-42")
        result = wosync("sync-now", env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "Logging in" in lines, result.stderr
    assert any(re.fullmatch(r"Reading the work list: page \d+ of \d+", line) for line in lines), result.stderr
    assert any(re.fullmatch(r"Saving \d+ work orders", line) for line in lines), result.stderr
    equipment = [line for line in lines if line.startswith("Reading equipment")]
    assert 2 <= len(equipment) <= 12, result.stderr  # at most every 10 % (or 5 s), not one per location
    assert not any(re.search(r"\b(logging_in|scraping|initializing)\b|\d+%", line) for line in lines), result.stderr
