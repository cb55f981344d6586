"""wosync.change_kinds: a run's change rows, built by hand, classified as schedule changes
(every kind, urgency by today/tomorrow and by a busy day, swaps and replacements)."""

from __future__ import annotations

from datetime import date

from wosync.change_kinds import KINDS, by_kind, classify

TODAY = date(2026, 12, 7)  # Monday
TOMORROW, LATER, FAR = "2026-12-08", "2026-12-10", "2026-12-15"


def row(number: str, kind: str, fields: dict | None = None, customer: str = "Wawa", stored: str | None = None,
        completed: bool = False, location_id: int | None = None, store_number: str = "#5154", city: str = "Tampa"):
    """Return a change row as the action gives it: the stored order's next visit and completion joined."""
    return {"number": number, "kind": kind, "fields": fields or {}, "customer": customer, "store_number": store_number,
            "city": city, "location_id": location_id, "next_visit_date": stored,
            "completed_at": "2026-12-07T10:00:00Z" if completed else None}


def kinds_of(rows, visit_counts=None, dispensers=None, today=TODAY):
    entries = classify(rows, today, visit_counts or {}, dispensers or {})
    return [(e.number, e.kind) for e in entries], entries


def test_every_kind_from_its_change_row():
    rows = [
        row("W-1", "new", stored=FAR),                                                   # new with a visit
        row("W-2", "new", stored=None),                                                  # new without one
        row("W-3", "updated", {"next_visit_date": [None, FAR]}, stored=FAR),              # none -> a day
        row("W-4", "completed", stored=FAR, completed=True, customer="Citgo"),            # done
        row("W-5", "updated", {"next_visit_date": [FAR, None]}, stored=None, customer="Citgo"),  # a day -> none
        row("W-6", "updated", {"next_visit_date": [LATER, FAR], "time_window": ["anytime", "8-12"]}, stored=FAR),
        row("W-7", "updated", {"instructions": ["a", "b"]}, stored=FAR),
        row("W-8", "reopened", {}, stored=LATER),
        row("L-9000", "dispenser_added", {"1/2": [None, "Regular - Wayne"]}, stored=FAR),
    ]
    pairs, entries = kinds_of(rows)
    assert pairs == [("W-1", "visit_added"), ("W-2", "details"), ("W-3", "visit_added"), ("W-4", "visit_removed"),
                     ("W-5", "visit_removed"), ("W-6", "rescheduled"), ("W-7", "details"), ("W-8", "visit_added"),
                     ("L-9000", "details")]
    by_number = {e.number: e for e in entries}
    assert (by_number["W-1"].old_date, by_number["W-1"].new_date) == (None, FAR)
    assert (by_number["W-4"].old_date, by_number["W-4"].new_date) == (FAR, None)
    assert (by_number["W-6"].old_date, by_number["W-6"].new_date) == (LATER, FAR)
    assert (by_number["W-7"].old_date, by_number["W-7"].new_date) == (FAR, FAR)
    assert not any(e.urgent for e in entries), "nothing is near today and no day is busy"
    assert {k for k, _ in by_kind(entries)} <= set(KINDS)


def test_each_entry_names_the_order_its_place_and_its_dispenser_count():
    rows = [row("W-1", "new", stored=FAR, location_id=31, customer="Circle K", store_number="#99291", city="Denver"),
            row("W-2", "new", stored=FAR, location_id=32), row("L-33", "dispenser_removed", {"1/2": ["x", None]})]
    _, entries = kinds_of(rows, dispensers={31: 6, 33: 2})
    first = entries[0].record()
    assert (entries[0].number, entries[0].customer, entries[0].store_number, entries[0].city) == (
        "W-1", "Circle K", "#99291", "Denver")
    assert first["dispensers"] == 6 and first["schedule_kind"] == "visit_added" and first["urgent"] is False
    assert entries[1].dispensers is None, "a location never read has no count"
    assert entries[2].dispensers == 2, "a location's own row counts at its L-<id>"


def test_urgent_when_it_touches_today_or_tomorrow():
    rows = [row("W-1", "updated", {"next_visit_date": [FAR, TODAY.isoformat()]}, stored=TODAY.isoformat()),
            row("W-2", "updated", {"next_visit_date": [TOMORROW, FAR]}, stored=FAR),  # moved away from tomorrow
            row("W-3", "completed", stored=TOMORROW, completed=True),
            row("W-4", "updated", {"contact": ["a", "b"]}, stored=TOMORROW),
            row("W-5", "updated", {"next_visit_date": [LATER, FAR]}, stored=FAR)]
    _, entries = kinds_of(rows)
    assert [e.reasons for e in entries] == [["today"], ["tomorrow"], ["tomorrow"], ["tomorrow"], []]
    assert [e.urgent for e in entries] == [True, True, True, True, False]


def test_today_is_the_day_given_not_the_machines():
    rows = [row("W-1", "new", stored="2026-12-31")]
    assert kinds_of(rows, today=date(2026, 12, 30))[1][0].reasons == ["tomorrow"]
    assert kinds_of(rows, today=date(2026, 12, 31))[1][0].reasons == ["today"]
    assert kinds_of(rows, today=date(2027, 1, 1))[1][0].reasons == []


def test_urgent_when_it_lands_on_a_day_that_already_has_visits():
    # The store now counts 3 visits on LATER: W-1 (moved there) and two orders not in the run.
    rows = [row("W-1", "updated", {"next_visit_date": [FAR, LATER]}, stored=LATER),
            row("W-2", "new", stored="2026-12-20"),
            row("W-3", "updated", {"instructions": ["a", "b"]}, stored=LATER)]  # not a move: no busy rule
    _, entries = kinds_of(rows, visit_counts={LATER: 3, "2026-12-20": 1, FAR: 4})
    assert entries[0].reasons == ["busy day: 2 visits already"]
    assert entries[1].reasons == [], "its day holds only itself"
    assert entries[2].reasons == []


def test_visits_the_same_run_put_on_a_day_do_not_make_it_busy():
    # A first sync: every order is new, three on one day; that day had nothing before.
    rows = [row(f"W-{n}", "new", stored=LATER) for n in range(3)]
    _, entries = kinds_of(rows, visit_counts={LATER: 3})
    assert [e.urgent for e in entries] == [False, False, False]
    _, entries = kinds_of(rows, visit_counts={LATER: 4})
    assert [e.reasons for e in entries] == [["busy day: 1 visit already"]] * 3


def test_two_orders_exchanging_their_days_are_swapped_and_name_each_other():
    rows = [row("W-1", "updated", {"next_visit_date": [LATER, FAR]}, stored=FAR),
            row("W-2", "updated", {"next_visit_date": ["2026-12-11", "2026-12-12"]}, stored="2026-12-12"),
            row("W-3", "updated", {"next_visit_date": [FAR, LATER]}, stored=LATER, customer="Citgo")]
    pairs, entries = kinds_of(rows, visit_counts={LATER: 1, FAR: 1, "2026-12-12": 1})
    assert pairs == [("W-1", "swapped"), ("W-2", "rescheduled"), ("W-3", "swapped")]
    assert (entries[0].partner, entries[2].partner, entries[1].partner) == ("W-3", "W-1", None)
    assert (entries[2].old_date, entries[2].new_date) == (FAR, LATER)
    assert not any(e.urgent for e in entries), "each day holds only the order swapped onto it"


def test_a_one_way_move_and_a_move_between_other_days_are_not_a_swap():
    rows = [row("W-1", "updated", {"next_visit_date": [LATER, FAR]}, stored=FAR),
            row("W-2", "updated", {"next_visit_date": [LATER, FAR]}, stored=FAR),
            row("W-3", "updated", {"next_visit_date": [FAR, "2026-12-20"]}, stored="2026-12-20")]
    pairs, _ = kinds_of(rows)
    assert [k for _, k in pairs] == ["rescheduled"] * 3


def test_a_completed_order_and_a_new_one_same_day_same_chain_are_replaced():
    rows = [row("W-1", "completed", stored=LATER, completed=True, customer="Circle K Stores Inc.", store_number="#1"),
            row("W-2", "new", stored=LATER, customer="circle k stores inc.", store_number="#2"),
            row("W-3", "new", stored=LATER, customer="Wawa"),                       # other chain: added
            row("W-4", "completed", stored=FAR, completed=True, customer="Wawa"),   # other day: removed
            row("W-5", "updated", {"next_visit_date": ["2026-12-20", None]}, stored=None, customer="Citgo"),
            row("W-6", "updated", {"next_visit_date": [None, "2026-12-20"]}, stored="2026-12-20", customer="Citgo")]
    pairs, entries = kinds_of(rows)
    assert pairs == [("W-1", "replaced"), ("W-2", "replaced"), ("W-3", "visit_added"), ("W-4", "visit_removed"),
                     ("W-5", "replaced"), ("W-6", "replaced")]
    assert [e.partner for e in entries] == ["W-2", "W-1", None, None, "W-6", "W-5"]
    assert (entries[0].old_date, entries[0].new_date, entries[1].old_date, entries[1].new_date) == (
        LATER, None, None, LATER)


def test_a_replacement_on_a_busy_day_tomorrow_is_urgent_for_both_reasons():
    rows = [row("W-1", "completed", stored=TOMORROW, completed=True),
            row("W-2", "new", stored=TOMORROW)]
    _, entries = kinds_of(rows, visit_counts={TOMORROW: 3})
    assert entries[0].reasons == ["tomorrow"], "the removed side lands nowhere"
    assert entries[1].reasons == ["tomorrow", "busy day: 2 visits already"]


def test_sections_come_in_kind_order_with_urgent_entries_first():
    rows = [row("W-1", "updated", {"instructions": ["a", "b"]}, stored=FAR),
            row("W-2", "new", stored=FAR),
            row("W-3", "new", stored=TOMORROW),
            row("W-4", "updated", {"next_visit_date": [LATER, FAR]}, stored=FAR)]
    _, entries = kinds_of(rows)
    sections = [(kind, [e.number for e in found]) for kind, found in by_kind(entries)]
    assert sections == [("rescheduled", ["W-4"]), ("visit_added", ["W-3", "W-2"]), ("details", ["W-1"])]


def test_a_large_first_sync_is_classified_in_one_pass():
    rows = [row(f"W-{n}", "new", stored=f"2026-12-{n % 28 + 1:02d}", customer=f"C{n % 50}") for n in range(50_000)]
    rows += [row(f"X-{n}", "completed", stored=f"2026-12-{n % 28 + 1:02d}", completed=True, customer="Z")
             for n in range(50_000)]
    pairs, _ = kinds_of(rows, visit_counts={f"2026-12-{d:02d}": 2000 for d in range(1, 29)})
    assert len(pairs) == 100_000 and {k for _, k in pairs} == {"visit_added", "visit_removed"}
