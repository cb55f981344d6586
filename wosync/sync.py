"""One sync run (DESIGN.md "One sync"): lock, phases, progress, source -> diff -> store, guard, history, notify.

`run_sync` is what `wosync sync-now`, the daemon and the demo call. Given the store, an account
and how the run was triggered, it takes the account's lock, records a `runs` row, reads every
work order through a source (the Playwright scraper by default), stores the result in one
transaction and returns the finished run record. It never leaves a run `running` or the browser
open, whatever happens.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Protocol

from wosync import config, progress
from wosync.clock import Clock, from_iso
from wosync.diff import compare, lost_fields
from wosync.errors import DiskFull, ExitCode, Interrupted, WosyncError, is_disk_full
from wosync.locks import FileLock, account_lock_path
from wosync.secret import Secret
from wosync.store import Account, Store

ProgressCallback = Callable[[dict[str, Any]], None]
PasswordSource = Callable[[], Secret]


class ScrapeOutcome(Protocol):
    """What a source returns: the rows read and the site's own count of them (None when the
    site shows none). A source may also say how the read is known complete (`completeness`:
    "count", "pager" or None), the artefacts it saved for a read that is not
    (`artefacts`), and the HTML of the last page's rows (`last_rows_html`); without
    `completeness` the count decides."""

    orders: list[dict[str, Any]]
    matches: int | None
    rows_read: int


# A source is given (account, password source, page-progress callback, cancel event) and
# returns a ScrapeOutcome; it raises WosyncError subclasses on failure.
Source = Callable[[Account, PasswordSource, Callable[[Any], None], threading.Event | None], ScrapeOutcome]


@dataclass
class SyncOptions:
    """How a run was asked for."""

    trigger: str = "manual"
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


class WorkFossaSource:
    """The real source: drive WorkFossa with Playwright and read every work order.

    Called like any source; the browser it opens stays open after the call, so that the
    run's follow-up reads (the Equipment tabs of due locations, after the orders are saved)
    use the same logged-in session. `close()` closes it; run_sync always calls it.
    """

    def __init__(self) -> None:
        self.site = None

    def __call__(self, account: Account, password: PasswordSource, on_page: Callable[[Any], None],
                 cancel: threading.Event | None) -> ScrapeOutcome:
        from wosync.workfossa import WorkFossa

        self.site = WorkFossa(
            account.base_url, account.username, password,
            state_path=config.session_state_path(account.username),
            artefacts_dir=config.artefacts_dir(),
            browser_executable=None,
            cancel=cancel,
        ).__enter__()
        self.site.ensure_session(on_progress=on_page)
        return self.site.read_work_orders(on_progress=on_page)

    def close(self) -> None:
        """Close the browser (safe to call twice, never raises)."""
        if self.site is not None:
            self.site.close()
            self.site = None


def default_password_source(username: str) -> PasswordSource:
    """Return a callable that looks the password up only when a login is really needed."""
    def fetch() -> Secret:
        from wosync.credentials import get_password

        return get_password(username)

    return fetch


def mass_removal_reason(active: int, completing: int, rows_read: int) -> str | None:
    """Given the active stored orders, how many a run would complete and the rows it read,
    return why the guard refuses (or None when the run may complete them).

    Refused: completing more than half of the active orders, all of them, or any at all when
    the scrape read zero rows (the site's "empty glitch").
    """
    if completing == 0:
        return None
    if rows_read == 0:
        return f"the site listed no work orders, which would complete all {completing} stored ones"
    if completing >= active:
        return f"this would complete all {active} active work orders"
    if completing * 2 > active:
        return f"this would complete {completing} of {active} active work orders (more than half)"
    return None


def exit_code_for(run: dict[str, Any]) -> ExitCode:
    """Given a finished run record, return the process exit code DESIGN.md gives it."""
    status = run["status"]
    if status == "success":
        return ExitCode.OK
    if status == "partial":
        return ExitCode.PARTIAL
    if status == "interrupted":
        return ExitCode.INTERRUPTED
    if (run.get("error_kind") or "").startswith("credentials"):
        return ExitCode.CREDENTIALS
    return ExitCode.SYNC_FAILED


class _RunProgress:
    """Writes the run's progress record to the store and to an optional local callback."""

    def __init__(self, store: Store, account: str, run_id: int, started_at: datetime, clock: Clock,
                 listener: ProgressCallback | None):
        self.store, self.account, self.run_id = store, account, run_id
        self.started_at, self.clock, self.listener = started_at, clock, listener
        self.found = 0

    def update(self, status: str, phase: str, percentage: int, message: str, found: int | None = None) -> None:
        if found is not None:
            self.found = found
        record = progress.record(status, phase, percentage, message, self.found, self.run_id,
                                 self.started_at, self.clock(), os.getpid())
        self.store.set_progress(self.account, record)
        if self.listener:
            self.listener(record)

    def on_page(self, event: Any) -> None:
        """Given a ScrapeProgress from the scraper, record the logging_in or scraping phase."""
        if event.phase == "logging_in":
            self.update("in_progress", "logging_in", progress.PHASE_PERCENT["logging_in"], "Logging in to WorkFossa...")
            return
        pages = f" of {event.pages}" if event.pages else ""
        self.update(
            "in_progress", "scraping", progress.scraping_percentage(event.rows_read, event.matches),
            f"Scraping work orders page {event.page}{pages}...", event.rows_read,
        )


def _schedule_counters(store: Store, schedule_id: int | None, started: datetime, succeeded: bool) -> dict[str, Any]:
    """Return the schedule columns a finished run updates: last_run, last_success, consecutive_failures."""
    if schedule_id is None:
        return {}
    try:
        schedule = store.get_schedule(schedule_id)
    except WosyncError:
        return {}  # deleted while the run was going: nothing to count
    if succeeded:
        return {"last_run": started, "last_success": started, "consecutive_failures": 0}
    return {"last_run": started, "consecutive_failures": schedule["consecutive_failures"] + 1}


def run_sync(
    store: Store,
    account: Account,
    clock: Clock,
    options: SyncOptions | None = None,
    *,
    source: Source | None = None,
    password: PasswordSource | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> dict[str, Any]:
    """Given the store, an account and a clock, run one sync; return the finished run record.

    Raises AlreadyRunning (exit 4) when another process syncs this account. Every other
    failure is recorded on the run (status failed / partial / interrupted, error_kind and
    message) and returned; KeyboardInterrupt is recorded as interrupted and re-raised.
    """
    options = options or SyncOptions()
    source = source if source is not None else WorkFossaSource()
    lock = FileLock(account_lock_path(config.locks_dir(), account.username), "a sync")
    lock.acquire(clock())
    try:
        store.ensure_sound()  # before the run row: a damaged file is refused, never written to
        return _locked_run(store, account, clock, options, source, password, on_progress, cancel)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()  # the browser is closed whatever happened
        lock.release()


def _locked_run(store, account, clock, options, source, password, on_progress, cancel) -> dict[str, Any]:
    started = clock()
    run_id = store.start_run(account.username, options.trigger, options.schedule_id, os.getpid(), started)
    tracker = _RunProgress(store, account.username, run_id, started, clock, on_progress)
    try:
        # Inside the try: once the run row exists, even a full disk here must close it.
        tracker.update("in_progress", "initializing", progress.PHASE_PERCENT["initializing"], "Starting the sync...")
        tracker.update("in_progress", "logging_in", progress.PHASE_PERCENT["logging_in"], "Opening WorkFossa...")
        outcome = source(account, password or default_password_source(account.username), tracker.on_page, cancel)
        if cancel is not None and cancel.is_set():
            raise Interrupted("the sync was cancelled")
        run = _save(store, account, clock, options, outcome, run_id, started, tracker)
        site = getattr(source, "site", None)  # the real source's browser, still logged in
        if run["status"] == "success" and site is not None:
            from wosync import equipment

            run = equipment.after_sync(store, site, account, run, clock, tracker, options.equipment_all_due)
        if run["status"] != "failed":  # a refused scrape's progress was written by _fail
            _show_finished(tracker, run)
    except KeyboardInterrupt:
        _fail(store, run_id, clock, options, started, tracker, "interrupted", "interrupted", "the sync was interrupted (Ctrl-C)")
        raise
    except Exception as exc:  # typed errors, and an unexpected bug: the run is closed either way
        if isinstance(exc, Interrupted) or (cancel is not None and cancel.is_set()):
            # A stop request (SIGTERM, Ctrl-C) can also reach the browser driver first and
            # surface as a browser error: the run was still interrupted, not failed.
            run = _fail(store, run_id, clock, options, started, tracker, "interrupted", "interrupted",
                        "the sync was cancelled (the daemon or the user stopped it)")
        elif is_disk_full(exc):
            run = _fail_disk_full(store, run_id, clock, options, started, tracker)
        elif isinstance(exc, WosyncError):
            message = exc.message
            if exc.kind == "credentials_rejected" and password is None:
                message = _rejected_password_message(account.username, exc)
            run = _fail(store, run_id, clock, options, started, tracker, "failed", exc.kind, message)
        else:
            message = f"unexpected {type(exc).__name__}: {exc}"
            run = _fail(store, run_id, clock, options, started, tracker, "failed", "unexpected", message)
    if options.notify:
        _notify(store, run, clock)
    return store.get_run(run_id)


def _save(store, account, clock, options, outcome, run_id, started, tracker) -> dict[str, Any]:
    """Compare, guard and store a scrape's result in one transaction; return the run record."""
    distinct = len({o["number"] for o in outcome.orders})
    tracker.update("in_progress", "saving", progress.PHASE_PERCENT["saving"], f"Saving {distinct} work orders...", distinct)
    stored = store.load_orders(account.username)
    lost = [] if options.allow_field_loss else lost_fields(stored, outcome.orders)
    if lost:
        return _refuse_field_loss(store, run_id, clock, options, started, tracker, outcome, lost)
    diff = compare(stored, outcome.orders)
    completeness = read_completeness(outcome, distinct)
    active = sum(1 for o in stored.values() if not o.get("completed_at"))
    status, error_kind, error_message = "success", None, None
    to_complete = diff.missing
    if completeness is None:
        status, error_kind = "partial", "incomplete"
        error_message = f"{shortfall(outcome, distinct)}; nothing was marked completed"
        saved = getattr(outcome, "artefacts", None) or []
        if saved:
            error_message += f" (saved: {', '.join(str(p) for p in saved)})"
        to_complete = []
    else:
        refusal = mass_removal_reason(active, len(diff.missing), distinct)
        if refusal and not options.allow_mass_removal:
            status, error_kind = "partial", "mass_removal_guard"
            error_message = (
                f"{refusal}; nothing was marked completed. If they really are done, run "
                "`wosync sync-now --allow-mass-removal`"
            )
            to_complete = []
    now = clock()
    run_fields = {
        "status": status, "items_processed": distinct, "added": len(diff.new),
        "updated": len(diff.updated) + len(diff.reopened), "removed": len(to_complete),
        "error_kind": error_kind, "error_message": error_message, "matches": outcome.matches,
        "completeness": completeness,
    }
    run = store.apply_sync(
        run_id, account.username, outcome.orders, diff.new, diff.updated, diff.reopened, to_complete,
        now, run_fields, options.schedule_id,
        _schedule_counters(store, options.schedule_id, started, status == "success"),
        refreshed=diff.refreshed,
    )
    if status == "success" and options.purge_completed_after_days is not None:
        store.purge_completed(account.username, now - timedelta(days=options.purge_completed_after_days))
    return run  # its final progress comes after the equipment phase (_show_finished)


def _show_finished(tracker, run) -> None:
    """Record a saved run's final progress: completed (or failed, for a partial run), 100%."""
    state = "completed" if run["status"] == "success" else "failed"
    tracker.update(state, state, 100, summary_line(run))


def _rejected_password_message(username: str, exc: WosyncError) -> str:
    """Given the account and the scraper's CredentialsRejected, return its message naming
    where the rejected password came from (WOSYNC_PASSWORD, the systemd credential or the
    keyring) and that place's fix, with the saved artefacts."""
    from wosync import credentials

    message = credentials.rejected_message(username, credentials.password_origin(username))
    saved = getattr(exc, "artefacts", None) or []
    return message + (f" (saved: {', '.join(str(p) for p in saved)})" if saved else "")


def read_completeness(outcome: ScrapeOutcome, distinct: int) -> str | None:
    """Given a source's outcome and the distinct orders it read, return how the read is
    known complete: the source's own judgement when it gives one, else "count" when the
    orders equal the site's match count, else None (DESIGN.md step 5)."""
    if hasattr(outcome, "completeness"):
        return outcome.completeness
    return "count" if outcome.matches is not None and distinct == outcome.matches else None


def shortfall(outcome: ScrapeOutcome, distinct: int) -> str:
    """Given an outcome not known complete, return what was short, for the run's message."""
    if outcome.matches is not None:
        return f"read {distinct} work orders but the site reports {outcome.matches} matches"
    stop = getattr(outcome, "stop_reason", None)
    if getattr(outcome, "empty_pages", 0):
        return (f"read {distinct} work orders, but a page of the work list came back empty "
                "(the site shows no match count to check against)")
    return (f"read {distinct} work orders but did not reach the last page of the work list "
            f"(stopped: {stop or 'unknown'}; the site shows no match count to check against)")


def _refuse_field_loss(store, run_id, clock, options, started, tracker, outcome, lost) -> dict[str, Any]:
    """Record a run whose scrape lost fields filled on most stored orders as a layout error
    (nothing saved over the stored values), with the last page's rows saved as an artefact;
    return the run."""
    from wosync.workfossa import site

    read_by = sorted({site.FIELD_SELECTORS.get(name, "?") for name in lost})
    message = (
        f"the work list's markup seems to have changed: {', '.join(lost)} came back empty on "
        f"every row although most stored orders have them (read from {', '.join(read_by)}); "
        "nothing was saved over the stored orders"
    )
    html = getattr(outcome, "last_rows_html", None)
    if html:
        from wosync.workfossa.artefacts import write_private

        path = config.artefacts_dir() / f"workfossa-{clock().strftime('%Y%m%d-%H%M%S')}-field-loss.html"
        try:
            write_private(path, html.encode("utf-8"))
            message += f" (saved: {path})"
        except OSError:
            pass
    message += ". If the site really emptied them, run `wosync sync-now --allow-field-loss`"
    return _fail(store, run_id, clock, options, started, tracker, "failed", "layout", message)


def _fail(store, run_id, clock, options, started, tracker, status, kind, message) -> dict[str, Any]:
    """Record a failed or interrupted run, its schedule counters and its progress; return the run."""
    now = clock()
    run = store.finish_run(run_id, now, status=status, error_kind=kind, error_message=message,
                           items_processed=tracker.found)
    counters = _schedule_counters(store, options.schedule_id, started, False)
    if counters:
        store.update_schedule(options.schedule_id, now, **counters)
    tracker.update("failed", "failed", 100, f"Failed: {message}")
    return run


def _fail_disk_full(store, run_id, clock, options, started, tracker) -> dict[str, Any]:
    """Record a run that met a full disk as failed with "disk full"; return the run.

    Recording it is a write too: when that also meets the full disk, the WAL (which may hold
    most of the space left) is folded into the database and truncated, and it is tried once more.
    """
    error = DiskFull(store.path.parent)
    try:
        return _fail(store, run_id, clock, options, started, tracker, "failed", error.kind, error.message)
    except Exception as again:
        if not is_disk_full(again):
            raise
    store.release_journal_space()
    return _fail(store, run_id, clock, options, started, tracker, "failed", error.kind, error.message)


def _notify(store: Store, run: dict[str, Any], clock: Clock) -> None:
    """Send the run's digest or failure alert; a notification problem never fails the sync."""
    try:
        from wosync import notify
    except ImportError:
        return
    try:
        notify.after_run(store, run, clock())
    except Exception as exc:  # notify.after_run records its own errors; this is the last guard
        store.set_run_notification_error(run["id"], f"{type(exc).__name__}: {exc}")


def summary_line(run: dict[str, Any]) -> str:
    """Given a finished run, return "237 work orders: 3 new, 1 updated, 2 completed in 6.1 s"
    (for a failed or interrupted run: its status and error instead of the counts)."""
    seconds = run.get("duration_seconds")
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    if run["status"] in ("failed", "interrupted"):
        return f"{run['status']}{took}: {run.get('error_message') or 'no reason recorded'}"
    counts = f"{run['added']} new, {run['updated']} updated, {run['removed']} completed"
    text = f"{run['items_processed']} work orders: {counts}{took}"
    if run["status"] != "success" and run.get("error_message"):
        text += f" ({run['status']}: {run['error_message']})"
    return text


def started_at_of(run: dict[str, Any]) -> datetime | None:
    """Return a run's start as a datetime."""
    return from_iso(run.get("started_at"))
