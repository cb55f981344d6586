"""Pure: the texts wosync sends, each as plain text or Markdown and within a length cap.

- `digest_message`: a run's classic digest (new / updated / completed orders with their changed
  fields), what a target without rules gets after every run with changes;
- `rules_digest`: the changes a target with rules gets, grouped by what they mean for the
  schedule (wosync.change_kinds: rescheduled, swapped, ... with urgent ones marked), for one
  run, for its urgent changes only, or for every run since a daily digest;
- `sample_digest`: what `notify test` sends, built from a target's kinds;
- `failure_message`: the failing / reminder / recovered alerts.

A body that would pass its cap (wosync.notify_rules.body_cap) lists as many entries as fit and
ends with "... and N more: wosync changes --run ID".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from wosync.change_kinds import KINDS, ScheduleChange
from wosync.clock import local_text
from wosync.model import RunStatus
from wosync.notify_rules import FAILURES, TargetRules, fit_body, selects

# A first sync can find hundreds of orders: the body lists this many, then points to the CLI.
MAX_LISTED_ORDERS = 50
MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class Message:
    """One notification: its kind (digest | urgent | daily | failing | reminder | recovered |
    test), title and body, and the body's form ("text" or "markdown", Apprise's body_format)."""

    kind: str
    title: str
    body: str
    body_format: str = "text"


@dataclass(frozen=True)
class Item:
    """One classified change of a run, as a digest lists it: the run, the entry and the names
    of the fields it changed."""

    run_id: int  # "ID" in the sample of `notify test`
    entry: ScheduleChange
    fields: tuple[str, ...] = ()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~|\[\]])")
# Characters that mean something only at the start of a line (a heading, a quote, a list).
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+\.)", re.MULTILINE)


def md(text: str) -> str:
    """Given plain text, return it with what Markdown would read as markup escaped."""
    def line_start(match: re.Match) -> str:
        mark = match[2]
        return match[1] + (mark[:-1] + "\\." if mark.endswith(".") else "\\" + mark)

    return _MARKDOWN_LINE_START.sub(line_start, _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


# --------------------------------------------------------------------------- the classic digest


# A location's dispenser changes (wosync.equipment): number "L-<location_id>", one per dispenser.
DISPENSER_SECTIONS = {"dispenser_added": "Dispensers added", "dispenser_updated": "Dispensers changed",
                      "dispenser_removed": "Dispensers removed"}


def _count_kinds(changes: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"new": 0, "updated": 0, "reopened": 0, "completed": 0}
    for change in changes:
        counts[change["kind"]] = counts.get(change["kind"], 0) + 1
    return counts


def _value_text(value: Any) -> str:
    """Given a field value, return it short and on one line ("empty" for None)."""
    if value is None or value == "" or value == []:
        return "empty"
    if isinstance(value, list):  # items: "2 x All Dispensers (2861)"
        parts = []
        for item in value:
            if isinstance(item, dict):
                parts.append(f"{item.get('quantity')} x {item.get('name')} ({item.get('code')})")
            else:
                parts.append(str(item))
        text = "; ".join(parts)
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 3] + "..."


def _order_line(change: dict[str, Any]) -> str:
    """Given a change row, return "W-129651  Speedy Fuel #12345, next visit 2026-12-01"."""
    where = " ".join(part for part in (change.get("customer"), change.get("store_number")) if part)
    visit = change.get("next_visit_date")
    details = ", ".join(part for part in (where, f"next visit {visit}" if visit else "no next visit") if part)
    return f"{change['number']}  {details}"


def _more_line(count: int, run_id: Any, cap: int | None, form: str) -> str:
    """Given how many entries are left out, the run to look at, the cap and the form, return
    the closing line (after a blank one) that points to the CLI."""
    if cap is None and form == "text":  # the wording digests always had
        return f"\n... and {count} more: run `wosync changes --run {run_id}`."
    command = f"wosync changes --run {run_id}"
    return f"\n... and {count} more: " + (f"`{command}`" if form == "markdown" else command)


def digest_message(run: dict[str, Any], changes: list[dict[str, Any]], cap: int | None = None,
                   form: str = "text") -> Message | None:
    """Given a finished run, its change rows (store.list_changes), a body cap (None: none) and
    the form, return its classic digest, or None when the run changed nothing."""
    if not changes:
        return None
    counts = _count_kinds(changes)
    reopened = f", {counts['reopened']} reopened" if counts["reopened"] else ""
    title = f"wosync: {counts['new']} new, {counts['updated']} updated{reopened}, {counts['completed']} completed"
    if counts.get("removed"):  # orders off the technician's work without being completed
        title += f", {counts['removed']} removed"
    equipment = sum(1 for c in changes if c["kind"] in DISPENSER_SECTIONS)
    if equipment:
        title += f", {equipment} dispenser change{'s' if equipment != 1 else ''}"
    plain = form != "markdown"
    escape = (lambda text: text) if plain else md
    head = [escape(f"Account {run['account']}, sync #{run['id']} at "
                   f"{local_text(run.get('completed_at') or run['started_at'])}.")]
    if run["status"] != RunStatus.SUCCESS and run.get("error_message"):
        head.append(escape(f"The run was {run['status']}: {run['error_message']}"))
    sections = (("new", "New"), ("updated", "Updated"), ("reopened", "Reopened"), ("completed", "Completed"),
                ("removed", "Removed (reassigned or cancelled)"),
                *DISPENSER_SECTIONS.items())
    blocks = []
    for kind, heading in sections:
        rows = [c for c in changes if c["kind"] == kind]
        for index, change in enumerate(rows):
            if len(blocks) >= MAX_LISTED_ORDERS:
                break
            lines = ["", f"{heading}:" if plain else f"**{heading}**"] if index == 0 else []
            lines.append(f"- {escape(_order_line(change))}")
            for name, (old, new) in (change.get("fields") or {}).items():
                if kind in ("dispenser_added", "dispenser_removed"):  # the dispenser, on one side
                    text = f"{name}: {_value_text(new if old is None else old)}"
                else:
                    text = f"{name}: {_value_text(old)} -> {_value_text(new)}"
                lines.append(f"    {text}" if plain else f"  - {md(text)}")
            blocks.append("\n".join(lines))
    body = fit_body("\n".join(head), blocks, len(changes), cap, lambda n: _more_line(n, run["id"], cap, form))
    return Message("digest", title, body, "text" if plain else "markdown")


# --------------------------------------------------------------------------- digests by schedule kind


_COUNT_WORDS = {"rescheduled": ("rescheduled", "rescheduled"), "swapped": ("swapped", "swapped"),
                "replaced": ("replaced", "replaced"), "visit_added": ("visit added", "visits added"),
                "visit_removed": ("visit removed", "visits removed"), "details": ("other change", "other changes")}
_HEADINGS = {"rescheduled": "Rescheduled", "swapped": "Swapped", "replaced": "Replaced",
             "visit_added": "Visits added", "visit_removed": "Visits removed", "details": "Other changes"}


def ordered(items: Sequence[Item]) -> list[Item]:
    """Given items, return them by kind (change_kinds.KINDS order), urgent ones first within a
    kind, else in the runs' order."""
    rank = {kind: index for index, kind in enumerate(KINDS)}
    return sorted(items, key=lambda item: (rank.get(item.entry.kind, len(rank)), not item.entry.urgent))


def counts_text(items: Sequence[Item]) -> str:
    """Given items, return "2 rescheduled, 1 visit added" in KINDS order."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.entry.kind] = counts.get(item.entry.kind, 0) + 1
    return ", ".join(f"{counts[kind]} {_COUNT_WORDS[kind][counts[kind] != 1]}" for kind in KINDS if kind in counts)


def _when_text(entry: ScheduleChange) -> str:
    """Given an entry, return what happened to its visit: "2026-12-03 -> 2026-11-30", "on D"..."""
    if entry.kind in ("rescheduled", "swapped"):
        return f"{entry.old_date} -> {entry.new_date}"
    if entry.new_date and (entry.kind in ("visit_added", "replaced") and entry.old_date != entry.new_date):
        return f"on {entry.new_date}"
    if entry.old_date and entry.kind in ("visit_removed", "replaced"):
        gone = {"completed": " (completed)", "removed": " (removed: reassigned or cancelled)"}
        return f"was on {entry.old_date}" + gone.get(entry.change, "")
    return f"next visit {entry.new_date}" if entry.new_date else "no visit"


def entry_text(item: Item) -> tuple[str, str]:
    """Given an item, return its line without the urgent mark, and the urgent mark ("" when
    it is not urgent), as plain text."""
    entry = item.entry
    where = " ".join(part for part in (entry.customer, entry.store_number) if part)
    parts = [part for part in (where, entry.city) if part]
    text = f"{entry.number}  {', '.join(parts)}: {_when_text(entry)}" if parts else f"{entry.number}: {_when_text(entry)}"
    if entry.dispensers is not None:
        text += f", {_plural(entry.dispensers, 'dispenser')}"
    if entry.partner:
        if entry.kind == "swapped":
            text += f", swapped with {entry.partner}"
        elif entry.kind == "replaced":
            text += f", replaced by {entry.partner}" if entry.new_date is None else f", in place of {entry.partner}"
    if entry.kind == "details" and item.fields:
        shown = ", ".join(item.fields[:5]) + (", ..." if len(item.fields) > 5 else "")
        text += f" ({shown} changed)"
    mark = f"URGENT: {', '.join(entry.reasons)}" if entry.urgent else ""
    return text, mark


def _blocks(items: Sequence[Item], form: str) -> list[str]:
    """Given ordered items and the form, return one block per item, each kind's first with
    its heading."""
    blocks, kind = [], None
    for item in items:
        lines = []
        if item.entry.kind != kind:
            kind = item.entry.kind
            heading = _HEADINGS.get(kind, kind)
            lines += ["", f"{heading}:" if form == "text" else f"**{heading}**"]
        text, mark = entry_text(item)
        if form == "text":
            lines.append(f"- {text}" + (f"  {mark}" if mark else ""))
        else:
            number, _, rest = text.partition(" ")
            lines.append(f"- **{md(number)}** {md(rest.strip())}" + (f" **{md(mark)}**" if mark else ""))
        blocks.append("\n".join(lines))
    return blocks


def _rules_more(items: Sequence[Item], form: str) -> Any:
    """Given the ordered items, return more(n): the closing line naming the run(s) of the last
    n items, left out."""

    def more(count: int) -> str:
        runs = sorted({item.run_id for item in items[-count:]})
        command = f"wosync changes --run {runs[0]}"
        text = f"`{command}`" if form == "markdown" else command
        if len(runs) > 1:
            text += f" (to --run {runs[-1]})"
        return f"\n... and {count} more: {text}"

    return more


def rules_digest(kind: str, items: Sequence[Item], head: str, cap: int | None, form: str) -> Message | None:
    """Given the message kind (digest: one run; urgent: a run's urgent changes; daily: every
    run since the last digest), the target's items, the head line(s) (plain text), the cap and
    the form, return the digest, or None when there is no item."""
    if not items:
        return None
    items = ordered(items)
    urgent = sum(1 for item in items if item.entry.urgent)
    counted = counts_text(items)
    if kind == "urgent":
        title = f"wosync: urgent: {counted}"
    elif kind == "daily":
        title = f"wosync daily digest: {counted}" + (f" ({urgent} urgent)" if urgent else "")
    else:
        title = f"wosync: {counted}" + (f" ({urgent} urgent)" if urgent else "")
    body = fit_body(head if form == "text" else md(head), _blocks(items, form), len(items), cap, _rules_more(items, form))
    return Message(kind, title, body, form)


def run_head(run: dict[str, Any]) -> str:
    """Given a finished run, return the head of its digest: account, sync number and time (and
    why it was not a success)."""
    head = f"Account {run['account']}, sync #{run['id']} at {local_text(run.get('completed_at') or run['started_at'])}."
    if run["status"] != RunStatus.SUCCESS and run.get("error_message"):
        head += f"\nThe run was {run['status']}: {run['error_message']}"
    return head


def daily_head(runs: Sequence[dict[str, Any]], since: str | None) -> str:
    """Given the runs a daily digest covers (oldest first) and when the last digest went out,
    return its head."""
    numbers = f"#{runs[0]['id']}" if len(runs) == 1 else f"#{runs[0]['id']} to #{runs[-1]['id']}"
    accounts = ", ".join(dict.fromkeys(run["account"] for run in runs))
    start = f" since {local_text(since)}" if since else ""
    return f"Every change{start}: {_plural(len(runs), 'sync')} ({numbers}) of {accounts}."


# --------------------------------------------------------------------------- notify test


_SAMPLES = (
    ScheduleChange("W-100001", "updated", "rescheduled", "Speedy Fuel", "#12345", "Springfield", "2026-12-03",
                   "2026-11-30", 4, reasons=["tomorrow"]),
    ScheduleChange("W-100002", "updated", "swapped", "Quick Stop", "#204", "Riverton", "2026-12-04", "2026-12-07",
                   6, partner="W-100003"),
    ScheduleChange("W-100004", "completed", "replaced", "Quick Stop", "#311", "Riverton", "2026-12-05", None, 2,
                   partner="W-100005"),
    ScheduleChange("W-100006", "new", "visit_added", "Speedy Fuel", "#12377", "Lakeside", None, "2026-12-09", 8),
    ScheduleChange("W-100007", "completed", "visit_removed", "Fuel Mart", "#88", "Hillview", "2026-12-02", None, 4),
    ScheduleChange("W-100008", "updated", "details", "Fuel Mart", "#90", "Hillview", "2026-12-10", "2026-12-10", 3),
)


def sample_digest(rules: TargetRules, cap: int | None, form: str) -> Message:
    """Given a target's rules, its cap and form, return the test message: a sample digest of
    the kinds it gets (or a line saying it gets only failure alerts), within the cap."""
    head = ("This is a test from `wosync notify test`: a sample digest of the kinds of changes this "
            "target gets (made-up orders).")
    if rules.only is not None and FAILURES in rules.only:
        head += " Failure alerts come here too."
    sample_rules = TargetRules(only=rules.only)  # its kinds; the made-up stores need not match
    items = [Item("ID", entry, ("instructions",) if entry.kind == "details" else ()) for entry in _SAMPLES
             if selects(sample_rules, entry)]
    if not items:
        text = head.replace("a sample digest of the kinds of changes this target gets (made-up orders)",
                            "this target gets failure alerts only")
        return Message("test", "wosync: test notification", text if form == "text" else md(text), form)
    message = rules_digest("test", items, head, cap, form)
    return Message("test", "wosync: test notification", message.body, form)


# --------------------------------------------------------------------------- failure alerts


def failure_message(kind: str, run: dict[str, Any], failing_since: str | None) -> Message:
    """Given the alert kind (failing | reminder | recovered), the run and when the streak began,
    return the alert."""
    account = run["account"]
    since = local_text(failing_since) if failing_since else local_text(run["started_at"])
    if kind == "recovered":
        return Message(
            kind, f"wosync: sync recovered for {account}",
            f"The sync of {account} succeeded again at {local_text(run.get('completed_at') or run['started_at'])} "
            f"(sync #{run['id']}); it had been failing since {since}.",
        )
    reason = run.get("error_message") or run.get("error_kind") or run["status"]
    title = f"wosync: sync failing for {account}" if kind == "failing" else f"wosync: still failing for {account}"
    body = (
        f"The sync of {account} has been failing since {since}.\n"
        f"Last attempt (sync #{run['id']}, {run['status']}): {reason}\n"
        "See `wosync history --failed` and `wosync doctor`. You will get one reminder a day "
        "while it keeps failing, and a message when it recovers."
    )
    return Message(kind, title, body)
