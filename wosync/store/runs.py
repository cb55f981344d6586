"""The runs table (one row per sync) and the progress table (each account's live state)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wosync.clock import to_iso
from wosync.errors import NotFound
from wosync.fallbacks import decode as decode_fallback_fields
from wosync.model import FINISHED_STATUSES, RunStatus, Trigger
from wosync.store.connection import StoreConnection

RUN_STATUSES = (RunStatus.RUNNING, *FINISHED_STATUSES)
TRIGGERS = tuple(Trigger)

# Keys of one run record (`history --json`, `sync-now --json`), in print order.
RUN_KEYS = (
    "id", "schedule_id", "account", "trigger_type", "started_at", "completed_at", "status",
    "items_processed", "added", "updated", "removed", "error_kind", "error_message",
    "duration_seconds", "pid", "completeness", "equipment_error", "reopened", "dispensers_changed",
    "bytes_received", "fallback_fields", "removed_orders",
)


class RunTables(StoreConnection):
    """The runs and progress tables."""

    def _run_rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Return the runs rows a query selects, fallback_fields decoded ({field: rows})."""
        rows = self._rows(sql, params)
        for row in rows:
            if "fallback_fields" in row:
                row["fallback_fields"] = decode_fallback_fields(row["fallback_fields"])
        return rows

    def _run_row(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        rows = self._run_rows(sql, params)
        return rows[0] if rows else None

    def start_run(
        self, account: str, trigger_type: str, schedule_id: int | None, pid: int, now: datetime
    ) -> int:
        """Insert a `running` run row; return its id."""
        cursor = self.conn.execute(
            "INSERT INTO runs(schedule_id, account, trigger_type, started_at, status, pid) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (schedule_id, account, trigger_type, to_iso(now), RunStatus.RUNNING, pid),
        )
        return int(cursor.lastrowid)

    def get_run(self, run_id: int) -> dict[str, Any]:
        """Return run `run_id` as a run record; NotFound when unknown."""
        row = self._run_row("SELECT * FROM runs WHERE id = ?", (run_id,))
        if row is None:
            raise NotFound("run", run_id)
        return row

    def finish_run(self, run_id: int, now: datetime, **fields: Any) -> dict[str, Any]:
        """Given a run id and final values (status, counts, error), record them; return the run."""
        run = self.get_run(run_id)
        started = run["started_at"]
        from wosync.clock import from_iso

        fields["completed_at"] = to_iso(now)
        fields["duration_seconds"] = round((now - from_iso(started)).total_seconds(), 3)
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.conn.execute(f"UPDATE runs SET {assignments} WHERE id = ?", (*fields.values(), run_id))
        return self.get_run(run_id)

    def list_runs(
        self, limit: int | None = None, failed_only: bool = False, since: datetime | None = None,
        schedule_id: int | None = None, account: str | None = None,
    ) -> list[dict[str, Any]]:
        """Return runs, newest first, filtered by failure, start time, schedule and account."""
        clauses, params = [], []
        if account is not None:
            clauses.append("account = ?")
            params.append(account)
        if failed_only:
            clauses.append("status IN (?, ?, ?)")
            params.extend((RunStatus.FAILED, RunStatus.PARTIAL, RunStatus.INTERRUPTED))
        if since is not None:
            clauses.append("started_at >= ?")
            params.append(to_iso(since))
        if schedule_id is not None:
            clauses.append("schedule_id = ?")
            params.append(schedule_id)
        sql = "SELECT * FROM runs"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._run_rows(sql, params)

    def latest_run(self, schedule_id: int | None = None, account: str | None = None) -> dict[str, Any] | None:
        """Return the newest run of a schedule (or account), or None."""
        if schedule_id is not None:
            return self._run_row("SELECT * FROM runs WHERE schedule_id = ? ORDER BY id DESC LIMIT 1", (schedule_id,))
        if account is not None:
            return self._run_row("SELECT * FROM runs WHERE account = ? ORDER BY id DESC LIMIT 1", (account,))
        return self._run_row("SELECT * FROM runs ORDER BY id DESC LIMIT 1")

    def find_run(self, run_id: int) -> dict[str, Any] | None:
        """Return run `run_id`, or None when there is none (get_run raises instead)."""
        return self._run_row("SELECT * FROM runs WHERE id = ?", (run_id,))

    def latest_finished_runs(self) -> list[dict[str, Any]]:
        """Return the newest run of each account that is no longer `running`, by account."""
        return self._run_rows(
            "SELECT * FROM runs WHERE id IN (SELECT max(id) FROM runs WHERE status != ? "
            "GROUP BY account) ORDER BY account", (RunStatus.RUNNING,)
        )

    def running_runs(self) -> list[dict[str, Any]]:
        """Return every run still marked `running`."""
        return self._run_rows("SELECT * FROM runs WHERE status = ? ORDER BY id", (RunStatus.RUNNING,))

    def set_run_bytes_received(self, run_id: int, received: int) -> dict[str, Any]:
        """Record the bytes a run received from the site (the browser's count); return the run."""
        self.conn.execute("UPDATE runs SET bytes_received = ? WHERE id = ?", (int(received), run_id))
        return self.get_run(run_id)

    def set_run_notification_error(self, run_id: int, message: str | None) -> None:
        """Record why a run's notification could not be delivered (None clears it)."""
        self.conn.execute("UPDATE runs SET notification_error = ? WHERE id = ?", (message, run_id))

    # ----------------------------------------------------------------- progress

    def set_progress(self, account: str, record: dict[str, Any]) -> None:
        """Given an account and a progress record (see wosync.progress), store it as its live state."""
        columns = ("status", "phase", "percentage", "message", "work_orders_found", "run_id", "pid",
                   "started_at", "updated_at")
        values = [record.get(c) for c in columns]
        self.conn.execute(
            f"INSERT INTO progress(account, {', '.join(columns)}) VALUES (?, {', '.join('?' * len(columns))}) "
            f"ON CONFLICT(account) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns)}",
            (account, *values),
        )

    def get_progress(self, account: str | None = None) -> list[dict[str, Any]]:
        """Return the stored progress rows (of one account, or all)."""
        if account is not None:
            return self._rows("SELECT * FROM progress WHERE account = ?", (account,))
        return self._rows("SELECT * FROM progress ORDER BY account")

    def clear_progress(self, account: str) -> None:
        """Forget an account's live state (it then reads as idle)."""
        self.conn.execute("DELETE FROM progress WHERE account = ?", (account,))

    def set_run_equipment_error(self, run_id: int, message: str | None) -> dict[str, Any]:
        """Record why a run's equipment reading fell short (None clears it); return the run."""
        self.conn.execute("UPDATE runs SET equipment_error = ? WHERE id = ?", (message, run_id))
        return self.get_run(run_id)
