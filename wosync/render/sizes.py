"""Byte counts as people read them ("1.9 MB", "212 kB", "880 B"; "-" when not counted)."""

from __future__ import annotations


def size_text(count: int | None) -> str:
    """Given a byte count (None: not counted), return it in B, kB or MB (decimal units, as a
    phone's data plan counts them)."""
    if count is None:
        return "-"
    if count < 1000:
        return f"{count} B"
    if count < 1_000_000:
        return f"{count / 1000:.0f} kB"
    return f"{count / 1_000_000:.1f} MB"
