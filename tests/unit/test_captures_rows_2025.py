"""The rows of an older release (April 2025, tests/fixtures/workfossa/rows-2025-04.html): nine-digit
ZIPs without a hyphen, intersections, "PO #:" lines, an overdue "Due:" in orange, a Parts group,
an "Attn: ..." contact. And what the parsers do where the markup leaves the contract: a city line
of an unknown shape, rows whose item groups lost their classes, a read whose every row lacks a
field every row of the site carries, dispensers of the real variety. Pure selectolax (the same
rows in Chromium: tests/browser/test_captures_parse.py).
"""

from __future__ import annotations

import pytest

from support.captures import capture_expected, capture_html
from wosync.workfossa import site
from wosync.workfossa.equipment import parse_dispensers
from wosync.workfossa.errors import LayoutNotRecognised
from wosync.workfossa.parse import check_required_fields, parse_row, parse_rows
from wosync.workfossa.strategies import FieldStrategies

ROWS = "rows-2025-04.html"
BASE = "https://app.workfossa.com"


def test_the_seven_older_rows_equal_their_expected_json():
    got = parse_rows(capture_html(ROWS), BASE)
    expected = capture_expected(ROWS)
    assert len(got) == len(expected) == 7
    for order, truth in zip(got, expected):
        assert order == truth, truth["number"]


def test_nine_digit_zips_are_kept_as_shown_and_the_intersection_is_read():
    by_number = {o["number"]: o for o in parse_rows(capture_html(ROWS), BASE)}
    first = by_number["W-126662"]
    assert (first["city"], first["state"], first["zip"]) == ("Orlando", "FL", "328216368")
    assert first["intersection"] == "I-4"
    assert by_number["W-126793"]["intersection"] == "@ Howell Branch Road"


@pytest.mark.parametrize("zip_code", ["32806", "32806-2464", "328062464"])
def test_every_zip_shape_seen_is_read(zip_code):
    html = capture_html(ROWS).replace("Orlando FL 328216368", f"Orlando FL {zip_code}")
    assert parse_rows(html, BASE)[0]["zip"] == zip_code


def test_a_city_line_of_an_unknown_shape_costs_only_city_state_and_zip():
    html = capture_html(ROWS).replace("Orlando FL 328216368", "Orlando, Florida")
    strategies = FieldStrategies()
    order = parse_rows(html, BASE, strategies)[0]
    assert (order["street"], order["intersection"], order["county"]) == ("13407 State RD 535", "I-4", "Orange County")
    assert (order["city"], order["state"], order["zip"]) == (None, None, None)
    assert strategies.fallback_fields() == {"city": 1}


def test_the_po_line_is_never_taken_for_reason_or_project():
    for order, truth in zip(parse_rows(capture_html(ROWS), BASE), capture_expected(ROWS)):
        assert (order["reason"], order["project"]) == (truth["reason"], truth["project"])
        assert "PO" not in (order["reason"] or "") and "PO #" not in (order["project"] or "")


def test_item_groups_without_their_utility_classes_are_found_by_their_lines():
    html = capture_html(ROWS).replace('class="text-xs mb-2"', 'class="tw-text-xs tw-mb-2"')
    strategies = FieldStrategies()
    assert parse_rows(html, BASE, strategies) == capture_expected(ROWS)
    assert strategies.fallback_fields() == {"items": 7} and strategies.read == 7
    dropped = capture_html(ROWS).replace('class="text-xs mb-2"', "").replace('class="muted">(', ">(")
    assert parse_rows(dropped, BASE) == capture_expected(ROWS)


def test_a_field_every_row_carries_empty_on_every_row_is_a_layout_error():
    orders = parse_rows(capture_html(ROWS), BASE)
    check_required_fields(orders)  # the capture itself passes
    no_items = parse_rows(capture_html(ROWS).replace("x </div>", "</div>").replace('class="text-xs mb-2"', ""), BASE)
    assert all(o["items"] == [] for o in no_items)
    with pytest.raises(LayoutNotRecognised) as caught:
        check_required_fields(no_items)
    assert "'items'" in str(caught.value) and "every one of the 7 rows" in str(caught.value)
    assert caught.value.selector == site.ITEM_GROUP
    no_address = parse_rows(capture_html(ROWS).replace("address-info", "address-info-v2"), BASE)
    with pytest.raises(LayoutNotRecognised) as caught:
        check_required_fields(no_address)
    assert "'address'" in str(caught.value) and caught.value.selector == site.ADDRESS_INFO
    check_required_fields(no_items[:2])  # too few rows to tell a layout from data


def test_one_row_alone_reads_alike():
    row = capture_html(ROWS).split('<div class="bg-gray-50">')[1]
    assert parse_row(row, BASE) == capture_expected(ROWS)[1]


# --- dispensers: the real variety and other wrappers ------------------------------------------

EQUIPMENT = "equipment-dispensers.html"


def test_a_dispenser_without_s_n_or_model_stores_null_and_every_custom_label_is_kept():
    html = capture_html(EQUIPMENT)
    html = html.replace("S/N: SN60372", "").replace('<div><span class="muted uppercase">Model:</span> NL3</div>', "")
    html = html.replace("Gilbarco\n    <a", "Dresser Wayne\n    <a", 1).replace(
        '<span class="muted uppercase">Make:</span> Gilbarco', '<span class="muted uppercase">Make:</span> Dresser Wayne', 1)
    ntep = ('<div class="mt-2 sm-12 tab-6 lg-4"><div class="muted uppercase text-xs">\n        NTEP / COC #\n    </div> '
            '<div class="text-xs mt-1">\n        02-042A2\n    </div></div>')
    html = html.replace('</div></div></div></div></div><div class="py-1.5 bg-gray-50">',
                        f'</div>{ntep}</div></div></div></div><div class="py-1.5 bg-gray-50">', 1)
    first = parse_dispensers(html)[0]
    assert first["serial"] is None and first["model"] is None
    assert first["make"] == "Dresser Wayne" and first["grades"][-1] == "Super"
    assert first["fields"]["NTEP / COC #"] == "02-042A2"
    assert list(first["fields"])[-1] == "NTEP / COC #"


def test_dispenser_blocks_in_other_wrappers_read_alike():
    """The title line in a div of its own, no `.px-2 > .flex > div`, data-v-* everywhere,
    extra classes: the capture's content in a next release's wrappers."""
    html = capture_html(EQUIPMENT)
    html = html.replace('<div class="px-2"><div class="flex align-start"><div>\n',
                        '<div data-v-1f2e class="nx-body"><div data-v-1f2e class="nx-title">\n')
    html = html.replace("\n    <a href=\"#\" class=\"ml-2",
                        '</div><div class="nx-mid"><div class="nx-rest">\n    <a href="#" class="ml-2')
    html = html.replace("<div ", '<div data-v-9a8b7c6d="" ').replace('class="py-1.5', 'class="nx-eq py-1.5')
    assert ".px-2" not in html and 'class="px-2"' not in html
    assert parse_dispensers(html) == capture_expected(EQUIPMENT)
