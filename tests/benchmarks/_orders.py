"""Realistic work orders for the benchmarks, made by the simulated site's own generator.

Given a count, `generate_orders` returns that many scraped records with every field of the
`orders --json` contract except the three the store adds (first_seen_at, last_seen_at,
completed_at): exactly what a correct scrape of the simulated site would produce, unicode,
multi-line instructions, items without a code and missing Next Visits included.

Given those records, `next_scrape` returns what the next scrape reads after the site changed
some of them (rescheduled, re-statused, item quantities), added new ones and completed others,
with the counts a correct sync must report.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass

from wosync.sim.data import OrderFactory, WorkOrder

BASE_URL = "https://app.workfossa.com"
# The simulated site's fixed "today" (wosync.sim.server.SIM_TODAY), so the data never varies.
TODAY = dt.date(2026, 4, 10)
STATUSES = ("Work Created", "Ready to Schedule", "Scheduled", "Quality Approved", "In Progress")


@dataclass
class Scrape:
    """Records a scrape read, and what a correct sync of them against the previous ones reports."""

    orders: list[dict]
    new: int
    updated: int
    completed: int


def generate_orders(count: int, seed: int = 4) -> tuple[list[dict], OrderFactory]:
    """Given a count and a seed, return (count active order records, the factory for more).

    The same seed always gives the same records; the factory continues the numbering, so
    orders it makes later are new to any store holding these.
    """
    factory = OrderFactory(seed, TODAY)
    return [_record(factory.make()) for _ in range(count)], factory


def next_scrape(
    previous: list[dict], factory: OrderFactory, changed: float = 0.01, new: float = 0.005,
    missing: float = 0.005, seed: int = 5,
) -> Scrape:
    """Given the records of a first scrape, return the next one: a `changed` share of them
    edited (each in at least one compared field), a `new` share added and a `missing` share
    gone (completed on the site), with the counts of new, updated and completed orders."""
    rng = random.Random(seed)
    count = len(previous)
    picks = rng.sample(range(count), int(count * changed) + int(count * missing))
    to_change = picks[: int(count * changed)]
    to_drop = set(picks[int(count * changed):])
    orders = [order for i, order in enumerate(previous) if i not in to_drop]
    by_number = {order["number"]: i for i, order in enumerate(orders)}
    for n, index in enumerate(to_change):
        number = previous[index]["number"]
        orders[by_number[number]] = _edited(previous[index], n, rng)
    added = [_record(factory.make()) for _ in range(int(count * new))]
    # New orders appear at the end of the list, as the site sorts by number.
    return Scrape(orders + added, new=len(added), updated=len(to_change), completed=len(to_drop))


def _record(order: WorkOrder) -> dict:
    """Given a simulated order, return what a correct scrape of its row produces."""
    return order.expected(BASE_URL)


def _edited(order: dict, n: int, rng: random.Random) -> dict:
    """Given a record, return a copy changed the way the site changes orders (by turn: a
    reschedule, a new status, an item quantity)."""
    edited = copy.deepcopy(order)
    kind = n % 3
    if kind == 0:
        moved = dt.date.fromisoformat(edited["next_visit_date"] or TODAY.isoformat()) + dt.timedelta(days=7)
        edited["next_visit_date"] = moved.isoformat()
        edited["time_window"] = edited["time_window"] or "anytime"
    elif kind == 1:
        edited["status"] = rng.choice([s for s in STATUSES if s != order["status"]])
    else:
        edited["items"][0]["quantity"] += 1
    return edited
