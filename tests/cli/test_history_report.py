"""`wosync history --report [--days N] [--json]` (the history at a glance): per day the runs as coloured
cells, the success rate, median and slowest duration, the active orders as a sparkline, and the
last error of each kind with its count; --json gives the same figures.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from wosync.cli import common
from wosync.errors import ExitCode
from wosync.render import run_cells, sparkline
from wosync.report import history_figures
from wosync.store import Store
from support.stored_orders import ACCOUNT, make_order, store_sync

UTC = timezone.utc
NOW = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)


def day(n: int, hour: int) -> datetime:
    """Return hour `hour` (UTC) of 2026-11-(29 - n)."""
    return datetime(2026, 11, 29, hour, 0, tzinfo=UTC) - timedelta(days=n)


@pytest.fixture
def runs(wosync_home, monkeypatch, local_zone):
    """Runs over four days: 27 Nov two successes (10 and 12 orders, 20 and 40 s), 28 Nov a partial,
    a credentials failure and an interrupted run, 29 Nov a success (11 orders, 30 s) and two
    layout failures; nothing on 26 Nov."""
    local_zone("UTC")
    monkeypatch.setattr(common, "clock", lambda: NOW)
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", day(5, 0))

        def finished(start: datetime, seconds: float, status: str, kind=None, message=None, items=0):
            run_id = store.start_run(ACCOUNT, "scheduled", None, 1, start)
            store.finish_run(run_id, start + timedelta(seconds=seconds), status=status, error_kind=kind,
                             error_message=message, items_processed=items)

        store_sync(store, [make_order(n) for n in range(10)], day(2, 8))  # 0 s
        store.conn.execute("UPDATE runs SET duration_seconds = 20")
        finished(day(2, 9), 40, "success", items=12)
        finished(day(1, 8), 15, "partial", "incomplete", "read 150 of 152", items=150)
        finished(day(1, 9), 3, "failed", "credentials_rejected", "WorkFossa rejected the password")
        finished(day(1, 10), 5, "interrupted", "interrupted", "cancelled by Ctrl-C")
        finished(day(0, 8), 30, "success", items=11)
        finished(day(0, 9), 2, "failed", "layout", "the list moved")
        finished(day(0, 10), 4, "failed", "layout", "has(input[name=limit]) not found")
        finished(day(9, 10), 4, "failed", "layout", "too old to be in the report")


def report_json(cli, *options: str) -> dict:
    result = cli("history", "--report", "--json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_report_figures_per_day(cli, runs):
    figures = report_json(cli, "--days", "4")
    assert (figures["days"], figures["from"], figures["to"]) == (4, "2026-11-26", "2026-11-29")
    days = {d["date"]: d for d in figures["per_day"]}
    assert list(days) == ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"]
    empty, first, second, today = days.values()
    assert (empty["runs"], empty["statuses"], empty["success_rate"], empty["active_orders"]) == (0, [], None, None)
    assert first["statuses"] == ["success", "success"] and first["success_rate"] == 1.0
    assert (first["median_seconds"], first["slowest_seconds"], first["active_orders"]) == (30.0, 40.0, 12)
    assert second["statuses"] == ["partial", "failed", "interrupted"] and second["success_rate"] == 0.0
    assert (second["median_seconds"], second["slowest_seconds"], second["active_orders"]) == (5.0, 15.0, None)
    assert today["statuses"] == ["success", "failed", "failed"] and today["success_rate"] == round(1 / 3, 4)
    assert (today["median_seconds"], today["slowest_seconds"], today["active_orders"]) == (4.0, 30.0, 11)
    assert today["weekday"] == "Sun" and len(today["run_ids"]) == 3


def test_report_totals_and_last_error_of_each_kind(cli, runs):
    figures = report_json(cli, "--days", "4")
    total = figures["total"]
    assert total["runs"] == 8 and total["counts"] == {"success": 3, "partial": 1, "failed": 3, "interrupted": 1,
                                                      "running": 0}
    assert total["success_rate"] == 0.375 and total["slowest_seconds"] == 40.0 and total["median_seconds"] == 10.0
    errors = [(e["kind"], e["count"], e["last_message"]) for e in figures["errors"]]
    assert errors == [
        ("layout", 2, "has(input[name=limit]) not found"),
        ("interrupted", 1, "cancelled by Ctrl-C"),
        ("credentials_rejected", 1, "WorkFossa rejected the password"),
        ("incomplete", 1, "read 150 of 152"),
    ]
    assert figures["errors"][0]["last_at"] == "2026-11-29T10:00:00Z"
    wider = report_json(cli, "--days", "14")  # the old failure comes into view
    assert wider["total"]["runs"] == 9 and wider["errors"][0]["kind"] == "layout" and wider["errors"][0]["count"] == 3


def test_report_picture(cli, runs, monkeypatch):
    plain = cli("history", "--report", "--days", "4")
    assert plain.exit_code == 0, plain.output
    lines = plain.stdout.splitlines()
    assert lines[0].startswith("Syncs, last 4 days (2026-11-26 to 2026-11-29)")
    row = {line[:9]: line for line in lines if re.match(r"^\w{3} 11-\d\d", line)}
    assert re.match(r"Thu 11-26 +· +- +- +- +-$", row["Thu 11-26"])
    assert re.match(r"Fri 11-27 +■■ +100% +30.0 s +40.0 s +12$", row["Fri 11-27"]), row["Fri 11-27"]
    assert re.match(r"Sat 11-28 +■■■ +0% +5.0 s +15.0 s +-$", row["Sat 11-28"]), row["Sat 11-28"]
    assert re.match(r"Sun 11-29 +■■■ +33% +4.0 s +30.0 s +11$", row["Sun 11-29"]), row["Sun 11-29"]
    assert any(line.startswith("Active orders  ·█·▁  12 → 11") for line in lines), plain.stdout
    assert "Runs 8  success 38%  median 10.0 s  slowest 40.0 s" in plain.stdout
    assert re.search(r"layout +×2 +2026-11-29 10:00 +has\(input\[name=limit\]\) not found", plain.stdout)

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLORTERM", "truecolor")
    coloured = cli("history", "--report", "--days", "4").stdout
    cells = re.findall(r"\x1b\[([0-9;]+)m(■+)\x1b\[0m", coloured)
    sat = [code for code, _ in cells][2:5]  # Fri's two cells come first
    assert sat == ["33", "31", "38;5;244"]  # yellow partial, red failed, grey interrupted
    assert cells[0][0] == "32"  # green success


def test_report_of_an_empty_history(cli, wosync_home, monkeypatch):
    monkeypatch.setattr(common, "clock", lambda: NOW)
    figures = report_json(cli, "--days", "2")
    assert figures["total"]["runs"] == 0 and figures["errors"] == [] and len(figures["per_day"]) == 2
    result = cli("history", "--report")
    assert result.exit_code == 0 and "Syncs, last 14 days" in result.stdout


@pytest.mark.parametrize("options, words", [
    (["--days", "0"], ["--days"]), (["--days", "367"], ["--days"]), (["--csv"], ["--report", "--csv"]),
    (["--failed"], ["--report"]),
])
def test_report_options_out_of_range_are_usage_errors(cli, error_line, wosync_home, options, words):
    message = error_line(cli("history", "--report", *options), ExitCode.USAGE)
    assert all(word in message for word in words), message


def test_a_day_is_a_local_day(wosync_home, local_zone):
    # 23:30 UTC on the 28th is the 29th in Berlin: it counts there.
    from zoneinfo import ZoneInfo

    run = {"id": 1, "status": "success", "started_at": "2026-11-28T23:30:00Z", "duration_seconds": 5,
           "items_processed": 3, "error_kind": None, "error_message": None}
    figures = history_figures([run], NOW, 2, zone=ZoneInfo("Europe/Berlin"))
    assert [d["statuses"] for d in figures["per_day"]] == [[], ["success"]]


def test_sparkline_and_cells():
    assert sparkline([1, None, 8, 4]) == "▁·█▄"
    assert sparkline([5, 5]) == "▅▅" and sparkline([None]) == "·"
    assert run_cells([]).plain == "·"
    many = run_cells(["success"] * 95 + ["failed"])
    assert len(many.plain) == 48  # two runs a cell past 48 runs, each cell the worst of its runs
    assert [span.style for span in many.spans][-1] == "red"
