"""Which message each notification target gets, by its rules (wosync.notify_rules).

- after a run (`run_digests`): a target without rules gets the classic digest; one with rules
  and `--digest immediate` a digest of the changes it selects, grouped by schedule kind; one on
  a daily digest only the run's urgent changes, and only with `--urgent-now`;
- failure alerts (`alert_sends`) go to the targets whose `--only` names failures (or that have
  no --only);
- the daemon's periodic check (`send_due_digests`, the clock passed in) sends each daily
  digest that is due: every selected change of the runs finished since that target's last
  digest, in one message, then records when it went out.

Every body is cut to the target's cap and given in the form its service takes. This module
decides and reads the store; wosync.notify sends.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wosync.change_kinds import classify
from wosync.clock import from_iso
from wosync.notify_messages import Item, Message, daily_head, digest_message, rules_digest, run_head
from wosync.notify_rules import (SCHEME_CAPS, IMMEDIATE, TargetRules, body_cap, body_form, cut_text, daily_digest_due,
                                 rules_from_record, selects)

log = logging.getLogger("wosync.notify")


@dataclass(frozen=True)
class Target:
    """A stored notification target with its rules, body cap (None: none) and form."""

    id: int
    url: str
    rules: TargetRules
    cap: int | None
    form: str
    created_at: datetime
    last_digest_at: datetime | None
    digest_attempt_at: datetime | None

    def fitted(self, message: Message) -> Message:
        """Given a short message (an alert), return it cut to this target's cap, as plain text."""
        return replace(message, body=cut_text(message.body, self.cap), body_format="text")


def _service_max(url: str) -> int | None:
    """Given a URL whose scheme wosync has no cap for, return what Apprise says its service
    takes (None when unknown)."""
    from wosync.notify import apprise_plugin

    plugin = apprise_plugin(url)
    value = getattr(plugin, "body_maxlen", None) if plugin is not None else None
    return value if isinstance(value, int) and value > 0 else None


def load_targets(store: Any) -> list[Target]:
    """Given the store, return every notification target with its rules, cap and form."""
    targets = []
    for row in store.list_notification_targets():
        rules = rules_from_record(row.get("rules"))
        url = row["url"]
        scheme = url.partition("://")[0].lower()
        known = rules.max_length is not None or scheme in SCHEME_CAPS
        targets.append(Target(
            id=row["id"], url=url, rules=rules, cap=body_cap(url, rules.max_length, None if known else _service_max(url)),
            form=body_form(url), created_at=from_iso(row["created_at"]),
            last_digest_at=from_iso(row.get("last_digest_at")), digest_attempt_at=from_iso(row.get("digest_attempt_at")),
        ))
    return targets


def classify_run(store: Any, run: dict[str, Any], now: datetime, rows: list[dict[str, Any]] | None = None) -> list[Item]:
    """Given the store, a finished run, now and its change rows (read when None), return one
    Item per change, classified against the store as it is now (today in the account's zone)."""
    from wosync.calendar import zone_for

    rows = store.list_changes(run["id"]) if rows is None else rows
    if not rows:
        return []
    account = run["account"]
    places = store.order_places(account, [row["number"] for row in rows])
    visit_counts = store.visit_day_counts(account)
    dispensers = {lid: n for (_, lid), n in store.dispenser_counts(account).items()}
    today = now.astimezone(ZoneInfo(zone_for(store, account))).date()
    nowhere = {"city": None, "location_id": None, "completed_at": None}  # a location's row, a purged order
    described = [{**row, **places.get(row["number"], nowhere)} for row in rows]
    entries = classify(described, today, visit_counts, dispensers)
    return [Item(run["id"], entry, tuple((row.get("fields") or {}).keys())) for entry, row in zip(entries, rows)]


def run_digests(store: Any, run: dict[str, Any], now: datetime) -> list[tuple[str, int, Message]]:
    """Given the store, a finished run and now, return the (URL, target id, message) to send
    for its changes: one per target that gets something now (none when nothing changed)."""
    rows = store.list_changes(run["id"])
    if not rows:
        return []
    items: list[Item] | None = None
    sends = []
    for target in load_targets(store):
        rules = target.rules
        if not rules.wants_changes:
            continue
        if rules.changes_as_before:
            message = digest_message(run, rows, target.cap, target.form)
        else:
            if items is None:
                items = classify_run(store, run, now, rows)
            chosen = [item for item in items if selects(rules, item.entry)]
            if rules.digest == IMMEDIATE:
                message = rules_digest("digest", chosen, run_head(run), target.cap, target.form)
            elif rules.urgent_now:
                head = run_head(run) + (f"\nUrgent changes, sent at once; the daily digest at {rules.at} "
                                        "holds every change.")
                message = rules_digest("urgent", [item for item in chosen if item.entry.urgent], head,
                                       target.cap, target.form)
            else:
                message = None
        if message is not None:
            sends.append((target.url, target.id, message))
    return sends


def alert_sends(store: Any, message: Message) -> list[tuple[str, int, Message]]:
    """Given the store and a failure alert, return the (URL, target id, message) to send: to
    each target that gets failure alerts, cut to its cap."""
    return [(t.url, t.id, t.fitted(message)) for t in load_targets(store) if t.rules.wants_failures]


def due_digests(store: Any, now: datetime, local_zone: str) -> list[tuple[Target, Message | None]]:
    """Given the store, now and the machine's zone, return (target, its daily digest or None
    when it selects nothing) for every target whose daily digest is due now."""
    due = [t for t in load_targets(store)
           if daily_digest_due(t.rules, t.created_at, t.last_digest_at, t.digest_attempt_at, now, local_zone)]
    if not due:
        return []
    classified: dict[int, list[Item]] = {}
    found = []
    for target in due:
        since = target.last_digest_at or target.created_at
        items, covered = [], []
        for run in store.digest_runs(since, now):
            if run["id"] not in classified:
                classified[run["id"]] = classify_run(store, run, now)
            chosen = [item for item in classified[run["id"]] if selects(target.rules, item.entry)]
            if chosen:
                items.extend(chosen)
                covered.append(run)
        message = rules_digest("daily", items, daily_head(covered, since), target.cap, target.form) if items else None
        found.append((target, message))
    return found


def send_due_digests(store: Any, now: datetime, cancel: threading.Event | None = None,
                     local_zone: str | None = None) -> list[tuple[int, str | None]]:
    """Given the store, now (the clock passed in), an optional cancel event and the machine's
    zone (read when None), send every daily digest due now and record it per target; return
    (target id, error or None) for each digest sent.

    A target whose digest holds nothing is recorded as served; one whose digest failed is tried
    again an hour later (notify_rules.DIGEST_RETRY), still from its last digest sent.
    """
    from wosync.notify import deliver_each
    from wosync.schedules import local_timezone

    found = due_digests(store, now, local_zone or local_timezone())
    sends = [(target.url, target.id, message) for target, message in found if message is not None]
    deliveries = iter(deliver_each(sends, cancel)) if sends else iter(())
    results = []
    for target, message in found:
        if message is None:
            store.set_digest_state(target.id, last_digest_at=now, digest_attempt_at=now)
            continue
        delivery = next(deliveries)
        if delivery.error is None:
            store.set_digest_state(target.id, last_digest_at=now, digest_attempt_at=now)
        else:
            store.set_digest_state(target.id, digest_attempt_at=now)
            log.warning("the daily digest to target %s (%s) could not be delivered: %s; trying again in an hour",
                        target.id, delivery.shown_url, delivery.error)
        results.append((target.id, delivery.error))
    return results
