"""Read work-list rows' HTML into the work-order dicts of docs/design.md. Pure: no browser.

The browser hands over the rows' outerHTML (or the list's innerHTML); everything the site shows
about an order is turned into fields here, so the rules are unit-tested on the saved pages of
the real site (tests/fixtures/workfossa/). The HTML is parsed by selectolax (lexbor, an HTML5
parser) and queried with the CSS selectors of workfossa/site.py, the same strings the browser
uses: this module holds no class name, selector or site text of its own. Where the real site
may differ (an optional line missing) the field is None; a row without its work-order link
(the key) or with an unreadable item line is a layout error naming the selector.

Fields are anchored on meaning (a semantic class, a label's text, a link's href), never on
nesting depth, child position or styling utilities: a next build of the site's Vue app may
re-wrap blocks, add data-v-* attributes and rename utilities. Each field has one primary way
(a selector of site.py) and at most one fallback (a text pattern of site.py); the fields a row
needed its fallback for are counted in a FieldStrategies when one is given.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from wosync.workfossa import site
from wosync.workfossa.errors import LayoutNotRecognised
from wosync.workfossa.row_items import read_items
from wosync.workfossa.strategies import FieldStrategies
from wosync.workfossa.textlines import (collapse, elements, first_in_each, is_match, lines,
                                        next_element, source_text, within)

_WORK_LINK = re.compile(site.WORK_LINK_PATTERN)
_CUSTOMER_LINK = re.compile(site.CUSTOMER_LINK_PATTERN)
_LOCATION_LINK = re.compile(site.LOCATION_LINK_PATTERN)
_VISIT_LINK = re.compile(site.VISIT_LINK_PATTERN)
_CITY_LINE = re.compile(site.CITY_LINE_PATTERN)
_COUNTER = re.compile(site.COUNTER_PATTERN, re.IGNORECASE)
_DATE = re.compile(site.DATE_PATTERN)
_DUE = re.compile(site.DUE_PATTERN, re.IGNORECASE)
_WINDOW = re.compile(site.WINDOW_PATTERN)
_STAMP = re.compile(site.STAMP_PATTERN, re.IGNORECASE)
_CREATED_BY = re.compile(site.CREATOR_TITLE_PREFIX, re.IGNORECASE)
_MORE_LINK = re.compile(site.MORE_LINK_PATTERN, re.IGNORECASE)
_MATCHES = re.compile(site.MATCH_COUNT_PATTERN, re.IGNORECASE)
_COUNTY = re.compile(site.COUNTY_LINE_PATTERN)
# Labels compared as source text, case-folded: the site styles some labels upper-case, and a
# version that spells them so in its source must still be read.
_LABELS = {site.REASON_LABEL.casefold(): "reason", site.PROJECT_LABEL.casefold(): "project",
           site.PO_LABEL.casefold(): "po"}
# Every element inside an element hidden at rest; and the line labels outside them.
# (Not `:is(...) *`: lexbor reads `:is(X) Y` as X being Y's parent.)
_INSIDE_HIDDEN = ", ".join(f"{hidden} *" for hidden in site.HIDDEN.split(", "))
_VISIBLE_LABEL = f"{site.LINE_LABEL}:not({_INSIDE_HIDDEN})"
# Every candidate label (the primary's and the fallback's) in one query of the row.
_VISIBLE_LABEL_ANY = f"{site.LINE_LABEL_ANY}:not({_INSIDE_HIDDEN})"

# The fields every row of every capture carries (44 + 7 rows): each coming back empty on every
# row of a read is a layout the parser does not know, never an empty list of data.
REQUIRED_FIELDS = {
    "number": (lambda o: o["number"], site.WORK_LINK_SHOWN),
    "customer": (lambda o: o["customer"], f"{site.CUSTOMER_BLOCK} {site.CUSTOMER_LINK}"),
    "address": (lambda o: o["street"] or o["city"] or o["county"], site.ADDRESS_INFO),
    "items": (lambda o: o["items"], site.ITEM_GROUP),
    "visits": (lambda o: o["visits_planned"] is not None, site.VISIT_COUNTER),
}
# Fewer rows than this cannot tell a layout from data (one order may lack items).
REQUIRED_MIN_ROWS = 3


def parse_rows(html: str, base_url: str, strategies: FieldStrategies | None = None) -> list[dict]:
    """Given the HTML of many rows (their outerHTML joined, or the list container's
    innerHTML), the site's base URL and optionally a FieldStrategies to count into, return
    one order dict (SCRAPED_FIELDS) per row (site.ROWS), in the list's order; `strategies`
    then counts, per field, the rows that needed its fallback.

    One parse for all of them: a page of 100 rows costs one lexbor parse, not 100. Raises
    LayoutNotRecognised naming the selector for the first row that cannot be read.
    """
    tree = LexborHTMLParser(html, is_fragment=True)
    base = base_url.rstrip("/")
    if strategies is None:
        return [_order(row, base, set()) for row in tree.css(site.ROWS)]
    orders = []
    for row in tree.css(site.ROWS):
        fallbacks: set[str] = set()
        orders.append(_order(row, base, fallbacks))
        strategies.add_row(fallbacks)
    return orders


def check_required_fields(orders: list[dict], where: str = "the work list") -> None:
    """Given the orders of a read, raise LayoutNotRecognised naming the field, what was
    expected and its selector when a field every captured row carries (REQUIRED_FIELDS) is
    empty on every one of them (at least REQUIRED_MIN_ROWS); return None otherwise."""
    if len(orders) < REQUIRED_MIN_ROWS:
        return
    for name, (value, selector) in REQUIRED_FIELDS.items():
        if not any(value(order) for order in orders):
            raise LayoutNotRecognised(
                f"the field {name!r} came back empty on every one of the {len(orders)} rows of "
                f"{where}; every row of the site carries it (expected in {selector}): the "
                "page's markup is not the one this version of wosync reads", selector=selector)


def parse_row(html: str, base_url: str) -> dict:
    """Given one row's outerHTML and the site's base URL, return the order dict
    (SCRAPED_FIELDS). HTML without a site.ROWS element is read as one row.

    Raises LayoutNotRecognised naming the selector when the row has no work-order link.
    """
    tree = LexborHTMLParser(html, is_fragment=True)
    row = tree.css_first(site.ROWS) or tree.root
    if row is None:  # empty HTML: no link either
        row = LexborHTMLParser("<div></div>", is_fragment=True).root
    return _order(row, base_url.rstrip("/"), set())


def parse_match_count(text: str | None) -> int | None:
    """Given the match-count text ("244 matches", "1 match", "1,234 matches"), return the
    number, or None when the text holds no such figure."""
    found = _MATCHES.search(text or "")
    return int(found.group(1).replace(",", "")) if found else None


def _order(row: LexborNode, base: str, fallbacks: set[str]) -> dict:
    """Given one row's node, the base URL (no trailing slash) and a set to add the names of
    the fields that needed their fallback to, return its order dict."""
    number, work_id = _number(row)
    block = row.css_first(site.CUSTOMER_BLOCK) or row
    infos = block.css(site.ADDRESS_INFO)  # the address, and where the brand's lines end
    customer, store_number, brand, location_id = _customer(block, infos)
    street, intersection, city, state, zip_code, county = _address(infos, fallbacks)
    reason, project = _labelled(row, fallbacks)
    done, planned, visit_date, window, due_date, visit_url = _visits(row, base, fallbacks)
    created_by, created_at = _creator(row, fallbacks)
    # Built in SCRAPED_FIELDS order directly (a test holds it to that order).
    return {
        "number": number,
        "work_id": work_id,
        "status": _status(row, fallbacks),
        "category": _category(row, fallbacks),
        "reason": reason,
        "project": project,
        "customer": customer,
        "store_number": store_number,
        "brand": brand,
        "street": street,
        "intersection": intersection,
        "city": city,
        "state": state,
        "zip": zip_code,
        "county": county,
        "contact": _contact(row),
        "items": read_items(row, fallbacks),
        "visits_done": done,
        "visits_planned": planned,
        "next_visit_date": visit_date,
        "time_window": window,
        "due_date": due_date,
        "instructions": _instructions(row, fallbacks),
        "created_by": created_by,
        "created_at": created_at,
        "url": base + site.WORK_PATH.format(work_id=work_id),
        "visit_url": visit_url,
        "location_id": location_id,
    }


def _number(row: LexborNode) -> tuple[str, int]:
    """Return the order's number and work id from its link; LayoutNotRecognised without one."""
    # The order's link comes first in every row seen: one cheap look for it, and the full
    # list only when the first candidate is not it (the visit link also matches WORK_LINK).
    first = row.css_first(site.WORK_LINK)
    found = _number_of(first) if first is not None else None
    if found is None and first is not None:
        found = next(filter(None, map(_number_of, row.css(site.WORK_LINK))), None)
    if found is not None:
        return found
    raise LayoutNotRecognised(
        f"a work-list row has no work-order link ({site.WORK_LINK_SHOWN} with the number)",
        selector=site.WORK_LINK_SHOWN,
    )


def _number_of(link: LexborNode) -> tuple[str, int] | None:
    """Return (number, work id) when the link is the order's link, else None."""
    found = _WORK_LINK.match(link.attrs.get("href") or "")
    if found is None:
        return None
    number = collapse(link.text())
    return (number, int(found.group(1))) if number else None


def _status(row: LexborNode, fallbacks: set[str]) -> str | None:
    """Return the status badge's text ("Work Created")."""
    badge = row.css_first(site.STATUS_BADGE)
    if badge is None:
        badge = row.css_first(site.STATUS_KIND)
        if badge is not None:
            fallbacks.add("status")
    return collapse(badge.text()) if badge is not None else None


def _category(row: LexborNode, fallbacks: set[str]) -> str | None:
    """Return the colour bar's name: the text of its first tooltip (a row may show two bars,
    seen: the first is the category), found by its class, else (another class on another
    version) as the first hidden element, else as the bar's first text; then the bar's title."""
    bar = row.css_first(site.CATEGORY_BAR)
    if bar is None:
        return None
    tooltip = bar.css_first(site.CATEGORY_TOOLTIP)
    if tooltip is None:
        fallbacks.add("category")
        tooltip = bar.css_first(site.HIDDEN)
    if tooltip is not None:
        name = collapse(tooltip.text())
    else:
        name = next((collapse(node.text_content) for node in bar.traverse(include_text=True)
                     if node.is_text_node and node.text_content.strip()), None)
    return name or collapse(bar.attrs.get("title"))


def _labelled(row: LexborNode, fallbacks: set[str]) -> tuple[str | None, str | None]:
    """Return (reason, project): the text after a "Reason:" / "Project:" label
    (<span class="muted">Reason:</span> AccuMeasure); None when a label is absent. The label
    is a span.muted (primary) or any span whose text is the label (fallback); "PO #:" is
    recognised so that it is never taken for another."""
    found = {"reason": None, "project": None, "po": None}
    for label in row.css(_VISIBLE_LABEL_ANY):
        label_text = label.text()
        key = _LABELS.get(label_text.strip().casefold())
        if key is not None and found[key] is None and (parent := label.parent) is not None:
            found[key] = _after_label(label, label_text, parent)
            if key != "po" and not is_match(label, site.LINE_LABEL):
                fallbacks.add(key)  # (PO # is no stored field)
    return found["reason"], found["project"]


def _after_label(label: LexborNode, label_text: str, parent: LexborNode) -> str | None:
    """Return the text of the label's parent without the label: the labelled value."""
    stripped = parent.text().lstrip()
    label_text = label_text.lstrip()
    if stripped.startswith(label_text):  # the label leads its line (seen, always)
        return collapse(stripped[len(label_text):])
    parts = []
    for child in parent.iter(include_text=True):
        if child.is_text_node:
            parts.append(child.text_content)
        elif child.is_element_node and child.mem_id != label.mem_id:
            parts.append(child.text())
    return collapse("".join(parts))


def _hidden_ids(row: LexborNode) -> set[int]:
    """Return the ids (mem_id) of the row's elements that sit inside an element hidden at rest
    (the tooltips)."""
    return {node.mem_id for node in row.css(_INSIDE_HIDDEN)}


def _customer(block: LexborNode, infos: list[LexborNode]
              ) -> tuple[str | None, str | None, str | None, int | None]:
    """Given the customer block and its ADDRESS_INFO elements, return (customer, store_number,
    brand, location_id)."""
    customer = location = None
    location_id = None
    for link in block.css(site.CUSTOMER_LINK):
        href = link.attrs.get("href") or ""
        if location is None and (found := _LOCATION_LINK.search(href)):
            location, location_id = link, int(found.group(1))
        elif customer is None and _CUSTOMER_LINK.search(href):
            customer = link
        if customer is not None and location is not None:
            break  # later links can change neither
    return (collapse(customer.text()) if customer is not None else None,
            collapse(location.text()) if location is not None else None,
            _brand(location, block, infos), location_id)


def _brand(location_link: LexborNode | None, block: LexborNode,
           infos: list[LexborNode]) -> str | None:
    """Return the line right after the location link's line (the brand); None when the next
    line is already the address (an ADDRESS_INFO, or holds one: `infos` are the block's)."""
    if location_link is None:
        return None
    node, block_id, left_block = location_link, block.mem_id, False
    # Climb out of the wrappers that hold only the link, to the link's own line.
    following = next_element(node)
    while following is None and node.parent is not None:
        left_block = left_block or node.mem_id == block_id
        node = node.parent
        following = next_element(node)
    if following is None:
        return None
    # Inside the block, the block's own address-info elements tell (no new query); a line
    # found past the block's end (never seen) is asked directly.
    if left_block or node.mem_id == block_id:
        holds_address = following.css_matches(site.ADDRESS_INFO)
    else:
        holds_address = any(within(info, following, block) for info in infos)
    return None if holds_address else collapse(following.text())


def _address(infos: list[LexborNode], fallbacks: set[str]) -> tuple[str | None, ...]:
    """Given the customer block's ADDRESS_INFO elements, return (street, intersection, city,
    state, zip, county) from the first.

    The "City ST 12345" line anchors the rest: the first line before it is the street, any
    line between them the intersection, the line after it the county. A city line of an
    unknown shape (the fallback) costs only city, state and zip: the county is then the last
    line reading "X County", the city line the one before it.
    """
    found = lines(infos[0]) if infos else []
    for anchor, line in enumerate(found):
        city = _CITY_LINE.match(line)
        if city is not None:
            break
    else:
        if len(found) < 2:
            return found[0] if found else None, None, None, None, None, None
        fallbacks.add("city")
        county_at = next((i for i in range(len(found) - 1, 0, -1) if _COUNTY.search(found[i])), None)
        city_at = county_at - 1 if county_at is not None else len(found) - 1
        return (found[0], " ".join(found[1:city_at]) if city_at >= 2 else None, None, None, None,
                found[county_at] if county_at is not None else None)
    return (found[0] if anchor >= 1 else None,
            " ".join(found[1:anchor]) if anchor >= 2 else None,
            city["city"], city["state"], city["zip"],
            found[anchor + 1] if anchor + 1 < len(found) else None)


def _contact(row: LexborNode) -> str | None:
    """Return the first line of .contact-name: the contact's name, and phone where shown (the
    whole first element, inline parts such as a phone link included)."""
    block = row.css_first(site.CONTACT_NAME)
    if block is None:
        return None
    for child in block.iter(include_text=True):
        if child.is_text_node:
            if child.text_content.strip():
                break  # the block starts with bare text: read it line by line
        elif child.is_element_node:
            return collapse(child.text())
    found = lines(block)
    return found[0] if found else None


def _visits(row: LexborNode, base: str, fallbacks: set[str]) -> tuple:
    """Return (visits_done, visits_planned, next_visit_date, time_window, due_date, visit_url):
    the counts from the counter's title "0 / 1", the rest from the Next Visit link (the
    absolute visit URL; all None without a Next Visit link)."""
    return (*_counter(row, fallbacks), *_next_visit(row, base, fallbacks))


def _counter(row: LexborNode, fallbacks: set[str]) -> tuple[int | None, int | None]:
    """Return (done, planned) from the first counter whose title reads "0 / 1", else from the
    first visible element whose text reads so ("1 / 1 visits"); (None, None) without one."""
    for counter in row.css(site.VISIT_COUNTER):
        found = _COUNTER.match(counter.attrs.get("title") or "")
        if found:
            return int(found.group(1)), int(found.group(2))
    # A counter without its title: read its visible text ("1 / 1 visits").
    hidden = _hidden_ids(row)
    for node in row.traverse():
        if node.is_element_node and node.mem_id != row.mem_id and node.mem_id not in hidden:
            found = _COUNTER.match(collapse(node.text(separator=" ")) or "")
            if found:
                fallbacks.update(("visits_done", "visits_planned"))
                return int(found.group(1)), int(found.group(2))
    return None, None


def _next_visit(row: LexborNode, base: str, fallbacks: set[str]) -> tuple[str | None, ...]:
    """Return (next_visit_date, time_window, due_date, visit_url) from the Next Visit link;
    all None without one."""
    link = row.css_first(site.NEXT_VISIT_LINK)
    if link is None:
        link = next((a for a in row.css(site.VISIT_LINK)
                     if _VISIT_LINK.search(a.attrs.get("href") or "")), None)
        if link is not None:
            fallbacks.add("next_visit_date")
    if link is None:
        return None, None, None, None
    # Searched collapsed: the link's text is mostly indentation, and whitespace runs (one
    # space or many) are all the patterns look at.
    text = " ".join(link.text(separator=" ").split())
    due = _DUE.search(text)
    before_due = text[: due.start()] if due else text
    visit_date = _DATE.search(before_due)
    window = _WINDOW.search(before_due)
    return (_iso_day(*visit_date.groups()) if visit_date else None,
            collapse(window.group(1)) if window else None,
            _iso_date(due.group(1)) if due else None,
            _absolute(base, link.attrs.get("href")))


def _absolute(base: str, href: str | None) -> str | None:
    """Given the base URL and a link's href, return the absolute URL (None without an href)."""
    if not href:
        return None
    if href.startswith("/") and not href.startswith("//"):
        return base + href  # the site's own links (seen); urljoin is slow by comparison
    return urljoin(base + "/", href)


def _instructions(row: LexborNode, fallbacks: set[str]) -> str | None:
    """Return the full instructions, line breaks kept and trimmed; None when empty or absent.

    The full copy is the pre-wrap inside a hidden element (the tooltip, whatever its class);
    without one, a pre-wrap not followed by the "more..." link (short instructions may have no
    tooltip). The truncated visible copy is never taken for the full text.
    """
    candidates = row.css(site.INSTRUCTIONS_HIDDEN_COPY)
    if not candidates:
        copies = row.css(site.INSTRUCTIONS_COPY)
        candidates = [copy for copy in copies if not _truncated(copy)]
        if not copies:
            # No pre-wrap at all (the utility renamed or gone): the span of the hidden tooltip.
            candidates = row.css(site.INSTRUCTIONS_FALLBACK)
            if candidates:
                fallbacks.add("instructions")
        if not candidates:
            return None
    # The full copy is never shorter than a truncated one: the longest wins a tie.
    texts = [source_text(copy) for copy in candidates]
    return max(texts, key=len).strip() or None


def _truncated(copy: LexborNode) -> bool:
    """Return True when the next element after the copy is the "more..." link."""
    following = next_element(copy)
    return following is not None and following.tag == "a" and \
        bool(_MORE_LINK.match(following.text()))


def _creator(row: LexborNode, fallbacks: set[str]) -> tuple[str | None, str | None]:
    """Return created_by and created_at from div.work-creator ("Dana Ortiz • 04/08/2026 09:41am")."""
    block = row.css_first(site.CREATOR)
    if block is None:
        return None, None
    text = block.text()
    name, bullet, stamp_text = text.rpartition(site.CREATOR_SEPARATOR)
    if not bullet:
        # No bullet: fall back to the title, "Created by: <name> MM/DD/YYYY hh:mmam".
        fallbacks.update(("created_by", "created_at"))
        title = collapse(block.attrs.get("title")) or text
        stamp = _STAMP.search(title)
        name = _CREATED_BY.sub("", title[: stamp.start()] if stamp else title)
        stamp_text = stamp.group(0) if stamp else ""
    return collapse(name), _iso_stamp(stamp_text)


# The rows of a page share a handful of visit, due and creation days: each is worked out once.
@functools.lru_cache(maxsize=4096)
def _iso_date(text: str) -> str | None:
    """Given "MM/DD/YYYY", return "YYYY-MM-DD" (None when it is not a real date)."""
    found = _DATE.search(text)
    return _iso_day(*found.groups()) if found else None


@functools.lru_cache(maxsize=4096)
def _iso_day(month: str, day: str, year: str) -> str | None:
    """Given the digits of a month, day and year, return "YYYY-MM-DD" (None when it is not a
    real date)."""
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _iso_stamp(text: str) -> str | None:
    """Given "MM/DD/YYYY hh:mmam", return the site-local "YYYY-MM-DDTHH:MM:00" (no zone)."""
    found = _STAMP.search(text or "")
    if not found:
        return None
    month, day, year, hour, minute, meridiem = found.groups()
    hour, minute = int(hour), int(minute)
    day_iso = _iso_day(month, day, year)
    if day_iso is None or not 1 <= hour <= 12 or minute > 59:
        return None
    hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)  # 12am -> 0, 12pm -> 12
    return f"{day_iso}T{hour:02d}:{minute:02d}:00"

