"""`wosync dispensers` for a terminal, drawn straight to text: thousands of locations at once.

Printing each location (render/dispensers.py's Group) through Rich costs its console a
measure, a render, a crop and a write: most of the listing's time for 2,452 locations. This
writes the same characters and escape codes, made here, in a few writes:

- a title, note or count line that Rich draws as the text itself on one line (PlainLine.fits)
  is that text between its style's codes;
- a longer plain line is broken where Rich breaks a Text (fast_table.plain_pieces);
- a grid of plain text: FastTable's column widths (the widest cells when they fit side by
  side, else Rich's own sizing), each block broken where plain_pieces breaks it, its spans
  cut where FastTable cuts them, each piece between its style's codes; when the widest texts
  fit side by side (most locations) straight from the dispensers' parts, each line whole;
- anything else (text that is not plain, a column left no room) is rendered, cropped and
  encoded by Rich itself, as print does.

A style's codes are Rich's own: what the console's encoder (Console._render_buffer, which
print's write uses) makes of a one-character segment in it.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from wosync.render.dispensers import CleanTexts, grid_table, location_lines, parts_rows
from wosync.render.fast_table import FastTable, PlainLine, _plain, plain_pieces

# Any character but printable ASCII and the "·" wosync puts between parts: where there is none
# (most locations), every text is plain (one cell a character) without asking Rich.
_ODD = re.compile("[^ -~·]")
_MARK = "\x00"  # a character no style changes, to find a style's codes around it
_WRITE_SIZE = 1 << 16  # characters gathered before each write: few writes, output soon


class _Drawing:
    """One console's room and the codes of each style used on it."""

    def __init__(self, console):
        self.console = console
        # The options console.print renders with (as its own update of them).
        self.options = console.options.update(justify=None, overflow=None, height=None, no_wrap=None,
                                              markup=None, highlight=None)
        self.width = console.width
        self.codes: dict[Any, tuple[str, str]] = {}
        self.known = CleanTexts()  # shared by every location's dispensers

    def style_codes(self, style) -> tuple[str, str]:
        """Given a Rich Style (or None), return what the console writes before and after a
        segment's text in it (nothing for no style, or for every style without colours)."""
        from rich.segment import Segment

        before, _, after = self.console._render_buffer([Segment(_MARK, style)]).partition(_MARK)
        return before, after

    def named(self, names: tuple[str, ...]) -> tuple[str, str]:
        """Given style names, return the codes of their sum in that order (as FastTable adds a
        cell's spans); no names: no codes."""
        codes = self.codes.get(names)
        if codes is None:
            style = None
            for name in names:
                style = self.console.get_style(name) if style is None else style + self.console.get_style(name)
            codes = self.codes[names] = self.style_codes(style)
        return codes

    def captured(self, renderable) -> str:
        """Return what console.print writes of the renderable (inside a Group, as a location's
        parts are printed): Rich renders it, crops its lines to the width and encodes it, as
        print does (not through a capture, which would take whatever the console holds)."""
        from rich.console import Group
        from rich.segment import Segment

        lines = Segment.split_and_crop_lines(self.console.render(Group(renderable), self.options), self.width, pad=False)
        return self.console._render_buffer([segment for line in lines for segment in line])

    def line(self, text: str, style: str) -> str:
        """Given one line of text and its style, return what Rich prints of a Text of it: the
        text between the style's codes when it fits as it is (PlainLine.fits); when it is plain
        but longer, each of the lines Rich breaks it into (fast_table.plain_pieces: the rule
        Text.wrap follows) between the codes; else Rich's own."""
        if PlainLine.fits(text, self.options):
            before, after = self.named((style,))
            return f"{before}{text}{after}\n"
        if _plain(text) and "\n" not in text and text.strip() and text == text.rstrip():
            before, after = self.named((style,))
            return "".join(f"{before}{text[start:end]}{after}\n" if end > start else "\n"
                           for start, end in plain_pieces(text, self.options.max_width, "fold"))
        from rich.text import Text

        return self.captured(Text(text, style=style))

    def _widths(self, rows: list[list[tuple]]) -> list[int]:
        """Given a grid's rows of plain cells, return its column widths (padding included) as
        FastTable takes them: the widest cells' when they fit side by side in the room, else
        Rich's sizing (FastTable.column_widths)."""
        room = self.options.max_width  # a grid has no edges: its columns may take it all
        widest = max(map(len, [row[0][0] for row in rows])) + 4  # two spaces each side
        longest = max(map(len, "\n".join([row[1][0] for row in rows]).split("\n"))) + 2  # two after
        if widest < room and longest < room and widest + longest <= room:
            return [widest, longest]
        return FastTable(grid_table(), rows).column_widths(self.console, self.options)

    def parts_grid(self, parts: list[tuple]) -> str:
        """Given a location's dispenser_parts, return its grid as FastTable draws it: straight
        from the parts when every text is plain and the widest fit side by side (FastTable's
        widths are then theirs, and Rich breaks no line: each is drawn whole, padded, the
        "(no model)" part grey and the fields line dim); else grid() of its rows."""
        positions = [part[0] for part in parts]
        texts = [part[2] for part in parts] + [part[3] for part in parts] + [part[4] for part in parts]
        every = " ".join(positions) + " " + " ".join(texts)
        first, second = max(map(len, positions)), max(map(len, texts))  # the widest of each column
        if not (first and first + 4 + second + 2 <= self.options.max_width
                and (_ODD.search(every) is None or (every.isprintable() and _plain(every)))):
            return self.grid(parts_rows(parts))
        bold_on, bold_off = self.named(("bold",))
        grey_on, grey_off = self.named(("grey50",))
        dim_on, dim_off = self.named(("dim",))
        pads = f"{bold_on}  {bold_off}"
        under = f"{bold_on}{' ' * (first + 4)}{bold_off}"  # the position's column below its one line
        wide = second + 2  # the block's room and the two spaces after it
        out = []
        append = out.append
        for position, grey, machine, grades, shown in parts:
            line = machine
            if grey and (grey_on or grey_off):
                line = f"{machine[:grey[0]]}{grey_on}{machine[grey[0]:grey[1]]}{grey_off}{machine[grey[1]:]}"
            append(f"{pads}{bold_on}{position}{' ' * (first - len(position))}{bold_off}{pads}"
                   f"{line}{' ' * (wide - len(machine))}\n")
            if grades:
                append(f"{under}{grades}{' ' * (wide - len(grades))}\n")
            if shown:
                append(f"{under}{dim_on}{shown}{dim_off}{' ' * (wide - len(shown))}\n")
        return "".join(out)

    def grid(self, rows: list[list[tuple]]) -> str:
        """Given a location's grid rows (render.dispensers.dispenser_rows), return the grid as
        FastTable draws it on this console."""
        positions = [row[0][0] for row in rows]
        if not _plain("\n".join(positions + [row[1][0] for row in rows])) or any("\n" in p for p in positions):
            return self.captured(FastTable(grid_table(), rows))
        first, second = self._widths(rows)
        room = first - 4, second - 2
        if min(room) <= 0 or first + second > self.width:  # FastTable leaves such cells to Rich
            return self.captured(FastTable(grid_table(), rows))
        bold_on, bold_off = self.named(("bold",))
        pads = f"{bold_on}  {bold_off}"
        under = f"{bold_on}{' ' * first}{bold_off}"  # the position's column below its one line
        out = []
        append = out.append
        wide = room[1]
        for (position, _), (block, _, spans) in rows:
            if len(position) > room[0]:  # as Rich's ellipsis overflow cuts a line that is too long
                position = position[:room[0] - 1] + "…"
            left = f"{pads}{bold_on}{position}{' ' * (room[0] - len(position))}{bold_off}{pads}"
            for start, end in plain_pieces(block, wide, "fold"):
                for s, e, _ in spans:
                    if s < end and e > start:
                        append(f"{left}{self._piece(block, start, end, wide, spans)}  \n")
                        break
                else:  # no span over the line: its text, the padding and the right edge unstyled
                    append(f"{left}{block[start:end]}{' ' * (wide - end + start + 2)}\n")
                left = under
        return "".join(out)

    def _piece(self, text: str, start: int, end: int, width: int, spans: list[tuple[int, int, str]]) -> str:
        """Given a block, one of its lines (start, end), the room and the block's spans, return the
        line padded to the room, cut where a span starts or ends and each part between the codes
        of the spans over it, the padding unstyled (fast_table._span_segments' cuts)."""
        clipped = [(max(s, start) - start, min(e, end) - start, style) for s, e, style in spans if s < end and e > start]
        length = end - start
        line = text[start:end]
        if length and len(clipped) == 1 and clipped[0][0] == 0 and clipped[0][1] == length:  # one span over it all
            before, after = self.named((clipped[0][2],))
            return f"{before}{line}{after}{' ' * (width - length)}"
        line += " " * (width - length)
        cuts = sorted({0, width, *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
        out = []
        for a, b in zip(cuts, cuts[1:]):
            names = tuple(style for s, e, style in clipped if s <= a and e >= b)
            if names:
                before, after = self.named(names)
                out.append(f"{before}{line[a:b]}{after}")
            else:
                out.append(line[a:b])
        return "".join(out)

    def location(self, location: dict[str, Any]) -> str:
        """Given a location with its dispensers, return what printing render.location_dispensers
        of it writes."""
        title, note, parts, count = location_lines(location, location["dispensers"], self.known)
        if note:
            return self.line(title, "bold") + self.line(note, "grey50")
        return self.line(title, "bold") + self.parts_grid(parts) + self.line(count, "dim")


def listing_text(console, locations: list[dict[str, Any]]) -> Iterator[str]:
    """Given a console and locations with their dispensers, yield in parts the text that
    printing each location's render.location_dispensers (a blank line between two) writes."""
    drawing = _Drawing(console)
    gathered, size = [], 0
    for index, location in enumerate(locations):
        text = drawing.location(location)
        gathered.append("\n" + text if index else text)
        size += len(text)
        if size >= _WRITE_SIZE:
            yield "".join(gathered)
            gathered, size = [], 0
    if gathered:
        yield "".join(gathered)


def encoder_available(console) -> bool:
    """Given a console, return whether it has the private encoder the style codes come from."""
    return callable(getattr(console, "_render_buffer", None))


def print_locations(console, locations: list[dict[str, Any]]) -> None:
    """Given a console and locations with their dispensers, print each (a blank line between
    two) as console.print of render.location_dispensers would, in a few writes: each part is
    one unstyled segment, written by the console as it is (no cropping: its lines fit)."""
    from rich.segment import Segment, Segments

    if not encoder_available(console):
        # The style codes come from a private method of Rich's console (module docstring): a
        # Rich without it gets each location printed by Rich itself, slower and the same text.
        from wosync.render.dispensers import location_dispensers

        for index, location in enumerate(locations):
            if index:
                console.print()
            console.print(location_dispensers(location, location["dispensers"]))
        return
    for part in listing_text(console, locations):
        console.print(Segments([Segment(part)]), crop=False)
