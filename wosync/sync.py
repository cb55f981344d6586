"""One sync run (docs/design.md "One sync"): lock, phases, progress, source -> diff -> store, guard, history, notify.

`run_sync` is what `wosync sync-now`, the daemon and the demo call. Given the store, an account
and how the run was triggered, it takes the account's lock, records a `runs` row, reads every
work order through a source (wosync.model.Source; the Playwright scraper by default), stores
the result in one transaction, reads the Equipment tab of due locations when the source is an
EquipmentSource, and returns the finished run record. It never leaves a run `running` or the
browser open, whatever happens.
"""

from __future__ import annotations

import os
import threading
from dataclasses import InitVar, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from wosync import busy, config, fallbacks, progress, vanished
from wosync.clock import Clock, from_iso, to_iso
from wosync.diff import compare, lost_fields
from wosync.errors import DiskFull, ExitCode, Interrupted, WosyncError, is_disk_full
from wosync.locks import FileLock, account_lock_path
from wosync.model import (
    Closeable, EquipmentSource, PageCallback, PasswordSource, RunRecord, RunStatus, ScrapeProgress,
    ScrapeResult, Source, SourceFunction, Trigger, as_result, as_source,
)
from wosync.run_bytes import record_bytes_received
from wosync.secret import Secret
from wosync.store import Account, Store
from wosync.sync_guards import field_loss_message, mass_removal_reason, rejected_password_message, verdict

__all__ = [
    "RunContext", "SyncOptions", "WorkFossaSource", "default_password_source", "exit_code_for",
    "mass_removal_reason", "run_sync", "started_at_of", "summary_line",
]

ProgressCallback = Callable[[dict[str, Any]], None]
# A progress record is skipped rather than waited for longer than this (the database is busy).
PROGRESS_WAIT = 0.2


@dataclass
class SyncOptions:
    """How a run was asked for."""

    trigger: Trigger = Trigger.MANUAL
    schedule_id: int | None = None
    allow_mass_removal: bool = False
    # Store a scrape even when fields filled on most stored orders came back empty on every row.
    allow_field_loss: bool = False
    notify: bool = True
    # Read the Equipment tab of every due location now (sync-now --equipment), not only the
    # per-run allowance.
    equipment_all_due: bool = False
    # Delete orders completed more than this many days ago after a successful run (None: keep all).
    purge_completed_after_days: float | None = None

    def __post_init__(self) -> None:
        self.trigger = Trigger(self.trigger)  # a plain "manual" is taken; a misspelt one refused


class WorkFossaSource:
    """The real source: drive WorkFossa with Playwright and read every work order.

    An EquipmentSource: the browser read_orders opens stays open after the call, so that the
    run's follow-up reads (read_equipment, the Equipment tabs of due locations, after the
    orders are saved) use the same logged-in session. `close()` closes it; run_sync always
    calls it.
    """

    def __init__(self) -> None:
        self.site = None
        self._bytes_received: int | None = None  # the closed browser's count
        # A first sync (nothing stored to compare with) sets this: a field every row carries
        # that comes back empty on every row is then a layout error, not a success.
        self.require_fields = False

    def read_orders(self, account: Account, password: PasswordSource, on_page: PageCallback,
                    cancel: threading.Event | None) -> ScrapeResult:
        """Given the account, its password source, a page callback and a cancel event, log in
        (or reuse the saved session) and read every work order; return the read."""
        return self(account, password, on_page, cancel)

    def __call__(self, account: Account, password: PasswordSource, on_page: PageCallback,
                 cancel: threading.Event | None) -> ScrapeResult:
        from wosync.workfossa import WorkFossa, profile

        self.site = WorkFossa(
            account.base_url, account.username, password,
            state_path=config.session_state_path(account.username),
            artefacts_dir=config.artefacts_dir(),
            profile_dir=profile.profile_dir(account.username, account.base_url),
            browser_executable=None,
            cancel=cancel,
        ).__enter__()
        self.site.ensure_session(on_progress=on_page)
        return self.site.read_work_orders(on_progress=on_page, require_fields=self.require_fields)

    def read_equipment(self, location_id: int, strategies=None) -> list[dict[str, Any]]:
        """Given a location id (and optionally a FieldStrategies counting the dispenser fields
        read by their fallback), read its Equipment tab in the session read_orders opened;
        return its dispensers."""
        from wosync.workfossa.locations import read_location_equipment

        return read_location_equipment(self.site, location_id, strategies)

    def find_completed(self, numbers: list[str], on_page: PageCallback | None):
        """Given the numbers of orders that left the active list, look them up on the completed
        list in the session read_orders opened; return the CompletedListRead
        (wosync.vanished.CompletedListSource)."""
        from wosync.workfossa.completed_list import find_on_completed_list

        return find_on_completed_list(self.site, numbers, on_page)

    @property
    def bytes_received(self) -> int | None:
        """The bytes the browser received from the site so far (None: not counted)."""
        return self.site.bytes_received if self.site is not None else self._bytes_received

    def close(self) -> None:
        """Close the browser (safe to call twice, never raises)."""
        if self.site is not None:
            self._bytes_received = self.site.bytes_received
            self.site.close()
            self.site = None


def default_password_source(username: str) -> PasswordSource:
    """Return a callable that looks the password up only when a login is really needed."""
    def fetch() -> Secret:
        from wosync.credentials import get_password

        return get_password(username)

    return fetch


def exit_code_for(run: dict[str, Any]) -> ExitCode:
    """Given a finished run record, return the process exit code docs/design.md gives it."""
    status = run["status"]
    if status == RunStatus.SUCCESS:
        return ExitCode.OK
    if status == RunStatus.PARTIAL:
        return ExitCode.PARTIAL
    if status == RunStatus.INTERRUPTED:
        return ExitCode.INTERRUPTED
    if (run.get("error_kind") or "").startswith("credentials"):
        return ExitCode.CREDENTIALS
    return ExitCode.SYNC_FAILED


@dataclass
class RunContext:
    """What every step of one run works with: the store, the account, the clock, the options,
    the run's id and start, and its progress tracker (made from the optional listener)."""

    store: Store
    account: Account
    clock: Clock
    options: SyncOptions
    run_id: int
    started: datetime
    listener: InitVar[ProgressCallback | None] = None
    tracker: _RunProgress = field(init=False)

    def __post_init__(self, listener: ProgressCallback | None) -> None:
        self.tracker = _RunProgress(self, listener)

    @classmethod
    def begin(cls, store: Store, account: Account, clock: Clock, options: SyncOptions,
              listener: ProgressCallback | None) -> RunContext:
        """Record a `running` run row for the account now; return the run's context."""
        started = clock()
        run_id = store.start_run(account.username, options.trigger, options.schedule_id, os.getpid(), started)
        return cls(store, account, clock, options, run_id, started, listener)


class _RunProgress:
    """Writes the run's progress record to the store and to an optional local callback."""

    def __init__(self, run: RunContext, listener: ProgressCallback | None):
        self.run, self.listener = run, listener
        self.found = 0
        self.skipped = 0  # progress writes skipped because another process held the database
        self.plan = progress.ProgressPlan()  # percentages by the expected time of each phase
        self.shown = 0  # the bar never goes back when a later count moves the phases' shares

    def update(self, status: str, phase: str, percentage: int, message: str, found: int | None = None) -> None:
        if found is not None:
            self.found = found
        run = self.run
        if status == "in_progress":
            percentage = self.shown = max(percentage, self.shown)
        record = progress.record(status, phase, percentage, message, self.found, run.run_id,
                                 run.started, run.clock(), os.getpid())
        try:  # best-effort: a busy database skips this record, never the run (the rows read are kept)
            with busy.connection_waits(run.store.conn, PROGRESS_WAIT):
                run.store.set_progress(run.account.username, record)
        except Exception as exc:
            if not busy.is_busy(exc):
                raise
            self.skipped += 1
        if self.listener:
            self.listener(record)

    def on_page(self, event: ScrapeProgress) -> None:
        """Given a ScrapeProgress from the scraper, record the logging_in or scraping phase."""
        if event.phase == "logging_in":
            self.update("in_progress", "logging_in", self.plan.at("logging_in", 0.5), "Logging in to WorkFossa...")
            return
        pages = f" of {event.pages}" if event.pages else ""
        self.update(
            "in_progress", "scraping", self.plan.scraping(event.rows_read, event.matches),
            f"Scraping work orders page {event.page}{pages}...", event.rows_read,
        )


def _schedule_counters(store: Store, schedule_id: int | None, started: datetime, succeeded: bool) -> dict[str, Any]:
    """Return the schedule columns a finished run updates (schedule_rules.counters_after_run)."""
    if schedule_id is None:
        return {}
    try:
        schedule = store.get_schedule(schedule_id)
    except WosyncError:
        return {}  # deleted while the run was going: nothing to count
    from wosync.schedule_rules import counters_after_run

    return counters_after_run(schedule["consecutive_failures"], started, succeeded)


def run_sync(
    store: Store,
    account: Account,
    clock: Clock,
    options: SyncOptions | None = None,
    *,
    source: Source | SourceFunction | None = None,
    password: PasswordSource | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> RunRecord:
    """Given the store, an account and a clock, run one sync; return the finished run record.

    `source` is a Source (or a plain function of the same four arguments as its read_orders);
    the default reads WorkFossa. Raises AlreadyRunning (exit 4) when another process syncs this
    account. Every other failure is recorded on the run (status failed / partial / interrupted,
    error_kind and message) and returned; KeyboardInterrupt is recorded as interrupted and
    re-raised.
    """
    options = options or SyncOptions()
    reader = as_source(source if source is not None else WorkFossaSource())
    lock = FileLock(account_lock_path(config.locks_dir(), account.username), "a sync")
    lock.acquire(clock())
    try:
        try:
            store.ensure_sound()  # before the run row: a damaged file is refused, never written to
            ctx = RunContext.begin(store, account, clock, options, on_progress)
        except Exception as exc:  # no run exists yet: a busy database is this run's whole story
            if busy.is_busy(exc) and not isinstance(exc, busy.DatabaseBusy):
                raise busy.busy_error(store.path) from None
            raise
        return record_bytes_received(store, reader, _locked_run(ctx, reader, password, cancel))
    finally:
        if isinstance(reader, Closeable):
            reader.close()  # the browser is closed whatever happened
        lock.release()


def _locked_run(ctx: RunContext, source: Source, password: PasswordSource | None,
                cancel: threading.Event | None) -> RunRecord:
    """Given the started run, its source, the password source given (None: the default) and the
    cancel event, read, save and close the run, then notify; return the finished run."""
    tracker = ctx.tracker
    try:
        # Inside the try: once the run row exists, even a full disk here must close it.
        tracker.update("in_progress", "initializing", progress.PHASE_PERCENT["initializing"], "Starting the sync...")
        tracker.plan.locations = _expected_locations(ctx, source)
        if hasattr(source, "require_fields") and not ctx.options.allow_field_loss:
            # Nothing stored: no drift guard can compare, so the read itself must carry them.
            source.require_fields = not any(ctx.store.count_orders(ctx.account.username).values())
        tracker.update("in_progress", "logging_in", tracker.plan.at("logging_in"), "Opening WorkFossa...")
        read = source.read_orders(ctx.account, password or default_password_source(ctx.account.username),
                                  tracker.on_page, cancel)
        if cancel is not None and cancel.is_set():
            raise Interrupted("the sync was cancelled")
        run = _read_equipment(ctx, source, _save(ctx, as_result(read), source))
        if run["status"] != RunStatus.FAILED:  # a refused scrape's progress was written by _fail
            _show_finished(tracker, run)
    except KeyboardInterrupt:
        _fail(ctx, RunStatus.INTERRUPTED, "interrupted", "the sync was interrupted (Ctrl-C)")
        raise
    except Exception as exc:  # typed errors, and an unexpected bug: the run is closed either way
        run = _record_failure(ctx, exc, password is not None, cancel)
    if ctx.options.notify:
        _notify(ctx.store, run, ctx.clock, cancel)
    return ctx.store.get_run(ctx.run_id)


def _record_failure(ctx: RunContext, exc: Exception, password_given: bool,
                    cancel: threading.Event | None) -> RunRecord:
    """Given the run, the exception that ended it, whether the caller gave the password source
    and the cancel event, record the run as interrupted or failed; return it."""
    if isinstance(exc, Interrupted) or (cancel is not None and cancel.is_set()):
        # A stop request (SIGTERM, Ctrl-C) can also reach the browser driver first and
        # surface as a browser error: the run was still interrupted, not failed.
        return _fail(ctx, RunStatus.INTERRUPTED, "interrupted",
                     "the sync was cancelled (the daemon or the user stopped it)")
    if is_disk_full(exc):
        return _fail_disk_full(ctx)
    if busy.is_busy(exc):
        return _fail_busy(ctx)
    if isinstance(exc, WosyncError):
        message = exc.message
        if exc.kind == "credentials_rejected" and not password_given:
            message = rejected_password_message(ctx.account.username, exc)
        return _fail(ctx, RunStatus.FAILED, exc.kind, message)
    return _fail(ctx, RunStatus.FAILED, "unexpected", f"unexpected {type(exc).__name__}: {exc}")


def _save(ctx: RunContext, result: ScrapeResult, source: Source | None = None) -> RunRecord:
    """Compare, guard and store a read's orders in one transaction (the orders that left the
    active list looked up on the completed list first, through `source`: wosync.vanished);
    return the run record."""
    store, options, started = ctx.store, ctx.options, ctx.started
    distinct = len({o["number"] for o in result.orders})
    ctx.tracker.update("in_progress", "saving", ctx.tracker.plan.at("saving"), f"Saving {distinct} work orders...", distinct)
    stored = store.load_orders(ctx.account.username)
    lost = [] if options.allow_field_loss else lost_fields(stored, result.orders)
    if lost:
        return _fail(ctx, RunStatus.FAILED, "layout", field_loss_message(lost, result, ctx.clock()))
    diff = compare(stored, result.orders)
    active = sum(1 for o in stored.values() if not o.get("completed_at"))
    judged = verdict(result, distinct, active, len(diff.missing), options.allow_mass_removal)
    missing = diff.missing if judged.completes_missing else []  # completed or removed: wosync.vanished
    gone = vanished.resolve(source, missing, lambda event: ctx.tracker.update(
        "in_progress", "saving", ctx.tracker.plan.at("saving"), vanished.page_message(event), distinct))
    status, error_kind, error_message = gone.run_status(judged.status, judged.error_kind, judged.error_message)
    to_complete = list(gone.completed)
    now = ctx.clock()
    run_fields = {
        "status": status, "items_processed": distinct, "added": len(diff.new),
        "updated": len(diff.updated), "reopened": len(diff.reopened), "removed": len(to_complete),
        "removed_orders": len(gone.removed),
        "error_kind": error_kind, "error_message": error_message, "matches": result.matches,
        "completeness": result.completeness,
        "fallback_fields": fallbacks.encode(fallbacks.most_rows(result.fallback_fields, result.rows_read or distinct)),
    }
    run = store.apply_sync(
        ctx.run_id, ctx.account.username, result.orders, diff.new, diff.updated, diff.reopened, to_complete,
        now, run_fields, options.schedule_id,
        _schedule_counters(store, options.schedule_id, started, status == "success"),
        refreshed=diff.refreshed, to_remove=gone.removed, completed_on=gone.completed,
    )
    if status == RunStatus.SUCCESS and options.purge_completed_after_days is not None:
        store.purge_completed(ctx.account.username, now - timedelta(days=options.purge_completed_after_days))
    return run  # its final progress comes after the equipment phase (_show_finished)


def _read_equipment(ctx: RunContext, source: Source, run: RunRecord) -> RunRecord:
    """Given the run just saved and its source, read the Equipment tab of due locations when
    the run succeeded and the source can (an EquipmentSource, still logged in); return the run."""
    if run["status"] != RunStatus.SUCCESS or not isinstance(source, EquipmentSource):
        return run
    from wosync import equipment

    return equipment.after_sync(ctx.store, source, ctx.account, run, ctx.clock, ctx.tracker,
                                ctx.options.equipment_all_due)


def _expected_locations(ctx: RunContext, source: Source) -> int:
    """Return how many locations' equipment the run is expected to read (the progress plan's
    share for it): none for a source without equipment; a store that cannot say counts none."""
    if not isinstance(source, EquipmentSource):
        return 0
    from wosync import equipment

    try:
        username = ctx.account.username
        due = ctx.store.equipment_due(username, ctx.clock() - equipment.max_age())
        read_before = len(ctx.store.dispenser_counts(username))
    except Exception:  # only a guess for the bar: never a reason to fail the run
        return 0
    limit = None if ctx.options.equipment_all_due else equipment.per_run()
    return progress.expected_locations(read_before, len(due), limit)


def _show_finished(tracker: _RunProgress, run: RunRecord) -> None:
    """Record a saved run's final progress: completed (or failed, for a partial run), 100%."""
    state = "completed" if run["status"] == RunStatus.SUCCESS else "failed"
    tracker.update(state, state, 100, summary_line(run))


def _fail(ctx: RunContext, status: RunStatus, kind: str, message: str) -> RunRecord:
    """Record a failed or interrupted run, its schedule counters and its progress; return the run."""
    store, options, started = ctx.store, ctx.options, ctx.started
    now = ctx.clock()
    run = store.finish_run(ctx.run_id, now, status=status, error_kind=kind, error_message=message,
                           items_processed=ctx.tracker.found)
    counters = _schedule_counters(store, options.schedule_id, started, False)
    if counters:
        store.update_schedule(options.schedule_id, now, **counters)
    ctx.tracker.update("failed", "failed", 100, f"Failed: {message}")
    return run


def _fail_disk_full(ctx: RunContext) -> RunRecord:
    """Record a run that met a full disk as failed with "disk full"; return the run.

    Recording it is a write too: when that also meets the full disk, the WAL (which may hold
    most of the space left) is folded into the database and truncated, and it is tried once more.
    """
    error = DiskFull(ctx.store.path.parent)
    try:
        return _fail(ctx, RunStatus.FAILED, error.kind, error.message)
    except Exception as again:
        if not is_disk_full(again):
            raise
    ctx.store.release_journal_space()
    return _fail(ctx, RunStatus.FAILED, error.kind, error.message)


def _fail_busy(ctx: RunContext) -> RunRecord:
    """Record a run whose save found the database held by another process past the busy
    timeout as failed, saying so and how many work orders it had read; return the run.

    Recording it is a write too: it waits the same bound once more. When the database is still
    held then, DatabaseBusy is raised (the process cannot write anything).
    """
    error = busy.busy_error(ctx.store.path)
    message = f"{error.message}; the {ctx.tracker.found} work orders read were not saved"
    try:
        return _fail(ctx, RunStatus.FAILED, error.kind, message)
    except Exception as again:
        if not busy.is_busy(again):
            raise
    # Still held: keep the outcome beside the database; the next command that opens it
    # (wosync.recovery) records the run `failed` with this reason, never "killed".
    busy.note_outcome(ctx.store.path, ctx.run_id, to_iso(ctx.clock()), {
        "status": RunStatus.FAILED.value, "error_kind": error.kind, "error_message": message,
        "items_processed": ctx.tracker.found})
    raise busy.DatabaseBusy(ctx.store.path, error.waited, error.holders) from None


def _notify(store: Store, run: RunRecord, clock: Clock, cancel: threading.Event | None = None) -> None:
    """Send the run's digest or failure alert (abandoned when `cancel` is set); a notification
    problem never fails the sync."""
    try:
        from wosync import notify
    except ImportError:
        return
    try:
        notify.after_run(store, run, clock(), cancel=cancel)
    except Exception as exc:  # notify.after_run records its own errors; this is the last guard
        store.set_run_notification_error(run["id"], f"{type(exc).__name__}: {exc}")


def summary_line(run: dict[str, Any]) -> str:
    """Given a finished run, return "237 work orders: 3 new, 1 updated, 2 completed in 6.1 s",
    with its reopened orders and dispenser changes named when it has some ("1 updated,
    3 reopened, 0 completed, 2 dispenser changes"); for a failed or interrupted run: its status
    and error instead of the counts."""
    seconds = run.get("duration_seconds")
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    if run["status"] in (RunStatus.FAILED, RunStatus.INTERRUPTED):
        return f"{run['status']}{took}: {run.get('error_message') or 'no reason recorded'}"
    reopened = f", {run['reopened']} reopened" if run.get("reopened") else ""
    dispensers = run.get("dispensers_changed") or 0
    equipment = f", {dispensers} dispenser change{'s' if dispensers != 1 else ''}" if dispensers else ""
    gone = f", {run['removed_orders']} removed" if run.get("removed_orders") else ""  # reassigned, cancelled
    counts = f"{run['added']} new, {run['updated']} updated{reopened}, {run['removed']} completed{gone}{equipment}"
    text = f"{run['items_processed']} work orders: {counts}{took}"
    if run["status"] != RunStatus.SUCCESS and run.get("error_message"):
        text += f" ({run['status']}: {run['error_message']})"
    return text


def started_at_of(run: dict[str, Any]) -> datetime | None:
    """Return a run's start as a datetime."""
    return from_iso(run.get("started_at"))
