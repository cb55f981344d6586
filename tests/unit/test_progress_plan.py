"""The progress bar follows time, not the order of the phases; piped, progress is one line per
phase in a person's words, equipment at most every 10 % or 5 s."""

from __future__ import annotations

import io

from wosync.progress import ProgressPlan, expected_locations
from wosync.render.progress import SyncProgressView, plain_phase_line


def first_sync_percentages(matches: int, locations: int) -> dict[str, int]:
    plan = ProgressPlan(locations=locations)
    return {"login": plan.at("logging_in"), "page 1": plan.scraping(50, matches),
            "list read": plan.scraping(matches, matches), "saving": plan.at("saving"),
            "equipment 1": plan.equipment(1, locations), "equipment last": plan.equipment(locations, locations)}


def test_a_first_sync_spends_most_of_the_bar_on_its_equipment():
    shown = first_sync_percentages(250, 25)
    # Login about a tenth; the list and saving end before a third; equipment the rest.
    assert 1 <= shown["login"] <= 2 and 10 <= ProgressPlan(25, 250).at("scraping") <= 20
    assert shown["list read"] <= 35 and shown["saving"] <= 35
    assert shown["equipment 1"] < 40 and 90 <= shown["equipment last"] <= 99
    values = list(shown.values())
    assert values == sorted(values)  # never back


def test_a_sync_without_equipment_spreads_the_list_over_the_bar():
    plan = ProgressPlan(locations=0)
    assert plan.scraping(0, 500) < 35 and plan.scraping(250, 500) > 50 and plan.scraping(500, 500) >= 95


def test_the_equipment_share_is_sized_by_the_locations_due():
    few, many = ProgressPlan(3, 250), ProgressPlan(25, 250)
    assert few.span("equipment")[0] > many.span("equipment")[0]
    assert expected_locations(read_before=0, due_now=0, limit=25) == 25  # a first sync: the limit
    assert expected_locations(read_before=40, due_now=3, limit=25) == 3
    assert expected_locations(read_before=40, due_now=90, limit=None) == 90


def record(phase: str, message: str) -> dict:
    return {"status": "in_progress", "phase": phase, "percentage": 50, "message": message}


def test_plain_progress_lines_are_in_words():
    assert plain_phase_line(record("logging_in", "Logging in to WorkFossa...")) == "Logging in"
    assert plain_phase_line(record("scraping", "Scraping work orders page 2 of 3...")) == "Reading the work list: page 2 of 3"
    assert plain_phase_line(record("scraping", "Scraping work orders page 4...")) == "Reading the work list: page 4"
    assert plain_phase_line(record("saving", "Saving 250 work orders...")) == "Saving 250 work orders"
    assert plain_phase_line(record("equipment", "Reading equipment 3 of 25...")) == "Reading equipment: location 3 of 25"


def test_piped_equipment_progress_is_told_every_10_percent_or_5_seconds():
    from rich.console import Console

    out = io.StringIO()
    now = [0.0]
    view = SyncProgressView(Console(file=out, width=40), monotonic=lambda: now[0])
    with view:
        view(record("logging_in", "Opening WorkFossa..."))
        view(record("logging_in", "Logging in to WorkFossa..."))
        for index in range(1, 26):
            now[0] += 0.3
            view(record("equipment", f"Reading equipment {index} of 25..."))
        now[0] += 6
        view(record("equipment", "Reading equipment 2 of 3..."))  # a slow one: told after 5 s
    lines = out.getvalue().splitlines()
    assert lines[0] == "Logging in" and lines.count("Logging in") == 1
    told = [line for line in lines if line.startswith("Reading equipment")]
    assert told[0].endswith("1 of 25") and told[-2].endswith("25 of 25") and told[-1].endswith("2 of 3")
    assert len(told) <= 12
    assert all("%" not in line and "_" not in line for line in lines)
