"""Plain text for a person: site text made safe to show, CSV cells, display widths, ellipses.

Text from the site (and anything stored from it: orders, changes, run errors) is data. It
reaches a terminal, a calendar or a status bar only through `clean` here: escape sequences and
control characters are removed on display (the store keeps what was read). CSV cells go through
`csv_cell`. This module imports no Rich, so core modules (calendar, status line) use it cheaply;
wosync.render draws with Rich on top of it.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing is not imported at run time: the status bar's line cleans its text here
if TYPE_CHECKING:
    from typing import Any

# Terminal escape sequences, whole: CSI (colours, cursor moves), OSC (window titles, hyperlinks;
# ended by BEL or ST), DCS/SOS/PM/APC strings, and two-character escapes. Their payload goes
# too: "\x1b]0;title\x07" must not leave "0;title" behind. A string sequence that is never
# ended loses only its introducer, so the text after it stays visible.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)"
)
# What is left that a terminal or a reader could be fooled by: C0 controls (but tab and line
# feed), DEL, C1 controls, and the bidirectional overrides, embeddings, isolates and marks
# that make text display in another order than it reads ("Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|[\n\r\x0b\x0c\x85\u2028\u2029])[ \t]*")
_SPACES = re.compile(r"\s+")
# Spreadsheets run a cell that starts with one of these as a formula (=HYPERLINK(...)).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(value: Any, multiline: bool = False) -> str:
    """Given a value from the site or the store, return it as plain display text.

    Escape sequences and control characters are removed; None is "". Line breaks are kept
    when `multiline`, else each run of white space (line breaks included) becomes one space.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():
        # Most text: nothing a terminal could act on (no escape, no control, no line break), so
        # only runs of spaces to tidy; 100,000 orders are listed without a regular expression each.
        return text if multiline or ("  " not in text and text == text.strip()) else " ".join(text.split())
    if multiline:
        text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
    if multiline:
        return text.replace("\t", "    ")
    return _SPACES.sub(" ", text).strip()


def csv_cell(value: Any, raw: bool = False) -> Any:
    """Given a CSV cell value, return it neutralised for spreadsheets: a text starting with
    = + - @ (or a tab or carriage return) gets a leading ' so it is never run as a formula;
    `raw` keeps it as stored. Numbers are kept as they are."""
    if raw or not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    return "'" + value


def ellipsis(text: str, limit: int) -> str:
    """Given display text and a length, return it cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


# --- display widths ------------------------------------------------------------------------------


def cell_width(text: str) -> int:
    """Given display text, return how many terminal columns it takes (wide East Asian
    characters two, combining marks none)."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def fit(text: str, width: int) -> str:
    """Given display text and a width in columns, return it cut with an ellipsis and padded to `width`."""
    if cell_width(text) > width:
        cut, used = [], 0
        for ch in text:
            size = cell_width(ch)
            if used + size > width - 1:
                break
            cut.append(ch)
            used += size
        text = "".join(cut) + "…"
    return text + " " * (width - cell_width(text))


# --- an order in words ---------------------------------------------------------------------------


def customer_text(order: dict[str, Any]) -> str:
    """Given an order, return "Wawa #5154" (customer and store number, whichever exist)."""
    customer, number = clean(order.get("customer")), clean(order.get("store_number"))
    return f"{customer} {number}" if customer and number else customer or number  # no generator: hot in listings


def item_text(item: dict[str, Any]) -> str:
    """Given one item of an order, return "4 x All Dispensers (2861)"."""
    quantity = item.get("quantity")
    text = f"{clean(quantity) if quantity is not None else '?'} x {clean(item.get('name'))}"
    if item.get("code"):
        text += f" ({clean(item['code'])})"
    return text


def plural(count: int, word: str, many: str | None = None) -> str:
    """Given a count and a noun, return "1 failure" or "2 failures" (`many`: an irregular plural)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def hours_text(hours: float) -> str:
    """Given a number of hours, return it as a person reads it: "15 min", "1 h", "1 h 30 min"."""
    minutes = round(hours * 60)
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h {rest} min" if rest else f"{whole} h"
