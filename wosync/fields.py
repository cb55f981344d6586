"""The work order record of docs/design.md's `orders --json` contract, named once for every module."""

from __future__ import annotations

# Fields read from the site, in the order `orders --json` prints them.
SCRAPED_FIELDS: tuple[str, ...] = (
    "number",
    "work_id",
    "status",
    "category",
    "reason",
    "project",
    "customer",
    "store_number",
    "brand",
    "street",
    "intersection",
    "city",
    "state",
    "zip",
    "county",
    "contact",
    "items",
    "visits_done",
    "visits_planned",
    "next_visit_date",
    "time_window",
    "due_date",
    "instructions",
    "created_by",
    "created_at",
    "url",
    "visit_url",
    "location_id",
)

# Fields wosync keeps about each order's life in the store.
# completed_at: when wosync archived it (NULL while active); archived_as: why, "completed" (on
# the site's completed list) or "removed" (reassigned, cancelled or deleted: on neither list);
# completed_on: the completion date that list shows (YYYY-MM-DD).
TRACKING_FIELDS: tuple[str, ...] = ("first_seen_at", "last_seen_at", "completed_at", "archived_as", "completed_on")

# Exactly the keys of one `orders --json` object.
# docs/design.md lists location_id last, after the tracking fields.
ORDER_JSON_KEYS: tuple[str, ...] = (
    tuple(f for f in SCRAPED_FIELDS if f != "location_id") + TRACKING_FIELDS + ("location_id",)
)

# Fields added to the store after its first version: a stored NULL there means "not read yet",
# so filling it in is stored without being reported as a change (else every order of an
# upgraded store would show as "updated" once).
BACKFILLED_FIELDS: tuple[str, ...] = ("location_id",)

# Fields a change is reported on: everything scraped except the key itself.
COMPARED_FIELDS: tuple[str, ...] = tuple(f for f in SCRAPED_FIELDS if f != "number")
