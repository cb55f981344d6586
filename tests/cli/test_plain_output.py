"""`history` and `history show` as a person and a pipe see them (in-process: the terminal
mode is chosen with WOSYNC_FORCE_TERMINAL, as CliRunner's stdout is never a terminal)."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from wosync.store import Store
from support.stored_orders import ACCOUNT, make_order, store_sync

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
ERROR = ("cannot reach WorkFossa (connection refused)\nhttp://127.0.0.1:1/: Page.goto: net::ERR_CONNECTION_REFUSED "
         "at http://127.0.0.1:1/; check WOSYNC_BASE_URL and the network\n(saved: /tmp/x/workfossa-1-unreachable.png, "
         "/tmp/x/workfossa-1-unreachable.html.gz)")


@pytest.fixture
def runs(wosync_home):
    with Store() as store:
        store_sync(store, [make_order(n) for n in range(3)], T0)
        run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), T0 + timedelta(hours=1))
        store.finish_run(run_id, T0 + timedelta(hours=1, seconds=6), status="failed", error_kind="unreachable",
                         error_message=ERROR)
    return run_id


@pytest.mark.parametrize("columns", ["80", "120", "200"])
def test_history_never_wraps_and_shows_the_summary(cli, runs, monkeypatch, local_zone, columns):
    local_zone("UTC")
    monkeypatch.setenv("COLUMNS", columns)
    lines = cli("history").stdout.splitlines()
    assert all(len(line) <= int(columns) for line in lines), "\n".join(lines)
    assert len(lines) <= 8 and sum("cannot reach WorkFossa (connection refused)" in line for line in lines) == 1
    assert not any("saved" in line or "http" in line for line in lines), "\n".join(lines)
    assert any("failed" in line and "fai…" not in line for line in lines)


def test_history_piped_is_tab_separated(cli, runs, monkeypatch, local_zone):
    local_zone("UTC")
    monkeypatch.setenv("WOSYNC_FORCE_TERMINAL", "0")
    lines = cli("history").stdout.splitlines()
    assert lines[0].split("\t")[:5] == ["RUN", "STARTED", "TOOK", "TRIGGER", "RESULT"]
    failed = lines[1].split("\t")
    assert failed[:5] == [str(runs), "2026-11-29 11:00", "6.0 s", "manual", "failed"]
    assert failed[-1] == "cannot reach WorkFossa (connection refused)"


def test_history_show_is_the_run_with_its_whole_error(cli, runs):
    card = cli("history", "show", str(runs))
    assert card.exit_code == 0, card.output
    text = card.stdout
    assert text.startswith(f"Run {runs}") and "unreachable" in text and "6.0 s" in text
    assert "cannot reach WorkFossa (connection refused)" in text and "ERR_CONNECTION_REFUSED" in text
    assert "workfossa-1-unreachable.html.gz" in text
    record = json.loads(cli("history", "show", str(runs), "--json").stdout)
    assert record["error_message"] == ERROR and record["error_summary"] == "cannot reach WorkFossa (connection refused)"


def test_history_show_of_an_unknown_run(cli, runs, error_line):
    assert "no run 999" in error_line(cli("history", "show", "999"), 2)
    assert "positive" in error_line(cli("history", "show", "-1"), 2)


def test_history_piped_names_what_a_run_received_and_the_fields_read_by_fallback(cli, wosync_home, monkeypatch):
    monkeypatch.setenv("WOSYNC_FORCE_TERMINAL", "0")
    with Store() as store:
        store_sync(store, [make_order(n) for n in range(3)], T0)
        with store.transaction():
            store.db.execute("UPDATE runs SET bytes_received = 2147000, fallback_fields = ?",
                             ['{"items": 3, "reason": 3}'])
    header, row = (line.split("\t") for line in cli("history").stdout.splitlines())
    shown = dict(zip(header, row))
    assert (shown["RECEIVED"], shown["FALLBACK"], shown["REMOVED"]) == ("2147000", "items,reason", "0")
