"""Notifications through Apprise: digests of a run's changes, and failure alerts that fire once.

After every run, `after_run(store, run, now)` decides what (if anything) to tell the user:

- a digest when the run recorded changes, to each target as its rules say
  (wosync.notify_digests, wosync.notify_rules): a target without rules gets the classic one,
  title "wosync: 3 new, 1 updated, 2 completed", body listing each order (number, customer and
  store, next visit) with its changed fields old -> new; one with rules the changes it selects,
  by schedule kind, at once or (urgent ones aside) in a daily digest the daemon sends; nothing
  when nothing changed. Each body fits its service's cap (wosync.notify_messages);
- failure alerts, per account: one "failing" alert on the first failed (or partial) run after a
  success, a reminder while it keeps failing once every WOSYNC_ALERT_REMINDER_HOURS (default 24),
  and one "recovered" alert on the next success. Never one per retry. Only to the targets that
  take failure alerts (no --only, or one naming failures).

An alert counts as sent once at least one target accepted it; a streak nobody heard of gets
no "recovered". Interrupted runs (Ctrl-C, shutdown) neither start nor end a failure streak.
A notification that cannot be delivered is logged and recorded on the run
(`runs.notification_error`); `after_run` never raises, so it never fails a sync.

Every target is sent to at once, each in a daemon thread with one total deadline
(TARGET_DEADLINE_SECONDS: connecting plus the whole answer); a target still answering then is
abandoned, so neither a slow target nor the interpreter's exit can hold a sync, a CLI command
or a stopping daemon.

Notification URLs often carry tokens: they are shown and logged with Apprise's privacy mask.
Apprise is imported lazily (it is slow to import).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from wosync.clock import from_iso
from wosync.errors import UsageError
from wosync.model import RunStatus
from wosync.notify_messages import (  # noqa: F401 - the messages, named here as before
    MAX_LISTED_ORDERS, Message, digest_message, failure_message)
from wosync.store import Store

log = logging.getLogger("wosync.notify")

REMINDER_HOURS_ENV = "WOSYNC_ALERT_REMINDER_HOURS"
DEFAULT_REMINDER_HOURS = 24.0

FAILURE_STATUSES = (RunStatus.FAILED, RunStatus.PARTIAL)

# Apprise notify types by message kind (strings, so Apprise is not imported to name them).
_TYPES = {"digest": "info", "daily": "info", "urgent": "warning", "test": "info", "failing": "failure",
          "reminder": "warning", "recovered": "success"}


@dataclass(frozen=True)
class Delivery:
    """The outcome of sending one message to one target: error is None when it was accepted."""

    target_id: int | None
    shown_url: str
    error: str | None


# --------------------------------------------------------------------------- settings


def reminder_interval() -> timedelta:
    """Return how long a failing account waits between alerts ($WOSYNC_ALERT_REMINDER_HOURS, default 24).

    A value that is not a positive number is ignored (with a warning): a typo in the
    environment must not break notifications.
    """
    text = os.environ.get(REMINDER_HOURS_ENV)
    if text:
        try:
            hours = float(text)
            if hours > 0:
                return timedelta(hours=hours)
        except ValueError:
            pass
        log.warning("%s=%r is not a positive number of hours; using %g", REMINDER_HOURS_ENV, text, DEFAULT_REMINDER_HOURS)
    return timedelta(hours=DEFAULT_REMINDER_HOURS)


# --------------------------------------------------------------------------- URLs


def apprise_plugin(url: str):
    """Given an Apprise URL, return Apprise's plugin object for it, or None when it does not parse."""
    import apprise

    try:
        return apprise.Apprise.instantiate(url)
    except Exception:  # a plugin may raise on odd input instead of returning None
        return None


# Where Apprise plugins keep the targets a service needs (a topic, a channel, a phone number...).
_TARGET_ATTRIBUTES = ("targets", "topics", "channels", "rooms", "devices", "users", "chat_ids")
# How to name a missing target, by scheme; other services say "a target".
_TARGET_WORDS = {"ntfy": ("topic", "ntfys://my-topic or ntfy://host/my-topic"),
                 "ntfys": ("topic", "ntfys://my-topic or ntfy://host/my-topic")}
FORMATS_HELP = ("see https://github.com/caronc/apprise/wiki for the formats (e.g. ntfys://topic, "
                "mailto://user:pass@example.com, json://host:port/)")


def url_problem(url: str) -> str | None:
    """Given a notification URL, return what keeps it from working (for `notify add` and
    `doctor`), or None when it has everything its service needs.

    Apprise must understand it, and a service that needs a target (ntfy's topic, a chat's
    channel, an SMS number: a *required* "targets" in the plugin's template) must have one:
    Apprise itself accepts `ntfys://` and only fails when sending. Only the scheme is echoed,
    as the rest of a mistyped URL may be a token.
    """
    url = (url or "").strip()
    scheme, sep, _ = url.partition("://")
    what = f"the {scheme}:// URL given" if sep else "the URL given"
    plugin = apprise_plugin(url) if url else None
    if plugin is None:
        return f"Apprise does not understand {what}; {FORMATS_HELP}"
    required = (getattr(plugin, "template_tokens", None) or {}).get("targets", {}).get("required")
    if required:
        lists = [getattr(plugin, name) for name in _TARGET_ATTRIBUTES
                 if isinstance(getattr(plugin, name, None), (list, set, tuple))]
        if lists and not any(lists):
            noun, example = _TARGET_WORDS.get(scheme.lower(), ("target (a topic, channel, room or number)", None))
            example = f", e.g. {example}" if example else f"; {FORMATS_HELP}"
            return f"{what} names no {noun}, which the service needs{example}"
    return None


def validate_url(url: str) -> str:
    """Given a notification URL, return it stripped; raise UsageError when it cannot work (see url_problem)."""
    url = (url or "").strip()
    problem = url_problem(url)
    if problem:
        raise UsageError(problem)
    return url


def shown_url(url: str) -> str:
    """Given a notification URL, return it with passwords and tokens masked (for lists, logs, errors)."""
    plugin = apprise_plugin(url)
    if plugin is None:
        # Unparseable: keep only the scheme, the rest may be a token.
        scheme, sep, _ = url.partition("://")
        return f"{scheme}://***" if sep else "***"
    try:
        masked = plugin.url(privacy=True)
    except Exception:
        return url.partition("://")[0] + "://***"
    # Apprise appends its default options (?method=POST&retry=0...); drop them unless the user wrote some.
    return masked if "?" in url else masked.partition("?")[0]


# --------------------------------------------------------------------------- failure alerts (pure)


def alert_decision(state: dict[str, Any], run: dict[str, Any], now: datetime, reminder: timedelta) -> str | None:
    """Given an account's alert state, a finished run, the time and the reminder interval,
    return the alert to send: "failing", "reminder", "recovered" or None.

    Pure: the caller sends it and records the state (see `after_run`).
    """
    status = run["status"]
    failing_since = state.get("failing_since")
    last_kind = state.get("last_alert_kind")
    last_at = from_iso(state.get("last_alert_at"))
    alerted_this_streak = (
        failing_since is not None and last_kind in ("failing", "reminder")
        and last_at is not None and last_at >= from_iso(failing_since)
    )
    if status in FAILURE_STATUSES:
        if not alerted_this_streak:
            return "failing"
        if now - last_at >= reminder:
            return "reminder"
        return None
    if status == RunStatus.SUCCESS and alerted_this_streak:
        return "recovered"
    return None


# --------------------------------------------------------------------------- sending


def _failure_reason(result: Any) -> str:
    """Given what Apprise's notify returned for a failed delivery, return a short reason."""
    logs = getattr(result, "logs", None)
    if callable(logs):  # Apprise 2 keeps the plugin's own log lines on the result
        try:
            for entry in logs():
                message = getattr(entry, "message", None)
                if message and getattr(entry, "level", "") in ("WARNING", "ERROR", "CRITICAL"):
                    return str(message)
        except Exception:
            pass
    return "the target did not accept the message"


# One total deadline per target: connecting plus the whole answer. Apprise's own timeouts are
# per socket operation, so a server that answers one byte every 2 s never trips them; every
# target is sent to in its own daemon thread and abandoned at this deadline instead.
TARGET_DEADLINE_SECONDS = 15.0
# How often a wait for the sends looks at the cancel event (a daemon stopping).
_CANCEL_POLL_SECONDS = 0.1

# Sends abandoned at their deadline whose thread still runs, by URL. While one runs, that URL
# gets no second send: a target that never finishes answering costs one thread, not one a sync.
_abandoned: dict[str, threading.Thread] = {}
_abandoned_lock = threading.Lock()


class _Send:
    """One message being sent to one target in a daemon thread: the interpreter's exit never
    waits for it, so a target that keeps the connection open cannot keep the process alive."""

    def __init__(self, url: str, message: Message, target_id: int | None):
        self.url = url
        self.target_id = target_id
        self.shown = shown_url(url)
        self.outcome: Delivery | None = None
        self.done = threading.Event()
        self.thread: threading.Thread | None = None
        if _still_sending(url):
            self.outcome = Delivery(target_id, self.shown, "an earlier message to this target is still unanswered "
                                    "after its deadline; not sent")
            self.done.set()
            return
        self.thread = threading.Thread(target=self._run, args=(message,), daemon=True,
                                       name=f"notify-{target_id if target_id is not None else 'url'}")
        self.thread.start()

    def _run(self, message: Message) -> None:
        try:
            self.outcome = _deliver_now(self.url, message, self.target_id, self.shown)
        finally:
            self.done.set()

    def result(self, end: float, cancel: threading.Event | None) -> Delivery:
        """Wait until the send is done, the monotonic time `end` passes or `cancel` is set;
        return its Delivery (an error naming the deadline, or the stop, when abandoned)."""
        while not self.done.is_set():
            remaining = end - time.monotonic()
            if remaining <= 0 or (cancel is not None and cancel.is_set()):
                break
            self.done.wait(min(remaining, _CANCEL_POLL_SECONDS) if cancel is not None else remaining)
        if self.done.is_set() and self.outcome is not None:
            return self.outcome
        if self.thread is not None:
            with _abandoned_lock:
                _abandoned[self.url] = self.thread
        if cancel is not None and cancel.is_set():
            return Delivery(self.target_id, self.shown, "abandoned: the sync was stopped while sending")
        return Delivery(self.target_id, self.shown,
                        f"no complete answer within {TARGET_DEADLINE_SECONDS:g} s; abandoned")


def _still_sending(url: str) -> bool:
    """Given a URL, return True while a send to it abandoned earlier still runs."""
    with _abandoned_lock:
        for key in [key for key, thread in _abandoned.items() if not thread.is_alive()]:
            del _abandoned[key]
        return url in _abandoned


def _deliver_now(url: str, message: Message, target_id: int | None, shown: str) -> Delivery:
    """Given one URL, a message, its target id and masked URL, send it in this thread; return
    the Delivery (never raises)."""
    try:
        import apprise

        # service_timeout=0: Apprise then sends in the calling thread. With its own limit it
        # sends from a pool of non-daemon threads, and the interpreter's exit joins those.
        sender = apprise.Apprise(asset=apprise.AppriseAsset(service_timeout=0))
        if not sender.add(url):
            return Delivery(target_id, shown, "the URL is not one Apprise understands")
        result = sender.notify(title=message.title, body=message.body, notify_type=_TYPES.get(message.kind, "info"),
                               body_format=message.body_format)
    except Exception as exc:  # a plugin bug must not reach the sync
        return Delivery(target_id, shown, f"{type(exc).__name__}: {exc}")
    if result:
        return Delivery(target_id, shown, None)
    return Delivery(target_id, shown, _failure_reason(result))


def deliver_each(sends: list[tuple[str, int | None, Message]], cancel: threading.Event | None = None) -> list[Delivery]:
    """Given (URL, target id, message) triples and an optional cancel event, send each message
    to its target, all at once; return one Delivery each, in order, within
    TARGET_DEADLINE_SECONDS (at once when `cancel` is set). Never raises."""
    end = time.monotonic() + TARGET_DEADLINE_SECONDS
    started = [_Send(url, message, target_id) for url, target_id, message in sends]
    return [send.result(end, cancel) for send in started]


def deliver_all(targets: list[tuple[str, int | None]], message: Message,
                cancel: threading.Event | None = None) -> list[Delivery]:
    """Given (URL, target id) pairs, a message and an optional cancel event, send the message
    to every target at once (see deliver_each); return one Delivery each, in order."""
    return deliver_each([(url, target_id, message) for url, target_id in targets], cancel)


def deliver(url: str, message: Message, target_id: int | None = None) -> Delivery:
    """Given one notification URL and a message, send it within TARGET_DEADLINE_SECONDS;
    return the Delivery (never raises)."""
    return deliver_all([(url, target_id)], message)[0]


def send(store: Store, message: Message, cancel: threading.Event | None = None) -> list[Delivery]:
    """Given the store, a message and an optional cancel event, send it to every stored target
    in parallel (one deadline for all), cut to each one's cap; return one Delivery each."""
    from wosync.notify_digests import load_targets

    return deliver_each([(t.url, t.id, t.fitted(message)) for t in load_targets(store)], cancel)


def failures_text(deliveries: list[Delivery]) -> str | None:
    """Given deliveries, return "target 2 (json://...): reason; ..." for the failed ones, or None."""
    failed = [f"target {d.target_id} ({d.shown_url}): {d.error}" for d in deliveries if d.error]
    return "; ".join(failed) if failed else None


def send_test(store: Store) -> list[Delivery]:
    """Send each stored target a sample digest of the kinds it gets, within its cap; return
    one Delivery each."""
    from wosync.notify_digests import load_targets
    from wosync.notify_messages import sample_digest

    return deliver_each([(t.url, t.id, sample_digest(t.rules, t.cap, t.form)) for t in load_targets(store)])


def after_run(store: Store, run: dict[str, Any], now: datetime, cancel: threading.Event | None = None) -> None:
    """Given the store, a finished run record, the time and an optional cancel event (a daemon
    stopping: the sends still waited for are abandoned at once), send its digest and failure alert.

    Never raises: a problem is logged and recorded on the run (runs.notification_error).
    """
    try:
        _after_run(store, run, now, cancel)
    except Exception as exc:
        log.warning("notifications for sync #%s failed: %s: %s", run.get("id"), type(exc).__name__, exc)
        try:
            store.set_run_notification_error(run["id"], f"{type(exc).__name__}: {exc}")
        except Exception:
            pass


def _after_run(store: Store, run: dict[str, Any], now: datetime, cancel: threading.Event | None) -> None:
    if not store.list_notification_targets():
        return  # nothing to send to; a target added mid-streak gets the next failure's alert
    from wosync.notify_digests import run_digests

    errors: list[str] = []
    text = failures_text(deliver_each(run_digests(store, run, now), cancel))
    if text:
        errors.append(f"digest: {text}")
    errors.extend(_failure_alert(store, run, now, cancel))
    if errors:
        log.warning("sync #%s: a notification could not be delivered: %s", run["id"], "; ".join(errors))
    store.set_run_notification_error(run["id"], "; ".join(errors) if errors else None)


def _failure_alert(store: Store, run: dict[str, Any], now: datetime, cancel: threading.Event | None) -> list[str]:
    """Update the account's failure streak for this run and send the alert it calls for;
    return the delivery errors."""
    account = run["account"]
    state = store.get_alert_state(account)
    status = run["status"]
    if status in FAILURE_STATUSES and state.get("failing_since") is None:
        state["failing_since"] = run["started_at"]
        store.set_alert_state(account, failing_since=run["started_at"])
    kind = alert_decision(state, run, now, reminder_interval())
    errors: list[str] = []
    if kind is not None:
        from wosync.notify_digests import alert_sends

        deliveries = deliver_each(alert_sends(store, failure_message(kind, run, state.get("failing_since"))), cancel)
        if any(d.error is None for d in deliveries):
            store.set_alert_state(account, last_alert_at=now, last_alert_kind=kind)
        text = failures_text(deliveries)
        if text:
            errors.append(f"{kind} alert: {text}")
    if status == RunStatus.SUCCESS and state.get("failing_since") is not None:
        store.set_alert_state(account, failing_since=None)
    return errors
