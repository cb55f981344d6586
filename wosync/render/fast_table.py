"""A Rich table of thousands of plain text cells, drawn as Rich draws it in a fraction of the time.

Rich's Table measures every cell to size its columns, then renders every cell through padding,
wrapping and cropping: about 120 µs a cell, 10 s for the 16,000 rows of a first sync's
`wosync changes`. FastTable gives the same output from the same Table (its columns, box,
padding and title), with the rows given as (text, style) cells:

- the column widths are Rich's own, computed from a copy of the table holding only the cells
  that decide them (for each column, the widest cell and the one with the longest word);
- the title, the header and its edges are Rich's own, drawn from the table without rows;
- each body cell of printable one-cell characters (line breaks allowed) is wrapped with Rich's own
  line breaking (rich._wrap.divide_line) and padded here; any other cell, and any table
  with features this does not copy (row styles, lines between rows, a footer, vertical
  padding), is rendered by Rich itself.
"""

from __future__ import annotations

from typing import Any, Iterable

# (text, style) or (text, style, spans): the text already cleaned for display; spans are
# (start, end, style) of parts styled apart, as in a Rich Text.
Cell = tuple


def _single_cells(text: str) -> bool:
    """Return whether every character of the text takes exactly one cell, as Rich measures it
    (then any part of it measures its length, which Rich's own check relies on too)."""
    try:
        from rich.cells import _is_single_cell_widths
    except ImportError:  # another Rich: ASCII is one cell a character in any
        return text.isascii()
    return _is_single_cell_widths(text)


def _plain(text: str) -> bool:
    """Return whether every character is printable and one cell wide, or a line feed (ASCII,
    and the Latin and punctuation such as "·" that Rich measures one cell a character)."""
    if text.isascii():
        return text.isprintable() or text.replace("\n", "").isprintable()
    if "·" in text:  # the separator wosync puts between parts (printable, one cell): often the only non-ASCII
        rest = text.replace("·", "")
        if rest.isascii():
            return rest.isprintable() or rest.replace("\n", "").isprintable()
    text = text.replace("\n", "")
    return text.isprintable() and _single_cells(text)


def _fit(piece: str, width: int, overflow: str) -> str:
    """Given one line of plain text, return it as Rich's left justification leaves it: cut to
    `width` (with "…" for ellipsis) when longer, else padded with spaces."""
    if len(piece) > width:
        return piece[:width - 1] + "…" if overflow == "ellipsis" else piece[:width]
    return piece + " " * (width - len(piece))


def divide_line(line: str, width: int, fold: bool = True) -> list[int]:
    """Given one line of one-cell characters, return where Rich's rich._wrap.divide_line breaks
    it (the same steps, each character one cell, so no measuring): a word (with the spaces
    after it) that does not fit starts a new line; one longer than the width is folded."""
    from rich._wrap import re_word

    breaks: list[int] = []
    offset = 0
    for match in re_word.finditer(line):  # the words are contiguous: finditer finds what match() would
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if fold:
                chunks = [word[i:i + width] for i in range(0, len(word), width)]
                for index, chunk in enumerate(chunks):
                    if start:
                        breaks.append(start)
                    if index == len(chunks) - 1:
                        offset = len(chunk)
                    else:
                        start += len(chunk)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def plain_pieces(text: str, width: int, overflow: str) -> list[tuple[int, int]]:
    """Given a plain cell's text (wrapped, overflow "fold" or "crop") and its content width,
    return each line's (start, end) in the text, as plain_lines breaks and cuts it."""
    out, base = [], 0
    for line in text.split("\n"):
        if len(line) <= width:  # a line that fits: Rich breaks none of it (every word fits where it starts)
            out.append((base, base + len(line)))
            base += len(line) + 1
            continue
        offsets = divide_line(line, width, fold=overflow == "fold")
        for start, end in zip([0, *offsets], [*offsets, len(line)]):
            if end - start > width:
                excess = end - start - width
                piece = line[start:end]
                end -= min(len(piece) - len(piece.rstrip()), excess)
            out.append((base + start, base + min(end, start + width)))
        base += len(line) + 1
    return out


def plain_lines(text: str, width: int, overflow: str, no_wrap: bool) -> list[str]:
    """Given a plain cell's text and its content width, return its lines as Rich's Text.wrap
    makes them for a left-justified cell: each line broken at word boundaries (long words
    folded when overflow is "fold"), trailing spaces past the width dropped, padded to width."""
    if len(text) <= width and "\n" not in text:  # most cells: one line that fits
        return [text + " " * (width - len(text))]
    out = []
    for line in text.split("\n"):
        if no_wrap:
            out.append(_fit(line, width, overflow))
            continue
        offsets = divide_line(line, width, fold=overflow == "fold")
        for start, end in zip([0, *offsets], [*offsets, len(line)]):
            piece = line[start:end]
            if len(piece) > width:  # Text.rstrip_end: whitespace beyond the width goes
                excess = len(piece) - width
                stripped = piece.rstrip()
                piece = piece[:len(piece) - min(len(piece) - len(stripped), excess)]
            out.append(_fit(piece, width, overflow))
    return out


def _joined(parts: list, plain: bool) -> list:
    """Given one line's segments, return them with each run of unstyled ones joined into one
    segment (the same text: an unstyled segment is written as it is); a line holding a cell
    Rich rendered (not plain) is left as it is, as Rich could measure joined text differently.
    Fewer segments make the console's own work per line smaller."""
    if not plain:
        return parts
    from rich.segment import Segment

    joined, run = [], []
    for part in parts:
        if part.style or part.control:
            if run:
                joined.append(Segment("".join(run)))
                run = []
            joined.append(part)
        else:
            run.append(part.text)
    if run:
        joined.append(Segment("".join(run)))
    return joined


def _text(text: str, style: str, spans: list[tuple[int, int, str]] | None = None):
    """Given a cell (text, style and optional spans), return it as a Rich Text."""
    from rich.text import Span, Text

    return Text(text, style=style, spans=[Span(*span) for span in spans or ()])


def _span_segments(console, text: str, start: int, end: int, width: int, base: str,
                   spans: list[tuple[int, int, str]], column_style) -> list:
    """Given a cell's text, one of its lines (start, end), the content width, the cell's style
    and its spans (start, end, style), return the line's segments as Rich renders a wrapped
    Text: a segment at every span boundary, each styled by the cell's style and the spans over
    it (in span order), the padding in the cell's style alone; the column's style under all."""
    from rich.segment import Segment

    clipped = [(max(s, start) - start, min(e, end) - start, style) for s, e, style in spans if s < end and e > start]
    length = end - start
    line = text[start:end] + " " * (width - length)
    cuts = sorted({0, width, *(s for s, _, _ in clipped), *(e for _, e, _ in clipped)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        paint = console.get_style(base) if base else None
        for s, e, style in clipped:
            if s <= a and e >= b:
                paint = console.get_style(style) if paint is None else paint + console.get_style(style)
        if column_style:
            paint = column_style + paint if paint is not None else column_style
        out.append(Segment(line[a:b], paint))
    return out


class FastTable:
    """Given a Rich Table with its columns and no rows, and rows of (text, style) cells, render
    exactly what the table with those rows (each cell a rich Text) would render."""

    def __init__(self, table, rows: list[list[Cell]]):
        self.table, self.rows = table, rows

    def _copies_rich(self) -> bool:
        """Return whether this table uses only what FastTable draws itself."""
        table = self.table
        top, _, bottom, _ = table.padding
        return (not table.row_styles and not table.show_lines and not table.leading and not table.show_footer
                and not table.caption and top == 0 and bottom == 0
                and all(c.justify in ("left", "default") and c.vertical == "top" and c.width is None
                        and not c.ratio for c in table.columns))

    def _with_rows(self, rows: Iterable[list[Cell]]):
        """Return the table with these rows added as Rich Texts (the rows are added to self.table)."""
        for row in rows:
            self.table.add_row(*(_text(*cell) for cell in row))
        return self.table

    def _deciding_rows(self) -> list[list[Cell]]:
        """Return the rows holding, for each column, its widest cell and its longest word: the
        cells Rich's column sizing takes its maximum over."""
        from rich.cells import cell_len

        chosen: set[int] = set()
        for column in range(len(self.table.columns)):
            widest = longest = (-1, -1)
            seen: set[str] = set()  # a text met again measures the same at a later index: never chosen
            for index, row in enumerate(self.rows):
                text = row[column][0]
                if text in seen:
                    continue
                seen.add(text)
                measure = len if _plain(text) else cell_len  # as Text.__rich_measure__ measures
                lines = text.splitlines()
                most = max(map(measure, lines)) if lines else 0
                words = text.split()
                least = max(map(measure, words)) if words else most
                widest = max(widest, (most, -index))
                longest = max(longest, (least, -index))
            chosen.update((-widest[1], -longest[1]))
        return [self.rows[index] for index in sorted(chosen) if index >= 0]

    def _cell_pads(self) -> list[tuple[int, int]]:
        """Return each column's (left, right) padding of a cell, as Rich's Table._get_cells pads it."""
        table = self.table
        _, right, _, left = table.padding
        pads = []
        for index in range(len(table.columns)):
            first, last = index == 0, index == len(table.columns) - 1
            pad_left = max(0, left - right) if table.collapse_padding and not first else left
            pads.append((0 if first and not table.pad_edge else pad_left, 0 if last and not table.pad_edge else right))
        return pads

    def _natural_widths(self, room: int) -> list[int] | None:
        """Given the width the columns may take, return each column's width (padding included)
        when every cell is plain and the widest cells fit side by side: Rich then gives each
        column its widest cell's width (Table._calculate_column_widths, nothing to collapse).
        None when Rich must decide (a cell that is not plain, a header with markup, too wide)."""
        table = self.table
        if table.expand or table.min_width is not None or any(c.min_width or c.max_width for c in table.columns):
            return None
        widths = []
        for index, ((pad_left, pad_right), column) in enumerate(zip(self._cell_pads(), table.columns)):
            texts = list(dict.fromkeys(row[index][0] for row in self.rows))  # each distinct text measured once
            if table.show_header:
                if not isinstance(column.header, str) or "[" in column.header or ":" in column.header:
                    return None
                texts.append(column.header)
            most = 0
            for text in texts:
                if not _plain(text):
                    return None
                most = max(most, max(map(len, text.splitlines()), default=0))
            widths.append((most + pad_left + pad_right) or 1)
            if most + pad_left + pad_right >= room:  # Rich would clamp it to the room: let it
                return None
        return widths if sum(widths) <= room else None

    @staticmethod
    def _one_line(console, row: list, columns: list, edges, show_edge: bool, styles: dict) -> list | None:
        """Given a row whose cells have no spans, the columns (column, width, pads, style), the
        row's unstyled edges (left, right, divider; None without a box), whether the table has
        outer edges and the style cache, return the row's segments when every cell is plain text
        on one line that fits (most rows), else None: the unstyled text joined into one
        segment, each styled cell's text (and styled padding) a segment of its own, as the
        general path makes them."""
        from rich.segment import Segment

        out, text_run = [], [edges[0].text] if edges and show_edge else []
        for number, ((text, style, *_), (_, width, (pad_left, pad_right), column_style)) in enumerate(zip(row, columns)):
            content = width - pad_left - pad_right
            if content <= 0 or len(text) > content or "\n" in text or not _plain(text):
                return None
            if number and edges:
                text_run.append(edges[2].text)
            if (style, column_style) not in styles:
                styles[style, column_style] = column_style + console.get_style(style) if style else column_style
            paint = styles[style, column_style]
            padded = text + " " * (content - len(text))
            if not paint and not column_style:
                text_run.append(f"{' ' * pad_left}{padded}{' ' * pad_right}")
                continue
            for piece, piece_style in ((" " * pad_left, column_style), (padded, paint), (" " * pad_right, column_style)):
                if piece_style:
                    if text_run:
                        out.append(Segment("".join(text_run)))
                        text_run = []
                    out.append(Segment(piece, piece_style))
                else:
                    text_run.append(piece)
        if edges and show_edge:
            text_run.append(edges[1].text)
        if text_run:
            out.append(Segment("".join(text_run)))
        return [segment for segment in out if segment.text]

    def column_widths(self, console, options) -> list[int]:
        """Return each column's width (padding included) as Rich's Table sizes it at these
        options: the widest cells' when they fit side by side, else Rich's own sizing on a
        copy of the table holding only the cells that decide it."""
        from copy import copy

        table = self.table
        max_width = options.max_width if table.width is None else table.width
        if getattr(self, "_sized", (None,))[0] == (id(console), max_width):  # asked again by the same print
            return list(self._sized[1])
        widths = self._natural_widths(max_width - table._extra_width)
        if widths is None:
            sizing = copy(table)
            sizing.columns = [copy(column) for column in table.columns]
            for column in sizing.columns:
                column._cells = []
            for row in self._deciding_rows():
                sizing.add_row(*(_text(*cell) for cell in row))
            widths = sizing._calculate_column_widths(console, options.update_width(max_width - sizing._extra_width))
        self._sized = ((id(console), max_width), list(widths))
        return widths

    def __rich_console__(self, console, options):
        from rich.padding import Padding
        from rich.segment import Segment
        from rich.style import Style
        table = self.table
        if not self.rows or not table.columns or not self._copies_rich():
            yield self._with_rows(self.rows)
            return
        widths = self.column_widths(console, options)

        # The title, the top edge, the header and its rule: the table without rows at those
        # widths, less its last line (the bottom edge, which comes after the rows).
        top, _, bottom, _ = table.padding
        pads = self._cell_pads()
        for index, (column, width) in enumerate(zip(table.columns, widths)):
            column.width = width - table._get_padding_width(index)  # as Rich measures it
        try:
            head = list(Segment.split_lines(console.render(table, options)))
        finally:
            for column in table.columns:
                column.width = None
        box = table.box.substitute(options, safe=table.safe_box if table.safe_box is not None else console.safe_box) \
            if table.box else None
        for line in head[:-1] if box and table.show_edge else head:
            yield from line
            yield Segment.line()
        border = console.get_style(table.style or "") + console.get_style(table.border_style or "")

        new_line = Segment.line()
        columns = list(zip(table.columns, widths, pads, [console.get_style(c.style or "") for c in table.columns]))
        edges = [(Segment(box.head_left, border), Segment(box.head_right, border), Segment(box.head_vertical, border)),
                 (Segment(box.mid_left, border), Segment(box.mid_right, border), Segment(box.mid_vertical, border)),
                 (Segment(box.foot_left, border), Segment(box.foot_right, border), Segment(box.foot_vertical, border))] \
            if box else []
        styles: dict[tuple[str, Any], Any] = {}
        count = len(self.rows)
        for index, row in enumerate(self.rows):
            first = index == 0 and not table.show_header
            last = index == count - 1
            if not border and all(len(cell) == 2 or not cell[2] for cell in row):
                line = self._one_line(console, row, columns, edges[0 if first else (2 if last else 1)] if box else None,
                                      table.show_edge, styles)
                if line is not None:
                    yield from line
                    yield new_line
                    continue
            cells, plain = [], True
            for (text, style, *spans), (column, width, (pad_left, pad_right), column_style) in zip(row, columns):
                content = width - pad_left - pad_right
                overflow = column.overflow or "ellipsis"
                if spans and spans[0]:
                    if _plain(text) and content > 0 and not column.no_wrap and overflow != "ellipsis":
                        cells.append([[Segment(" " * pad_left, column_style), *_span_segments(
                            console, text, start, end, content, style, spans[0], column_style),
                            Segment(" " * pad_right, column_style)] for start, end in plain_pieces(text, content, overflow)])
                        continue
                elif _plain(text) and content > 0:
                    if (style, column_style) not in styles:
                        styles[style, column_style] = column_style + console.get_style(style) if style else column_style
                    paint, pad = styles[style, column_style], column_style
                    lines = plain_lines(text, content, column.overflow or "ellipsis", bool(column.no_wrap))
                    if paint or pad:
                        cells.append([[Segment(" " * pad_left, pad), Segment(line, paint), Segment(" " * pad_right, pad)]
                                      for line in lines])
                    else:  # unstyled: padding and text are one segment
                        cells.append([[Segment(f"{' ' * pad_left}{line}{' ' * pad_right}")] for line in lines])
                    continue
                plain = False  # any other cell: as Rich's Table renders it
                cells.append(console.render_lines(
                    Padding(_text(text, style, *spans), (top, pad_right, bottom, pad_left)),
                    options.update(width=width, justify=column.justify, no_wrap=column.no_wrap,
                                   overflow=column.overflow, height=None, highlight=column.highlight),
                    style=column_style))
            height = max(len(cell) for cell in cells)
            for cell, (_, width, _, column_style) in zip(cells, columns):
                cell.extend([[Segment(" " * width, column_style)]] * (height - len(cell)))
            if box:
                left_edge, right_edge, divider = edges[0 if first else (2 if last else 1)]
            for line in range(height):
                parts = [left_edge] if box and table.show_edge else []
                for number, cell in enumerate(cells):
                    if number and box:
                        parts.append(divider)
                    parts.extend(cell[line])
                if box and table.show_edge:
                    parts.append(right_edge)
                yield from _joined(parts, plain)
                yield new_line
        if box and table.show_edge:
            yield Segment(box.get_bottom(widths), border)
            yield new_line


class PlainLine:
    """A Rich Text of one style, drawn as Rich draws it but without its wrapping machinery when
    it is plain and fits on one line (the one segment and the line end Rich would make)."""

    def __init__(self, text: str, style: str = ""):
        self.text, self.style = text, style

    def _rich_text(self):
        from rich.text import Text

        return Text(self.text, style=self.style)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement.get(console, options, self._rich_text())

    @staticmethod
    def fits(text: str, options) -> bool:
        """Return whether Rich draws this text (of one style) at these options as the text
        itself on one line: plain, without line breaks, as wide as the room at most, not blank,
        no trailing spaces (Rich would drop them) and justified as the default does."""
        return (_plain(text) and "\n" not in text and len(text) <= options.max_width and bool(text.strip())
                and options.justify in (None, "default") and text == text.rstrip())

    def __rich_console__(self, console, options):
        from rich.segment import Segment

        text = self.text
        if not self.fits(text, options):
            yield self._rich_text()
            return
        yield Segment(text, console.get_style(self.style) if self.style else None)
        yield Segment.line()
