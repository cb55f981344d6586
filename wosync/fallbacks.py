"""The fields a run read by their text fallback on most rows: what a sync records, `history`
shows and `doctor --site` explains (with the selector and pattern of each field:
wosync/workfossa/site.py `fallback_of`).

The parsers count, per field, the rows (or dispensers) whose primary selector found nothing
and whose text-pattern fallback read the value (workfossa/strategies.py). The data still read
right, but the site's markup moved under that field: a further change may lose it. A run
records the fields that needed the fallback on more than half of the rows read, as
{field: rows} in `runs.fallback_fields` (JSON); dispenser fields are named "dispenser.<field>".

    most_rows({"items": 250, "city": 1}, 250)            # {"items": 250}
    history_line({"id": 12, "fallback_fields": {...}})   # "run 12 read 2 fields by their fallback: items, reason"
"""

from __future__ import annotations

import json
from typing import Any

DISPENSER_PREFIX = "dispenser."


def most_rows(counts: dict[str, int], read: int, prefix: str = "") -> dict[str, int]:
    """Given {field: rows that needed its fallback}, the rows read and a name prefix, return
    the fields that needed it on more than half of them, {prefix + field: rows}, by name."""
    if read <= 0:
        return {}
    return {prefix + name: rows for name, rows in sorted(counts.items()) if rows * 2 > read}


def encode(fields: dict[str, int] | None) -> str | None:
    """Given {field: rows}, return the JSON text stored in runs.fallback_fields (None when empty)."""
    return json.dumps(fields, sort_keys=True) if fields else None


def decode(text: Any) -> dict[str, int]:
    """Given runs.fallback_fields as stored (JSON text, NULL, or already a dict), return
    {field: rows} ({} for NULL or text that is no JSON object)."""
    if isinstance(text, dict):
        return dict(text)
    if not text:
        return {}
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def history_line(run: dict[str, Any]) -> str | None:
    """Given a run record, return "run 12 read 2 fields by their fallback: items, address"
    (None when it read every field by its selector)."""
    fields = decode(run.get("fallback_fields"))
    if not fields:
        return None
    noun = "field" if len(fields) == 1 else "fields"
    return f"run {run.get('id')} read {len(fields)} {noun} by their fallback: {', '.join(fields)}"


def history_lines(runs: list[dict[str, Any]]) -> list[str]:
    """Given run records (newest first), return the lines `history` prints under its table:
    one per set of fields read by their fallback, the runs that share it named together
    ("runs 12, 11 read 2 fields by their fallback: items, reason"); [] when none did."""
    groups: dict[tuple[str, ...], list[Any]] = {}
    for run in runs:
        fields = tuple(decode(run.get("fallback_fields")))
        if fields:
            groups.setdefault(fields, []).append(run.get("id"))
    lines = []
    for fields, ids in groups.items():
        line = history_line({"id": ids[0], "fallback_fields": dict.fromkeys(fields, 1)})
        if len(ids) > 1:
            line = line.replace(f"run {ids[0]} ", f"runs {', '.join(map(str, ids))} ", 1)
        lines.append(line)
    return lines
