"""Notification targets: add one, list them, remove one, send a test to each.

The URLs are Apprise URLs; what they may hold (tokens, passwords) is shown masked everywhere
(wosync.notify.shown_url).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wosync.actions import stale_runs


def add(url: str, now: datetime, rules: Any = None) -> tuple[int, str]:
    """Given an Apprise URL, the time and the target's rules (wosync.notify_rules.TargetRules;
    None: everything at once), check the URL can work (UsageError otherwise, before the store
    is opened) and store both; return (its target id, the URL masked)."""
    from wosync.notify import shown_url, validate_url
    from wosync.notify_rules import TargetRules

    url = validate_url(url)
    record = rules.record() if rules is not None and rules != TargetRules() else None
    with stale_runs.open_store(now) as store:
        target_id = store.add_notification_target(url, now, record)
    return target_id, shown_url(url)


def list_targets(now: datetime) -> list[dict]:
    """Given the time, read the notification targets; return for each its id, masked URL,
    creation time, rules (as stored: every key, defaults filled in), their one-line summary,
    body cap and form, and when its last daily digest went out (what `notify list` and its
    --json show)."""
    from wosync.notify import shown_url
    from wosync.notify_digests import load_targets
    from wosync.notify_rules import describe

    with stale_runs.open_store(now) as store:
        rows = {row["id"]: row for row in store.list_notification_targets()}
        targets = load_targets(store)
    return [{"id": t.id, "url": shown_url(t.url), "created_at": rows[t.id]["created_at"],
             "rules": t.rules.record(), "summary": describe(t.rules), "max_length": t.cap, "format": t.form,
             "last_digest_at": rows[t.id].get("last_digest_at")} for t in targets]


def remove(target_id: int, now: datetime) -> None:
    """Given a target id and the time, remove that target (NotFound when there is none); return None."""
    with stale_runs.open_store(now) as store:
        store.remove_notification_target(target_id)


def send_test(now: datetime) -> list:
    """Given the time, send every target a sample digest of the kinds it gets (within its cap); return one Delivery per target
    (its error set when that one failed; an empty list when there is no target)."""
    from wosync.notify import send_test as send

    with stale_runs.open_store(now) as store:
        return send(store)
