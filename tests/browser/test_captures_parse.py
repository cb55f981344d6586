"""The row and equipment parsers on the saved pages of the real site (tests/fixtures/workfossa/).

The expected JSON beside each capture is the ground truth, read independently of this
project's code: every field of every row must equal it. First on the saved HTML alone (pure),
then as the scraper gets it, from a real Chromium that loaded the page with every request
refused (tests/support/captures.py), and on variants of the captured rows that other versions of the
site may serve (another tooltip class).
"""

from __future__ import annotations

import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from wosync.fields import SCRAPED_FIELDS
from wosync.workfossa import site
from wosync.workfossa.equipment import DispenserGroup, dispenser_group_state, parse_dispensers
from wosync.workfossa.errors import LayoutNotRecognised
from wosync.workfossa.parse import parse_row, parse_rows

from support.captures import browser, capture_expected, capture_html, open_capture  # noqa: F401 (fixture)

BASE = "https://app.workfossa.com"
LIST = "work-list-length-aware.html"
EQUIPMENT = "equipment-dispensers.html"


def assert_orders_equal(got: list[dict], expected: list[dict]) -> None:
    """Assert the parsed orders equal the expected ones, naming the order and the field of the
    first difference (a plain == on 44 dicts says only that something differs)."""
    assert [o["number"] for o in got] == [o["number"] for o in expected]
    for order, truth in zip(got, expected):
        assert tuple(order) == SCRAPED_FIELDS, order["number"]
        for field in SCRAPED_FIELDS:
            assert order[field] == truth[field], f"{truth['number']} {field}"
    assert got == expected


def captured_rows_html() -> list[str]:
    """Return each captured row's outerHTML, as lexbor serialises it (the browser's own
    serialisation is tested below)."""
    return [row.html for row in LexborHTMLParser(capture_html(LIST)).css(site.ROWS)]


# --- the work list, pure ----------------------------------------------------------------------

def test_every_row_of_the_captured_list_equals_the_expected_json():
    expected = capture_expected(LIST)
    assert len(expected) == 44
    assert_orders_equal(parse_rows(capture_html(LIST), BASE), expected)


def test_the_captured_rows_read_alike_one_by_one_and_with_a_trailing_slash_base():
    rows = captured_rows_html()
    assert len(rows) == 44
    assert_orders_equal([parse_row(row, BASE + "/") for row in rows], capture_expected(LIST))


def test_location_id_is_the_id_of_the_location_link_not_the_store_number():
    first = parse_rows(capture_html(LIST), BASE)[0]
    assert (first["store_number"], first["location_id"]) == ("#5154", 32847)


@pytest.mark.parametrize("tooltip_class", ["ks-popover", "tooltip-v2"])
def test_instructions_read_with_another_tooltip_class(tooltip_class):
    html = capture_html(LIST).replace("ks-tooltip", tooltip_class)
    assert "ks-tooltip" not in html
    assert_orders_equal(parse_rows(html, BASE), capture_expected(LIST))


def test_instructions_read_when_the_tooltip_is_hidden_by_its_class_alone():
    # Another version may hide the tooltip with a stylesheet rule rather than an inline style:
    # the full copy is then the pre-wrap that is not followed by the "more..." link.
    html = re.sub(r"\s*display: none;", "", capture_html(LIST).replace("ks-tooltip", "ks-popover"))
    assert "display: none" not in html and "ks-tooltip" not in html
    assert_orders_equal(parse_rows(html, BASE), capture_expected(LIST))


@pytest.mark.parametrize("variant", ["as captured", "ks-popover", "hidden by a wrapper"])
def test_the_hidden_copy_selector_finds_what_one_selector_per_hiding_element_finds(variant):
    # INSTRUCTIONS_HIDDEN_COPY is written `.pre-wrap:is(A *, B *)` for lexbor's sake: it must
    # find exactly the elements of `A .pre-wrap, B .pre-wrap`, the copy's parent hidden or not.
    html = capture_html(LIST)
    if variant == "ks-popover":
        html = html.replace("ks-tooltip", "ks-popover")
    elif variant == "hidden by a wrapper":
        html = re.sub(r'(<div class="ks-tooltip text-sm shadow-lg p-3")[^>]*>', r'\1><div style="display: none;">',
                      html).replace("Close</a></div>", "Close</a></div></div>")
    comma_list = ", ".join(f"{hidden} {site.INSTRUCTIONS_COPY}"
                           for hidden in (site.TOOLTIP, *site.HIDDEN.split(", ")))
    for row in LexborHTMLParser(html).css(site.ROWS):
        found = [node.mem_id for node in row.css(site.INSTRUCTIONS_HIDDEN_COPY)]
        assert len(found) == 1
        assert set(found) == {node.mem_id for node in row.css(comma_list)}


def test_the_truncated_preview_is_never_taken_for_the_instructions():
    html = re.sub(r'<div class="ks-tooltip text-sm shadow-lg p-3"[^>]*>.*?Close</a></div>', "",
                  capture_html(LIST), flags=re.S)
    orders = parse_rows(html, BASE)
    assert len(orders) == 44
    assert [o["instructions"] for o in orders] == [None] * 44


def test_a_captured_row_without_its_work_link_names_the_selector():
    row = captured_rows_html()[0].replace('href="/app/work/110229/"', 'href="#"')
    with pytest.raises(LayoutNotRecognised) as caught:
        parse_rows(row, BASE)
    assert caught.value.selector == site.WORK_LINK_SHOWN
    assert site.WORK_LINK_SHOWN in str(caught.value)


# --- the work list, as the scraper reads it from Chromium ---------------------------------------

@pytest.mark.browser
def test_rows_taken_from_chromium_with_the_row_selector_equal_the_expected_json(browser):
    page = open_capture(browser, LIST)
    rows = page.eval_on_selector_all(site.ROWS, "rows => rows.map((row) => row.outerHTML)")
    assert len(rows) == 44
    assert_orders_equal(parse_rows("\n".join(rows), BASE), capture_expected(LIST))
    page.context.close()


@pytest.mark.browser
def test_the_page_reader_s_rows_and_the_list_container_parse_to_the_expected_json(browser):
    page = open_capture(browser, LIST)
    read = page.evaluate(site.READ_PAGE, {"sel": site.PAGE_SELECTORS})
    assert_orders_equal(parse_rows(read["rowsHtml"], BASE), capture_expected(LIST))
    container = page.eval_on_selector(site.ROWS_CONTAINER, "el => el.innerHTML")
    assert_orders_equal(parse_rows(container, BASE), capture_expected(LIST))
    page.context.close()


@pytest.mark.browser
def test_rows_of_a_page_with_another_tooltip_class_equal_the_expected_json(browser):
    html = capture_html(LIST).replace("ks-tooltip", "ks-popover")
    page = open_capture(browser, html=html)
    rows = page.eval_on_selector_all(site.ROWS, "rows => rows.map((row) => row.outerHTML)")
    assert_orders_equal(parse_rows("\n".join(rows), BASE), capture_expected(LIST))
    page.context.close()



ROW_SELECTORS = ("ROWS", "WORK_LINK", "HIDDEN", "TOOLTIP", "CATEGORY_BAR", "STATUS_BADGE",
                 "STATUS_KIND", "LINE_LABEL", "CREATOR", "CUSTOMER_BLOCK", "CUSTOMER_LINK",
                 "ADDRESS_INFO", "CONTACT_NAME", "ITEM_GROUP", "ITEM_CODE", "VISIT_COUNTER",
                 "NEXT_VISIT_LINK", "VISIT_LINK", "INSTRUCTIONS_COPY", "INSTRUCTIONS_HIDDEN_COPY")
EQUIPMENT_SELECTORS = ("EQUIPMENT_GROUP_HEADING", "EQUIPMENT_GROUP_EXPANDED",
                       "EQUIPMENT_GROUP_COLLAPSED", "EQUIPMENT_GROUP_NAME", "EQUIPMENT_ITEM",
                       "EQUIPMENT_TITLE", "EQUIPMENT_SERIAL", "EQUIPMENT_SPEC_LABEL",
                       "EQUIPMENT_FIELDS", "EQUIPMENT_FIELD_LABEL", "EQUIPMENT_FIELD_VALUE")


@pytest.mark.browser
@pytest.mark.parametrize("capture, names", [(LIST, ROW_SELECTORS), (EQUIPMENT, EQUIPMENT_SELECTORS)])
def test_python_and_the_browser_find_the_same_elements_with_each_selector(browser, capture, names):
    """The parsers' selectors are the browser's: on the capture, lexbor and Chromium find the
    same number of elements with each (and the parser's own visible-label selector)."""
    from wosync.workfossa import parse

    selectors = {name: getattr(site, name) for name in names}
    if capture == LIST:
        selectors["parse._VISIBLE_LABEL"] = parse._VISIBLE_LABEL
    page = open_capture(browser, capture)
    tree = LexborHTMLParser(capture_html(capture))
    for name, selector in selectors.items():
        in_python = len({node.mem_id for node in tree.css(selector)})  # lists may repeat a node
        in_browser = page.evaluate("(sel) => document.querySelectorAll(sel).length", selector)
        assert in_python == in_browser, f"{name} = {selector!r}"
        # Each finds something there, but the toggle of a collapsed group (none captured).
        assert in_browser > 0 or name == "EQUIPMENT_GROUP_COLLAPSED", name
    page.context.close()

# --- the Equipment tab --------------------------------------------------------------------------

def test_the_captured_dispensers_equal_the_expected_json():
    expected = capture_expected(EQUIPMENT)
    got = parse_dispensers(capture_html(EQUIPMENT))
    assert len(got) == len(expected) == 8
    for dispenser, truth in zip(got, expected):
        assert dispenser == truth, truth["position"]
    assert got == expected


def test_a_dispenser_without_a_model_line_has_model_none():
    by_position = {d["position"]: d for d in parse_dispensers(capture_html(EQUIPMENT))}
    assert by_position["13/14"]["model"] is None
    assert by_position["13/14"]["make"] == "Gilbarco"


def test_labels_styled_upper_case_are_read_as_the_source_spells_them():
    first = parse_dispensers(capture_html(EQUIPMENT))[0]
    assert list(first["fields"]) == ["Grade", "Stand Alone Code", "Number of Nozzles (per side)",
                                    "Meter Type"]


def test_the_dispensers_read_alike_inside_a_whole_page_beside_another_group():
    tank_group = (capture_html(EQUIPMENT)
                  .replace(">Dispenser</span> (8)", ">Tank Monitor</span> (8)")
                  .replace("Add Dispenser", "Add Tank Monitor"))
    page = f"<!DOCTYPE html><html><body><div class=\"tab-content\">{tank_group}" \
           f"{capture_html(EQUIPMENT)}</div></body></html>"
    assert parse_dispensers(page) == capture_expected(EQUIPMENT)


def test_a_tab_without_a_dispenser_group_has_no_dispensers():
    other = (capture_html(EQUIPMENT).replace(">Dispenser</span>", ">Tank Monitor</span>")
             .replace("Add Dispenser", "Add Tank Monitor"))
    assert parse_dispensers(other) == []
    assert parse_dispensers('<div class="mt-4 muted text-sm">No equipment found.</div>') == []
    assert parse_dispensers("") == []
    assert dispenser_group_state(other) == DispenserGroup(present=False, expanded=None, count=None,
                                                          items=0)


def test_the_group_state_tells_expanded_from_collapsed_and_reads_the_count():
    html = capture_html(EQUIPMENT)
    assert dispenser_group_state(html) == DispenserGroup(present=True, expanded=True, count=8, items=8)
    heading_end = html.index("</div></div>", html.index("Add Dispenser")) + len("</div></div>")
    collapsed = (html[:heading_end].replace(site.EQUIPMENT_EXPANDED_TITLE, site.EQUIPMENT_COLLAPSED_TITLE)
                 + '<div class="" style="opacity: 1;"></div></div>')
    assert dispenser_group_state(collapsed) == DispenserGroup(present=True, expanded=False, count=8,
                                                              items=0)
    with pytest.raises(LayoutNotRecognised) as caught:
        parse_dispensers(collapsed)
    assert caught.value.selector == site.EQUIPMENT_GROUP_COLLAPSED
    assert "expand" in str(caught.value)


def test_a_dispenser_block_without_its_title_line_names_the_selector():
    html = capture_html(EQUIPMENT).replace(
        "\n    3/4 - Regular, Plus, Premium, Diesel, Super - Gilbarco\n    ", "")
    with pytest.raises(LayoutNotRecognised) as caught:
        parse_dispensers(html)
    assert caught.value.selector == site.EQUIPMENT_TITLE
    assert site.EQUIPMENT_TITLE in str(caught.value)


def test_fewer_dispenser_blocks_than_the_count_is_a_layout_error():
    html = capture_html(EQUIPMENT).replace(">Dispenser</span> (8)", ">Dispenser</span> (9)")
    with pytest.raises(LayoutNotRecognised) as caught:
        parse_dispensers(html)
    assert caught.value.selector == site.EQUIPMENT_ITEM
    assert "(9)" in str(caught.value)


@pytest.mark.browser
def test_the_equipment_tab_read_from_chromium_equals_the_expected_json(browser):
    page = open_capture(browser, EQUIPMENT)
    assert parse_dispensers(page.content()) == capture_expected(EQUIPMENT)
    page.context.close()


# --- tests/support/captures.py itself -------------------------------------------------------------------

@pytest.mark.browser
def test_open_capture_serves_the_page_at_its_url_and_refuses_every_other_request(browser):
    page = open_capture(browser, "login.html", url=BASE + "/")
    assert page.url == BASE + "/"
    assert page.locator(site.LOGIN_FORM).count() == 1
    assert page.viewport_size == {"width": 1440, "height": 900}
    # The saved page's stylesheets and script point at the real site: none of them loaded.
    assert page.evaluate("document.styleSheets.length") == 0
    page.context.close()
