"""What a run records of the fields read by their text fallback, and how it is said
(wosync.fallbacks): only fields needed on more than half of the rows; history's lines; the
selector and pattern site.py names for each field the parsers count."""

from __future__ import annotations

from wosync import fallbacks
from wosync.workfossa import site


def test_only_fields_needed_on_more_than_half_of_the_rows_are_recorded():
    assert fallbacks.most_rows({"items": 250, "city": 1, "project": 125}, 250) == {"items": 250}
    assert fallbacks.most_rows({"block": 6, "serial": 3}, 6, fallbacks.DISPENSER_PREFIX) == {"dispenser.block": 6}
    assert fallbacks.most_rows({"items": 3}, 0) == {}


def test_stored_as_json_and_read_back_whatever_was_stored():
    assert fallbacks.encode({}) is None and fallbacks.decode(None) == {}
    assert fallbacks.decode(fallbacks.encode({"reason": 4, "items": 4})) == {"items": 4, "reason": 4}
    assert fallbacks.decode("not json") == {} and fallbacks.decode("[1]") == {}


def test_history_names_the_runs_sharing_a_set_of_fields_together():
    runs = [{"id": 12, "fallback_fields": {"items": 9, "reason": 9}}, {"id": 11, "fallback_fields": {"items": 1, "reason": 1}},
            {"id": 10, "fallback_fields": {}}, {"id": 9, "fallback_fields": {"items": 5}}]
    assert fallbacks.history_lines(runs) == [
        "runs 12, 11 read 2 fields by their fallback: items, reason",
        "run 9 read 1 field by their fallback: items",
    ]
    assert fallbacks.history_lines(runs[2:3]) == []


def test_every_field_the_parsers_count_has_its_selector_and_pattern():
    for name in ("status", "category", "reason", "project", "city", "items", "visits_done", "visits_planned",
                 "next_visit_date", "instructions", "created_by", "created_at"):
        assert site.fallback_of(name) == site.FIELD_FALLBACKS[name]
    for name in ("group", "block", "serial", "make", "model", "fields"):
        assert site.fallback_of(f"dispenser.{name}") == site.DISPENSER_FIELD_FALLBACKS[name]
    assert site.fallback_of("items") == (site.ITEM_GROUP, site.ITEM_LINE_FALLBACK_PATTERN)
    assert site.fallback_of("number") is None
