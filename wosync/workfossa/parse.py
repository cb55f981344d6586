"""Read one work-list row's HTML into the work-order dict of DESIGN.md. Pure: no browser.

The browser hands over each row's outerHTML; everything the site shows about an order is
turned into fields here, so the rules are unit-tested on saved fragments. The markup is the
one described in WORKFOSSA_SITE.md. Where the real site may differ (an optional line missing)
the field is None; only a missing work-order link (the key) is a layout error.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin

from wosync.workfossa.dom import Element, collapse, parse_fragment
from wosync.workfossa.errors import LayoutNotRecognised

# The keys of a scraped order, in the order of DESIGN.md's `orders --json`.
ORDER_KEYS = (
    "number", "work_id", "status", "category", "reason", "project", "customer",
    "store_number", "brand", "street", "intersection", "city", "state", "zip", "county",
    "contact", "items", "visits_done", "visits_planned", "next_visit_date", "time_window",
    "due_date", "instructions", "created_by", "created_at", "url", "visit_url",
)

ROW_SELECTOR = "div.row.work-list-item"
NUMBER_LINK_SELECTOR = 'a[href="/app/work/<id>/"]'

_WORK_LINK = re.compile(r"^(?:https?://[^/]+)?/app/work/(\d+)/?$")
_VISIT_LINK = re.compile(r"/app/work/\d+/visits/\d+/?$")
_CUSTOMER_LINK = re.compile(r"/app/customers/\d+/?$")
_LOCATION_LINK = re.compile(r"/app/customers/locations/\d+/?$")
# "Tampa FL 33603", "Port Saint Lucie FL 34952-1234"; a comma after the city is tolerated.
_CITY_LINE = re.compile(r"^(?P<city>.+?),?\s+(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(?:-\d{4})?)$")
_COUNTER = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*(?:visits?)?\s*$", re.IGNORECASE)
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DUE = re.compile(r"Due:?\s*(\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
_WINDOW = re.compile(r"\(([^()]*)\)")
_STAMP = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*([ap])\.?m\.?", re.IGNORECASE)
_ITEM_LINE = re.compile(r"^(\d+)\s*x\s*(.*)$", re.IGNORECASE)
_MATCHES = re.compile(r"([\d,]+)\s+match(?:es)?\b", re.IGNORECASE)


def parse_row(html: str, base_url: str) -> dict:
    """Given one row's outerHTML and the site's base URL, return the order dict (ORDER_KEYS).

    Raises LayoutNotRecognised naming the selector when the row has no work-order link.
    """
    base = base_url.rstrip("/")
    root = parse_fragment(html)
    row = root.select_one(".work-list-item") or root

    link = next((a for a in row.select("a") if _WORK_LINK.match(a.attrs.get("href", ""))), None)
    number = collapse(link.text()) if link is not None else None
    if link is None or not number:
        raise LayoutNotRecognised(
            f"a work-list row has no work-order link ({NUMBER_LINK_SELECTOR} with the number)",
            selector=NUMBER_LINK_SELECTOR,
        )
    work_id = int(_WORK_LINK.match(link.attrs["href"]).group(1))

    order = {
        "number": number,
        "work_id": work_id,
        "status": _status(row),
        "category": _category(row),
        **_labelled(row),
        **_customer(row),
        "contact": _contact(row),
        "items": _items(row),
        **_visits(row, base),
        "instructions": _instructions(row),
        **_creator(row),
        "url": f"{base}/app/work/{work_id}/",
    }
    return {key: order[key] for key in ORDER_KEYS}


def parse_match_count(text: str | None) -> int | None:
    """Given the match-count text ("244 matches", "1 match", "1,234 matches"), return the
    number, or None when the text holds no such figure."""
    found = _MATCHES.search(text or "")
    return int(found.group(1).replace(",", "")) if found else None


def _status(row: Element) -> str | None:
    """Return the status badge's text ("Work Created")."""
    badge = row.select_one(".work-status-badge")
    if badge is None:  # tolerate a badge without its wrapper
        badge = row.find(lambda e: any(c.startswith("work-status-") for c in e.classes))
    return collapse(badge.text()) if badge is not None else None


def _category(row: Element) -> str | None:
    """Return the colour bar's name: the hidden tooltip's text inside div.wo-category-show."""
    bar = row.select_one(".wo-category-show")
    if bar is None:
        return None
    tooltip = bar.select_one(".ks-tooltip")
    if tooltip is not None:
        return collapse(tooltip.text())
    return collapse(bar.attrs.get("title"))


def _labelled(row: Element) -> dict:
    """Return reason and project: the text after a "Reason:" / "Project:" marker element
    (e.g. <span class="muted">Reason:</span> AccuMeasure); None when a marker is absent."""
    found = {"reason": None, "project": None}
    for element in row.descendants():
        children = element.children
        # A marker is a leaf holding only its label text ("Reason:").
        if len(children) != 1 or not isinstance(children[0], str):
            continue
        text = children[0].strip()
        if not text.endswith(":"):
            continue
        key = text[:-1].strip().lower()
        if key in found and found[key] is None and element.parent is not None \
                and not _in_tooltip(element):
            found[key] = collapse(element.parent.text(skip=lambda e: e is element))
    return found


def _in_tooltip(element: Element) -> bool:
    """Return True when the element sits inside a (hidden) .ks-tooltip."""
    return any(ancestor.has_class("ks-tooltip") for ancestor in element.ancestors())


def _customer(row: Element) -> dict:
    """Return customer, store_number, brand and the address fields of the customer block."""
    block = row.select_one(".address") or row
    links = block.select("a")
    customer_link = next((a for a in links if _CUSTOMER_LINK.search(a.attrs.get("href", ""))), None)
    location_link = next((a for a in links if _LOCATION_LINK.search(a.attrs.get("href", ""))), None)
    fields = {
        "customer": collapse(customer_link.text()) if customer_link is not None else None,
        "store_number": collapse(location_link.text()) if location_link is not None else None,
        "brand": _brand(location_link),
    }
    info = block.select_one(".address-info")
    fields.update(_address(info.lines() if info is not None else []))
    return fields


def _brand(location_link: Element | None) -> str | None:
    """Return the line right after the location link (the brand), None if the next line is
    already the address."""
    if location_link is None:
        return None
    node = location_link
    # Climb out of the wrappers that hold only the link, to the link's own line.
    while node.parent is not None and node.next_element_sibling() is None:
        node = node.parent
    following = node.next_element_sibling()
    if following is None or following.has_class("address-info") or following.select_one(
        ".address-info"
    ):
        return None
    return collapse(following.text())


def _address(lines: list[str]) -> dict:
    """Given the .address-info lines, return street, intersection, city, state, zip, county.

    The "City ST 12345" line anchors the rest: the first line before it is the street, any
    line between them the intersection, the line after it the county.
    """
    fields = dict.fromkeys(("street", "intersection", "city", "state", "zip", "county"))
    anchor = next((i for i, line in enumerate(lines) if _CITY_LINE.match(line)), None)
    if anchor is None:
        # Unknown shape: keep what is safe to say, and no guessed city.
        if lines:
            fields["street"] = lines[0]
        fields["county"] = next((line for line in lines[1:] if line.endswith("County")), None)
        return fields
    city = _CITY_LINE.match(lines[anchor])
    fields.update(city=city["city"], state=city["state"], zip=city["zip"])
    if anchor >= 1:
        fields["street"] = lines[0]
    if anchor >= 2:
        fields["intersection"] = " ".join(lines[1:anchor])
    if anchor + 1 < len(lines):
        fields["county"] = lines[anchor + 1]
    return fields


def _contact(row: Element) -> str | None:
    """Return the first line of .contact-name: the contact's name, and phone where shown."""
    block = row.select_one(".contact-name")
    if block is None:
        return None
    leading_text = collapse("".join(c for c in block.children[:1] if isinstance(c, str)))
    first = block.elements()[0] if block.elements() else None
    if first is not None and not leading_text:
        return collapse(first.text())
    lines = block.lines()
    return lines[0] if lines else None


def _items(row: Element) -> list[dict]:
    """Return the items: each group (div.text-xs.mb-2) is a heading, then "N x Name (CODE)"
    lines whose code sits in span.muted."""
    items = []
    for group in (e for e in row.select(".text-xs") if e.tag == "div" and e.has_class("mb-2")):
        heading, *lines = group.elements() or [None]
        if heading is None or not lines:
            continue
        category = collapse(heading.text())
        for line in lines:
            code_span = next((e for e in line.select(".muted") if e.tag == "span"), None)
            text = line.text(skip=lambda e: e is code_span)
            quantity_and_name = _ITEM_LINE.match(text)
            if quantity_and_name is None:
                raise LayoutNotRecognised(
                    f"an item line does not read 'N x Name': {text!r}",
                    selector="div.text-xs.mb-2 (item line)",
                )
            code = collapse(code_span.text().strip().strip("()")) if code_span is not None else None
            items.append({
                "category": category,
                "quantity": int(quantity_and_name.group(1)),
                "name": collapse(quantity_and_name.group(2)),
                "code": code,
            })
    return items


def _visits(row: Element, base: str) -> dict:
    """Return visits_done/planned (from the counter's title "0 / 1") and the Next Visit fields
    (date, time window, due date, absolute visit URL; all None without a Next Visit link)."""
    done = planned = None
    counter = next((e for e in row.select("[title]") if _COUNTER.match(e.attrs["title"])), None)
    if counter is not None:
        done, planned = map(int, _COUNTER.match(counter.attrs["title"]).groups())
    else:  # a counter without its title: read its visible text ("1 / 1 visits")
        counter = row.find(lambda e: bool(_COUNTER.match(e.text())) and not _in_tooltip(e))
        if counter is not None:
            done, planned = map(int, _COUNTER.match(counter.text()).groups()[:2])

    fields = {"visits_done": done, "visits_planned": planned, "next_visit_date": None,
              "time_window": None, "due_date": None, "visit_url": None}
    link = next((a for a in row.select("a") if (
        (a.attrs.get("title") or "").strip().lower() == "next visit"
        or _VISIT_LINK.search(a.attrs.get("href", "")))), None)
    if link is None:
        return fields
    text = link.text()
    due = _DUE.search(text)
    before_due = text[: due.start()] if due else text
    visit_date = _DATE.search(before_due)
    window = _WINDOW.search(before_due)
    href = link.attrs.get("href")
    fields.update(
        next_visit_date=_iso_date(visit_date.group(0)) if visit_date else None,
        time_window=collapse(window.group(1)) if window else None,
        due_date=_iso_date(due.group(1)) if due else None,
        visit_url=urljoin(base + "/", href) if href else None,
    )
    return fields


def _instructions(row: Element) -> str | None:
    """Return the full instructions (the hidden tooltip's span.pre-wrap), line breaks kept and
    trimmed; None when empty or absent."""
    copies = row.select(".pre-wrap")
    full = next((e for e in copies if _in_tooltip(e)), None)
    if full is None:
        # Short instructions may have no tooltip; the visible copy is whole only when it
        # has no "more..." link after it.
        visible = copies[0] if copies else None
        truncated = next((a for a in row.select("a") if a.text().lower().startswith("more")), None)
        if visible is None or truncated is not None:
            return None
        full = visible
    return full.raw_text().strip() or None


def _creator(row: Element) -> dict:
    """Return created_by and created_at from div.work-creator ("Dana Ortiz • 04/08/2026 09:41am")."""
    block = row.select_one(".work-creator")
    if block is None:
        return {"created_by": None, "created_at": None}
    text = block.text()
    name, _, stamp_text = text.rpartition("•")
    if not _:
        # No bullet: fall back to the title, "Created by: <name> MM/DD/YYYY hh:mmam".
        title = collapse(block.attrs.get("title")) or text
        stamp = _STAMP.search(title)
        name = title[: stamp.start()] if stamp else title
        name = re.sub(r"^Created by:\s*", "", name, flags=re.IGNORECASE)
        stamp_text = stamp.group(0) if stamp else ""
    return {"created_by": collapse(name), "created_at": _iso_stamp(stamp_text)}


def _iso_date(text: str) -> str | None:
    """Given "MM/DD/YYYY", return "YYYY-MM-DD" (None when it is not a real date)."""
    found = _DATE.search(text)
    if not found:
        return None
    month, day, year = map(int, found.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _iso_stamp(text: str) -> str | None:
    """Given "MM/DD/YYYY hh:mmam", return the site-local "YYYY-MM-DDTHH:MM:00" (no zone)."""
    found = _STAMP.search(text or "")
    if not found:
        return None
    month, day, year, hour, minute = map(int, found.groups()[:5])
    if not 1 <= hour <= 12:
        return None
    hour = hour % 12 + (12 if found.group(6).lower() == "p" else 0)  # 12am -> 0, 12pm -> 12
    try:
        return dt.datetime(year, month, day, hour, minute).isoformat(timespec="seconds")
    except ValueError:
        return None
