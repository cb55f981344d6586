"""Questions about the visits of stored orders: a span of days (`wosync week`), the visits per
day (is a day already busy?) and where the orders a run's changes name are (`wosync changes`)."""

from __future__ import annotations

import json
from typing import Any, Iterable

from wosync.fields import ORDER_JSON_KEYS
from wosync.store.connection import StoreConnection

_COLUMNS = ", ".join(ORDER_JSON_KEYS)
_FEW = 1000  # up to this many numbers are looked up one by one (see order_places)


def _decoded(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Given rows with the items column as JSON text, return them with the items decoded."""
    for row in rows:
        row["items"] = json.loads(row["items"]) if row.get("items") else []
    return rows


class VisitTables(StoreConnection):
    """Reads of work_orders by visit day and by number (no table of their own)."""

    def visits_between(self, first: str, last: str, account: str | None = None) -> list[dict[str, Any]]:
        """Given two ISO days (both included) and an optional account, return the active orders
        whose next visit falls between them, as contract records with their `account`, by day
        then number."""
        sql = (f"SELECT account, {_COLUMNS} FROM work_orders WHERE completed_at IS NULL "
               "AND next_visit_date >= ? AND next_visit_date <= ?")
        params: list[Any] = [first, last]
        if account is not None:
            sql += " AND account = ?"
            params.append(account)
        return _decoded(self._rows(sql + " ORDER BY next_visit_date, number", params))

    def visit_day_counts(self, account: str | None = None) -> dict[str, int]:
        """Given an optional account, return {ISO day: active orders whose next visit is that day}."""
        sql = "SELECT next_visit_date, count(*) FROM work_orders WHERE completed_at IS NULL AND next_visit_date IS NOT NULL"
        params: tuple[Any, ...] = ()
        if account is not None:
            sql += " AND account = ?"
            params = (account,)
        return dict(self.conn.execute(sql + " GROUP BY next_visit_date", params).fetchall())

    def order_places(self, account: str, numbers: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Given an account and order numbers, return {number: {"city", "location_id",
        "completed_at"}} of those stored, completed ones too (a run's changes, described)."""
        wanted = set(numbers)
        sql = "SELECT number, city, location_id, completed_at FROM work_orders WHERE account = ?"
        params: tuple[Any, ...] = (account,)
        if len(wanted) <= _FEW:
            sql += " AND number IN (SELECT value FROM json_each(?))"
            params += (json.dumps(sorted(wanted), ensure_ascii=False),)
        # Many numbers (a first sync names every order): one walk over the account's orders is
        # quicker than as many index lookups.
        return {number: {"city": city, "location_id": location_id, "completed_at": completed_at}
                for number, city, location_id, completed_at in self.conn.execute(sql, params) if number in wanted}
