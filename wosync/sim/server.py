"""`SimulatedWorkFossa`: the simulated site's public face (start/stop, faults, data changes,
expected scraper output). The HTTP side lives in `wosync.sim.handler`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer

from wosync.sim.data import EXPECTED_KEYS, Item, WorkOrder, generate_orders, parse_date
from wosync.sim.sessions import SessionStore

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
        input[name=limit]); the sort ks-select stays.
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
    "account_code", "terms",
}


class SimulatedWorkFossa:
    """A WorkFossa look-alike on 127.0.0.1 for the scraper's tests, benchmarks and `wosync demo`.

    Given a count and a seed, serve `count` active work orders (plus count // 10 completed
    ones, listed only under the "all" filter), the same ones for the same seed.
    """

    def __init__(self, count: int = 250, seed: int = 1, username: str = DEFAULT_USERNAME,
                 password=DEFAULT_PASSWORD, port: int = 0):
        self.username = username
        # Accept a wosync.secret.Secret too; keep only what the login check needs.
        self._password = password.reveal() if hasattr(password, "reveal") else str(password)
        self.port = port
        self.faults = Faults()
        self.login_count = 0
        self.list_requests = 0
        self.sessions = SessionStore()
        self.lock = threading.RLock()
        self._orders, self._factory = generate_orders(count, seed, SIM_TODAY)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> "SimulatedWorkFossa":
        """Bind 127.0.0.1 (port 0 = any free port), serve in a daemon thread; return self."""
        from wosync.sim.handler import make_handler

        server = ThreadingHTTPServer(("127.0.0.1", self.port), make_handler(self))
        server.daemon_threads = True
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
        """Return counters for the control endpoint: logins, list requests, active matches."""
        return {
            "login_count": self.login_count,
            "list_requests": self.list_requests,
            "matches": len(self.listed_orders(include_completed=False)),
        }

    def set_faults(self, **values) -> None:
        """Set Faults fields by name (ValueError naming the unknown ones)."""
        known = {f.name for f in dataclasses.fields(Faults)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown fault(s) {sorted(unknown)}; known: {sorted(known)}")
        for name, value in values.items():
            setattr(self.faults, name, value)


__all__ = ["SimulatedWorkFossa", "Faults", "EXPECTED_KEYS", "SIM_TODAY"]
