"""Completed or removed: what became of the orders that left the active list (docs/design.md
"One sync", step 6).

An order leaves WorkFossa's active list when its visits are all done, but also when it is
reassigned to another technician or cancelled. After a complete read that lacks some stored
active orders (and the mass-removal guard let it), the sync looks them up on the site's
completed list in the same browser session (a source that can: CompletedListSource) and
`decide` says, without a browser:

- found there struck through: `completed`, with the completion date the row shows;
- not on a list read far enough to tell (every order looked for found, or read to its end and
  known complete): `removed` (reassigned, cancelled or deleted);
- found there but not completed, or not found on a list read short: kept active this run;
  a short read makes the run `partial`, naming why;
- the completed list could not be read at all: every one kept active (nothing is claimed)
  and the run is `partial`, naming why.

Both completed and removed orders are archived (kept, with completed_at and archived_as),
never deleted. A source that cannot read the completed list (a test's fake, a plain
function) marks them completed, as wosync always did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Protocol, runtime_checkable

from wosync.errors import Interrupted, WosyncError
from wosync.model import PageCallback, RunStatus, ScrapeProgress

if TYPE_CHECKING:  # the browser side is imported only when a sync reads the list
    from wosync.workfossa.completed_list import CompletedListRead

# runs.error_kind of a run whose vanished orders stayed active.
UNREADABLE = "completed_list_unreadable"
SHORT = "completed_list_incomplete"


@runtime_checkable
class CompletedListSource(Protocol):
    """A source that can look orders up on the site's completed list after its read (in the
    same session). WorkFossaSource is one."""

    def find_completed(self, numbers: list[str], on_page: PageCallback | None) -> "CompletedListRead":
        """Given the numbers of the orders that left the active list, return what the
        completed list shows of them (wosync.workfossa.completed_list.CompletedListRead)."""
        ...


@dataclass(frozen=True)
class Vanished:
    """What a run does with the orders that left the active list: completed ({number: the
    site's completion date, None when not read}), removed, and kept active this run; with the
    run's error when some were kept because the list could not tell."""

    completed: dict[str, str | None] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    error_kind: str | None = None
    error_message: str | None = None

    def run_status(self, status: RunStatus, error_kind: str | None,
                   error_message: str | None) -> tuple[RunStatus, str | None, str | None]:
        """Given the run's status and error so far, return them after this look-up: a
        successful run whose vanished orders could not all be told becomes partial."""
        if self.error_kind and status == RunStatus.SUCCESS:
            return RunStatus.PARTIAL, self.error_kind, self.error_message
        return status, error_kind, error_message


def _orders(count: int) -> str:
    return f"{count} work order{'s' if count != 1 else ''}"


def _stay(count: int) -> str:
    return "stays" if count == 1 else "stay"


def decide(missing: Iterable[str], read: Any = None, failure: str | None = None) -> Vanished:
    """Given the numbers that left the active list, what the completed list showed (a
    CompletedListRead: found, complete, rows_read, stop_reason) and, instead, why it could not
    be read, return the Vanished (the rules of the module text)."""
    missing = list(dict.fromkeys(missing))
    if not missing:
        return Vanished()
    if read is None:
        return Vanished(kept=missing, error_kind=UNREADABLE, error_message=(
            f"the completed work list could not be read ({failure or 'no reason given'}); the "
            f"{_orders(len(missing))} that left the active list {_stay(len(missing))} active: none was "
            "marked completed or removed"))
    completed: dict[str, str | None] = {}
    removed, kept, unknown = [], [], []
    for number in missing:
        row = read.found.get(number)
        if row is not None:
            if row.completed:
                completed[number] = row.completed_on
            else:
                kept.append(number)  # listed as open work: it is not gone, whatever hid it
        elif read.complete:
            removed.append(number)
        else:
            unknown.append(number)
    if not unknown:
        return Vanished(completed, removed, kept)
    message = (
        f"the completed work list was read short ({read.rows_read} rows, stopped: "
        f"{read.stop_reason or 'unknown'}); {_orders(len(unknown))} that left the active list "
        f"and {'was' if len(unknown) == 1 else 'were'} not found there {_stay(len(unknown))} active: none was "
        "marked removed")
    return Vanished(completed, removed, kept + unknown, SHORT, message)


def resolve(source: Any, missing: list[str], on_page: PageCallback | None = None) -> Vanished:
    """Given the run's source, the numbers a trusted read lacks and a progress callback, look
    them up on the completed list when the source can; return the Vanished. A list that cannot
    be read keeps them active (its error is recorded, never raised); a cancel is raised."""
    if not missing:
        return Vanished()
    if not isinstance(source, CompletedListSource):
        return Vanished(completed={number: None for number in missing})
    try:
        read = source.find_completed(list(missing), on_page)
    except Interrupted:
        raise
    except WosyncError as exc:
        return decide(missing, failure=exc.message)
    except Exception as exc:  # a bug or a browser gone: the orders stay, the run says why
        return decide(missing, failure=f"unexpected {type(exc).__name__}: {exc}")
    return decide(missing, read)


def page_message(event: ScrapeProgress) -> str:
    """Given a progress report of the completed list's read, return the run's progress message."""
    return f"Checking the completed work list page {event.page or 1}..."

