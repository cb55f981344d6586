"""The simulated site's work orders: deterministic generation and the scraper's expected output.

Given a count and a seed, `generate_orders` returns the same orders every time, with the
content a scraper must cope with on the real site: unicode and `&`/`<` in names, multi-word
cities, rows without an intersection, a project or a Next Visit link, instructions that are
long, multi-line, blank or missing, items without a code, times at 12am/12pm.

`WorkOrder.expected(base_url)` is what a correct scraper must produce for the row, following
the field rules of DESIGN.md (`orders --json` without first_seen_at/last_seen_at/completed_at).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from dataclasses import dataclass, field

# Status text -> the badge's CSS class, as on the real site.
STATUS_KINDS = {
    "Work Created": "work-status-open",
    "Ready to Schedule": "work-status-open",
    "Scheduled": "work-status-scheduled",
    "Quality Approved": "work-status-in-progress",
    "In Progress": "work-status-in-progress",
}

# Category name -> the colour of its bar.
CATEGORIES = {
    "Meter Calibration": "rgb(128, 0, 255)",
    "Filter Change": "rgb(0, 153, 102)",
    "Annual Inspection": "rgb(255, 153, 0)",
    "Dispenser Repair": "rgb(220, 20, 60)",
    "Combo": "rgb(30, 144, 255)",
}

REASONS = ["AccuMeasure", "Annual Compliance", "Customer Request", "Warranty", "State Inspection"]
PROJECTS = ["Calibrations 2026", "Spring Filters 2026", "Q3 Compliance & Audit"]

# (customer name, brand) pairs; the awkward ones are on purpose.
CUSTOMERS = [
    ("Northstar Fuel Stores, Inc", "Northstar"),
    ("José Núñez", "Sunoco"),
    ("Zoë Brontë", "Citgo"),
    ("Smith & Sons <Fuel>", "Marathon"),
    ("Gulf Coast Petroleum LLC", "Shell"),
    ("Circle K Stores Inc.", "Circle K"),
    ("Bay Area Quick Stop", "Chevron"),
    ("O'Malley's Gas & Go", "BP"),
]

STREET_NAMES = ["East Harbor Boulevard", "N Dale Mabry Hwy", "Gandy Blvd", "US Highway 19 N",
                "Main Street", "W Kennedy Blvd", "Bruce B Downs Blvd", "Avenue of the Oaks"]
INTERSECTIONS = ["Dale Mabry Hwy & Kennedy Blvd", "SR 60 & US 301", "Main St & 3rd Ave",
                 "I-275 Exit 32"]
# (city, state, zip prefix, county): some cities have several words.
PLACES = [
    ("Tampa", "FL", "336", "Hillsborough County"),
    ("St. Petersburg", "FL", "337", "Pinellas County"),
    ("Winter Haven", "FL", "338", "Polk County"),
    ("Lakeland", "FL", "338", "Polk County"),
    ("Port Saint Lucie", "FL", "349", "St. Lucie County"),
    ("Denver", "CO", "802", "Denver County"),
    ("Commerce City", "CO", "800", "Adams County"),
]
CONTACT_FIRST = ["Lee", "Maria", "Chris", "Ana", "Sam", "Renée", "Tom", "Priya"]
CONTACT_LAST = ["Parker", "Gómez", "Nguyen", "O'Brien", "Walker", "Schäfer", "Patel"]
CREATORS = ["Dana Ortiz", "Mike Hale", "Søren Lund", "Aisha Bello"]
TERMS = ["Net 30", "Net 15", "Due on Receipt", "Net 45"]

# (item group, name, code); code None = the site shows no code for it.
ITEMS = [
    ("Meter Calibration", "All Dispensers", "2861"),
    ("Meter Calibration", "Specific Dispenser(s)", "2862"),
    ("Meter Calibration", "Blend Meter Calibration", "3002"),
    ("Meter Calibration", "Open Neck Prover (5 gal)", "3146"),
    ("Combo", "Calibration Services", "CAL-SERV"),
    ("Combo", "Filter change", "3006"),
    ("Parts", "Filter Element (10 Micron)", "PA-1011"),
    ("Parts", "Nozzle Boot & Spout Ring", "FE-4410"),
    ("Parts", "Inspection Sticker", None),
    ("Parts", "Miscellaneous Hardware", None),
]

INSTRUCTION_LINES = [
    "Calibrate all dispensers and change filters.",
    "Put stickers on the inner side of the uprights.",
    "Call the manager 30 min before arrival & check in at the register.",
    "Gate code 4471. Do NOT block the <diesel> lane.",
    "Bring 10 micron filters for the DEF dispenser.",
    "Site closes at 22:00; work after 18:00 needs approval.",
]

TIME_WINDOWS = ["anytime", "8:00am - 12:00pm", "12:00pm - 4:00pm", "7:00am - 9:30am"]

# The fields of DESIGN.md's `orders --json`, in order, minus the sync-time ones.
EXPECTED_KEYS = (
    "number", "work_id", "status", "category", "reason", "project", "customer",
    "store_number", "brand", "street", "intersection", "city", "state", "zip", "county",
    "contact", "items", "visits_done", "visits_planned", "next_visit_date", "time_window",
    "due_date", "instructions", "created_by", "created_at", "url", "visit_url",
)


@dataclass
class Item:
    """One line of a row's items block: "N x Name (CODE)" under a group heading."""

    category: str
    quantity: int
    name: str
    code: str | None


@dataclass
class WorkOrder:
    """One work order as the simulated site holds it (more than the list shows: ids, billing)."""

    number: str
    work_id: int
    status: str
    category: str
    reason: str
    project: str | None
    customer: str
    customer_id: int
    store_number: str
    location_id: int
    brand: str
    street: str
    intersection: str | None
    city: str
    state: str
    zip: str
    county: str
    contact_name: str
    contact_phone: str | None
    billing_company: str
    account_code: str
    terms: str
    items: list[Item]
    visits_done: int
    visits_planned: int
    next_visit_date: dt.date | None
    time_window: str | None
    due_date: dt.date | None
    visit_id: int | None
    instructions_raw: str | None  # as stored by the site: may carry blank lines or padding
    created_by: str
    created_at: dt.datetime
    completed_on: dt.date | None = None
    extra: dict = field(default_factory=dict)

    @property
    def is_completed(self) -> bool:
        """Return True when every visit is done (the row leaves the default list)."""
        return self.completed_on is not None

    @property
    def status_kind(self) -> str:
        """Return the badge's CSS class for this status (unknown statuses look "open")."""
        return STATUS_KINDS.get(self.status, "work-status-open")

    @property
    def contact(self) -> str:
        """Return the contact line as a scraper reads it: name, then the phone if any."""
        return f"{self.contact_name} {self.contact_phone}" if self.contact_phone else self.contact_name

    def expected(self, base_url: str) -> dict:
        """Given the site's base URL, return the dict a correct scraper produces for this row."""
        has_visit = self.next_visit_date is not None and not self.is_completed
        instructions = (self.instructions_raw or "").strip() or None
        values = {
            "number": self.number,
            "work_id": self.work_id,
            "status": _one_line(self.status),
            "category": _one_line(self.category),
            "reason": _one_line(self.reason),
            "project": _one_line(self.project),
            "customer": _one_line(self.customer),
            "store_number": self.store_number,
            "brand": _one_line(self.brand),
            "street": _one_line(self.street),
            "intersection": _one_line(self.intersection),
            "city": _one_line(self.city),
            "state": self.state,
            "zip": self.zip,
            "county": _one_line(self.county),
            "contact": _one_line(self.contact),
            "items": [dataclasses.asdict(item) for item in self.items],
            "visits_done": self.visits_done,
            "visits_planned": self.visits_planned,
            "next_visit_date": self.next_visit_date.isoformat() if has_visit else None,
            "time_window": self.time_window if has_visit else None,
            "due_date": self.due_date.isoformat() if has_visit and self.due_date else None,
            "instructions": instructions,
            "created_by": _one_line(self.created_by),
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "url": f"{base_url}/app/work/{self.work_id}/",
            "visit_url": (f"{base_url}/app/work/{self.work_id}/visits/{self.visit_id}/"
                          if has_visit else None),
        }
        return {key: values[key] for key in EXPECTED_KEYS}


def _one_line(text: str | None) -> str | None:
    """Given a single-line field, return it with whitespace runs collapsed and trimmed; '' -> None."""
    if text is None:
        return None
    return re.sub(r"\s+", " ", text).strip() or None


class OrderFactory:
    """Make work orders from one random stream, so the same seed always gives the same orders.

    Numbers increase with gaps; work_id differs from the number's digits for about half of
    them (as on the real site, the id in the link is not the number).
    """

    FIRST_NUMBER = 129651
    # Work ids that differ from the number live far above any number, so they never collide.
    ID_OFFSET = 500_000

    def __init__(self, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.today = today
        self.next_number = self.FIRST_NUMBER
        self.next_visit_id = 131650

    def make(self, completed: bool = False) -> WorkOrder:
        """Return a new order (completed ones have every visit done and no Next Visit)."""
        rng = self.rng
        digits = self.next_number
        self.next_number += rng.randint(1, 7)
        work_id = digits if rng.random() < 0.5 else digits + self.ID_OFFSET
        customer_index = rng.randrange(len(CUSTOMERS))
        customer, brand = CUSTOMERS[customer_index]
        city, state, zip_prefix, county = rng.choice(PLACES)
        category = rng.choice(list(CATEGORIES))
        status = rng.choice(list(STATUS_KINDS))
        planned = rng.choice([1, 1, 1, 2, 3])
        done = planned if completed else rng.randint(0, planned - 1)
        created_at = dt.datetime.combine(
            self.today - dt.timedelta(days=rng.randint(3, 120)),
            dt.time(rng.randint(0, 23), rng.randint(0, 59)),
        )
        has_visit = not completed and rng.random() < 0.85
        next_visit = self.today + dt.timedelta(days=rng.randint(1, 150)) if has_visit else None
        visit_id = None
        if has_visit:
            visit_id = self.next_visit_id
            self.next_visit_id += rng.randint(1, 9)
        return WorkOrder(
            number=f"W-{digits}",
            work_id=work_id,
            status=status,
            category=category,
            reason=rng.choice(REASONS),
            project=rng.choice(PROJECTS) if rng.random() < 0.6 else None,
            customer=customer,
            customer_id=1200 + customer_index,
            store_number=f"#{rng.randint(10000, 99999)}",
            location_id=40000 + rng.randint(0, 9999),
            brand=brand,
            street=f"{rng.randint(1, 19999)} {rng.choice(STREET_NAMES)}",
            intersection=rng.choice(INTERSECTIONS) if rng.random() < 0.4 else None,
            city=city,
            state=state,
            zip=f"{zip_prefix}{rng.randint(0, 99):02d}",
            county=county,
            contact_name=f"{rng.choice(CONTACT_FIRST)} {rng.choice(CONTACT_LAST)}",
            contact_phone=f"813-555-{rng.randint(0, 9999):04d}" if rng.random() < 0.5 else None,
            billing_company=customer,
            account_code=f"{brand[:2].upper()}-{rng.randint(1, 999):03d}",
            terms=rng.choice(TERMS),
            items=self._items(category),
            visits_done=done,
            visits_planned=planned,
            next_visit_date=next_visit,
            time_window=rng.choice(TIME_WINDOWS) if has_visit else None,
            due_date=next_visit + dt.timedelta(days=rng.randint(7, 30)) if next_visit else None,
            visit_id=visit_id,
            instructions_raw=self._instructions(),
            created_by=rng.choice(CREATORS),
            created_at=created_at,
            completed_on=self.today - dt.timedelta(days=rng.randint(1, 60)) if completed else None,
        )

    def new_visit_id(self) -> int:
        """Return a fresh visit id (for a reschedule of an order that had no Next Visit)."""
        visit_id = self.next_visit_id
        self.next_visit_id += 1
        return visit_id

    def _items(self, category: str) -> list[Item]:
        """Return 1-3 item lines, grouped by their group name in the order the site shows them."""
        rng = self.rng
        picks = rng.sample(ITEMS, rng.randint(1, 3))
        group_order = ["Combo", "Meter Calibration", "Parts"]
        picks.sort(key=lambda item: group_order.index(item[0]))
        return [Item(group, rng.randint(1, 12), name, code) for group, name, code in picks]

    def _instructions(self) -> str | None:
        """Return the instructions as stored: None, blank, one line, or several lines."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return None
        if roll < 0.2:
            return "  \n "  # blank: a scraper must report None
        lines = rng.sample(INSTRUCTION_LINES, rng.randint(1, 3))
        text = "\n".join(lines)
        # Some sites' editors leave padding and trailing newlines: the scraper trims them.
        return text + "\n" if rng.random() < 0.3 else text


def generate_orders(count: int, seed: int, today: dt.date) -> tuple[list[WorkOrder], OrderFactory]:
    """Given a count and a seed, return (orders, factory): `count` active orders plus
    count // 10 completed ones, interleaved by number, and the factory for later additions."""
    factory = OrderFactory(seed, today)
    completed_rng = random.Random(seed * 7919 + 1)
    completed_left = count // 10
    active_left = count
    orders = []
    while active_left or completed_left:
        # Interleave so that completed orders sit between active ones in number order.
        make_completed = completed_left and (
            not active_left or completed_rng.random() < completed_left / (active_left + completed_left)
        )
        if make_completed:
            completed_left -= 1
        else:
            active_left -= 1
        orders.append(factory.make(completed=bool(make_completed)))
    return orders, factory


def parse_date(text: str) -> dt.date:
    """Given "YYYY-MM-DD", return the date (ValueError otherwise)."""
    return dt.date.fromisoformat(text)
