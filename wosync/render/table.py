"""A table drawn without Rich, for `wosync status`.

Importing Rich costs more CPU than the rest of `wosync status` together (about 35 ms, against
a goal of 1.2 x a bare Typer app), so status draws its one small table itself: the same box
and colours as a Rich table, cells cut with an ellipsis instead of wrapped.
"""

from __future__ import annotations

from wosync.text import cell_width, fit

ANSI = {"green": "32", "blue": "34", "red": "31", "yellow": "33", "grey50": "38;5;244", "bold": "1"}


def colour_wanted(stream) -> bool:
    """Given an output stream, return whether to colour it: NO_COLOR says no, FORCE_COLOR yes,
    else only a terminal that is not "dumb" (the rules Rich follows)."""
    import os

    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width(stream, default: int = 80) -> int:
    """Given an output stream, return its width in columns: $COLUMNS, else the terminal's, else `default`."""
    import os

    try:
        return max(int(os.environ["COLUMNS"]), 20)
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return default


def _header_lines(header: str, width: int) -> list[str]:
    """Given a column header and its width, return it on one line, or on two split at a space."""
    if cell_width(header) <= width or " " not in header:
        return [header]
    words = header.split(" ")
    for cut in range(len(words) - 1, 0, -1):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if cell_width(first) <= width and cell_width(second) <= width:
            return [first, second]
    return [header]


def _header_min(header: str) -> int:
    """Given a header, return the fewest columns it needs on at most two lines."""
    words = header.split(" ")
    return min(max(cell_width(" ".join(words[:cut])), cell_width(" ".join(words[cut:])))
               for cut in range(1, len(words))) if len(words) > 1 else cell_width(header)


def plain_table(title: str, headers: list[str], rows: list[list[tuple[str, str]]], width: int,
                colour: bool, give_way: tuple[int, ...] = ()) -> str:
    """Given a title, column headers, rows of (text, style) cells, the terminal width and whether
    to colour, return the table drawn like Rich's default (heavy head, light body), each row on
    one line. Headers may take two lines; then the columns in `give_way` (in that order, down to
    8 columns) and after them the widest ones are cut with an ellipsis until the table fits."""
    values = [max([0, *(cell_width(row[i][0]) for row in rows)]) for i in range(len(headers))]
    widths = [max(cell_width(h), v) for h, v in zip(headers, values)]

    def excess() -> int:
        return sum(widths) + 3 * len(widths) + 1 - width

    if excess() > 0:  # first, headers on two lines
        widths = [max(_header_min(h), v) for h, v in zip(headers, values)]
    for index in give_way:
        if excess() > 0 and widths[index] > 8:
            widths[index] -= min(widths[index] - 8, excess())
    while excess() > 0 and max(widths) > 4:
        widest = widths.index(max(widths))
        widths[widest] -= min(widths[widest] - 4, excess())

    def paint(text: str, style: str) -> str:
        codes = ";".join(ANSI[s] for s in style.split() if s in ANSI) if colour and style else ""
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text

    def rule(left: str, middle: str, right: str, fill: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    total = sum(widths) + 3 * len(widths) + 1
    heads = [_header_lines(h, w) for h, w in zip(headers, widths)]
    lines = [fit(title, total).strip().center(total).rstrip(), rule("┏", "┳", "┓", "━")]
    for row in range(max(len(h) for h in heads)):
        lines.append("┃" + "┃".join(f" {paint(fit(h[row] if row < len(h) else '', w), 'bold')} "
                                     for h, w in zip(heads, widths)) + "┃")
    lines.append(rule("┡", "╇", "┩", "━"))
    for row in rows:
        lines.append("│" + "│".join(f" {paint(fit(text, w), style)} " for (text, style), w in zip(row, widths)) + "│")
    lines.append(rule("└", "┴", "┘", "─"))
    return "\n".join(lines) + "\n"
