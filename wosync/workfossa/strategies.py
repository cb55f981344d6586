"""Which way each field of a page was found: the primary selector or the text-pattern fallback.

The parsers (workfossa/parse.py for work rows, workfossa/equipment.py for dispensers) read
every field one primary way (a selector of workfossa/site.py) and at most one fallback (a text
pattern of site.py). A field that needed its fallback still read right, but it tells that the
site's markup moved: FieldStrategies counts, per field, how many rows (or dispensers) needed it,
so a sync can record the figure and `doctor --site` can show it.

    strategies = FieldStrategies()
    orders = parse_rows(html, base, strategies)
    strategies.fallback_fields()   # {"items": 44} when no item group had its utility classes
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FieldStrategies:
    """Counts of one or more parses: `read` rows (or dispensers) read, `fallback` {field: how
    many of them needed the fallback to find it}."""

    read: int = 0
    fallback: Counter = field(default_factory=Counter)

    def add_row(self, fallbacks: set[str] | list[str]) -> None:
        """Given the fields one row needed the fallback for, count the row."""
        self.read += 1
        self.fallback.update(fallbacks)

    def merge(self, other: "FieldStrategies") -> None:
        """Add another parse's counts to these."""
        self.read += other.read
        self.fallback.update(other.fallback)

    def fallback_fields(self) -> dict[str, int]:
        """Return {field: rows that needed its fallback}, sorted by field; {} when none did."""
        return {name: self.fallback[name] for name in sorted(self.fallback) if self.fallback[name]}
