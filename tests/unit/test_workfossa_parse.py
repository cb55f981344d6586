"""parse_row / parse_rows on hand-made work-list rows (tests/fixtures/rows/): every field, no
browser.

The fragments follow the rows of the real site (tests/fixtures/workfossa/, tested field by
field in test_captures_parse.py) and vary what the capture does not show: no project, an
intersection, a phone in the contact line, escaped `&` and `<`, an item without a code,
no Next Visit link, a completed row with a struck-through counter, blank instructions, a
row with most lines missing.
"""

from pathlib import Path

import pytest

from wosync.fields import SCRAPED_FIELDS
from wosync.workfossa import parse_row
from wosync.workfossa.errors import LayoutNotRecognised
from wosync.workfossa.parse import parse_match_count, parse_rows

ROWS = Path(__file__).parent.parent / "fixtures" / "rows"
BASE = "https://app.workfossa.com"


def row(name: str) -> str:
    return (ROWS / name).read_text(encoding="utf-8")


def test_appendix_row_gives_every_field():
    assert parse_row(row("appendix.html"), BASE) == {
        "number": "W-130017",
        "work_id": 130017,
        "status": "Work Created",
        "category": "Meter Calibration",
        "reason": "AccuMeasure",
        "project": "Calibrations 2026",
        "customer": "Northstar Fuel Stores, Inc",
        "store_number": "#31072",
        "brand": "Northstar",
        "street": "802 East Harbor Boulevard",
        "intersection": None,
        "city": "Tampa",
        "state": "FL",
        "zip": "33603",
        "county": "Hillsborough County",
        "contact": "Lee Parker",
        "items": [
            {"category": "Combo", "quantity": 1, "name": "Calibration Services", "code": "CAL-SERV"},
            {"category": "Meter Calibration", "quantity": 6, "name": "All Dispensers", "code": "2861"},
        ],
        "visits_done": 0,
        "visits_planned": 1,
        "next_visit_date": "2026-08-29",
        "time_window": "anytime",
        "due_date": "2026-09-14",
        "instructions": "Calibrate all dispensers and change filters.\n"
                        "Put stickers on the inner side of the uprights.",
        "created_by": "Dana Ortiz",
        "created_at": "2026-04-08T09:41:00",
        "url": "https://app.workfossa.com/app/work/130017/",
        "visit_url": "https://app.workfossa.com/app/work/130017/visits/131650/",
        "location_id": 40417,
    }


def test_keys_are_those_of_the_json_contract_in_order():
    assert tuple(parse_row(row("appendix.html"), BASE)) == SCRAPED_FIELDS


def test_parse_rows_reads_many_rows_in_one_parse_in_list_order():
    names = ["appendix.html", "completed.html", "escaped_no_visit_no_instructions.html",
             "intersection_phone_no_project.html", "sparse.html"]
    # As the browser joins the rows' outerHTML; and wrapped, as the list's innerHTML is.
    joined = "\n".join(row(name) for name in names)
    expected = [parse_row(row(name), BASE) for name in names]
    assert parse_rows(joined, BASE) == expected
    assert parse_rows(f'<div class="bg-gray-50">{joined}</div>', BASE) == expected
    assert [o["number"] for o in expected] == ["W-130017", "W-129660", "W-129655", "W-129700", "W-1"]


def test_parse_rows_of_no_rows_is_empty():
    assert parse_rows("", BASE) == []
    assert parse_rows('<div class="mt-2 bg-white"></div>', BASE) == []


def test_parse_rows_names_the_selector_of_a_row_without_its_link():
    html = row("appendix.html") + row("no_number_link.html")
    with pytest.raises(LayoutNotRecognised) as caught:
        parse_rows(html, BASE)
    assert caught.value.selector == 'a[href="/app/work/<id>/"]'


def test_intersection_phone_zip4_and_no_project():
    order = parse_row(row("intersection_phone_no_project.html"), BASE + "/")
    assert order["number"] == "W-129700"
    assert order["work_id"] == 629700  # the id in the link, not the number's digits
    assert order["url"] == "https://app.workfossa.com/app/work/629700/"
    assert order["location_id"] == 41234
    assert order["category"] == "Filter Change"
    assert order["status"] == "Quality Approved"
    assert order["reason"] == "Customer Request"
    assert order["project"] is None
    assert (order["street"], order["intersection"]) == ("1200 N Dale Mabry Hwy", "Dale Mabry Hwy & Kennedy Blvd")
    assert (order["city"], order["state"], order["zip"]) == ("Port Saint Lucie", "FL", "34952-1234")
    assert order["county"] == "St. Lucie County"
    assert order["contact"] == "Renée Schäfer 813-555-0142"
    assert order["items"] == [
        {"category": "Meter Calibration", "quantity": 12, "name": "Open Neck Prover (5 gal)", "code": "3146"}
    ]
    assert (order["visits_done"], order["visits_planned"]) == (1, 3)
    assert order["next_visit_date"] == "2027-01-05"
    assert order["time_window"] == "8:00am - 12:00pm"
    assert order["due_date"] == "2027-01-20"
    assert order["visit_url"] == "https://app.workfossa.com/app/work/629700/visits/131777/"
    # Inner blank lines and spacing are kept; only the ends are trimmed.
    assert order["instructions"] == ("Gate code 4471.   Do NOT block the <diesel> lane.\n\n"
                                     "Call the manager & check in.")
    assert (order["created_by"], order["created_at"]) == ("Søren Lund", "2025-12-31T00:05:00")


def test_escaped_text_item_without_code_and_no_next_visit():
    order = parse_row(row("escaped_no_visit_no_instructions.html"), "http://127.0.0.1:8123")
    assert order["customer"] == "Smith & Sons <Fuel>"
    assert order["project"] == "Q3 Compliance & Audit"
    assert order["contact"] == "Tom O'Brien"
    assert order["items"] == [
        {"category": "Combo", "quantity": 2, "name": "Filter change", "code": "3006"},
        {"category": "Parts", "quantity": 3, "name": "Nozzle Boot & Spout Ring", "code": "FE-4410"},
        {"category": "Parts", "quantity": 1, "name": "Inspection Sticker", "code": None},
    ]
    assert (order["visits_done"], order["visits_planned"]) == (0, 2)
    for key in ("next_visit_date", "time_window", "due_date", "visit_url", "instructions"):
        assert order[key] is None, key
    assert order["created_at"] == "2026-07-04T12:30:00"  # 12pm is noon
    assert order["url"] == "http://127.0.0.1:8123/app/work/129655/"


def test_completed_row_with_struck_counter_and_blank_instructions():
    order = parse_row(row("completed.html"), BASE)
    assert (order["visits_done"], order["visits_planned"]) == (1, 1)
    assert order["next_visit_date"] is None and order["visit_url"] is None
    assert order["due_date"] is None and order["time_window"] is None
    assert order["instructions"] is None  # blank tooltip text
    assert order["contact"] == "Priya Patel 813-555-0007"
    assert order["customer"] == "O'Malley's Gas & Go"
    assert order["items"][0]["name"] == "Specific Dispenser(s)"
    assert order["created_at"] == "2026-02-01T19:00:00"


def test_counter_without_title_is_read_from_its_text():
    html = row("completed.html").replace('title="1 / 1" ', "")
    order = parse_row(html, BASE)
    assert (order["visits_done"], order["visits_planned"]) == (1, 1)


def test_sparse_row_gives_none_for_what_is_missing():
    order = parse_row(row("sparse.html"), BASE)
    assert order["number"] == "W-1"
    assert order["customer"] == "Lone Customer" and order["store_number"] == "#7"
    assert order["location_id"] == 8
    assert order["brand"] is None  # the line after the location is the address already
    assert order["street"] == "1 Unknown Road"
    for key in ("status", "category", "reason", "project", "intersection", "city", "state",
                "zip", "county", "contact", "visits_done", "visits_planned", "created_at"):
        assert order[key] is None, key
    assert order["items"] == []
    assert order["created_by"] == "Someone New"
    # No tooltip and no "more..." link: the visible copy is the whole text.
    assert order["instructions"] == "Short note,\ntwo lines."


def test_truncated_visible_copy_is_never_taken_for_the_full_text():
    html = row("appendix.html")
    start = html.index('<div class="ks-tooltip text-sm')
    end = html.index("</div>", html.index("Close</a>")) + len("</div>")
    order = parse_row(html[:start] + html[end:], BASE)
    assert order["instructions"] is None


def test_windows_line_endings_read_like_the_browser():
    order = parse_row(row("appendix.html").replace("\n", "\r\n"), BASE)
    assert order["instructions"] == ("Calibrate all dispensers and change filters.\n"
                                     "Put stickers on the inner side of the uprights.")


def test_row_without_number_link_is_a_layout_error_naming_the_selector():
    with pytest.raises(LayoutNotRecognised) as caught:
        parse_row(row("no_number_link.html"), BASE)
    assert 'a[href="/app/work/<id>/"]' in str(caught.value)
    assert caught.value.kind == "layout"
    assert caught.value.exit_code == 1


def test_item_line_that_is_not_quantity_x_name_is_a_layout_error():
    html = row("appendix.html").replace("<div>6 x </div>", "<div>six of </div>")
    with pytest.raises(LayoutNotRecognised, match="N x Name"):
        parse_row(html, BASE)


def test_each_item_line_takes_the_first_code_span_inside_it_and_the_heading_none():
    # The codes are found with one query per group (not one per line): a span in the heading
    # is no line's code, and a second span in a line stays part of the name.
    html = (row("appendix.html")
            .replace("<div>Combo</div>", '<div>Combo <span class="muted">(X-1)</span></div>')
            .replace('<span class="muted">(CAL-SERV)</span>',
                     '<span class="muted">(CAL-SERV)</span> <span class="muted">(SECOND)</span>'))
    assert parse_row(html, BASE)["items"] == [
        {"category": "Combo (X-1)", "quantity": 1, "name": "Calibration Services (SECOND)", "code": "CAL-SERV"},
        {"category": "Meter Calibration", "quantity": 6, "name": "All Dispensers", "code": "2861"},
    ]


def test_instructions_with_a_br_read_it_as_a_line_break():
    html = row("appendix.html").replace("change filters.\nPut stickers", "change filters.<br>Put stickers")
    assert parse_row(html, BASE)["instructions"] == ("Calibrate all dispensers and change filters.\n"
                                                     "Put stickers on the inner side of the uprights.")


def test_no_brand_when_the_line_after_the_location_holds_the_address():
    html = row("appendix.html").replace(
        '<div class="mb-1"> Northstar </div>\n    <div class="address-info text-sm">',
        '<div class="mb-1"> <div class="address-info text-sm">').replace(
        "Hillsborough County</div></div></div></div></div>", "Hillsborough County</div></div></div></div></div></div>")
    order = parse_row(html, BASE)
    assert order["brand"] is None
    assert (order["street"], order["city"], order["county"]) == (
        "802 East Harbor Boulevard", "Tampa", "Hillsborough County")


def test_no_brand_when_the_customer_block_ends_with_the_location_and_the_address_follows_it():
    # The line after the location's is past the block: it is the address, so no brand; and the
    # address is read inside the block only, so none.
    html = row("appendix.html").replace(
        '<div class="mb-1"> Northstar </div>\n    <div class="address-info text-sm"><div><div>802 East Harbor '
        'Boulevard</div>\n      <div class="mt-1">Tampa FL 33603</div><div class="mt-1">Hillsborough County'
        '</div></div></div></div></div>',
        '</div></div><div class="address-info text-sm"><div><div>802 East Harbor Boulevard</div></div></div>')
    order = parse_row(html, BASE)
    assert order["store_number"] == "#31072" and order["brand"] is None
    assert order["street"] is None and order["city"] is None


def test_an_address_line_with_inline_markup_reads_as_one_line():
    html = row("appendix.html").replace('<div class="mt-1">Tampa FL 33603</div>',
                                        '<div class="mt-1">Tampa <span>FL</span> <!---->33603</div>')
    order = parse_row(html, BASE)
    assert (order["city"], order["state"], order["zip"]) == ("Tampa", "FL", "33603")


@pytest.mark.parametrize("text, expected", [
    (" 244 matches ", 244), ("1 match", 1), ("0 matches", 0), ("1,234 matches", 1234),
    ("", None), ("Show 25", None),
])
def test_match_count(text, expected):
    assert parse_match_count(text) == expected


@pytest.mark.parametrize("tooltip_class", ["ks-tooltip", "ks-popover"])
def test_every_row_the_simulated_site_draws_reads_back_as_its_expected_order(tooltip_class):
    """The simulated site's generator covers what the fragments above cannot list one by
    one (every status, city, item and instruction shape), with the captured tooltip class and
    another; the expected dicts come from the site's own data, not from the parser."""
    import datetime as dt

    from wosync.sim import render
    from wosync.sim.data import generate_orders

    orders, _ = generate_orders(400, seed=11, today=dt.date(2026, 4, 10))
    assert any(o.is_completed for o in orders) and any(o.contact_phone for o in orders)
    html = "\n".join(render.row_html(o, tooltip_class=tooltip_class) for o in orders)
    assert (tooltip_class in html) and (tooltip_class == "ks-tooltip" or "ks-tooltip text-sm" not in html)
    parsed = parse_rows(html, "http://127.0.0.1:9")
    assert len(parsed) == len(orders)
    for order, got in zip(orders, parsed):
        expected = {"location_id": order.location_id, **order.expected("http://127.0.0.1:9")}
        assert got == {key: expected[key] for key in SCRAPED_FIELDS}, order.number


def test_a_script_element_in_a_row_does_not_change_what_is_read():
    html = row("appendix.html").replace(
        "<div class=\"address flex", "<script>if (a < b) {}</script><div class=\"address flex")
    assert parse_row(html, BASE) == parse_row(row("appendix.html"), BASE)


def test_every_equipment_tab_the_simulated_site_draws_reads_back_as_its_dispensers():
    """The simulated Equipment tab (after the captured fragment, with other groups beside the
    Dispenser one, locations without dispensers, collapsed groups) read by parse_dispensers."""
    from wosync.sim.equipment import EquipmentStore
    from wosync.sim.location_page import equipment_tab
    from wosync.workfossa.equipment import dispenser_group_state, parse_dispensers

    store = EquipmentStore(seed=11)
    without = 0
    for location_id in range(40000, 40120):
        equipment = store.snapshot(location_id)
        expected = [d.expected() for d in equipment.dispensers]
        without += not expected
        assert parse_dispensers(equipment_tab(location_id, equipment, collapsed=False)["html"]) \
            == expected, location_id
        collapsed = dispenser_group_state(equipment_tab(location_id, equipment, collapsed=True)["html"])
        assert (collapsed.present, collapsed.count) == ((True, len(expected)) if expected else (False, None))
        assert collapsed.expanded is (False if expected else None)
    assert 0 < without < 120
