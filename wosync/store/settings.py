"""Accounts, notification targets, failure-alert state and the daemon's heartbeat."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

from wosync.clock import to_iso
from wosync.errors import NotFound
from wosync.store.connection import StoreConnection


class Account(NamedTuple):
    """A WorkFossa account: the email it logs in with and the site it belongs to.

    A NamedTuple rather than a dataclass: `dataclasses` pulls in `inspect`, about a third of
    the start-up of the one-line status, which a status bar runs every few seconds.
    """

    username: str
    base_url: str


class SettingTables(StoreConnection):
    """The tables of what a user set up and what the daemon reports: accounts,
    notification_targets, alert_state, daemon."""

    def ensure_account(self, username: str, base_url: str, now: datetime) -> Account:
        """Given a username and base URL, record the account (updating its URL); return it.

        Usernames are e-mail addresses, compared case-insensitively: stored lower-case.
        """
        username = username.lower()
        self.conn.execute(
            "INSERT INTO accounts(username, base_url, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT(username) DO UPDATE SET base_url = excluded.base_url",
            (username, base_url, to_iso(now)),
        )
        return Account(username, base_url)

    def list_accounts(self) -> list[Account]:
        """Return every recorded account, by username."""
        return [Account(r["username"], r["base_url"]) for r in self._rows("SELECT * FROM accounts ORDER BY username")]

    def find_account(self, username: str) -> Account | None:
        """Return the account with this username (in any letter case), or None."""
        row = self._row("SELECT * FROM accounts WHERE username = ?", (username.lower(),))
        return Account(row["username"], row["base_url"]) if row else None

    def remove_account(self, username: str) -> None:
        """Forget an account's schedules and the account itself (its history and orders stay)."""
        with self.transaction():
            self.conn.execute("DELETE FROM schedules WHERE account = ?", (username,))
            self.conn.execute("DELETE FROM progress WHERE account = ?", (username,))
            self.conn.execute("DELETE FROM accounts WHERE username = ?", (username,))

    # ------------------------------------------------------------ notifications

    def add_notification_target(self, url: str, now: datetime, rules: dict[str, Any] | None = None) -> int:
        """Store a notification URL with its rules (wosync.notify_rules; None: everything at
        once); return its id."""
        cursor = self.conn.execute(
            "INSERT INTO notification_targets(url, created_at, rules) VALUES (?, ?, ?)",
            (url, to_iso(now), json.dumps(rules) if rules is not None else None),
        )
        return int(cursor.lastrowid)

    def list_notification_targets(self) -> list[dict[str, Any]]:
        """Return every notification target (id, url, created_at, rules as a dict or None,
        last_digest_at, digest_attempt_at), by id."""
        rows = self._rows("SELECT * FROM notification_targets ORDER BY id")
        for row in rows:
            row["rules"] = json.loads(row["rules"]) if row.get("rules") else None
        return rows

    def set_digest_state(self, target_id: int, **fields: datetime | None) -> None:
        """Given a target id and last_digest_at and/or digest_attempt_at, record them."""
        for name, value in fields.items():
            if name not in ("last_digest_at", "digest_attempt_at"):
                raise ValueError(f"not a digest state column: {name}")
            self.conn.execute(f"UPDATE notification_targets SET {name} = ? WHERE id = ?", (to_iso(value), target_id))

    def digest_runs(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Given two times, return the runs finished after `since` and by `until` that recorded
        changes, oldest first (what a daily digest covers)."""
        return self._rows(
            "SELECT * FROM runs WHERE completed_at > ? AND completed_at <= ? "
            "AND EXISTS (SELECT 1 FROM changes c WHERE c.run_id = runs.id) ORDER BY completed_at, id",
            (to_iso(since), to_iso(until)),
        )

    def remove_notification_target(self, target_id: int) -> None:
        """Delete notification target `target_id`; NotFound when unknown."""
        cursor = self.conn.execute("DELETE FROM notification_targets WHERE id = ?", (target_id,))
        if cursor.rowcount == 0:
            raise NotFound("notification target", target_id)

    def get_alert_state(self, account: str) -> dict[str, Any]:
        """Return an account's failure-alert state (all None when it never failed)."""
        row = self._row("SELECT * FROM alert_state WHERE account = ?", (account,))
        return row or {"account": account, "failing_since": None, "last_alert_at": None, "last_alert_kind": None}

    def set_alert_state(self, account: str, **fields: Any) -> None:
        """Update an account's failure-alert state (datetimes allowed)."""
        state = self.get_alert_state(account)
        state.update({k: (to_iso(v) if isinstance(v, datetime) else v) for k, v in fields.items()})
        self.conn.execute(
            "INSERT OR REPLACE INTO alert_state(account, failing_since, last_alert_at, last_alert_kind) "
            "VALUES (?, ?, ?, ?)",
            (account, state["failing_since"], state["last_alert_at"], state["last_alert_kind"]),
        )

    # ------------------------------------------------------------------- daemon

    def set_daemon_state(self, pid: int | None, status: str, now: datetime, started_at: datetime | None = None) -> None:
        """Record the daemon's pid, status line and heartbeat."""
        current = self._row("SELECT * FROM daemon WHERE id = 1") or {}
        self.conn.execute(
            "INSERT OR REPLACE INTO daemon(id, pid, started_at, heartbeat_at, status) VALUES (1, ?, ?, ?, ?)",
            (pid, to_iso(started_at) if started_at else current.get("started_at"), to_iso(now), status),
        )

    def get_daemon_state(self) -> dict[str, Any] | None:
        """Return the daemon's last recorded pid, start, heartbeat and status, or None."""
        return self._row("SELECT * FROM daemon WHERE id = 1")
