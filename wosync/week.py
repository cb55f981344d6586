"""Pure: a span of days' visits as a plan: stops by day, the parts to bring, the dispensers to
calibrate; and the one-line summary of a visit that `wosync week` and the calendar share.

Parts are the items whose category is "Parts", summed by (code, name). Dispensers to calibrate
at a stop (the rule README.md's "Your week" states):

- a "Meter Calibration" item for all dispensers ("All Dispensers"): the dispensers stored at
  the location; when its Equipment tab was not read yet, the item's quantity;
- items for some dispensers ("Specific Dispenser(s)", "Per Dispenser"): their quantities,
  at most the dispensers stored there when those are known;
- any other "Meter Calibration" item alone (a filter change, a prover): the dispensers stored
  at the location (0 when not read yet), since the visit calibrates the site;
- no "Meter Calibration" item: none.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable, Iterable, Mapping

from wosync.text import clean, customer_text, item_text

CALIBRATION = "meter calibration"
PARTS = "parts"


def _category(item: Mapping[str, Any]) -> str:
    """Given an item, return its category for comparing ("meter calibration")."""
    return clean(item.get("category")).casefold()


def _quantity(item: Mapping[str, Any]) -> int:
    """Given an item, return its quantity (0 when it is none or not a positive whole number)."""
    quantity = item.get("quantity")
    return quantity if isinstance(quantity, int) and quantity > 0 else 0


def to_calibrate(items: Iterable[Mapping[str, Any]], dispensers: int | None) -> int:
    """Given an order's items and the dispensers stored at its location (None: not read yet),
    return how many dispensers the visit calibrates (see the module's rule)."""
    calibration = [i for i in items if _category(i) == CALIBRATION]
    if not calibration:
        return 0
    names = [clean(i.get("name")).casefold() for i in calibration]
    every = [i for i, n in zip(calibration, names) if "all dispensers" in n]
    if every:
        return dispensers if dispensers is not None else max(_quantity(i) for i in every)
    some = [i for i, n in zip(calibration, names) if "dispenser" in n]
    if some:
        count = sum(_quantity(i) for i in some)
        return min(count, dispensers) if dispensers is not None else count
    return dispensers or 0


def parts_of(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Given items (of one order or many), return the "Parts" ones summed by (code, name):
    [{"code", "name", "quantity"}], by code then name (parts without a code last)."""
    totals: dict[tuple[str, str], int] = {}
    for item in items:
        if _category(item) == PARTS:
            key = (clean(item.get("code")), clean(item.get("name")))
            totals[key] = totals.get(key, 0) + _quantity(item)
    return [{"code": code or None, "name": name, "quantity": quantity}
            for (code, name), quantity in sorted(totals.items(), key=lambda kv: (not kv[0][0], kv[0]))]


def part_text(part: Mapping[str, Any]) -> str:
    """Given a summed part, return "400MB-10 CimTek 450-MB 10 Filter: 30"."""
    label = " ".join(x for x in (part.get("code") or "", part.get("name") or "") if x)
    return f"{label}: {part['quantity']}"


def short_window(window: str | None, compact: bool = False) -> str:
    """Given the site's time window, return it short and 24-hour: "8:00-12:00" ("8-12" when
    `compact` and on the hour); "" for none; any other text (anytime) cleaned."""
    from wosync.calendar import parse_window

    parsed = parse_window(window)
    if parsed is None:
        return clean(window)
    return "-".join(str(t.hour) if compact and not t.minute else f"{t.hour}:{t.minute:02d}" for t in parsed)


def _window_start(window: str | None) -> tuple[int, str]:
    """Sort key of a stop by its window: timed visits by their start, then the rest."""
    from wosync.calendar import parse_window

    parsed = parse_window(window)
    return (0, parsed[0].isoformat()) if parsed else (1, "")


def stop_of(order: Mapping[str, Any], dispensers: int | None) -> dict[str, Any]:
    """Given an active order with a next visit and the dispensers stored at its location
    (None: not read), return its stop: the order's who, where and when, its items, the stored
    dispensers and how many of them the visit calibrates."""
    items = list(order.get("items") or [])
    return {
        "date": order.get("next_visit_date"), "time_window": order.get("time_window"),
        "number": order.get("number"), "store_number": order.get("store_number"),
        "customer": order.get("customer"), "city": order.get("city"), "location_id": order.get("location_id"),
        "dispensers": dispensers, "calibrate": to_calibrate(items, dispensers), "items": items,
    }


def plan(orders: Iterable[Mapping[str, Any]], dispensers_of: Callable[[Mapping[str, Any]], int | None],
         first: date, days: int) -> dict[str, Any]:
    """Given active orders, a function giving the dispensers stored at an order's location
    (None: not read), the first day and the number of days, return the plan: {"from", "to",
    "visits", "days": [{"date", "stops", "parts", "dispensers"}] (every day, empty ones too),
    "parts", "dispensers" (to calibrate), "not_read" (stops whose location's dispensers were
    never read)}. Orders outside the days are left out."""
    span = [first + timedelta(days=n) for n in range(days)]
    stops: dict[str, list[dict[str, Any]]] = {day.isoformat(): [] for day in span}
    for order in orders:
        if order.get("completed_at") or order.get("next_visit_date") not in stops:
            continue
        stops[order["next_visit_date"]].append(stop_of(order, dispensers_of(order)))
    plan_days = []
    for day, found in stops.items():
        found.sort(key=lambda s: (_window_start(s["time_window"]), clean(s["store_number"]), clean(s["number"])))
        plan_days.append({"date": day, "stops": found,
                          "parts": parts_of(i for s in found for i in s["items"]),
                          "dispensers": sum(s["calibrate"] for s in found)})
    every = [s for d in plan_days for s in d["stops"]]
    return {
        "from": span[0].isoformat() if span else first.isoformat(),
        "to": span[-1].isoformat() if span else first.isoformat(),
        "visits": len(every), "days": plan_days,
        "parts": parts_of(i for s in every for i in s["items"]),
        "dispensers": sum(d["dispensers"] for d in plan_days),
        "not_read": sum(1 for s in every if s["dispensers"] is None),
    }


def visit_summary(order: Mapping[str, Any], dispensers: int | None, customer: str | None = None) -> str:
    """Given an order, the dispensers stored at its location (None: not read) and its
    customer_text (None: made here), return its visit on one line: "Wawa #5154 · Tampa ·
    8:00am - 12:00pm · 4 dispensers, 4 to calibrate"."""
    if dispensers is None:
        counted = "dispensers not read yet"
    else:
        counted = f"{dispensers} dispenser{'s' if dispensers != 1 else ''}"
    calibrate = to_calibrate(order.get("items") or [], dispensers)
    if calibrate:
        counted += f", {calibrate} to calibrate"
    parts = (customer_text(order) if customer is None else customer, clean(order.get("city")), clean(order.get("time_window")), counted)
    return " · ".join([p for p in parts if p])


def items_line(items: Iterable[Mapping[str, Any]]) -> str:
    """Given items, return them on one line: "4 x All Dispensers (2861); 1 x Inspection Sticker"."""
    return "; ".join(item_text(i) for i in items)
