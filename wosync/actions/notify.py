"""Notification targets: add one, list them, remove one, send a test to each.

The URLs are Apprise URLs; what they may hold (tokens, passwords) is shown masked everywhere
(wosync.notify.shown_url).
"""

from __future__ import annotations

from datetime import datetime

from wosync.actions import stale_runs


def add(url: str, now: datetime) -> tuple[int, str]:
    """Given an Apprise URL and the time, check it can work (UsageError otherwise, before the
    store is opened) and store it; return (its target id, the URL masked)."""
    from wosync.notify import shown_url, validate_url

    url = validate_url(url)
    with stale_runs.open_store(now) as store:
        target_id = store.add_notification_target(url, now)
    return target_id, shown_url(url)


def list_targets(now: datetime) -> list[dict]:
    """Given the time, read the notification targets; return for each its id, masked URL and
    creation time (what `notify list` and its --json show)."""
    from wosync.notify import shown_url

    with stale_runs.open_store(now) as store:
        targets = store.list_notification_targets()
    return [{"id": t["id"], "url": shown_url(t["url"]), "created_at": t["created_at"]} for t in targets]


def remove(target_id: int, now: datetime) -> None:
    """Given a target id and the time, remove that target (NotFound when there is none); return None."""
    with stale_runs.open_store(now) as store:
        store.remove_notification_target(target_id)


def send_test(now: datetime) -> list:
    """Given the time, send a test message to every target; return one Delivery per target
    (its error set when that one failed; an empty list when there is no target)."""
    from wosync.notify import send_test as send

    with stale_runs.open_store(now) as store:
        return send(store)
