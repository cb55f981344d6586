"""Work orders for CLI tests, written through the store's own sync transaction (no scraping).

`make_order` returns one complete `orders --json` record (every scraped field); `store_sync`
stores a list of them as one successful sync would (new, updated and completed orders, change
rows, the finished run), and returns the run's id.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from wosync.fields import SCRAPED_FIELDS
from wosync.store import Store

ACCOUNT = "tech@example.com"
BASE_URL = "https://app.workfossa.com"

CUSTOMERS = [("Wawa", "#5154", "Wawa"), ("Circle K Stores Inc.", "#99291", "Circle K"),
             ("Bay Area Quick Stop", "#64810", "Chevron"), ("Zoë Brontë", "#66045", "Citgo")]
WINDOWS = ["8:00am - 12:00pm", "anytime", "12:00pm - 4:00pm", None]


def make_order(n: int, **fields: Any) -> dict[str, Any]:
    """Given an index (and fields to override), return a realistic scraped order record."""
    customer, store_number, brand = CUSTOMERS[n % len(CUSTOMERS)]
    number = f"W-{110229 + n}"
    work_id = 600000 + n
    visit_day = date(2026, 12, 1) + timedelta(days=n % 9)
    record = {name: None for name in SCRAPED_FIELDS}
    record.update(
        number=number, work_id=work_id, status=["Work Created", "Scheduled", "In Progress"][n % 3],
        category=["Meter Calibration", "Annual Inspection", "Combo"][n % 3], reason="Annual Compliance",
        project="Spring Filters 2026" if n % 2 else None, customer=customer, store_number=store_number,
        brand=brand, street=f"{100 + n} N Dale Mabry Hwy", intersection="SR 60 & US 301" if n % 4 == 1 else None,
        city=["Tampa", "Winter Haven", "Denver"][n % 3], state=["FL", "FL", "CO"][n % 3],
        zip=["33623", "33844", "80207"][n % 3], county="Hillsborough County", contact="Maria Gómez 813-555-1918",
        items=[{"category": "Meter Calibration", "quantity": 4, "name": "All Dispensers", "code": "2861"},
               {"category": "Parts", "quantity": 1, "name": "Miscellaneous Hardware", "code": None}],
        visits_done=n % 2, visits_planned=2, next_visit_date=visit_day.isoformat(),
        time_window=WINDOWS[n % len(WINDOWS)], due_date=(visit_day + timedelta(days=14)).isoformat(),
        instructions="Gate code 4471. Do NOT block the <diesel> lane.\nPut stickers on the inner side of the uprights.",
        created_by="Dana Ortiz", created_at="2026-11-20T17:45:00",
        url=f"{BASE_URL}/app/work/{work_id}/", visit_url=f"{BASE_URL}/app/work/{work_id}/visits/{130000 + n}/",
        location_id=9000 + n,
    )
    record.update(fields)
    return record


def store_sync(store: Store, orders: list[dict[str, Any]], now: datetime, account: str = ACCOUNT,
               to_complete: tuple[str, ...] = (), schedule_id: int | None = None, **run_fields: Any) -> int:
    """Given the store and the orders a scrape read, store them as one sync; return the run id."""
    store.ensure_account(account, BASE_URL, now)
    run_id = store.start_run(account, "manual", schedule_id, 1, now)
    stored = store.load_orders(account)
    new = [o["number"] for o in orders if o["number"] not in stored]
    updated = {}
    for order in orders:
        old = stored.get(order["number"])
        if old:
            diff = {k: [old.get(k), order.get(k)] for k in SCRAPED_FIELDS if old.get(k) != order.get(k)}
            if diff:
                updated[order["number"]] = diff
    fields = {"status": "success", "items_processed": len(orders), "added": len(new), "updated": len(updated),
              "removed": len(to_complete), **run_fields}
    store.apply_sync(run_id, account, orders, new, updated, {}, list(to_complete), now, fields, schedule_id, {})
    return run_id
