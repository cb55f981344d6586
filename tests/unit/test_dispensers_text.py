"""`wosync dispensers` drawn straight to text (wosync/render/dispensers_text.py) against Rich's own
drawing of the same locations: byte for byte, in colour and plain, at widths 20-300, on
ordinary and fuzzed text (wide characters, ZWJ sequences, combining marks, markup, long words,
runs of spaces, numbers and missing values where text is expected).

Rich's own drawing is each location as the command printed it before: its title a bold Text, a
Table.grid of Rich Texts (the dispenser's block with its spans) and a dim count line, or a grey
note; one console.print each, a blank line between two.
"""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console, Group
from rich.table import Table
from rich.text import Span, Text

from wosync.render.dispensers import dispenser_rows, location_dispensers, location_lines, parts_rows
from wosync.render.dispensers_text import listing_text, print_locations
from wosync.render.fast_table import _plain, plain_pieces

WORDS = ["Regular", "Plus", "Premium", "Diesel", "Gilbarco", "Encore", "Wayne", "Ovation", "SN60372", "1/2", "3/4",
         "Meter Type", "Electronic", "Stand Alone Code", "0128", "Number of Nozzles (per side)", "Wawa", "#5154",
         "Main St", "Tampa", "W-129651", "José", "Núñez", "Straße", "Ärger", "·", "Ω"]
ODD = ["—", "…", "株式会社", "ガソリン", "⛽", "👩‍👩‍👧", "e\u0301", "[bold]x[/bold]", "[red]", "\u200b", "ﾊﾝｶｸ", "🇺🇸",
       "x" * 70, "Supercalifragilisticexpialidocious" * 3, "a\tb", "  ", "\u00ad"]


def _words(rng: random.Random, odd: float, most: int = 6) -> str:
    """Return a few words, some of them odd (wide, joined, combining, markup, very long)."""
    words = [rng.choice(ODD) if rng.random() < odd else rng.choice(WORDS) for _ in range(rng.randint(1, most))]
    return rng.choice([" ", "  ", " · ", ", "]).join(words)


def _value(rng: random.Random, odd: float):
    """Return what a stored field may hold: text mostly, sometimes nothing, a number or a flag."""
    roll = rng.random()
    if roll < 0.08:
        return None
    if roll < 0.12:
        return ""
    if roll < 0.16:
        return rng.choice([3, 0, 2.5, True])
    return _words(rng, odd, 4)


def _dispenser(rng: random.Random, odd: float) -> dict:
    grades = [_words(rng, odd, 2) for _ in range(rng.randint(0, 5))]
    fields = {_words(rng, odd, 3): _value(rng, odd) for _ in range(rng.randint(0, 4))}
    if grades and rng.random() < 0.5:  # the Grade field repeating the grades is left out
        fields["Grade"] = ", ".join(grades)
    position = rng.choice(["1/2", "13/14", "", "A", _words(rng, odd, 2), "Island 3 north side pump 13/14"])
    return {"position": position, "grades": grades,
            "make": _value(rng, odd), "model": _value(rng, odd), "serial": _value(rng, odd), "fields": fields}


def _location(rng: random.Random, odd: float, number: int) -> dict:
    kind = rng.random()
    checked = None if kind < 0.1 else "2026-04-10T08:00:00Z"
    dispensers = [] if kind < 0.2 else [_dispenser(rng, odd) for _ in range(rng.randint(1, 8))]
    orders = [f"W-{129000 + rng.randint(0, 999)}" for _ in range(rng.randint(0, 7))]
    return {"location_id": 30000 + number, "customer": _value(rng, odd), "store_number": _value(rng, odd),
            "street": _value(rng, odd), "city": _value(rng, odd), "orders": orders,
            "equipment_checked_at": checked, "dispensers": dispensers}


def locations(seed: int, count: int, odd: float) -> list[dict]:
    """Return `count` random locations (a share `odd` of their words odd)."""
    rng = random.Random(seed)
    return [_location(rng, odd, n) for n in range(count)]


def test_the_fuzzed_text_is_mostly_plain():
    """Most fuzzed locations go the way drawn here, not Rich's (else the tests above prove little)."""
    shown = locations(1, 200, odd=0.0)
    plain = [loc for loc in shown if loc["dispensers"] and _plain("\n".join(
        "\n".join(cell[0] for cell in row) for row in dispenser_rows(loc["dispensers"])))]
    assert len(plain) > len(shown) * 0.6


def console(width: int, colour: str | None, no_color: bool = False) -> Console:
    """Return a console drawing into a string, as the command's: colours of that system or none."""
    return Console(file=io.StringIO(), width=width, force_terminal=colour is not None, color_system=colour,
                   highlight=False, no_color=no_color, legacy_windows=False)


def rich_location(location: dict):
    """Return a location as Rich itself draws it: Texts and a Table.grid of Texts, no shortcut."""
    title, note, parts, count = location_lines(location, location["dispensers"])
    if note:
        return Group(Text(title, style="bold"), Text(note, style="grey50"))
    grid = Table.grid(padding=(0, 2), pad_edge=True)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for (position, _), (block, _, spans) in parts_rows(parts):
        grid.add_row(Text(position), Text(block, spans=[Span(*span) for span in spans]))
    return Group(Text(title, style="bold"), grid, Text(count, style="dim"))


def printed(out: Console, shown: list[dict], draw) -> str:
    """Return what printing each location drawn by `draw` writes, a blank line between two."""
    with out.capture() as capture:
        for index, location in enumerate(shown):
            if index:
                out.print()
            out.print(draw(location))
    return capture.get()


def drawn(out: Console, shown: list[dict]) -> str:
    return "".join(listing_text(out, shown))


def first_difference(want: str, got: str) -> str:
    """Return the first differing line of two outputs, for the failure message."""
    for number, (a, b) in enumerate(zip(want.splitlines(), got.splitlines())):
        if a != b:
            return f"line {number}: Rich {a!r}\n        here {b!r}"
    return f"lengths differ: {len(want)} and {len(got)}"


COLOURS = [None, "standard", "256", "truecolor"]


@pytest.mark.parametrize("colour", [None, "truecolor"])
@pytest.mark.parametrize("width", [20, 37, 60, 80, 120, 200, 300])
def test_ordinary_locations_are_drawn_as_rich_draws_them(width, colour):
    shown = locations(width, 30, odd=0.0)
    out = console(width, colour)
    want = printed(out, shown, rich_location)
    got = drawn(out, shown)
    assert got == want, first_difference(want, got)


@pytest.mark.parametrize("colour", ["standard", "256"])
def test_other_colour_systems_and_no_color(colour):
    for no_color in (False, True):
        shown = locations(3, 30, odd=0.0)
        out = console(80, colour, no_color=no_color)
        want = printed(out, shown, rich_location)
        assert drawn(out, shown) == want


@pytest.mark.parametrize("seed", range(16))
def test_fuzzed_locations_are_drawn_as_rich_draws_them(seed):
    rng = random.Random(seed)
    width = rng.choice([20, 21, 29, 40, 53, 80, 97, 120, 161, 200, 257, 300])
    out = console(width, rng.choice(COLOURS), no_color=rng.random() < 0.2)
    shown = locations(seed + 1000, 25, odd=rng.choice([0.0, 0.01, 0.03, 0.2]))
    want = printed(out, shown, rich_location)
    got = drawn(out, shown)
    assert got == want, first_difference(want, got)
    # And as the listing printed each location's FastTable group before it was drawn here.
    assert got == printed(out, shown, lambda loc: location_dispensers(loc, loc["dispensers"]))


def test_printed_in_parts_as_one_print_per_location(monkeypatch):
    monkeypatch.setattr("wosync.render.dispensers_text._WRITE_SIZE", 2000)  # several parts
    shown = locations(7, 60, odd=0.1)
    for colour in (None, "truecolor"):
        out = console(97, colour)
        want = printed(out, shown, rich_location)
        with out.capture() as capture:
            print_locations(out, shown)
        assert capture.get() == want


def test_a_lone_long_line_is_broken_as_rich_breaks_a_text():
    rng = random.Random(5)
    for _ in range(3000):
        width = rng.randint(20, 120)
        words = " ".join(rng.choice(WORDS + ["x" * rng.randint(1, 150)]) for _ in range(rng.randint(1, 30)))
        text = " " * rng.choice([0, 0, 2, 5]) + words + " " * rng.choice([0, 0, 0, 1, 3])
        out = console(width, "truecolor")
        with out.capture() as capture:
            out.print(Group(Text(text, style="bold")))
        want = capture.get()
        from wosync.render.dispensers_text import _Drawing

        assert _Drawing(out).line(text, "bold") == want, (width, text)


def test_lines_that_fit_are_pieces_of_their_own():
    rng = random.Random(3)
    for _ in range(2000):
        width = rng.randint(1, 60)
        text = "\n".join(_words(rng, 0.0, 8) for _ in range(rng.randint(1, 4)))
        if not _plain(text):  # "—" and "…" are not one cell to Rich: such text is not wrapped here
            continue
        want, base = [], 0
        for line in text.split("\n"):  # Rich's rule on every line, the shortcut not taken
            from wosync.render.fast_table import divide_line

            offsets = divide_line(line, width)
            for start, end in zip([0, *offsets], [*offsets, len(line)]):
                if end - start > width:
                    end -= min(len(line[start:end]) - len(line[start:end].rstrip()), end - start - width)
                want.append((base + start, base + min(end, start + width)))
            base += len(line) + 1
        assert plain_pieces(text, width, "fold") == want, (width, text)


def test_rows_are_the_blocks_a_rich_text_would_hold():
    rows = dispenser_rows([{"position": "1/2", "grades": ["Regular", "Plus"], "make": "Wayne", "model": None,
                            "serial": "SN1", "fields": {"Grade": "Regular, Plus", "Meter Type": "Electronic"}}])
    assert rows == [[("1/2", ""), ("Wayne (no model) · S/N SN1\nRegular, Plus\nMeter Type: Electronic", "",
                                   [(5, 16, "grey50"), (41, 63, "dim")])]]


def test_a_rich_without_the_private_encoder_prints_the_same(monkeypatch):
    """The style codes come from Console._render_buffer, a private method: a Rich release
    without it must still print the listing (each location through Rich), the same text."""
    shown = locations(11, 20, odd=0.05)
    out = console(80, "truecolor")
    want = printed(out, shown, rich_location)
    monkeypatch.setattr("wosync.render.dispensers_text.encoder_available", lambda console: False)
    with out.capture() as capture:
        print_locations(out, shown)
    assert capture.get() == want
