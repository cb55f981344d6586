"""`wosync orders show NUMBER` (and `wosync demo`): one order as a card a technician reads at a glance."""

from __future__ import annotations

from typing import Any

from wosync.clock import local_text
from wosync.render.orders import window_text
from wosync.render.style import safe
from wosync.text import clean, customer_text, item_text


def _long_date(day: str | None) -> str:
    """Given YYYY-MM-DD, return "Mon 27 Apr 2026" (the text itself when it is no date)."""
    from datetime import date

    if not day:
        return ""
    try:
        return date.fromisoformat(day).strftime("%a %d %b %Y").replace(" 0", " ")
    except (TypeError, ValueError):
        return clean(day)


def envelope_lines(order: dict[str, Any]) -> list[str]:
    """Given an order, return its address as written on an envelope: the name (customer and
    store), the street, the crossing ("at ..."), "City, ST ZIP", the county."""
    town = ", ".join(x for x in (clean(order.get("city")), " ".join(
        x for x in (clean(order.get("state")), clean(order.get("zip"))) if x)) if x)
    lines = [customer_text(order), clean(order.get("street")),
             f"at {clean(order['intersection'])}" if order.get("intersection") else "", town,
             clean(order.get("county"))]
    return [line for line in lines if line]


def order_card(order: dict[str, Any]):
    """Given one order record, return a card a technician reads at a glance: who and where
    (an envelope address), the next visit with its window and due date, the items, the
    instructions and the links."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = []
    heading = Text(customer_text(order) or clean(order.get("number")), style="bold")
    if order.get("brand"):
        heading.append(f"  ({clean(order['brand'])})", style="dim")
    parts.append(heading)
    kind = " · ".join(x for x in (clean(order.get("category")), clean(order.get("reason")),
                                  clean(order.get("project"))) if x)
    if kind:
        parts.append(Text(kind, style="italic"))
    parts.append(Text(""))
    parts.append(Text("\n".join(envelope_lines(order)[1:] or ["(no address)"])))
    parts.append(Text(""))

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    if order.get("next_visit_date"):
        visit = Text(_long_date(order["next_visit_date"]), style="bold green")
        if order.get("time_window"):
            visit.append(f", {window_text(order['time_window'])}")
    else:
        visit = Text("none planned", style="grey50")
    if order.get("visits_planned"):
        visit.append(f"  (visit {(order.get('visits_done') or 0) + 1} of {order['visits_planned']})", style="dim")
    facts.add_row("Next visit", visit)
    if order.get("due_date"):
        facts.add_row("Due", Text(_long_date(order["due_date"])))
    if order.get("contact"):
        facts.add_row("Contact", safe(order["contact"]))
    if order.get("completed_at"):
        facts.add_row("Completed", Text(local_text(order["completed_at"]), style="grey50"))
    parts.append(facts)

    items = order.get("items") or []
    if items:
        parts.append(Text(""))
        parts.append(Text("Items", style="bold"))
        for item in items:
            line = Text(f"  {item_text(item)}")
            if item.get("category"):
                line.append(f"  · {clean(item['category'])}", style="dim")
            parts.append(line)
    if order.get("instructions"):
        parts.append(Text(""))
        parts.append(Text("Instructions", style="bold"))
        parts.append(Padding(Text(clean(order["instructions"], multiline=True)), (0, 0, 0, 2)))
    links = [(name, order.get(key)) for name, key in (("Visit", "visit_url"), ("Order", "url")) if order.get(key)]
    if links:
        parts.append(Text(""))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for name, url in links:
            grid.add_row(name, safe(url, "underline"))  # shown, not made a link: no OSC 8 from site text
        parts.append(grid)
    footer = []
    if order.get("created_at"):
        footer.append(f"created {clean(order['created_at']).replace('T', ' ')[:16]}"
                      + (f" by {clean(order['created_by'])}" if order.get("created_by") else ""))
    if order.get("first_seen_at"):
        footer.append(f"first seen {local_text(order['first_seen_at'])}")
    if order.get("last_seen_at"):
        footer.append(f"last seen {local_text(order['last_seen_at'])}")
    if footer:
        parts.append(Text(""))
        parts.append(Text(" · ".join(footer), style="dim"))
    title = Text(clean(order.get("number")), style="bold")
    if order.get("status"):
        title.append(f" · {clean(order['status'])}")
    return Panel(Group(*parts), title=title, title_align="left", expand=False, padding=(0, 1))
