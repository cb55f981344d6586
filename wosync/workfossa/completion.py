"""Whether a work-list row shows its order completed, and the completion date it shows. Pure.

The `all` list (site.ALL_LIST_PATH) shows completed work beside open work; only the visits
block tells them apart (docs/workfossa-site.md, "One row"): a completed row's visit counter is
struck through (site.COMPLETED_COUNTER) and a small muted line (site.COMPLETION_DATE) holds the
completion date; it has no Next Visit link. The status badge does not tell completion, so it is
never read here. The rows are read with the selectors of site.py, like parse.py reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from wosync.workfossa import site
from wosync.workfossa.parse import parse_rows
from wosync.workfossa.textlines import collapse

_DATE = re.compile(site.DATE_PATTERN)
_COMPLETION_LINE = re.compile(site.COMPLETION_LINE_PATTERN, re.IGNORECASE)


@dataclass(frozen=True)
class RowCompletion:
    """What one row of the list says about its order's completion: completed (its counter
    struck through, or a "Completed <date>" line), and the date shown (YYYY-MM-DD; None when
    no date could be read)."""

    completed: bool
    completed_on: str | None = None


def row_completions(html: str, base_url: str) -> dict[str, RowCompletion]:
    """Given the HTML of a page's rows and the site's base URL, return {number: RowCompletion}
    for every row (site.ROWS), read with parse.py for the number. Raises LayoutNotRecognised
    as parse_rows does for a row it cannot read."""
    numbers = [order["number"] for order in parse_rows(html, base_url)]
    rows = LexborHTMLParser(html, is_fragment=True).css(site.ROWS)
    return {number: completion_of(row) for number, row in zip(numbers, rows)}


def completion_of(row: LexborNode) -> RowCompletion:
    """Given one row's node, return its RowCompletion: completed when its counter is struck
    through (site.COMPLETED_COUNTER, else any class naming the strike-through) or, without
    one, when a line reads "Completed MM/DD/YYYY"; the date from the muted line under the
    counter (site.COMPLETION_DATE), else from such a line."""
    struck = (row.css_first(site.COMPLETED_COUNTER) is not None
              or row.css_first(site.COMPLETED_COUNTER_ANY) is not None)
    date = None
    if struck:
        for line in row.css(site.COMPLETION_DATE):
            date = _date(line.text(separator=" "))
            if date:
                break
    if date is None:
        date = _fallback_date(row)
    return RowCompletion(struck or date is not None, date)


def _fallback_date(row: LexborNode) -> str | None:
    """Return the date of the first element reading "Completed MM/DD/YYYY" (None without one)."""
    for node in row.traverse():
        if not node.is_element_node:
            continue
        found = _COMPLETION_LINE.match(collapse(node.text(separator=" ")) or "")
        if found:
            return _date(found.group(1))
    return None


def _date(text: str) -> str | None:
    """Given text holding MM/DD/YYYY, return YYYY-MM-DD (None when it holds no real date)."""
    import datetime as dt

    found = _DATE.search(text or "")
    if not found:
        return None
    month, day, year = (int(part) for part in found.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
