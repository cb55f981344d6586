"""Pure field-level comparison (wosync.diff) and the sync's mass-removal guard arithmetic."""

from wosync.diff import compare, field_changes
from wosync.sync import mass_removal_reason


def order(number, **fields):
    base = {"number": number, "status": "Work Created", "instructions": None, "items": [], "completed_at": None}
    base.update(fields)
    return base


def test_new_updated_unchanged_and_missing_are_told_apart():
    stored = {
        "W-1": order("W-1", status="Work Created"),
        "W-2": order("W-2"),
        "W-3": order("W-3"),
    }
    scraped = [order("W-1", status="Quality Approved"), order("W-2"), order("W-4")]
    diff = compare(stored, scraped)
    assert diff.new == ["W-4"]
    assert diff.updated == {"W-1": {"status": ["Work Created", "Quality Approved"]}}
    assert diff.unchanged == 1
    assert diff.missing == ["W-3"]
    assert diff.reopened == {}


def test_a_field_going_to_or_from_empty_is_a_change():
    assert field_changes(order("W-1", instructions=None), order("W-1", instructions="Call first")) == {
        "instructions": [None, "Call first"]
    }
    assert field_changes(order("W-1", instructions="Call first"), order("W-1", instructions=None)) == {
        "instructions": ["Call first", None]
    }


def test_empty_string_and_none_are_the_same_empty():
    assert field_changes(order("W-1", project=""), order("W-1", project=None)) == {}
    assert field_changes(order("W-1", items=[]), order("W-1", items=None)) == {}


def test_items_compare_by_content():
    one = [{"category": "Parts", "quantity": 1, "name": "Filter", "code": "3006"}]
    two = [{"category": "Parts", "quantity": 2, "name": "Filter", "code": "3006"}]
    assert field_changes(order("W-1", items=one), order("W-1", items=one)) == {}
    assert field_changes(order("W-1", items=one), order("W-1", items=two)) == {"items": [one, two]}


def test_a_completed_order_seen_again_is_reopened_with_its_changes():
    stored = {"W-1": order("W-1", completed_at="2026-11-01T10:00:00Z", status="Work Created")}
    diff = compare(stored, [order("W-1", status="Quality Approved")])
    assert diff.reopened == {"W-1": {"status": ["Work Created", "Quality Approved"]}}
    assert diff.new == [] and diff.missing == []


def test_completed_orders_are_never_missing_again():
    stored = {"W-1": order("W-1", completed_at="2026-11-01T10:00:00Z")}
    assert compare(stored, []).missing == []


def test_a_number_read_twice_counts_once():
    diff = compare({}, [order("W-1"), order("W-1")])
    assert diff.new == ["W-1"]


def test_mass_removal_guard():
    assert mass_removal_reason(active=10, completing=0, rows_read=10) is None
    assert mass_removal_reason(active=10, completing=5, rows_read=5) is None  # exactly half is allowed
    assert "more than half" in mass_removal_reason(active=10, completing=6, rows_read=4)
    assert "all 3" in mass_removal_reason(active=3, completing=3, rows_read=0) or "no work orders" in mass_removal_reason(
        active=3, completing=3, rows_read=0)
    assert "all 4" in mass_removal_reason(active=4, completing=4, rows_read=2)
    assert "no work orders" in mass_removal_reason(active=100, completing=1, rows_read=0)


def test_a_backfilled_field_filled_in_is_stored_but_not_reported():
    stored = {"W-1": order("W-1", location_id=None), "W-2": order("W-2", location_id=7)}
    scraped = [order("W-1", location_id=5), order("W-2", location_id=8)]
    diff = compare(stored, scraped)
    assert diff.refreshed == ["W-1"] and "W-1" not in diff.updated
    # A location that really changes is a change like any other.
    assert diff.updated == {"W-2": {"location_id": [7, 8]}}
