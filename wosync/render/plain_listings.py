"""The listings as tab-separated rows, for a pipe or a file (see wosync.render.plain).

Each function is given what the command's table is given and returns (headers, rows): the
same facts as the table, one value per cell (a count, not "+1 ~2"; a list joined with ", "),
so `cut -f`, `awk -F'\t'` and `sort -t$'\t'` can use them. Headers are upper case words.
"""

from __future__ import annotations

from typing import Any

from wosync.clock import local_text

Listing = tuple[list[str], list[list[Any]]]


def orders_plain(orders: list[dict[str, Any]], with_completed: bool) -> Listing:
    """Given the listed orders (with their `dispensers` count) and whether completed ones are
    listed, return every column of `wosync orders`, whatever the terminal's width."""
    from wosync.render.orders import ORDER_COLUMNS

    columns = [c for c in ORDER_COLUMNS if with_completed or not c.completed_only]
    return [c.header.upper() for c in columns], [[c.text(order) for c in columns] for order in orders]


def changes_plain(records: list[dict[str, Any]]) -> Listing:
    """Given change records, return one row per changed field (an order with no field named,
    new or completed, has one row with the field cells empty): run, number, kind, customer,
    store, field, old, new."""
    rows: list[list[Any]] = []
    for change in records:
        head = [change["run_id"], change["number"], change["kind"], change.get("customer"), change.get("store_number")]
        fields = change.get("fields") or {}
        if not fields:
            rows.append([*head, "", "", ""])
        for name, values in fields.items():
            old, new = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
            rows.append([*head, name, _value(old), _value(new)])
    return ["RUN", "NUMBER", "CHANGE", "CUSTOMER", "STORE", "FIELD", "OLD", "NEW"], rows


def _value(value: Any) -> str:
    """Given a field's old or new value, return it as one cell: a list joined with ", "."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def dispensers_plain(locations: list[dict[str, Any]]) -> Listing:
    """Given locations with their dispensers, return one row per dispenser (a location read
    with none, or not read yet, has one row with the dispenser cells empty)."""
    rows: list[list[Any]] = []
    for location in locations:
        head = [location["location_id"], location.get("customer"), location.get("store_number"),
                ", ".join(location.get("orders") or []),
                local_text(location["equipment_checked_at"]) if location.get("equipment_checked_at") else "not read"]
        if not location["dispensers"]:
            rows.append([*head, "", "", "", "", "", ""])
        for d in location["dispensers"]:
            rows.append([*head, d.get("position"), ", ".join(d.get("grades") or []), d.get("make"), d.get("model"),
                         d.get("serial"), _value(d.get("fields") or {})])
    return (["LOCATION", "CUSTOMER", "STORE", "ORDERS", "READ", "POSITION", "GRADES", "MAKE", "MODEL", "SERIAL",
             "FIELDS"], rows)


def schedules_plain(rows: list[dict[str, Any]]) -> Listing:
    """Given schedule rows, return the columns of `schedule list`."""
    from wosync import schedules
    from wosync.text import hours_text

    return (["ID", "ACCOUNT", "EVERY", "ACTIVE HOURS", "STATE", "NEXT RUN", "FAILURES"],
            [[row["id"], row["account"] or "(default)", hours_text(row["interval_hours"]),
              schedules.describe_window(schedules.rule_from_row(row)), "enabled" if row["enabled"] else "paused",
              local_text(row["next_run"]), row["consecutive_failures"]] for row in rows])


def targets_plain(targets: list[dict[str, Any]]) -> Listing:
    """Given notification targets (the rows `notify list` prints), return id, url and what it gets."""
    return (["ID", "URL", "GETS", "MAX LENGTH"],
            [[t["id"], t["url"], t.get("summary"), t.get("max_length") or ""] for t in targets])


def week_plain(plan: dict[str, Any]) -> Listing:
    """Given `wosync week`'s plan, return one row per stop: the day, the window, the order, the
    store, the city, the dispensers, those to calibrate and the items on one line."""
    from wosync.week import items_line

    rows = [[day.get("date"), stop.get("time_window"), stop.get("number"), stop.get("store_number"),
             stop.get("customer"), stop.get("city"), stop.get("dispensers"), stop.get("calibrate"),
             items_line(stop.get("items") or [])]
            for day in plan["days"] for stop in day["stops"]]
    return ["DATE", "WINDOW", "NUMBER", "STORE", "CUSTOMER", "CITY", "DISPENSERS", "CALIBRATE", "ITEMS"], rows
