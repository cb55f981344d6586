"""The schedules table: each schedule's settings and its counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wosync.clock import to_iso
from wosync.errors import NotFound
from wosync.store.connection import StoreConnection


class ScheduleTables(StoreConnection):
    """The schedules table."""

    def create_schedule(
        self,
        account: str | None,
        interval_hours: float,
        active_start_hour: int | None,
        active_end_hour: int | None,
        timezone: str,
        enabled: bool,
        next_run: datetime | None,
        now: datetime,
    ) -> dict[str, Any]:
        """Given a validated schedule, insert it; return the stored row."""
        stamp = to_iso(now)
        cursor = self.conn.execute(
            "INSERT INTO schedules(account, interval_hours, active_start_hour, active_end_hour, timezone, "
            "enabled, next_run, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account, interval_hours, active_start_hour, active_end_hour, timezone, int(enabled),
             to_iso(next_run), stamp, stamp),
        )
        return self.get_schedule(cursor.lastrowid)

    def get_schedule(self, schedule_id: int) -> dict[str, Any]:
        """Return schedule `schedule_id`; NotFound when unknown."""
        row = self._row("SELECT * FROM schedules WHERE id = ?", (schedule_id,))
        if row is None:
            raise NotFound("schedule", schedule_id)
        row["enabled"] = bool(row["enabled"])
        return row

    def list_schedules(self, enabled_only: bool = False) -> list[dict[str, Any]]:
        """Return every schedule (or only the enabled ones), by id."""
        sql = "SELECT * FROM schedules" + (" WHERE enabled = 1" if enabled_only else "") + " ORDER BY id"
        rows = self._rows(sql)
        for row in rows:
            row["enabled"] = bool(row["enabled"])
        return rows

    def update_schedule(self, schedule_id: int, now: datetime, **fields: Any) -> dict[str, Any]:
        """Given a schedule id and column values (datetimes allowed), update it; return the row."""
        self.get_schedule(schedule_id)
        if fields:
            values = {k: (to_iso(v) if isinstance(v, datetime) else v) for k, v in fields.items()}
            values["updated_at"] = to_iso(now)
            assignments = ", ".join(f"{name} = ?" for name in values)
            self.conn.execute(
                f"UPDATE schedules SET {assignments} WHERE id = ?", (*values.values(), schedule_id)
            )
        return self.get_schedule(schedule_id)

    def delete_schedule(self, schedule_id: int) -> None:
        """Delete schedule `schedule_id` (its runs stay in the history)."""
        self.get_schedule(schedule_id)
        self.conn.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,))

    def schedules_fingerprint(self) -> str:
        """Return a short text that changes whenever any schedule row changes (for reloads)."""
        row = self.conn.execute(
            "SELECT count(*), coalesce(max(updated_at), ''), coalesce(sum(id * (enabled + 1)), 0), "
            "coalesce(group_concat(id || ':' || enabled || ':' || coalesce(next_run, ''), ','), '') FROM schedules"
        ).fetchone()
        return "|".join(str(v) for v in row)
