"""The guards of a sync (docs/design.md "One sync", steps 5 and 6): whether a read may
complete the stored orders missing from it, and the messages a refused or failed run records.

Given a read (a ScrapeResult) and counts of the stored orders, decide the run's status; the
store is never touched here, except that a refused layout keeps the last page's rows as an
artefact (the evidence a maintainer needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wosync import config
from wosync.errors import WosyncError
from wosync.model import RunStatus, ScrapeResult


@dataclass(frozen=True)
class Verdict:
    """How a saved read ends: its run status, the error recorded with it, and whether the stored
    orders missing from the read are marked completed (only when the read is trusted)."""

    status: RunStatus
    error_kind: str | None = None
    error_message: str | None = None
    completes_missing: bool = True


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


def verdict(result: ScrapeResult, distinct: int, active: int, missing: int, allow_mass_removal: bool) -> Verdict:
    """Given a read, the distinct orders it holds, the active stored orders, how many of those
    it lacks and whether a mass removal is allowed, return how the run ends: partial when the
    read is not known complete or would complete too many (nothing is completed then), else
    success."""
    if result.completeness is None:
        message = f"{shortfall(result, distinct)}; nothing was marked completed"
        if result.artefacts:
            message += f" (saved: {', '.join(str(p) for p in result.artefacts)})"
        return Verdict(RunStatus.PARTIAL, "incomplete", message, completes_missing=False)
    refusal = mass_removal_reason(active, missing, distinct)
    if refusal and not allow_mass_removal:
        message = (
            f"{refusal}; nothing was marked completed. If they really are done, run "
            "`wosync sync-now --allow-mass-removal`"
        )
        return Verdict(RunStatus.PARTIAL, "mass_removal_guard", message, completes_missing=False)
    return Verdict(RunStatus.SUCCESS)


def shortfall(result: ScrapeResult, distinct: int) -> str:
    """Given a read not known complete, return what was short, for the run's message."""
    if result.matches is not None:
        return f"read {distinct} work orders but the site reports {result.matches} matches"
    if result.empty_pages:
        return (f"read {distinct} work orders, but a page of the work list came back empty "
                "(the site shows no match count to check against)")
    return (f"read {distinct} work orders but did not reach the last page of the work list "
            f"(stopped: {result.stop_reason or 'unknown'}; the site shows no match count to check against)")


def field_loss_message(lost: list[str], result: ScrapeResult, now: datetime) -> str:
    """Given the fields a read lost (filled on most stored orders, empty on every row read), the
    read and the time, return the layout error to record, naming the artefact the last page's
    rows were saved to (when they could be)."""
    from wosync.workfossa import site

    read_by = sorted({site.FIELD_SELECTORS.get(name, "?") for name in lost})
    message = (
        f"the work list's markup seems to have changed: {', '.join(lost)} came back empty on "
        f"every row although most stored orders have them (read from {', '.join(read_by)}); "
        "nothing was saved over the stored orders"
    )
    if result.last_rows_html:
        from wosync.workfossa.artefacts import save_html

        try:
            path = save_html(config.artefacts_dir(), f"workfossa-{now.strftime('%Y%m%d-%H%M%S')}-field-loss",
                             result.last_rows_html)
            message += f" (saved: {path})"
        except OSError:
            pass  # the refusal matters more than its evidence: record it without the file
    return message + ". If the site really emptied them, run `wosync sync-now --allow-field-loss`"


def rejected_password_message(username: str, exc: WosyncError) -> str:
    """Given the account and the scraper's CredentialsRejected, return its message naming
    where the rejected password came from (WOSYNC_PASSWORD, the systemd credential or the
    keyring) and that place's fix, with the saved artefacts."""
    from wosync import credentials
    from wosync.workfossa.errors import ScrapeError

    message = credentials.rejected_message(username, credentials.password_origin(username))
    saved = exc.artefacts if isinstance(exc, ScrapeError) else []
    return message + (f" (saved: {', '.join(str(p) for p in saved)})" if saved else "")
