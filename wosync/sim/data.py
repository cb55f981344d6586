"""The simulated site's work orders: deterministic generation and the scraper's expected output.

Given a count and a seed, `generate_orders` returns the same orders every time, shaped after
the 44 rows of the real list page (tests/fixtures/workfossa/work-list-length-aware.html):
a few orders per location (store), customers with several stores, contacts that are names or
billing texts ("Attn: Vendor #150017 Ref: ..."), departments present or not, PO numbers
standing where a project would, intersections with doubled spaces, ZIP+4 codes, item groups
"Meter Calibration" / "Combo" / "Parts", overdue due dates, instructions long (truncated with
"more...") or short (whole, "more..." hidden). On top of that it holds what a scraper must
cope with although the capture does not show it: unicode and `&`/`<` in names, rows without
an intersection, a project or a Next Visit link, multi-line, blank or missing instructions,
items without a code, times at 12am/12pm, completed orders, phones in the contact line.

With `hostile=True`, some orders carry hostile text in every free-text field (Rich markup,
terminal escapes, bidi controls, a 10,000-character value, spreadsheet formulas): data that a
careless renderer would execute.

The values drawn from (customers, places, items, hostile texts) are wosync.sim.samples.
`WorkOrder.expected(base_url)` is what a correct scraper must produce for the row, following
the field rules of docs/design.md (`orders --json` without first_seen_at/last_seen_at/completed_at).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from dataclasses import dataclass, field

# The values drawn from are their own module; named here too, where the site's other modules
# and the tests take them from.
from wosync.sim.samples import (  # noqa: F401
    STATUS_KINDS, CATEGORIES, DEFAULT_CATEGORY_COLOUR, REASONS, PROJECTS, Customer, CUSTOMERS,
    STREET_NAMES, INTERSECTIONS, PLACES, CONTACT_FIRST, CONTACT_LAST, CONTACT_TEXTS,
    DEPARTMENTS, CREATORS, TERMS, ITEMS, LONG_INSTRUCTIONS, INSTRUCTION_LINES, TIME_WINDOWS,
    LONG_VALUE, HOSTILE_VALUES, HOSTILE_SHARE,
)

# The fields of docs/design.md's `orders --json`, in order, minus the sync-time ones.
EXPECTED_KEYS = (
    "number", "work_id", "status", "category", "reason", "project", "customer",
    "store_number", "brand", "street", "intersection", "city", "state", "zip", "county",
    "contact", "items", "visits_done", "visits_planned", "next_visit_date", "time_window",
    "due_date", "instructions", "created_by", "created_at", "url", "visit_url", "location_id",
)


@dataclass
class Item:
    """One line of a row's items block: "N x Name (CODE)" under a group heading."""

    category: str
    quantity: int
    name: str
    code: str | None


@dataclass
class Location:
    """A customer's location (store): what a row's .address block shows, shared by its orders."""

    location_id: int
    customer: Customer
    store_number: str
    street: str
    intersection: str | None
    city: str
    state: str
    zip: str
    county: str


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
    department: str | None = None  # the optional first .muted-dark line of the contact block
    po_number: str | None = None  # a "PO #:" line, in the slot before the project (seen)

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
            "items": [dict(dataclasses.asdict(item), category=_one_line(item.category),
                           name=_one_line(item.name)) for item in self.items],
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
            "location_id": self.location_id,
        }
        return {key: values[key] for key in EXPECTED_KEYS}


def _one_line(text: str | None) -> str | None:
    """Given a single-line field, return it with whitespace runs collapsed and trimmed; '' -> None.

    That is what a scraper reading the element's text gets: the rows carry their values
    between newlines and indentation, as the real site's template does.
    """
    if text is None:
        return None
    return re.sub(r"\s+", " ", text).strip() or None


class OrderFactory:
    """Make work orders from one random stream, so the same seed always gives the same orders.

    Numbers increase with gaps; work_id differs from the number's digits for about half of
    them (the id in the link need not equal the number). Orders share locations: a new order
    goes to a location already used by at most three others about half the time, as a store
    has a few open orders at once.
    """

    FIRST_NUMBER = 129651
    # Work ids that differ from the number live far above any number, so they never collide.
    ID_OFFSET = 500_000
    FIRST_LOCATION_ID = 32800  # the capture's location ids start near here
    MAX_ORDERS_PER_LOCATION = 4

    def __init__(self, seed: int, today: dt.date, hostile: bool = False):
        self.rng = random.Random(seed)
        self.today = today
        self.hostile = hostile
        self.next_number = self.FIRST_NUMBER
        self.next_visit_id = 131650
        self.next_location_id = self.FIRST_LOCATION_ID
        self.locations: dict[int, Location] = {}
        self._uses: dict[int, int] = {}
        self._made = 0

    def make(self, completed: bool = False) -> WorkOrder:
        """Return a new order (completed ones have every visit done and no Next Visit)."""
        rng = self.rng
        digits = self.next_number
        self.next_number += rng.randint(1, 7)
        work_id = digits if rng.random() < 0.5 else digits + self.ID_OFFSET
        location = self._location()
        customer = location.customer
        category = "Meter Calibration" if rng.random() < 0.6 else rng.choice(list(CATEGORIES))
        status = "Work Created" if rng.random() < 0.4 else rng.choice(list(STATUS_KINDS))
        planned = rng.choice([1, 1, 1, 2, 3])
        done = planned if completed else rng.randint(0, planned - 1)
        created_at = dt.datetime.combine(
            self.today - dt.timedelta(days=rng.randint(3, 120)),
            dt.time(rng.randint(0, 23), rng.randint(0, 59)),
        )
        has_visit = not completed and rng.random() < 0.85
        next_visit = self.today + dt.timedelta(days=rng.randint(1, 150)) if has_visit else None
        visit_id = None
        due = None
        if has_visit:
            visit_id = self.next_visit_id
            self.next_visit_id += rng.randint(1, 9)
            # Mostly due after the visit; sometimes overdue (the capture's orange "Due:").
            shift = rng.randint(7, 30) if rng.random() < 0.85 else -rng.randint(1, 60)
            due = next_visit + dt.timedelta(days=shift)
        roll = rng.random()
        if roll < 0.1:
            contact_name, phone = rng.choice(CONTACT_TEXTS), None
        else:
            contact_name = f"{rng.choice(CONTACT_FIRST)} {rng.choice(CONTACT_LAST)}"
            phone = f"813-555-{rng.randint(0, 9999):04d}" if rng.random() < 0.3 else None
        order = WorkOrder(
            number=f"W-{digits}",
            work_id=work_id,
            status=status,
            category=category,
            reason=rng.choice(REASONS),
            project=rng.choice(PROJECTS) if rng.random() < 0.6 else None,
            customer=customer.name,
            customer_id=customer.customer_id,
            store_number=location.store_number,
            location_id=location.location_id,
            brand=customer.brand,
            street=location.street,
            intersection=location.intersection,
            city=location.city,
            state=location.state,
            zip=location.zip,
            county=location.county,
            contact_name=contact_name,
            contact_phone=phone,
            billing_company=customer.billing_company,
            account_code=customer.account_code,
            terms=rng.choice(TERMS),
            items=self._items(),
            visits_done=done,
            visits_planned=planned,
            next_visit_date=next_visit,
            time_window=rng.choice(TIME_WINDOWS) if has_visit else None,
            due_date=due,
            visit_id=visit_id,
            instructions_raw=self._instructions(),
            created_by=rng.choice(CREATORS),
            created_at=created_at,
            completed_on=self.today - dt.timedelta(days=rng.randint(1, 60)) if completed else None,
            department=rng.choice(DEPARTMENTS),
            po_number=f"C{rng.randint(10000, 99999):09d}" if rng.random() < 0.15 else None,
        )
        # Drawn whatever the switch, so that hostile=True changes only the hostile orders.
        hostile_roll = rng.random()
        if self.hostile and (self._made == 0 or hostile_roll < HOSTILE_SHARE):
            self._make_hostile(order)
        self._made += 1
        return order

    def new_visit_id(self) -> int:
        """Return a fresh visit id (for a reschedule of an order that had no Next Visit)."""
        visit_id = self.next_visit_id
        self.next_visit_id += 1
        return visit_id

    def _location(self) -> Location:
        """Return the location of a new order: an existing one with room about half the time,
        else a new one (new locations get the next id, a few ids apart)."""
        rng = self.rng
        open_ids = [lid for lid, n in self._uses.items() if n < self.MAX_ORDERS_PER_LOCATION]
        if open_ids and rng.random() < 0.5:
            lid = rng.choice(open_ids)
        else:
            lid = self.next_location_id
            self.next_location_id += rng.randint(1, 40)
            customer = CUSTOMERS[0] if rng.random() < 0.4 else rng.choice(CUSTOMERS)
            city, state, zip_prefix, county = rng.choice(PLACES)
            zip_code = f"{zip_prefix}{rng.randint(0, 99):02d}"
            if rng.random() < 0.3:
                zip_code += f"-{rng.randint(0, 9999):04d}"
            self.locations[lid] = Location(
                location_id=lid,
                customer=customer,
                store_number=f"#{rng.randint(*customer.store_digits)}",
                street=f"{rng.randint(1, 19999)} {rng.choice(STREET_NAMES)}",
                intersection=rng.choice(INTERSECTIONS) if rng.random() < 0.6 else None,
                city=city,
                state=state,
                zip=zip_code,
                county=county,
            )
            self._uses[lid] = 0
        self._uses[lid] += 1
        return self.locations[lid]

    def _items(self) -> list[Item]:
        """Return 1-3 item lines, grouped by their group name in the order the site shows them."""
        rng = self.rng
        picks = rng.sample(ITEMS, rng.randint(1, 3))
        group_order = ["Combo", "Meter Calibration", "Parts"]
        picks.sort(key=lambda item: group_order.index(item[0]))
        return [Item(group, rng.randint(1, 12), name, code) for group, name, code in picks]

    def _instructions(self) -> str | None:
        """Return the instructions as stored: None, blank, long, one line, or several lines."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            return None
        if roll < 0.17:
            return "  \n "  # blank: a scraper must report None
        if roll < 0.5:
            return rng.choice(LONG_INSTRUCTIONS)
        lines = rng.sample(INSTRUCTION_LINES, rng.randint(1, 3))
        text = "\n".join(lines)
        # Some sites' editors leave padding and trailing newlines: the scraper trims them.
        return text + "\n" if rng.random() < 0.3 else text

    def _make_hostile(self, order: WorkOrder) -> None:
        """Put hostile text in every free-text field of an order (each field a different value,
        rotating with the order, so that every value lands in every field over a few orders).

        The structural fields a row's layout depends on (number, ids, state, ZIP, store number,
        dates, quantities, item codes, time window) stay as they are: those are how a row is
        read, not text it displays. The order gets a location of its own, so the hostile
        address stays on hostile orders.
        """
        values = HOSTILE_VALUES
        start = self._made

        def hostile(k: int, base: str = "") -> str:
            value = values[(start + k) % len(values)]
            return f"{base} {value}" if base else value

        lid = self.next_location_id
        self.next_location_id += 1
        self.locations[lid] = dataclasses.replace(self.locations[order.location_id], location_id=lid)
        self._uses[lid] = self.MAX_ORDERS_PER_LOCATION  # nobody else moves in
        order.location_id = lid
        order.status = hostile(0)
        order.category = hostile(1)
        order.reason = hostile(2, "AccuMeasure")
        order.project = hostile(3)
        order.customer = hostile(4, "Acme")
        order.brand = hostile(5)
        order.street = hostile(6, "12")
        order.intersection = hostile(7)
        order.city = hostile(8)
        order.county = hostile(9, "County")
        order.contact_name = hostile(10)
        order.contact_phone = None
        order.billing_company = hostile(11)
        order.department = hostile(12)
        order.account_code = hostile(13)
        order.terms = hostile(14)
        order.created_by = hostile(15)
        order.po_number = hostile(16)
        order.items = [Item(hostile(17 + 2 * i), item.quantity, hostile(18 + 2 * i), item.code)
                       for i, item in enumerate(order.items)]
        order.instructions_raw = f"Line one {hostile(30)}\n{hostile(31)}\n{LONG_VALUE}"


def generate_orders(count: int, seed: int, today: dt.date,
                    hostile: bool = False) -> tuple[list[WorkOrder], OrderFactory]:
    """Given a count and a seed, return (orders, factory): `count` active orders plus
    count // 10 completed ones, interleaved by number, and the factory for later additions.
    With hostile, some orders carry hostile text (see OrderFactory._make_hostile)."""
    factory = OrderFactory(seed, today, hostile=hostile)
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
