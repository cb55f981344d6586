"""The work_orders and changes tables, and the one-transaction save of a sync.

Records come back in the `orders --json` contract shape (wosync.fields.ORDER_JSON_KEYS); the
bulk paths are written for 100,000 orders.
"""

from __future__ import annotations

import gc
import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from typing import Any, BinaryIO, Iterable, Iterator

from wosync.clock import to_iso
from wosync.fields import ORDER_JSON_KEYS, SCRAPED_FIELDS
from wosync.store.runs import RunTables
from wosync.store.schedules import ScheduleTables


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk step builds many objects.

    Building 100,000 records (a dict each, plus their items) makes the collector walk the
    whole heap over and over; those records hold no reference cycles, so nothing is lost by
    collecting once afterwards instead. The collector is resumed only if it was running.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decode_orders(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """Given an executed `SELECT {_ORDER_COLUMNS} FROM work_orders ...` cursor, return its contract records.

    Made in bulk for the 100,000-order case: every row's
    items JSON is parsed in ONE json.loads of "[a,b,...]" (a per-row call costs more in Python
    overhead than in parsing).
    """
    columns = [d[0] for d in cursor.description]
    with _gc_paused():
        records = [dict(zip(columns, row)) for row in cursor]  # row by row: no second copy of every row
        # Items keep their place among the keys: the text is replaced in place below.
        texts = [record["items"] or "[]" for record in records]
        items = json.loads("[" + ",".join(texts) + "]") if texts else []
        if len(items) != len(records):  # a malformed stored text: parse one by one, as before
            items = [json.loads(text) for text in texts]
        for record, record_items in zip(records, items):
            record["items"] = record_items
    return records


# Encodes items exactly as json.dumps(..., ensure_ascii=False, separators=(",", ":")) does,
# without building a new encoder for every order.
_ITEMS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_scraped_values = itemgetter(*SCRAPED_FIELDS)
_ITEMS_AT = SCRAPED_FIELDS.index("items")


def _encoded_values(order: dict[str, Any]) -> list[Any]:
    """Given a scraped order, return its SCRAPED_FIELDS values in order, items as JSON text
    (a missing field is None)."""
    try:
        values = list(_scraped_values(order))
    except KeyError:
        values = [order.get(field) for field in SCRAPED_FIELDS]
    values[_ITEMS_AT] = _ITEMS_JSON.encode(values[_ITEMS_AT] or [])
    return values


# The columns of one contract record, in `orders --json` order (never `account`).
_ORDER_COLUMNS = ", ".join(ORDER_JSON_KEYS)
# The order listings show orders in; the 0002 index has exactly these expressions.
_LISTING_ORDER = "ORDER BY completed_at IS NOT NULL, next_visit_date IS NULL, next_visit_date, number"


def _order_filter(include_completed: bool, account: str | None) -> tuple[str, tuple[Any, ...]]:
    """Return the WHERE clause (or "") and its parameters that pick the orders a listing shows."""
    clauses, params = [], []
    if not include_completed:
        clauses.append("completed_at IS NULL")
    if account is not None:
        clauses.append("account = ?")
        params.append(account)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def _upsert_order_sql() -> str:
    """Return the INSERT ... ON CONFLICT statement that stores one scraped order.

    Parameters: account, the SCRAPED_FIELDS values (items as JSON text), then the time stamp
    twice (first and last seen); an order seen again is active again (completed_at NULL).
    """
    columns = ", ".join(SCRAPED_FIELDS)
    updates = ", ".join(f"{field} = excluded.{field}" for field in SCRAPED_FIELDS if field != "number")
    return (
        f"INSERT INTO work_orders(account, {columns}, first_seen_at, last_seen_at, completed_at) "
        f"VALUES (?, {', '.join('?' * len(SCRAPED_FIELDS))}, ?, ?, NULL) "
        f"ON CONFLICT(account, number) DO UPDATE SET {updates}, last_seen_at = excluded.last_seen_at, "
        "completed_at = NULL, archived_as = NULL, completed_on = NULL"
    )


def _order_json_sql() -> str:
    """Return the SQL expression that builds one `orders --json` object, keys in contract order."""
    return "json_object(" + ", ".join(
        f"'{key}', {'json(items)' if key == 'items' else key}" for key in ORDER_JSON_KEYS
    ) + ")"


def _completed_fields(completed_on: str | None) -> str | None:
    """Given the site's completion date of an order marked completed (None: not read), return
    its change's fields as JSON ({"completed_on": [null, date]}), or None without a date."""
    return json.dumps({"completed_on": [None, completed_on]}) if completed_on else None


_UPSERT_ORDER_SQL = _upsert_order_sql()
_ORDER_JSON_SQL = _order_json_sql()


class OrderTables(RunTables, ScheduleTables):
    """The work_orders and changes tables; a sync's save also finishes its run and updates its schedule."""

    def load_orders(self, account: str, include_completed: bool = True) -> dict[str, dict[str, Any]]:
        """Return an account's stored orders as {number: record}."""
        sql = f"SELECT {_ORDER_COLUMNS} FROM work_orders WHERE account = ?"
        if not include_completed:
            sql += " AND completed_at IS NULL"
        return {record["number"]: record for record in _decode_orders(self.conn.execute(sql, (account,)))}

    def list_orders(self, include_completed: bool = False, account: str | None = None) -> list[dict[str, Any]]:
        """Return stored orders (active ones unless include_completed), by next visit then number."""
        where, params = _order_filter(include_completed, account)
        return _decode_orders(self.conn.execute(f"SELECT {_ORDER_COLUMNS} FROM work_orders{where} {_LISTING_ORDER}", params))

    def list_visits(self, columns: Iterable[str], account: str | None = None) -> list[dict[str, Any]]:
        """Given contract keys (items among them) and an account (None: every account), return
        the active orders that have a next visit date, in list_orders' order, as records of
        those keys only: what a calendar feed reads, without the rows and columns it never shows."""
        columns = list(columns)
        if not set(columns) <= set(ORDER_JSON_KEYS) or "items" not in columns:
            raise ValueError(f"not a list of order keys with items: {columns}")
        # "+account" keeps the account index out: SQLite reads the rows in the listing index's
        # order instead of picking them by account and sorting them (the bench store's feed:
        # about 40 M of 2.3 G instructions less for the command, callgrind).
        sql = (f"SELECT {', '.join(columns)} FROM work_orders WHERE completed_at IS NULL AND next_visit_date IS NOT NULL"
               f"{'' if account is None else ' AND +account = ?'} {_LISTING_ORDER}")
        return _decode_orders(self.conn.execute(sql, () if account is None else (account,)))

    def write_orders_json(self, out: BinaryIO, include_completed: bool = False, account: str | None = None) -> int:
        """Write the `orders --json` list (in list_orders' order) to a binary stream; return its length.

        SQLite builds each object (json_object, keys in contract order) and hands it over as
        bytes, so 100,000 orders (about 100 MB of JSON) are never built or encoded in Python.
        """
        where, params = _order_filter(include_completed, account)
        sql = f"SELECT {_ORDER_JSON_SQL} FROM work_orders{where} {_LISTING_ORDER}"
        count = 0
        self.conn.text_factory = bytes
        try:
            cursor = self.conn.execute(sql, params)
            out.write(b"[")
            while rows := cursor.fetchmany(2000):
                out.write((b"," if count else b"") + b"\n  " + b",\n  ".join(row[0] for row in rows))
                count += len(rows)
        finally:
            self.conn.text_factory = str
        out.write(b"\n]\n" if count else b"]\n")
        return count

    def find_orders(self, number: str) -> list[dict[str, Any]]:
        """Return the stored orders with this number (one per account that has it)."""
        return _decode_orders(self.conn.execute(f"SELECT {_ORDER_COLUMNS} FROM work_orders WHERE number = ?", (number,)))

    def count_orders(self, account: str | None = None) -> dict[str, int]:
        """Return {"active": n, "completed": m} over one account or all."""
        sql = "SELECT sum(completed_at IS NULL), sum(completed_at IS NOT NULL) FROM work_orders"
        params: tuple[Any, ...] = ()
        if account is not None:
            sql += " WHERE account = ?"
            params = (account,)
        active, completed = self.conn.execute(sql, params).fetchone()
        return {"active": active or 0, "completed": completed or 0}

    def list_changes(self, run_id: int | None = None, account: str | None = None) -> list[dict[str, Any]]:
        """Return the changes of one run (or of the newest run that has any, of one account or
        any), with decoded fields."""
        if run_id is None:
            row = self.conn.execute(
                "SELECT max(run_id) FROM changes" + (" WHERE account = ?" if account else ""),
                (account,) if account else (),
            ).fetchone()
            run_id = row[0]
            if run_id is None:
                return []
        else:
            self.get_run(run_id)
        rows = self._rows(
            "SELECT c.run_id, c.account, c.number, c.kind, c.fields, w.customer, w.store_number, "
            "w.next_visit_date FROM changes c LEFT JOIN work_orders w "
            "ON w.account = c.account AND w.number = c.number WHERE c.run_id = ? ORDER BY c.id",
            (run_id,),
        )
        for row in rows:
            row["fields"] = json.loads(row["fields"]) if row["fields"] else {}
        self._describe_location_changes(rows)
        return rows

    def apply_sync(
        self,
        run_id: int,
        account: str,
        scraped: list[dict[str, Any]],
        new_numbers: list[str],
        updated: dict[str, dict[str, list[Any]]],
        reopened: dict[str, dict[str, list[Any]]],
        to_complete: list[str],
        now: datetime,
        run_fields: dict[str, Any],
        schedule_id: int | None,
        schedule_fields: dict[str, Any],
        refreshed: Iterable[str] = (),
        to_remove: Iterable[str] = (),
        completed_on: dict[str, str | None] | None = None,
    ) -> dict[str, Any]:
        """Store one sync's result in ONE transaction; return the finished run record.

        Given the scraped orders, the numbers that are new, the field diffs of updated and
        reopened orders ({number: {field: [old, new]}}), the numbers to mark completed, the
        run's final values and the schedule's counters: upsert the orders, record `changes`,
        mark completed ones, finish the run row and update the schedule. `refreshed` orders
        are stored again without a change record (a backfilled field filled in). `to_remove`
        orders left the technician's work without being completed (reassigned, cancelled):
        archived as `removed`, never deleted; `completed_on` gives {number: YYYY-MM-DD} the
        site's completion date of orders marked completed (recorded as their change's field).
        A crash before the commit leaves the previous state untouched.
        """
        stamp = to_iso(now)
        with _gc_paused(), self.transaction():
            changed = set(new_numbers) | set(updated) | set(reopened) | set(refreshed)
            if changed:
                self.conn.executemany(_UPSERT_ORDER_SQL, [
                    (account, *_encoded_values(o), stamp, stamp) for o in scraped if o["number"] in changed
                ])
            dates = completed_on or {}
            to_remove = list(to_remove)
            if to_complete or to_remove:
                self.conn.executemany(
                    "UPDATE work_orders SET completed_at = ?, archived_as = ?, completed_on = ? "
                    "WHERE account = ? AND number = ?",
                    [(stamp, "completed", dates.get(number), account, number) for number in to_complete]
                    + [(stamp, "removed", None, account, number) for number in to_remove],
                )
            # Every order seen in this scrape was seen now; unchanged ones only need this stamp.
            # One statement over a JSON list of their numbers, not one statement per order:
            # on a 100,000-order store nearly every order is unchanged.
            unchanged = [o["number"] for o in scraped if o["number"] not in changed]
            if unchanged:
                self.conn.execute(
                    "UPDATE work_orders SET last_seen_at = ? WHERE account = ? "
                    "AND number IN (SELECT value FROM json_each(?))",
                    (stamp, account, json.dumps(unchanged, ensure_ascii=False)),
                )
            change_rows = [(run_id, account, n, "new", None) for n in new_numbers]
            change_rows += [(run_id, account, n, "updated", json.dumps(f, ensure_ascii=False)) for n, f in updated.items()]
            change_rows += [(run_id, account, n, "reopened", json.dumps(f, ensure_ascii=False)) for n, f in reopened.items()]
            change_rows += [(run_id, account, n, "completed", _completed_fields(dates.get(n))) for n in to_complete]
            change_rows += [(run_id, account, n, "removed", None) for n in to_remove]
            self.conn.executemany(
                "INSERT INTO changes(run_id, account, number, kind, fields) VALUES (?, ?, ?, ?, ?)", change_rows
            )
            run = self.finish_run(run_id, now, **run_fields)
            if schedule_id is not None and schedule_fields:
                self.update_schedule(schedule_id, now, **schedule_fields)
        return run

    def purge_completed(self, account: str, before: datetime) -> int:
        """Delete an account's orders completed before `before`; return how many."""
        cursor = self.conn.execute(
            "DELETE FROM work_orders WHERE account = ? AND completed_at IS NOT NULL AND completed_at < ?",
            (account, to_iso(before)),
        )
        return cursor.rowcount

    def _describe_location_changes(self, rows: list[dict[str, Any]]) -> None:
        """Given change rows, give those of a location (number "L-<location_id>", see
        wosync.equipment) the customer, store number and next visit of an order there."""
        keyed = [r for r in rows if r["kind"].startswith("dispenser_") and r["number"].startswith("L-")
                 and r["number"][2:].isdigit()]
        for account in {r["account"] for r in keyed}:
            ids = {int(r["number"][2:]) for r in keyed if r["account"] == account}
            orders = {}
            for order in self._rows(
                "SELECT location_id, customer, store_number, next_visit_date FROM work_orders WHERE account = ? "
                "AND location_id IN (SELECT value FROM json_each(?)) ORDER BY completed_at IS NOT NULL DESC, number DESC",
                (account, json.dumps(sorted(ids))),
            ):
                orders[order["location_id"]] = order  # the last written wins: an active one, lowest number
            for row in keyed:
                order = orders.get(int(row["number"][2:])) if row["account"] == account else None
                if order:
                    row.update(customer=order["customer"], store_number=order["store_number"],
                               next_visit_date=order["next_visit_date"])
