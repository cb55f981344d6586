"""The typed contracts between a sync and the rest: run statuses and triggers, the records a
run, a schedule and an order are passed around as, what a scrape hands back, and what a
source of work orders must offer.

Pure types only (no store, no browser), so that every module, the scraper included, may
import it. The enums are `StrEnum`s whose values are the strings stored in the database and
printed in JSON: a member compares equal to, and is written as, its plain string.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol, TypedDict, runtime_checkable

if TYPE_CHECKING:
    from wosync.secret import Secret
    from wosync.store import Account


class RunStatus(enum.StrEnum):
    """A run's `status` column: `running` until it ends, then how it ended."""

    RUNNING = "running"
    SUCCESS = "success"
    PARTIAL = "partial"  # saved, but not every order was known read (nothing marked completed)
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # stopped by Ctrl-C, SIGTERM or the daemon's stop


# The statuses of a run that has ended, in the order reports list them.
FINISHED_STATUSES: tuple[RunStatus, ...] = (
    RunStatus.SUCCESS, RunStatus.PARTIAL, RunStatus.FAILED, RunStatus.INTERRUPTED,
)


class Trigger(enum.StrEnum):
    """A run's `trigger_type` column: who asked for it."""

    SCHEDULED = "scheduled"
    MANUAL = "manual"
    RETRY = "retry"  # a schedule's run after a failed one (the retry back-off decided when)


class RunRecord(TypedDict):
    """One row of the `runs` table, as Store.get_run returns it (times as ISO text)."""

    id: int
    schedule_id: int | None
    account: str
    trigger_type: str  # a Trigger value
    started_at: str
    completed_at: str | None
    status: str  # a RunStatus value
    items_processed: int
    added: int
    updated: int
    removed: int
    error_kind: str | None
    error_message: str | None
    duration_seconds: float | None
    pid: int | None
    matches: int | None
    notification_error: str | None
    completeness: str | None  # "count", "pager" or None when the read was not known complete
    equipment_error: str | None
    # {field: rows} of the fields read by their text fallback on most rows (wosync.fallbacks).
    fallback_fields: dict[str, int]


class ScheduleRecord(TypedDict):
    """One row of the `schedules` table, as Store.get_schedule returns it."""

    id: int
    account: str | None  # None: every account
    schedule_type: str
    interval_hours: float
    active_start_hour: int | None
    active_end_hour: int | None
    timezone: str
    enabled: bool
    next_run: str | None
    last_run: str | None
    last_success: str | None
    consecutive_failures: int
    created_at: str
    updated_at: str


class OrderRecord(TypedDict, total=False):
    """One work order as read from the site (wosync.fields.SCRAPED_FIELDS); a stored one also
    has the tracking fields first_seen_at, last_seen_at and completed_at."""

    number: str
    work_id: int | None
    status: str | None
    category: str | None
    reason: str | None
    project: str | None
    customer: str | None
    store_number: str | None
    brand: str | None
    street: str | None
    intersection: str | None
    city: str | None
    state: str | None
    zip: str | None
    county: str | None
    contact: str | None
    items: list[str] | None
    visits_done: int | None
    visits_planned: int | None
    next_visit_date: str | None
    time_window: str | None
    due_date: str | None
    instructions: str | None
    created_by: str | None
    created_at: str | None
    url: str | None
    visit_url: str | None
    location_id: int | None
    first_seen_at: str
    last_seen_at: str
    completed_at: str | None


@dataclass(frozen=True)
class ScrapeProgress:
    """One progress report: the phase ("logging_in" | "scraping"), the page just read (0 before
    the first), the number of pages when known, distinct rows read so far and the site's
    match count when known."""

    phase: str
    page: int = 0
    pages: int | None = None
    rows_read: int = 0
    matches: int | None = None


@dataclass
class ScrapeResult:
    """What one read of the work list gave.

    orders: distinct by number, in list order; matches: the site's "N matches" figure (None
    when the page shows none, as with the simple pager); rows_read: distinct orders read;
    pages: pages read; logins: logins this scrape's object made; stop_reason: why the
    reading stopped (paging.py); empty_pages: pages that came back without rows;
    completeness: "count", "pager" or None when the read is not known complete (docs/design.md
    "One sync", step 5); artefacts: the screenshot and HTML saved when it is not; last_rows_html;
    fallback_fields.
    """

    orders: list[OrderRecord] = field(default_factory=list)
    matches: int | None = None
    rows_read: int = 0
    pages: int = 0
    logins: int = 0
    stop_reason: str | None = None
    empty_pages: int = 0
    completeness: str | None = None
    artefacts: list = field(default_factory=list)
    # The HTML of the last page's rows: evidence for the layout-drift guard, which runs after
    # the browser has closed (keeping it costs nothing: the page was read as this HTML).
    last_rows_html: str | None = None
    # {field: rows that needed the parser's text fallback} (workfossa/strategies.py); {} when
    # every field was found by its selector.
    fallback_fields: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Return True when the read is known complete (by the count or by the pager)."""
        return self.completeness is not None


@runtime_checkable
class ScrapeOutcome(Protocol):
    """The least a source's read may return: the rows read and the site's own count of them
    (None when the site shows none). Anything that is not a ScrapeResult is judged complete
    by the count alone (see as_result)."""

    orders: list[OrderRecord]
    matches: int | None
    rows_read: int


def as_result(outcome: ScrapeOutcome) -> ScrapeResult:
    """Given what a source's read returned, return it as a ScrapeResult: itself when it is one,
    else its orders and match count, known complete when the distinct orders equal the count."""
    if isinstance(outcome, ScrapeResult):
        return outcome
    distinct = len({o["number"] for o in outcome.orders})
    counted = outcome.matches is not None and distinct == outcome.matches
    return ScrapeResult(orders=outcome.orders, matches=outcome.matches, rows_read=outcome.rows_read,
                        completeness="count" if counted else None)


PasswordSource = Callable[[], "Secret"]
PageCallback = Callable[[ScrapeProgress], None]


@runtime_checkable
class Source(Protocol):
    """Where a sync reads work orders from (the Playwright scraper, a simulation, a test's fake).

    read_orders is given the account, a password source (called only if a login is needed), a
    page-progress callback and an optional cancel event; it returns the read (a ScrapeResult)
    and raises WosyncError subclasses on failure.
    """

    def read_orders(self, account: Account, password: PasswordSource, on_page: PageCallback,
                    cancel: threading.Event | None) -> ScrapeResult | ScrapeOutcome:
        ...


@runtime_checkable
class EquipmentSource(Source, Protocol):
    """A source that can also read a location's Equipment tab after its orders were read (in
    the same session). A sync reads equipment only through a source that is one of these."""

    def read_equipment(self, location_id: int) -> list[dict[str, Any]]:
        """Given a location id, return its dispensers as read from the site."""
        ...


@runtime_checkable
class Closeable(Protocol):
    """A source holding something open (a browser) that the sync closes when it ends."""

    def close(self) -> None:
        ...


# A source written as a plain function: given (account, password source, page callback,
# cancel event), return the read.
SourceFunction = Callable[[Any, PasswordSource, PageCallback, "threading.Event | None"], ScrapeOutcome]


class FunctionSource:
    """A Source made of a plain function (the shape sources had before the protocol)."""

    def __init__(self, read: SourceFunction) -> None:
        self._read = read

    def read_orders(self, account: Account, password: PasswordSource, on_page: PageCallback,
                    cancel: threading.Event | None) -> ScrapeOutcome:
        """Call the function with the same arguments; return what it returns."""
        return self._read(account, password, on_page, cancel)


def as_source(source: Source | SourceFunction) -> Source:
    """Given a Source or a plain function, return a Source."""
    return source if isinstance(source, Source) else FunctionSource(source)
