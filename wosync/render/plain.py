"""Listings for pipes and narrow terminals: tab-separated rows, and aligned rows with a note.

Piped or redirected (`wosync orders | grep ...`, `> file`), a listing is data for another
program: one header line, then one line per row, cells separated by a tab, no padding, no
colour, nothing wrapped (the way `gh` prints). Whether stdout is a terminal decides it;
WOSYNC_FORCE_TERMINAL=1 makes wosync draw for a terminal anyway (the tests run the CLI
in-process, where stdout is never one), WOSYNC_FORCE_TERMINAL=0 the opposite.

Rich is imported only by `aligned`, inside it: the tab-separated path stays cheap.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Sequence

from wosync.text import cell_width, clean, fit

Cell = tuple[str, str]  # (display text, Rich style)


def terminal_wanted(stream) -> bool:
    """Given an output stream, return whether to draw for a terminal (tables, colour, bars):
    WOSYNC_FORCE_TERMINAL=1 says yes, =0 no; else whether the stream is a terminal."""
    forced = os.environ.get("WOSYNC_FORCE_TERMINAL", "").strip().lower()
    if forced in ("1", "true", "yes"):
        return True
    if forced in ("0", "false", "no"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def tsv_cell(value: Any) -> str:
    """Given a cell value, return it as one tab-free line: None is "", escape sequences and
    control characters go, tabs and line breaks become spaces (clean)."""
    if value is None:
        return ""
    return clean(value)


def tsv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Given column headers and rows of values, return the header line and one line per row,
    cells separated by tabs, each line ending with a line feed (no trailing spaces)."""
    lines = ["\t".join(tsv_cell(h) for h in headers)]
    lines.extend("\t".join(tsv_cell(v) for v in row) for row in rows)
    return "\n".join(line.rstrip(" ") for line in lines) + "\n"


def write_tsv(headers: Sequence[str], rows: Iterable[Sequence[Any]], stream=None) -> None:
    """Print `tsv(headers, rows)` on `stream` (stdout by default)."""
    import sys

    (stream or sys.stdout).write(tsv(headers, rows))


def aligned(headers: Sequence[str], rows: Sequence[Sequence[Cell]], notes: Sequence[Cell | None],
            width: int, right: Sequence[int] = (), gap: int = 2):
    """Given headers, rows of (text, style) cells, one note per row (or None), the terminal
    width and the indexes of right-aligned columns, return a Rich Text: a bold header line,
    then each row on one line with its columns aligned, its note on the next line indented
    by four. Nothing wraps: the last column and the notes are cut with "…" to the width."""
    from rich.text import Text

    count = len(headers)
    widths = [max([cell_width(h), *(cell_width(r[i][0]) for r in rows)]) for i, h in enumerate(headers)]
    # The last column takes what is left; the others keep their widths.
    widths[-1] = max(1, min(widths[-1], width - sum(widths[:-1]) - gap * (count - 1)))

    def line(cells: Sequence[Cell]):
        shown = Text(no_wrap=True, end="")
        for index, (text, style) in enumerate(cells):
            padded = fit(text, widths[index])
            if index in right:
                padded = padded.rstrip().rjust(widths[index])
            shown.append(padded, style=style)
            if index < count - 1:
                shown.append(" " * gap)
        shown.rstrip()
        return shown

    out = Text(no_wrap=True, overflow="ellipsis")
    out.append_text(line([(h, "bold") for h in headers]))
    for row, note in zip(rows, notes):
        out.append("\n")
        out.append_text(line(row))
        if note is not None and note[0]:
            out.append("\n")
            out.append("    " + fit(note[0], max(1, width - 4)).rstrip(), style=note[1])
    return out
