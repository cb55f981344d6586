"""`SimulatedWorkFossa`: the simulated site's public face (start/stop, version switches, faults,
data changes, expected scraper output). The HTTP side lives in `wosync.sim.handler`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer

from wosync.sim.assets import SiteAssets
from wosync.sim.data import EXPECTED_KEYS, Item, Location, WorkOrder, generate_orders, parse_date
from wosync.sim.equipment import EquipmentStore
from wosync.sim.next_release import MARKUPS
from wosync.sim.render import PAGE_SIZE_OPTION_MODES, PAGERS
from wosync.sim.sessions import COOKIE_NAME, SessionStore
from wosync.sim.traffic import Traffic


class SiteServer(ThreadingHTTPServer):
    """The simulated site's HTTP server: a browser that leaves while an answer is on its way
    (it closed as a scrape ended, its favicon still loading) is no error of the site, and
    prints no traceback; any other error in a request still does."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


# The simulated site's "today": fixed, so that the same seed always gives the same data.
SIM_TODAY = dt.date(2026, 4, 10)
DEFAULT_USERNAME = "tech@example.com"
DEFAULT_PASSWORD = "correct-horse-42"


@dataclass
class Faults:
    """Failures the site can show; change the attributes while it runs.

    slow_ms: delay every list page and rows response by this many milliseconds.
    http_500_on_page: list page k (1-based, any page size) answers HTTP 500.
    expire_session_after: a session is invalidated once it has made k list requests
        (the list page and each in-page rows fetch count); a new login starts a new count.
    expire_once: with expire_session_after, only the FIRST session to reach k list requests
        is invalidated; later sessions last (a session that expires once, then a re-login
        that holds). Setting either of the two switches arms the one expiry again.
    reject_password: every login fails as if the password were wrong.
    layout_change: rows carry other class names (no div.work-list-item).
    empty_glitch: the list shows no rows and "0 matches".
    drop_rows: the last N rows of the list are never shown while "N matches" still counts
        them (as when orders move between pages during a scrape): a scrape comes out short.
    no_match_count: the list page has no "N matches" element and the rows JSON no "matches".
    no_page_size_menu: the list page has no page-size ks-select (the one holding
        input[name=limit]); the other ks-select menus (export_template_id,
        service_reason_id) stay.
    rename_block: a class name (or comma-separated names), e.g. "address-info", renamed in
        every row ("address-info-v2"): the rows still parse, but the fields of that block
        come back empty (what a silent layout drift does; for the layout-drift guard).
    equipment_slow_ms: delay every Equipment tab response by this many milliseconds.
    completed_list_fails: the list under the "all" filter (completed work too) answers HTTP
        500, page and rows alike; the default list still works.
    drop_items: the rows are written without their item groups (a layout where the items
        moved out of the row: every row reads no items; expected_orders() still has them).
    Every fault works with both pager versions.
    """

    slow_ms: int = 0
    http_500_on_page: int | None = None
    expire_session_after: int | None = None
    reject_password: bool = False
    layout_change: bool = False
    empty_glitch: bool = False
    drop_rows: int = 0
    no_match_count: bool = False
    no_page_size_menu: bool = False
    expire_once: bool = False
    rename_block: str | None = None
    equipment_slow_ms: int = 0
    completed_list_fails: bool = False
    drop_items: bool = False

    def __setattr__(self, name, value):
        # Re-arm the one-shot expiry whenever the expiry switches change (tests set them
        # as attributes, and reset them the same way between tests).
        if name in ("expire_session_after", "expire_once"):
            object.__setattr__(self, "_expiry_spent", False)
        object.__setattr__(self, name, value)

    def session_expires(self, list_requests: int) -> bool:
        """Given a session's list request count, return True when the expiry fault ends that
        session now; with expire_once, True the first time only. Call under the site's lock."""
        limit = self.expire_session_after
        if limit is None or list_requests < limit:
            return False
        if self.expire_once:
            if self._expiry_spent:
                return False
            object.__setattr__(self, "_expiry_spent", True)
        return True


# Fields that edit() sets as they are; the others need converting (see edit()).
_PLAIN_FIELDS = {
    "status", "category", "reason", "project", "customer", "store_number", "brand", "street",
    "intersection", "city", "state", "zip", "county", "visits_done", "visits_planned",
    "time_window", "created_by", "contact_name", "contact_phone", "billing_company",
    "account_code", "terms", "department", "po_number", "location_id",
}


# The site-version switches: each a version the captures show or the contract leaves open.
SWITCHES = {
    "pager": PAGERS,  # "length-aware" (seen, with "N matches") or "simple" (no count at all)
    "page_size_options": PAGE_SIZE_OPTION_MODES,  # li items in the DOM at rest (seen) or only while open
    "tooltip_class": None,  # the instructions' hidden tooltip class: "ks-tooltip" (seen) or another
    # The Dispenser group starts collapsed ("Show equipment"), as it usually does on the real
    # site (docs/workfossa-site.md): the default; False draws it expanded.
    "equipment_collapsed": (False, True),
    # The contract leaves open whether the site remembers the page size chosen: with this,
    # each user's list opens at the size last chosen (selection "Show 100", 100 rows).
    "page_size_remembered": (False, True),
    # The markup of rows and dispensers: "classic" (the captures') or "next-release" (the same
    # content re-wrapped, scoped data-v-* attributes, tw- utilities: wosync/sim/next_release.py).
    "markup": MARKUPS,
}


def check_switch(name: str, value):
    """Given a switch name and a value, return the value when the switch takes it (ValueError
    naming the switch and its choices otherwise)."""
    if name not in SWITCHES:
        raise ValueError(f"unknown switch {name!r}; known: {sorted(SWITCHES)}")
    choices = SWITCHES[name]
    if name == "tooltip_class":
        if not isinstance(value, str) or not value or not value.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"tooltip_class must be a CSS class name, not {value!r}")
        return value
    if name in ("equipment_collapsed", "page_size_remembered"):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, not {value!r}")
        return value
    if value not in choices:
        raise ValueError(f"{name} takes {' or '.join(map(repr, choices))}, not {value!r}")
    return value


class SimulatedWorkFossa:
    """A WorkFossa look-alike on 127.0.0.1 for the scraper's tests, benchmarks and `wosync demo`.

    Given a count and a seed, serve `count` active work orders (plus count // 10 completed
    ones, listed only under the "all" filter), the same ones for the same seed, and each
    location's equipment. The version switches (constructor arguments, attributes, or
    set_switches) choose between versions of the real site's pages:

    pager: "length-aware" (default; numbered pages and "N matches") or "simple" (prev/next
        only, no match count anywhere).
    page_size_options: "at-rest" (default; the page-size li items are in the DOM while the
        menu is closed) or "open-only" (created on opening, removed on closing).
    tooltip_class: the class of the instructions' hidden full-text tooltip ("ks-tooltip").
    equipment_collapsed: the Equipment tab's groups start collapsed ("Show equipment"; the
        default, as on the real site); False: expanded.
    page_size_remembered: the list opens at the page size the user last chose (default: at
        "Show 25" every time).
    markup: "classic" (default; the captures' markup) or "next-release" (rows and dispensers
        re-wrapped and re-classed, semantic classes and labels kept).
    hostile: (data, constructor only) some orders carry hostile text in every text field.
    Locations: delete_location(id) makes a location's page say it may have been deleted.
    """

    def __init__(self, count: int = 250, seed: int = 1, username: str = DEFAULT_USERNAME,
                 password=DEFAULT_PASSWORD, port: int = 0, *, pager: str = "length-aware",
                 page_size_options: str = "at-rest", tooltip_class: str = "ks-tooltip",
                 equipment_collapsed: bool = True, page_size_remembered: bool = False,
                 markup: str = "classic", hostile: bool = False):
        self.username = username
        # Accept a wosync.secret.Secret too; keep only what the login check needs.
        self._password = password.reveal() if hasattr(password, "reveal") else str(password)
        self.port = port
        self.faults = Faults()
        self.pager = pager
        self.page_size_options = page_size_options
        self.tooltip_class = tooltip_class
        self.equipment_collapsed = equipment_collapsed
        self.page_size_remembered = page_size_remembered
        self.markup = markup
        self.deleted_locations: set[int] = set()
        self.gone: dict[str, str] = {}  # orders off this technician's lists: number -> why
        self.chosen_page_size: dict[str, int] = {}  # by user, with page_size_remembered
        self.hostile = bool(hostile)
        self.login_count = 0
        self.list_requests = 0
        self.location_page_loads: dict[int, int] = {}
        self.equipment_loads: dict[int, int] = {}
        self.sessions = SessionStore()
        self.assets = SiteAssets()  # the /build/ files every page loads (assets.py)
        self.traffic = Traffic(COOKIE_NAME)  # bytes sent, per client session (traffic.py)
        self.lock = threading.RLock()
        self.seed = seed
        self._orders, self._factory = generate_orders(count, seed, SIM_TODAY, hostile=self.hostile)
        self.equipment = EquipmentStore(seed)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __setattr__(self, name, value):
        # The switches are plain attributes, checked whenever they are set.
        if name in SWITCHES:
            value = check_switch(name, value)
        object.__setattr__(self, name, value)

    def switches(self) -> dict:
        """Return the version switches as they stand."""
        return {name: getattr(self, name) for name in SWITCHES}

    def set_switches(self, **values) -> dict:
        """Set version switches by name (ValueError naming an unknown one or a wrong value,
        nothing changed then); return them all."""
        checked = {name: check_switch(name, value) for name, value in values.items()}
        for name, value in checked.items():
            setattr(self, name, value)
        return self.switches()

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> "SimulatedWorkFossa":
        """Bind 127.0.0.1 (port 0 = any free port), serve in a daemon thread; return self."""
        from wosync.sim.handler import make_handler

        server = SiteServer(("127.0.0.1", self.port), make_handler(self))
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="wosync-sim",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    @property
    def base_url(self) -> str:
        """Return "http://127.0.0.1:PORT" (no trailing slash); only once started."""
        if self._server is None:
            raise RuntimeError("the simulated site is not started: call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "SimulatedWorkFossa":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- login -----------------------------------------------------------------------------

    def credentials_match(self, email: str, password: str) -> bool:
        """Given a submitted email and password, return True when they open the account."""
        import hmac

        if self.faults.reject_password:
            return False
        same_user = hmac.compare_digest(email.strip().lower().encode(), self.username.lower().encode())
        same_password = hmac.compare_digest(password.encode(), self._password.encode())
        return same_user and same_password

    # --- the list --------------------------------------------------------------------------

    def listed_orders(self, include_completed: bool, descending: bool = False) -> list[WorkOrder]:
        """Return the orders the list shows for a filter, in list order (by number)."""
        with self.lock:
            orders = [o for o in self._orders if include_completed or not o.is_completed]
        orders.sort(key=lambda o: int(o.number[2:]), reverse=descending)
        return orders

    def expected_orders(self, include_completed: bool = False) -> list[dict]:
        """Return what a correct scraper produces for each listed row, in list order
        (the `orders --json` keys without first_seen_at/last_seen_at/completed_at)."""
        base = self.base_url
        return [o.expected(base) for o in self.listed_orders(include_completed)]

    # --- data changes ----------------------------------------------------------------------

    def _find(self, number: str) -> WorkOrder:
        """Given a work order number, return the order (KeyError naming it when unknown)."""
        for order in self._orders:
            if order.number == number:
                return order
        raise KeyError(f"no work order {number!r} on the simulated site")

    def add_orders(self, n: int) -> list[str]:
        """Add n new active orders (numbers above every existing one); return their numbers."""
        with self.lock:
            new = [self._factory.make() for _ in range(int(n))]
            self._orders.extend(new)
        return [o.number for o in new]

    def reschedule(self, number: str, next_visit_date: str) -> None:
        """Move an active order's next visit to "YYYY-MM-DD"; the due date moves with it."""
        new_date = parse_date(next_visit_date)
        with self.lock:
            order = self._find(number)
            if order.is_completed:
                raise ValueError(f"work order {number} is completed: it has no next visit")
            if order.next_visit_date and order.due_date:
                order.due_date = new_date + (order.due_date - order.next_visit_date)
            else:
                order.due_date = new_date + dt.timedelta(days=14)
            if order.visit_id is None:
                order.visit_id = self._factory.new_visit_id()
                order.time_window = order.time_window or "anytime"
            order.next_visit_date = new_date

    def complete(self, number: str) -> None:
        """Mark every visit of an order done: it leaves the default list, stays in "all"."""
        with self.lock:
            order = self._find(number)
            order.visits_done = order.visits_planned
            order.completed_on = SIM_TODAY

    def reassign(self, number: str) -> None:
        """Give an order to another technician: it leaves both lists (active and "all") of
        this account, as on the real site, without being completed."""
        self._take_away(number, "reassigned")

    def cancel(self, number: str) -> None:
        """Cancel an order: it leaves both lists of this account without being completed."""
        self._take_away(number, "cancelled")

    def _take_away(self, number: str, why: str) -> None:
        with self.lock:
            order = self._find(number)
            self._orders.remove(order)
            self.gone[number] = why

    def edit(self, number: str, **fields) -> None:
        """Change fields of an order, named as in expected_orders() (or contact_phone,
        billing_company, account_code, terms). contact= sets the whole first line."""
        with self.lock:
            order = self._find(number)
            for name, value in fields.items():
                if name in _PLAIN_FIELDS:
                    setattr(order, name, value)
                elif name == "contact":
                    order.contact_name, order.contact_phone = value, None
                elif name == "instructions":
                    order.instructions_raw = value
                elif name == "items":
                    order.items = [Item(**dict(item)) for item in value]
                elif name in ("next_visit_date", "due_date"):
                    setattr(order, name, parse_date(value) if value else None)
                elif name == "created_at":
                    order.created_at = dt.datetime.fromisoformat(value)
                else:
                    known = sorted(_PLAIN_FIELDS | {"contact", "instructions", "items",
                                                    "next_visit_date", "due_date", "created_at"})
                    raise ValueError(f"cannot edit {name!r}; editable fields: {', '.join(known)}")

    def state(self) -> dict:
        """Return counters for tests and the control endpoint: logins, list requests, active
        matches, and the loads of each location's page and Equipment tab ({location id: n})."""
        with self.lock:
            return {
                "login_count": self.login_count,
                "list_requests": self.list_requests,
                "matches": len(self.listed_orders(include_completed=False)),
                "location_page_loads": dict(self.location_page_loads),
                "equipment_loads": dict(self.equipment_loads),
            }

    # --- locations and equipment -----------------------------------------------------------

    def location(self, location_id: int) -> Location | None:
        """Given a location id, return the location the orders name (None when none does)."""
        return self._factory.locations.get(int(location_id))

    def location_ids(self, include_completed: bool = False) -> list[int]:
        """Return the ids of the locations of the listed orders, each once, in list order."""
        seen: dict[int, None] = {}
        for order in self.listed_orders(include_completed):
            seen.setdefault(order.location_id, None)
        return list(seen)

    def expected_dispensers(self, location_id: int) -> list[dict]:
        """Given a location id, return its dispensers as a correct scraper reads them from the
        Equipment tab, in the `dispensers` shape of docs/design.md (equipment-dispensers.expected.json):
        position, grades (list), make, model (None without a Model line), serial, fields."""
        return self.equipment.expected_dispensers(int(location_id))

    def add_dispenser(self, location_id: int, **values) -> str:
        """Add a dispenser after the location's last one (values: grades, make, model, serial,
        fields override the copy of the last one); return its position ("9/10")."""
        return self.equipment.add(int(location_id), **values)

    def remove_dispenser(self, location_id: int, position: str) -> None:
        """Remove the location's dispenser at `position` ("3/4"); KeyError naming it if none."""
        self.equipment.remove(int(location_id), position)

    def edit_dispenser(self, location_id: int, position: str, **fields) -> None:
        """Change a dispenser: grades (list; the Grade field follows), make, model (None
        removes the Model line), serial, fields ({label: value}; None removes a field)."""
        self.equipment.edit(int(location_id), position, **fields)

    def delete_location(self, location_id: int) -> None:
        """Make the location's page say "Could not find this location. It may have been
        deleted." (and its Equipment tab answer 404), as the real site does for a deleted one."""
        with self.lock:
            self.deleted_locations.add(int(location_id))

    def count_location_load(self, location_id: int, equipment: bool = False) -> None:
        """Count one load of a location's page (or of its Equipment tab)."""
        with self.lock:
            counter = self.equipment_loads if equipment else self.location_page_loads
            counter[location_id] = counter.get(location_id, 0) + 1

    def set_faults(self, **values) -> None:
        """Set Faults fields by name (ValueError naming the unknown ones)."""
        known = {f.name for f in dataclasses.fields(Faults)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown fault(s) {sorted(unknown)}; known: {sorted(known)}")
        for name, value in values.items():
            setattr(self.faults, name, value)


__all__ = ["SimulatedWorkFossa", "Faults", "EXPECTED_KEYS", "SIM_TODAY", "SWITCHES"]
