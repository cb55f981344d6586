"""The simulated site's markup against the saved pages of the real site: pure, no server, no browser.

The captures (tests/fixtures/workfossa/, saved pages of the real site) are the
ground truth. Where the simulated site draws what a capture shows, the bytes must be the same:
a row, the list page's whole #app around the rows, the Equipment tab's Dispenser group. Where
it draws versions the captures do not show (the simple pager, open-only menus, another
tooltip class, faults), the structure is checked with selectolax. A small reference reader
(this file's own, not the scraper) checks that expected_orders() is what the DOM holds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from wosync.sim import location_page, render
from wosync.sim.data import EXPECTED_KEYS, HOSTILE_VALUES, Item, WorkOrder, generate_orders
from wosync.sim.equipment import Dispenser, EquipmentStore, LocationEquipment
from wosync.sim.server import SIM_TODAY

CAPTURES = Path(__file__).parent.parent / "fixtures" / "workfossa"
BASE = "http://127.0.0.1:9"


def capture(name: str) -> str:
    path = CAPTURES / name
    if not path.exists():
        pytest.skip(f"no capture {path}")
    return path.read_text(encoding="utf-8")


def capture_expected(name: str):
    return json.loads(capture(name.replace(".html", ".expected.json")))


def first_row_of_capture() -> WorkOrder:
    """The capture's first row (W-110229) as the simulated site's data: its expected.json
    entry plus what the list shows but the contract does not keep (ids, billing lines)."""
    return WorkOrder(
        number="W-110229", work_id=110229, status="Work Created", category="Meter Calibration",
        reason="AccuMeasure", project="Wawa 2025 AccuMeasure", customer="Wawa", customer_id=11762,
        store_number="#5154", location_id=32847, brand="Wawa", street="804 East Bears Avenue",
        intersection=None, city="Tampa", state="FL", zip="33613", county="Hillsborough County",
        contact_name="Chris Dunmore", contact_phone=None, billing_company="Wawa - Dunmore",
        account_code="WAW001", terms="Net 30",
        items=[Item("Meter Calibration", 8, "All Dispensers", "2861"),
               Item("Meter Calibration", 1, "Filter change", "3006")],
        visits_done=0, visits_planned=1, next_visit_date=dt.date(2025, 6, 30), time_window="anytime",
        due_date=dt.date(2025, 7, 3), visit_id=112130,
        instructions_raw=capture_expected("work-list-length-aware.html")[0]["instructions"],
        created_by="Dana Ortiz", created_at=dt.datetime(2024, 11, 29, 13, 9), department="Fuel Equipment",
    )


def list_state(limit=25, pager="length-aware", pages=1, at_rest=True, tooltip="ks-tooltip") -> dict:
    state = {"page": 1, "limit": limit, "pager": pager, "tooltipClass": tooltip, "optionsAtRest": at_rest,
             "options": render.select_options_for_script()}
    state["hasMore" if pager == "simple" else "pages"] = pages > 1 if pager == "simple" else pages
    return state


def list_page(orders, pager="length-aware", page=1, pages=1, matches=None, limit=25, at_rest=True,
              tooltip="ks-tooltip", rename=None, layout_change=False, show_page_size=True) -> LexborHTMLParser:
    html = render.list_page(
        "tech@example.com", render.rows_html(orders, layout_change, tooltip, rename), pager=pager, page=page,
        pages=pages, matches=matches, filter_label="No visits completed",
        state=list_state(limit, pager, pages, at_rest, tooltip), show_page_size=show_page_size,
        options_at_rest=at_rest)
    return LexborHTMLParser(html)


@pytest.fixture(scope="module")
def orders():
    generated, _ = generate_orders(80, seed=3, today=SIM_TODAY)
    return generated


# --- byte for byte: what the captures show ------------------------------------------------

def test_a_row_is_the_captures_row_markup_with_the_orders_data():
    html = capture("work-list-length-aware.html")
    start = html.index('<div data-v-a381df7b="" class="row py-2 work-list-item w-110229')
    end = html.index('<div data-v-a381df7b="" class="">', start) - len("</div>")
    assert render.row_html(first_row_of_capture()) == html[start:end]


def test_the_list_pages_app_around_the_rows_is_the_capture():
    """44 orders on one page after "Show 100": everything in #app but the rows is the capture's,
    from the top bar to the footer (hidden modals, loaders and all)."""
    html = capture("work-list-length-aware.html")
    app = html.index('<div id="app" class="full-height">')
    first = html.index('<div data-v-a381df7b="" class="bg-gray-50"><div data-v-a381df7b="" class="row py-2 work-list')
    last = html.index("work-list-item w-129651")
    after = html.index("more...</a></div></div></div></div>", last) + len("more...</a></div></div></div></div>")
    end = html.index('\n\n        <link rel="preload"', after)
    mine = render.list_page("tech@example.com", "", pager="length-aware", page=1, pages=1, matches=44,
                            filter_label="No visits completed", state=list_state(limit=100))
    start = mine.index('<div id="app" class="full-height">')
    assert mine[start:mine.index("<script>", start)] == html[app:first] + html[after:end]


def test_the_equipment_tabs_dispenser_group_is_the_capture():
    html = capture("equipment-dispensers.html")
    dispensers = [Dispenser(**d) for d in capture_expected("equipment-dispensers.html")]
    # The capture's grades come from the title lines; its Grade field from the custom fields.
    tab = location_page.equipment_tab(32951, LocationEquipment(dispensers, []), collapsed=False)
    assert tab["html"] == html
    assert tab["groups"] == [location_page.dispensers_html(dispensers)]


def test_the_login_form_is_the_captures_once_the_script_ran():
    html = capture("login.html")
    start = html.index('<div class="col sm-full tab-half login-container">')
    end = html.index("</form></div></div></div>", start) + len("</form></div></div></div>")
    form = render.login_form_html("https://app.workfossa.com", "x1Jm0cQe4VbT7pLw9sZr2nKd5fGh8aYu3oWi6tEq")
    assert form == html[start:end]
    page = LexborHTMLParser(render.login_page("http://127.0.0.1:9", "t" * 40))
    assert page.css_first("title").text() == "Work Fossa"
    assert page.css("form") == []  # in the <template> until the page's script moves it into #app
    assert page.css_first("#app.container") is not None


def test_a_failed_login_shows_the_form_again_with_an_error_under_the_email():
    form = LexborHTMLParser(render.login_form_html(BASE, "t" * 40, "a@b.c", "These credentials do not match."))
    assert form.css_first("input[type=email]").attributes["value"] == "a@b.c"
    assert form.css_first("form[name=login] .error-msg").text() == "These credentials do not match."


# --- structure: the layout, the list's traps, both pagers ---------------------------------

def test_logged_in_pages_have_the_real_layout_and_no_invented_one():
    for html in (render.dashboard_page("tech@example.com"),
                 render.simple_page("Not Found", "Nothing.", True, "tech@example.com"),
                 location_page.location_page("tech@example.com", None, 5)):
        page = LexborHTMLParser(html)
        assert page.css_first("div.top-bar a.dropdown-toggle").text() == "tech@example.com"
        assert [a.text() for a in page.css("div.top-bar ul.sub-dropdown a")][-1] == "Logout"
        assert page.css_first("#sidebar.side-nav") is not None
        assert page.css("nav.main-nav") == [] and page.css('button[aria-label="User menu"]') == []
        assert page.css("form[name=login]") == []
        assert page.css_first("#app > div > #app-footer") is not None


def test_the_list_page_carries_the_captures_traps(orders):
    page = list_page(orders[:25], pages=4, matches=80)
    loaders = page.css(".loader-line")
    assert len(loaders) == 10 and all("display: none" in l.attributes["style"] for l in loaders)
    paginations = page.css(".pagination")
    assert len(paginations) == 2 and "display: none" in paginations[0].attributes["style"]
    assert paginations[1] == page.css_first(".paginator-wrapper .pagination")
    selects = [s.css_first("input").attributes["name"] for s in page.css("div.ks-select")]
    assert selects == ["limit", "export_template_id", "service_reason_id"]
    limit = page.css_first("div.ks-select input[name=limit]")
    assert limit.attributes["type"] == "text" and "value" not in limit.attributes
    size = limit.parent
    assert size.css_first(".ks-select-selection").text().strip() == "Show 25"
    assert [li.text() for li in size.css(".ks-select-dropdown ul.autocomplete-list > li")] == \
        ["Show 25", "Show 50", "Show 100"]
    assert size.css_first("li.selected-item").text() == "Show 25"
    assert "display: none" in size.css_first(".ks-select-dropdown").attributes["style"]
    assert page.css_first("h1.heading-label").text() == "Work"
    assert page.css_first("input[name=search_term]") is not None
    assert page.css_first("label.show-closed") is not None
    chip = page.css_first(".active-search-filters span.ks-badge")
    assert re.sub(r"\s+", " ", chip.text()).strip() == "Work Visits Completed: No visits completed"


def test_rows_stand_in_alternating_wrappers_under_the_column_headers(orders):
    page = list_page(orders[:25], pages=4, matches=80)
    container = page.css_first("div.mt-2.bg-white")
    children = [c for c in container.iter(include_text=False) if c.tag == "div"]
    assert [c.text().strip() for c in children[0].css("div.sm-6")] == ["Work", "Customer", "Items", "Visits"]
    wrappers = children[1:]
    assert len(wrappers) == 25
    for i, wrapper in enumerate(wrappers):
        assert wrapper.attributes["class"] == ("bg-gray-50" if i % 2 == 0 else "")
        row = next(wrapper.iter(include_text=False))
        assert row.attributes["class"] == f"row py-2 work-list-item w-{orders[i].work_id}"


def test_length_aware_pager_numbers_pages_counts_matches_and_hides_on_one_page(orders):
    page = list_page(orders[:25], pages=4, matches=80)
    pager = page.css_first(".paginator-wrapper .length-aware-pagination .pagination")
    assert "style" not in pager.attributes
    assert [a.text().strip() for a in pager.css("a.page-link")] == ["1", "2", "3", "4"]
    assert pager.css_first("a.current-page").text().strip() == "1"
    assert "disabled" in pager.css_first("a.prev-page").attributes["class"]
    assert "disabled" not in pager.css_first("a.next-page").attributes["class"]
    count = page.css_first(".paginator-wrapper div.text-right.muted")
    assert count.text().strip() == "80 matches" and {"sm-hide", "tab-hide"} <= set(count.attributes["class"].split())
    last = LexborHTMLParser(render.pager_inner_html("length-aware", 4, 4))
    assert "disabled" in last.css_first("a.next-page").attributes["class"]
    far = LexborHTMLParser(render.pager_inner_html("length-aware", 9, 20))
    assert [a.text().strip() for a in far.css("a.page-link")] == ["1", "7", "8", "9", "10", "11", "20"]

    one = list_page(orders[:10], pages=1, matches=10)
    pager = one.css_first(".paginator-wrapper .pagination")
    assert pager.attributes["style"] == "display: none;"
    assert pager.css_first("a.next-page").attributes["class"] == "next-page"  # NOT disabled (seen)


def test_simple_pager_has_prev_and_next_only_and_no_count_anywhere(orders):
    page = list_page(orders[:25], pager="simple", pages=4)
    pager = page.css_first(".paginator-wrapper .simple-pagination .pagination")
    assert pager.attributes["class"] == "pagination text-sm" and "style" not in pager.attributes
    assert [a.attributes["class"] for a in pager.css("ul > li > a")] == ["prev-page disabled", "next-page"]
    assert pager.css("a.page-link") == [] and page.css(".length-aware-pagination") == []
    assert not re.search(r"\d+\s+match", page.body.text())
    assert page.css_first("div.ks-select input[name=limit]") is not None
    last = LexborHTMLParser(render.pager_inner_html("simple", 4, 4))
    assert [a.attributes["class"] for a in last.css("a")] == ["prev-page", "next-page disabled"]
    one = list_page(orders[:5], pager="simple", pages=1)
    pager = one.css_first(".paginator-wrapper .pagination")
    assert "style" not in pager.attributes  # stays visible on a single page, both disabled
    assert [a.attributes["class"] for a in pager.css("a")] == ["prev-page disabled", "next-page disabled"]


def test_open_only_menus_hold_no_items_at_rest(orders):
    page = list_page(orders[:25], pages=4, matches=80, at_rest=False)
    for select in page.css("div.ks-select"):
        assert select.css("ul.autocomplete-list") and select.css("li") == []
    state = render.select_options_for_script()
    assert LexborHTMLParser(f"<ul>{state['limit']}</ul>").css_first("li.selected-item").text() == "Show 25"


def test_no_page_size_menu_leaves_the_other_menus(orders):
    page = list_page(orders[:25], pages=4, matches=80, show_page_size=False)
    assert [s.css_first("input").attributes["name"] for s in page.css("div.ks-select")] == \
        ["export_template_id", "service_reason_id"]


def test_tooltip_class_changes_only_the_instructions_tooltip(orders):
    with_text = [o for o in orders if (o.instructions_raw or "").strip()][:10]
    page = list_page(with_text, tooltip="ks-popover")
    for row in page.css("div.work-list-item"):
        assert row.css_first(".med-10 > .ks-popover span.pre-wrap") is not None
        assert row.css(".med-10 .ks-tooltip") == []
        assert row.css_first(".wo-category-show .ks-tooltip") is not None


def test_rename_block_renames_that_class_in_every_row_and_nothing_else(orders):
    plain = list_page(orders[:25], pages=4, matches=80)
    renamed = list_page(orders[:25], pages=4, matches=80, rename="address-info")
    assert renamed.css(".address-info") == [] and len(renamed.css(".address-info-v2")) == 25
    assert len(renamed.css("div.work-list-item")) == 25
    assert renamed.html.replace("address-info-v2", "address-info") == plain.html


def test_layout_change_drops_the_row_class(orders):
    page = list_page(orders[:25], pages=4, matches=80, layout_change=True)
    assert page.css("div.work-list-item") == [] and len(page.css("div.wo-card")) == 25


def test_instructions_show_a_truncated_copy_with_more_or_the_whole_text_with_more_hidden():
    long_text = capture_expected("work-list-length-aware.html")[0]["instructions"]
    assert render.visible_instructions(long_text) == (long_text[:187], True)  # as captured
    assert render.visible_instructions("short one") == ("short one", False)
    assert render.visible_instructions("W" * 300) == ("W" * 192, True)


# --- a reference reader: expected_orders() is what the DOM holds ---------------------------

def inside(node, selector: str) -> list:
    """Return the elements under `node` matching `selector` (selectolax's css() counts the
    node itself too)."""
    return [found for found in node.css(selector) if found != node]


def _text(node) -> str | None:
    return re.sub(r"\s+", " ", node.text()).strip() or None if node is not None else None


def _mdy(text: str) -> str:
    month, day, year = map(int, text.split("/"))
    return dt.date(year, month, day).isoformat()


def read_row(row, base: str) -> dict:
    """This test's own reading of a row, after docs/workfossa-site.md's "One row"."""
    link = row.css_first(".ks-checkbox-label-wrapper a")
    work_id = int(re.search(r"/app/work/(\d+)/", link.attributes["href"]).group(1))
    labelled = {}
    for line in row.css("div.text-sm.mb-1"):
        label = line.css_first("span.muted")
        labelled[label.text()] = _text(line)[len(label.text()):].strip() or None
    address = row.css_first(".address")
    customer, location = address.css("a")[:2]
    brand = [d for d in address.css("div.mb-1") if d.css_first("a") is None][0]
    lines = [_text(d) for d in row.css(".address-info > div > div")]
    # The LAST line that reads "City ST 12345": an intersection may read so too (seen:
    # "US 301 & SR 674").
    city_at = max(i for i, line in enumerate(lines) if re.fullmatch(r".* [A-Z]{2} [\d-]+", line))
    city, state, zip_code = re.fullmatch(r"(.*) ([A-Z]{2}) ([\d-]+)", lines[city_at]).groups()
    items = []
    for group in row.css("div.text-xs.mb-2"):
        heading, *entries = [c for c in group.iter(include_text=False) if c.tag == "div"]
        for entry in entries:
            code = entry.css_first("span.muted")
            quantity = int(_text(inside(entry, "div")[0]).split(" x")[0])
            name_node = entry.css_first(".ml-2 > div")
            name = _text(name_node)
            if code is not None:
                name = name[: -len(_text(code))].strip()
            items.append({"category": _text(heading), "quantity": quantity, "name": name,
                          "code": _text(code)[1:-1] if code is not None else None})
    done, planned = map(int, row.css_first("[title*=' / ']").attributes["title"].split(" / "))
    visit = row.css_first('a[title="Next Visit"]')
    due = visit.css_first("div.uppercase.mt-1") if visit is not None else None
    creator = _text(row.css_first(".work-creator"))
    name, _, stamp = creator.rpartition(" • ")
    tooltip = row.css_first(".med-10 > div:first-child span.pre-wrap")
    return {
        "number": _text(link), "work_id": work_id,
        "status": _text(row.css_first(".work-status-badge > div")),
        "category": _text(row.css_first(".wo-category-show .ks-tooltip")),
        "reason": labelled.get("Reason:"), "project": labelled.get("Project:"),
        "customer": _text(customer), "store_number": _text(location), "brand": _text(brand),
        "street": lines[0], "intersection": " ".join(lines[1:city_at]) or None,
        "city": city, "state": state, "zip": zip_code, "county": lines[city_at + 1],
        "contact": _text(row.css_first(".contact-name > div")),
        "items": items, "visits_done": done, "visits_planned": planned,
        "next_visit_date": _mdy(_text(visit.css_first(".mt-0\\.5"))) if visit is not None else None,
        "time_window": _text(visit.css_first("div.text-sm"))[1:-1] if visit is not None else None,
        "due_date": _mdy(_text(due).split(": ")[1]) if due is not None else None,
        "instructions": (tooltip.text().strip() or None) if tooltip is not None else None,
        "created_by": name,
        "created_at": dt.datetime.strptime(stamp, "%m/%d/%Y %I:%M%p").isoformat(),
        "url": f"{base}{link.attributes['href']}",
        "visit_url": f"{base}{visit.attributes['href']}" if visit is not None else None,
        "location_id": int(re.search(r"/locations/(\d+)/", location.attributes["href"]).group(1)),
    }


def test_the_reference_reader_reads_the_capture_as_its_expected_json():
    page = LexborHTMLParser(capture("work-list-length-aware.html"))
    rows = page.css("div.row.work-list-item")
    assert [read_row(r, "https://app.workfossa.com") for r in rows] == \
        capture_expected("work-list-length-aware.html")


@pytest.mark.parametrize("hostile", [False, True])
def test_every_generated_row_reads_back_as_its_expected_order(hostile):
    generated, _ = generate_orders(150, seed=8, today=SIM_TODAY, hostile=hostile)
    page = LexborHTMLParser(f"<div>{render.rows_html(generated)}</div>")
    rows = page.css("div.row.work-list-item")
    assert len(rows) == len(generated)
    for row, order in zip(rows, generated):
        assert read_row(row, BASE) == order.expected(BASE), order.number


def test_expected_orders_have_the_contracts_keys_and_shared_locations(orders):
    keys = list(capture_expected("work-list-length-aware.html")[0])
    expected = [o.expected(BASE) for o in orders]
    assert list(EXPECTED_KEYS) == keys
    assert all(list(e) == keys and isinstance(e["location_id"], int) for e in expected)
    by_location: dict[int, set] = {}
    for e in expected:
        by_location.setdefault(e["location_id"], set()).add((e["customer"], e["store_number"], e["street"]))
    assert all(len(places) == 1 for places in by_location.values())  # one store, one address
    sizes = [sum(e["location_id"] == lid for e in expected) for lid in by_location]
    assert max(sizes) >= 2 and max(sizes) <= 4 and sizes.count(1) >= 1


def test_hostile_data_puts_every_hostile_value_in_every_text_field_somewhere_escaped():
    generated, _ = generate_orders(120, seed=4, today=SIM_TODAY, hostile=True)
    hostile = [o for o in generated if any(v in (o.customer or "") for v in HOSTILE_VALUES)]
    assert generated[0] in hostile and 15 <= len(hostile) <= 60
    expected = [o.expected(BASE) for o in hostile]
    for field in ("status", "category", "reason", "project", "customer", "brand", "street", "intersection",
                  "city", "county", "contact", "created_by"):
        seen = {v for e in expected for v in HOSTILE_VALUES if v in (e[field] or "")}
        assert seen == set(HOSTILE_VALUES), field
    assert any(v in e["instructions"] for e in expected for v in ("\x1b]0;title\x07", "[/]"))
    assert all(len(e["instructions"]) > 10_000 for e in expected)
    html = render.rows_html(hostile)
    assert '=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)' in html and "<bold" not in html
    assert "\x1b[31m" in html and "\u202e" in html  # the text itself, as the DOM holds it
    plain, _ = generate_orders(120, seed=4, today=SIM_TODAY)
    assert [o.number for o in plain] == [o.number for o in generated]  # only the text differs


# --- equipment -----------------------------------------------------------------------------

def read_dispensers(html: str) -> list[dict]:
    """This test's own reading of a Dispenser group (docs/workfossa-site.md, "Dispensers per location")."""
    page = LexborHTMLParser(html)
    found = []
    for group in page.css("div.mt-4"):
        heading = group.css_first(".group-heading a[title] span.bold")
        if heading is None or heading.text() != "Dispenser":
            continue
        for item in group.css("div.py-1\\.5"):
            title = item.css_first(".px-2 .flex > div").text(deep=False)
            position, grades, make = [p.strip() for p in _text_of(title).split(" - ")]
            tiny = {_text(d.css_first("span")): _text(d)[len(_text(d.css_first("span"))):].strip()
                    for d in item.css("div.text-tiny > div")}
            fields = {}
            for cell in item.css(".custom-fields-view .row > div"):
                label, value = [_text(d) for d in inside(cell, "div")]
                fields[label] = value
            found.append({"position": position, "grades": grades.split(", "), "make": make,
                          "model": tiny.get("Model:"), "serial": _text(item.css_first("div.muted.text-tiny"))[5:],
                          "fields": fields})
    return found


def _text_of(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def test_the_reference_dispenser_reader_reads_the_capture_as_its_expected_json():
    assert read_dispensers(capture("equipment-dispensers.html")) == capture_expected("equipment-dispensers.html")


def test_dispensers_per_location_are_deterministic_and_varied():
    store, again = EquipmentStore(seed=2), EquipmentStore(seed=2)
    locations = range(32800, 32900)
    everything = {lid: store.expected_dispensers(lid) for lid in locations}
    assert everything == {lid: again.expected_dispensers(lid) for lid in reversed(locations)}
    assert everything != {lid: EquipmentStore(seed=3).expected_dispensers(lid) for lid in locations}
    counts = [len(d) for d in everything.values()]
    assert 0 in counts and set(counts) - {0} <= set(range(2, 9)) and len(set(counts)) >= 4
    assert any(d["model"] is None for ds in everything.values() for d in ds)
    keys = list(capture_expected("equipment-dispensers.html")[0])
    for lid, dispensers in everything.items():
        assert [d["position"] for d in dispensers] == [f"{2 * i + 1}/{2 * i + 2}" for i in range(len(dispensers))]
        for d in dispensers:
            assert list(d) == keys and d["fields"]["Grade"] == ", ".join(d["grades"])
        tab = location_page.equipment_tab(lid, store.snapshot(lid), collapsed=False)
        assert read_dispensers(tab["html"]) == dispensers
    with_monitor = [lid for lid in locations if store.snapshot(lid).tank_monitors and store.snapshot(lid).dispensers]
    assert with_monitor  # a group of another type stands before the Dispenser group
    html = location_page.equipment_tab(with_monitor[0], store.snapshot(with_monitor[0]), False)["html"]
    assert html.index("Tank Monitor") < html.index(">Dispenser<")


def test_collapsed_groups_leave_their_items_to_the_script():
    store = EquipmentStore(seed=2)
    lid = next(lid for lid in range(32800, 32900) if store.snapshot(lid).dispensers)
    tab = location_page.equipment_tab(lid, store.snapshot(lid), collapsed=True)
    page = LexborHTMLParser(tab["html"])
    assert {a.attributes["title"] for a in page.css(".group-heading a[title]")} == {"Show equipment"}
    assert page.css("div.py-1\\.5") == [] and read_dispensers(tab["html"]) == []
    opened = tab["html"].replace('<div class="" style="opacity: 1;"></div>', "{}").format(*tab["groups"])
    assert read_dispensers(opened) == store.expected_dispensers(lid)


def test_dispenser_changes_show_in_the_expected_dispensers():
    store = EquipmentStore(seed=2)
    lid = next(lid for lid in range(32800, 32900) if len(store.snapshot(lid).dispensers) >= 3)
    before = store.expected_dispensers(lid)
    position = store.add(lid)
    assert position == f"{2 * len(before) + 1}/{2 * len(before) + 2}"
    store.remove(lid, "3/4")
    store.edit(lid, "1/2", model=None, grades=["Diesel"], fields={"Meter Type": "Mechanical"})
    after = store.expected_dispensers(lid)
    assert [d["position"] for d in after] == [d["position"] for d in before if d["position"] != "3/4"] + [position]
    assert after[0]["model"] is None and after[0]["grades"] == ["Diesel"]
    assert after[0]["fields"]["Grade"] == "Diesel" and after[0]["fields"]["Meter Type"] == "Mechanical"
    with pytest.raises(KeyError, match="3/4"):
        store.remove(lid, "3/4")
    with pytest.raises(ValueError, match="colour"):
        store.edit(lid, "1/2", colour="red")
