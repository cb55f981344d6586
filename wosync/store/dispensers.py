"""The dispensers and locations tables, read from each location's Equipment tab (wosync.equipment).

A location's change rows carry the location key "L-<location_id>" as their number (see
wosync.equipment); wosync.store.orders lists them with the orders' changes.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable

from wosync.clock import to_iso
from wosync.store.connection import StoreConnection


class DispenserTables(StoreConnection):
    """The dispensers and locations tables."""

    def equipment_due(self, account: str, checked_before: datetime) -> list[int]:
        """Given an account and a moment, return the location ids of its active orders whose
        Equipment tab was never read or last read before that moment: never-read ones first,
        then the longest unread, then by id."""
        rows = self.conn.execute(
            "SELECT w.location_id FROM (SELECT DISTINCT location_id FROM work_orders "
            "WHERE account = ? AND completed_at IS NULL AND location_id IS NOT NULL) w "
            "LEFT JOIN locations l ON l.account = ? AND l.location_id = w.location_id "
            "WHERE l.equipment_checked_at IS NULL OR l.equipment_checked_at < ? "
            "ORDER BY l.equipment_checked_at IS NOT NULL, l.equipment_checked_at, w.location_id",
            (account, account, to_iso(checked_before)),
        ).fetchall()
        return [row[0] for row in rows]

    def load_dispensers(self, account: str, location_id: int) -> list[dict[str, Any]]:
        """Given an account and a location id, return its stored dispensers in the site's order."""
        return self.list_dispensers(account, [location_id]).get((account, location_id), [])

    def list_dispensers(self, account: str | None = None,
                        location_ids: Iterable[int] | None = None) -> dict[tuple[str, int], list[dict[str, Any]]]:
        """Return {(account, location_id): [dispenser, ...]} (in the site's order) of one account
        or all, of the given locations or all; each dispenser in the `dispensers` shape of
        docs/design.md (position, grades, make, model, serial, fields, first_seen_at, last_seen_at)."""
        clauses, params = [], []
        if account is not None:
            clauses.append("account = ?")
            params.append(account)
        if location_ids is not None:
            clauses.append("location_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(set(location_ids))))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        found: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for row in self._rows(f"SELECT * FROM dispensers{where} ORDER BY account, location_id, id", params):
            found.setdefault((row["account"], row["location_id"]), []).append({
                "position": row["position"], "grades": json.loads(row["grades"]), "make": row["make"],
                "model": row["model"], "serial": row["serial"], "fields": json.loads(row["fields"]),
                "first_seen_at": row["first_seen_at"], "last_seen_at": row["last_seen_at"],
            })
        return found

    def save_equipment(self, run_id: int, account: str, location_id: int, dispensers: list[dict[str, Any]],
                       changes: list[tuple[str, str, dict[str, list[Any]]]], now: datetime) -> None:
        """Store one location's Equipment tab as read now, in ONE transaction.

        Given the run, the account, the location id, the dispensers read (the parsed shape, in
        the site's order) and the change rows to record ((number, kind, fields) each): the
        location's dispensers become exactly those read (one read again at a position it
        had keeps its first_seen_at), the changes are recorded on the run, and the location's
        equipment_checked_at becomes now.
        """
        stamp = to_iso(now)
        with self.transaction():
            first_seen = dict(self.conn.execute(
                "SELECT position, min(first_seen_at) FROM dispensers WHERE account = ? AND location_id = ? "
                "GROUP BY position", (account, location_id)).fetchall())
            self.conn.execute("DELETE FROM dispensers WHERE account = ? AND location_id = ?", (account, location_id))
            self.conn.executemany(
                "INSERT INTO dispensers(account, location_id, position, grades, make, model, serial, fields, "
                "first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(account, location_id, d["position"], json.dumps(d.get("grades") or [], ensure_ascii=False),
                  d.get("make"), d.get("model"), d.get("serial"),
                  json.dumps(d.get("fields") or {}, ensure_ascii=False),
                  first_seen.get(d["position"], stamp), stamp) for d in dispensers],
            )
            self.conn.executemany(
                "INSERT INTO changes(run_id, account, number, kind, fields) VALUES (?, ?, ?, ?, ?)",
                [(run_id, account, number, kind, json.dumps(fields, ensure_ascii=False))
                 for number, kind, fields in changes],
            )
            # The run counts them too: its summary line, history and digest name them.
            self.conn.execute("UPDATE runs SET dispensers_changed = dispensers_changed + ? WHERE id = ?",
                              (len(changes), run_id))
            self.conn.execute(
                "INSERT INTO locations(account, location_id, equipment_checked_at) VALUES (?, ?, ?) "
                "ON CONFLICT(account, location_id) DO UPDATE SET equipment_checked_at = excluded.equipment_checked_at",
                (account, location_id, stamp),
            )

    def list_locations(self, account: str | None = None, location_ids: Iterable[int] | None = None,
                       include_completed: bool = False) -> list[dict[str, Any]]:
        """Return the locations of stored orders (active ones unless include_completed), or the
        given locations whatever their orders, by account and id: account, location_id,
        equipment_checked_at (None: never read), orders (their numbers) and the customer,
        store_number, street and city of the first of them (all None for a location of no
        stored order)."""
        clauses, params = ["w.location_id IS NOT NULL"], []
        if account is not None:
            clauses.append("w.account = ?")
            params.append(account)
        if location_ids is not None:
            ids = json.dumps(sorted(set(location_ids)))
            clauses.append("w.location_id IN (SELECT value FROM json_each(?))")
            params.append(ids)
        elif not include_completed:
            clauses.append("w.completed_at IS NULL")
        where = " AND ".join(clauses)
        located: dict[tuple[str, int], dict[str, Any]] = {}
        for row in self._rows(
            "SELECT w.account, w.location_id, w.number, w.customer, w.store_number, w.street, w.city, "
            f"l.equipment_checked_at FROM work_orders w LEFT JOIN locations l ON l.account = w.account "
            f"AND l.location_id = w.location_id WHERE {where} "
            "ORDER BY w.account, w.location_id, w.completed_at IS NOT NULL, w.number", params,
        ):
            key = (row["account"], row["location_id"])
            if key not in located:
                located[key] = {**{k: row[k] for k in ("account", "location_id", "equipment_checked_at", "customer",
                                                       "store_number", "street", "city")}, "orders": []}
            located[key]["orders"].append(row["number"])
        if location_ids is not None:
            # A location read once but with no stored order left (purged) is still listed.
            extra_where = ["location_id IN (SELECT value FROM json_each(?))"]
            extra_params: list[Any] = [ids]
            if account is not None:
                extra_where.append("account = ?")
                extra_params.append(account)
            for row in self._rows(f"SELECT * FROM locations WHERE {' AND '.join(extra_where)}", extra_params):
                located.setdefault((row["account"], row["location_id"]), {
                    "account": row["account"], "location_id": row["location_id"],
                    "equipment_checked_at": row["equipment_checked_at"], "customer": None,
                    "store_number": None, "street": None, "city": None, "orders": []})
        return [located[key] for key in sorted(located)]

    def dispenser_counts(self, account: str | None = None) -> dict[tuple[str, int], int]:
        """Return {(account, location_id): number of dispensers} for every location whose
        Equipment tab was read (0 when it has none); a location never read is absent."""
        sql = ("SELECT l.account, l.location_id, count(d.id) FROM locations l LEFT JOIN dispensers d "
               "ON d.account = l.account AND d.location_id = l.location_id "
               "WHERE l.equipment_checked_at IS NOT NULL")
        params: tuple[Any, ...] = ()
        if account is not None:
            sql += " AND l.account = ?"
            params = (account,)
        sql += " GROUP BY l.account, l.location_id"
        return {(a, lid): n for a, lid, n in self.conn.execute(sql, params).fetchall()}
