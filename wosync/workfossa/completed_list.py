"""Look orders up on the completed list: which of them the site shows completed, and when.

An order leaves the active list (site.ACTIVE_LIST_PATH) when its visits are all done, but also
when it is reassigned to another technician or cancelled (docs/workfossa-site.md, "One row").
The `all` list (site.ALL_LIST_PATH) shows completed work too: an order found there struck
through was completed; one missing from a complete read of it was removed from the
technician's work. It is read with the work list's own reader (client.py: Show 100, the stop
rules and completeness of paging.py), only as far as it must: it stops once every order looked
for was found, or where the list ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from wosync.model import ScrapeProgress
from wosync.workfossa import paging
from wosync.workfossa.completion import RowCompletion, row_completions


@dataclass
class CompletedListRead:
    """What a look-up on the completed list found.

    found: {number: RowCompletion} of the orders looked for that the list shows (completed or
    not); complete: True when the list was read far enough to say the others are not on it
    (every order looked for was found, or the list was read to its end and known complete);
    rows_read, pages, matches, stop_reason: as the list reader reports them.
    """

    found: dict[str, RowCompletion] = field(default_factory=dict)
    complete: bool = False
    rows_read: int = 0
    pages: int = 0
    matches: int | None = None
    stop_reason: str | None = None


def find_on_completed_list(site, numbers: Iterable[str],
                           on_progress: Callable[[ScrapeProgress], None] | None = None) -> CompletedListRead:
    """Given a logged-in WorkFossa (client.py), the numbers of the orders that left the active
    list and an optional progress callback, read the `all` list until every one was found or
    the list ended; return what was found. Raises the reader's errors (ScrapeError) when the
    list cannot be read."""
    wanted = set(numbers)
    read = CompletedListRead()

    def found_all(rows_html: str) -> bool:
        for number, completion in row_completions(rows_html, site.base_url).items():
            if number in wanted:
                read.found[number] = completion
        return wanted <= set(read.found)

    result = site.read_work_orders(on_progress=on_progress, include_completed=True, until=found_all)
    read.rows_read, read.pages, read.matches = result.rows_read, result.pages, result.matches
    read.stop_reason = result.stop_reason
    read.complete = result.stop_reason == paging.WANTED_FOUND or result.completeness is not None
    return read
