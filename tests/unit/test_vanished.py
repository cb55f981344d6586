"""Completed or removed, without a browser: the decision of wosync.vanished and the completion
a row shows (wosync.workfossa.completion), on rows the simulated site draws in both markups and
on a row written after docs/workfossa-site.md ("One row": the struck-through counter, the
muted completion date, no Next Visit link)."""

from __future__ import annotations

import datetime as dt

import pytest

from wosync.errors import Interrupted
from wosync.model import RunStatus
from wosync.sim import next_release, render
from wosync.sim.data import generate_orders
from wosync.vanished import SHORT, UNREADABLE, Vanished, decide, resolve
from wosync.workfossa.completed_list import CompletedListRead
from wosync.workfossa.completion import RowCompletion, row_completions
from wosync.workfossa.errors import SiteHttpError

DONE = RowCompletion(True, "2026-04-10")
OPEN = RowCompletion(False)


def test_found_struck_through_is_completed_with_its_date_and_missing_from_a_complete_list_is_removed():
    read = CompletedListRead(found={"W-1": DONE}, complete=True, rows_read=44)
    gone = decide(["W-1", "W-2"], read)
    assert gone == Vanished(completed={"W-1": "2026-04-10"}, removed=["W-2"])
    assert gone.run_status(RunStatus.SUCCESS, None, None) == (RunStatus.SUCCESS, None, None)


def test_every_order_found_needs_no_end_of_list():
    read = CompletedListRead(found={"W-1": DONE, "W-2": RowCompletion(True)}, complete=True,
                             stop_reason="every order looked for was found")
    assert decide(["W-1", "W-2"], read).completed == {"W-1": "2026-04-10", "W-2": None}


def test_a_list_that_cannot_be_read_claims_nothing_and_says_why():
    gone = decide(["W-1", "W-2"], failure="WorkFossa answered HTTP 500")
    assert (gone.completed, gone.removed, gone.kept) == ({}, [], ["W-1", "W-2"])
    status, kind, message = gone.run_status(RunStatus.SUCCESS, None, None)
    assert (status, kind) == (RunStatus.PARTIAL, UNREADABLE)
    assert "could not be read (WorkFossa answered HTTP 500)" in message and "2 work orders" in message
    assert "stay active" in message


def test_a_short_read_keeps_the_orders_not_found_and_completes_those_found():
    read = CompletedListRead(found={"W-1": DONE}, complete=False, rows_read=25, stop_reason="pager hidden")
    gone = decide(["W-1", "W-2"], read)
    assert (gone.completed, gone.removed, gone.kept, gone.error_kind) == ({"W-1": "2026-04-10"}, [], ["W-2"], SHORT)
    assert "25 rows" in gone.error_message and "1 work order that left" in gone.error_message


def test_an_order_listed_as_open_work_stays_active_without_failing_the_run():
    gone = decide(["W-1"], CompletedListRead(found={"W-1": OPEN}, complete=True))
    assert (gone.completed, gone.removed, gone.kept, gone.error_kind) == ({}, [], ["W-1"], None)


def test_a_partial_run_keeps_its_own_error():
    gone = decide(["W-1"], failure="boom")
    assert gone.run_status(RunStatus.PARTIAL, "incomplete", "short") == (RunStatus.PARTIAL, "incomplete", "short")


class _Source:
    def __init__(self, outcome):
        self.outcome, self.asked = outcome, []

    def read_orders(self, *args):  # pragma: no cover - never called here
        raise AssertionError

    def find_completed(self, numbers, on_page):
        self.asked.append(list(numbers))
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


def test_resolve_asks_only_when_orders_vanished_and_turns_errors_into_kept_orders():
    source = _Source(CompletedListRead(found={}, complete=True))
    assert resolve(source, []) == Vanished() and source.asked == []
    assert resolve(source, ["W-9"]).removed == ["W-9"] and source.asked == [["W-9"]]
    failing = resolve(_Source(SiteHttpError("WorkFossa answered HTTP 500", 500)), ["W-9"])
    assert (failing.kept, failing.error_kind) == (["W-9"], UNREADABLE)
    with pytest.raises(Interrupted):
        resolve(_Source(Interrupted("stop")), ["W-9"])


def test_a_source_without_the_completed_list_completes_them_as_before():
    def plain(account, password, on_page, cancel):  # pragma: no cover - never called here
        raise AssertionError

    assert resolve(plain, ["W-1"]) == Vanished(completed={"W-1": None})


@pytest.mark.parametrize("draw", [render.rows_html, next_release.rows_html], ids=["classic", "next-release"])
def test_rows_of_the_simulated_all_list_tell_completion_and_date(draw):
    orders, _ = generate_orders(40, 11, dt.date(2026, 4, 10))
    got = row_completions(draw(orders), "http://127.0.0.1:1")
    assert len(got) == len(orders)
    for order in orders:
        want = RowCompletion(True, order.completed_on.isoformat()) if order.is_completed else OPEN
        assert got[order.number] == want, order.number
    assert sum(c.completed for c in got.values()) == 4


ROW = """<div class="row py-2 work-list-item w-1">
  <div class="sm-4"><a href="/app/work/1/">W-100001</a>
    <div class="work-status-badge"><div class="work-status-open">Work Created</div></div></div>
  <div class="sm-4"><div title="{counter}" class="text-sm muted"><span class="{strike}">{counter}
    <span class="text-xs uppercase">visits</span></span></div> {extra}</div>
</div>"""


def test_a_row_as_the_contract_describes_it():
    done = ROW.format(counter="1 / 1", strike="strike-through",
                      extra='<div class="mt-1 text-xs muted">06/14/2025</div>')
    assert row_completions(done, "https://x")["W-100001"] == RowCompletion(True, "2025-06-14")
    struck_without_date = ROW.format(counter="2 / 2", strike="strike-through", extra="")
    assert row_completions(struck_without_date, "https://x")["W-100001"] == RowCompletion(True, None)
    open_row = ROW.format(counter="0 / 1", strike="", extra=(
        '<a title="Next Visit" href="/app/work/1/visits/2/">06/20/2025 (anytime)'
        '<div class="mt-1 text-sm uppercase muted">Due: 06/30/2025</div></a>'))
    assert row_completions(open_row, "https://x")["W-100001"] == OPEN
