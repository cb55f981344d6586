"""Reading the Equipment tab of due locations after a successful sync.

After the orders of a successful run are saved, `after_sync` reads, through the run's source
(a wosync.model.EquipmentSource: the same logged-in browser), the dispensers of the locations
of active orders that are due: never read, or read more than WOSYNC_EQUIPMENT_MAX_AGE_DAYS
ago (default 7). An hourly sync reads at most WOSYNC_EQUIPMENT_PER_RUN of them (default 25),
the longest unread first, so it never grows long; `sync-now --equipment` reads every due
one. Progress shows the phase "equipment" with "Reading equipment i of n...".

Each location read is stored on its own (one transaction each), so what was read before an
error is kept. The equipment step never fails the run: the orders are already saved, and an
error is recorded in `runs.equipment_error` (the locations not read stay due for the next run).
A location whose page cannot be read (an HTTP error, its Equipment tab not found) is skipped
and the next one tried; three such locations in a row, or an error that is not about one
location (the site unreachable, the session gone, the browser failing, a stop request), end
the step. A location the site says was deleted is skipped and recorded too, but never counts
toward the three: it tells nothing about the site's pages.

The dispenser fields read by their text fallback on most dispensers are added to the run's
`fallback_fields` as "dispenser.<field>" (wosync.fallbacks).

Changes are recorded in the `changes` table like order changes, one row per dispenser:
kinds "dispenser_added", "dispenser_removed" and "dispenser_updated". Their `number` is the
location key "L-<location_id>" (a location may serve several orders, and its dispensers
belong to it, not to one of them); `wosync changes` and the digest show them with the
customer and store of an order there. Their fields keep the `{name: [old, new]}` shape with
names led by the dispenser's position: "3/4 model": ["NL2", "NL3"], "3/4 Meter Type": [...];
an added or removed dispenser is one field, its position, with a one-line summary of it on
the new or old side. A location's first read records no changes: there is nothing to compare
it with, and the first sync of 250 locations would otherwise list some 2,000 "added" rows.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections import Counter
from datetime import timedelta
from functools import partial
from typing import Any, Callable

from wosync import fallbacks
from wosync.errors import Interrupted, WosyncError
from wosync.model import EquipmentSource, RunRecord
from wosync.text import plural

log = logging.getLogger("wosync.equipment")

MAX_AGE_ENV = "WOSYNC_EQUIPMENT_MAX_AGE_DAYS"
DEFAULT_MAX_AGE_DAYS = 7.0
PER_RUN_ENV = "WOSYNC_EQUIPMENT_PER_RUN"
DEFAULT_PER_RUN = 25
# Locations failing one after another mean the site's location pages changed (or are down):
# stop after this many instead of saving artefacts for every due location.
MAX_FAILURES_IN_A_ROW = 3
# The progress percentage the equipment phase runs through (after "saving" at 90).
EQUIPMENT_START, EQUIPMENT_END = 90, 99

LOCATION_KEY_PREFIX = "L-"

# The dispenser's own attributes a change is reported on, besides its custom fields.
COMPARED = ("grades", "make", "model", "serial")

# Given the source and a location id, return the location's dispensers.
Reader = Callable[[EquipmentSource, int], list[dict[str, Any]]]


# --------------------------------------------------------------------------- settings


def _setting(name: str, default: float, minimum: float) -> float:
    """Return the number in $name, or `default` when it is unset or not a number >= minimum
    (with a warning: a typo in the environment must not break the sync)."""
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = float(text)
        if value >= minimum:
            return value
    except ValueError:
        pass
    log.warning("%s=%r is not a number of at least %g; using %g", name, text, minimum, default)
    return default


def max_age() -> timedelta:
    """Return how old a location's reading may grow before it is due ($WOSYNC_EQUIPMENT_MAX_AGE_DAYS, default 7)."""
    return timedelta(days=_setting(MAX_AGE_ENV, DEFAULT_MAX_AGE_DAYS, 0))


def per_run() -> int:
    """Return how many due locations one sync reads ($WOSYNC_EQUIPMENT_PER_RUN, default 25; 0 reads none)."""
    return int(_setting(PER_RUN_ENV, DEFAULT_PER_RUN, 0))


# --------------------------------------------------------------------------- pure parts


def location_key(location_id: int) -> str:
    """Given a location id, return the `number` its change rows carry ("L-40123")."""
    return f"{LOCATION_KEY_PREFIX}{location_id}"


def location_of_key(number: str) -> int | None:
    """Given a change row's number, return the location id of a location key, else None."""
    if number.startswith(LOCATION_KEY_PREFIX) and number[len(LOCATION_KEY_PREFIX):].isdigit():
        return int(number[len(LOCATION_KEY_PREFIX):])
    return None


def choose_due(due: list[int], all_due: bool, limit: int) -> list[int]:
    """Given the due location ids (longest unread first), whether to read all of them and the
    per-run allowance, return the ones this run reads."""
    return list(due) if all_due else list(due[:max(0, limit)])


def summary(dispenser: dict[str, Any]) -> str:
    """Given a dispenser, return it on one line: "Regular, Plus - Gilbarco NL3, S/N SN60372"."""
    grades = ", ".join(dispenser.get("grades") or [])
    machine = " ".join(part for part in (dispenser.get("make"), dispenser.get("model")) if part)
    text = " - ".join(part for part in (grades, machine) if part)
    if dispenser.get("serial"):
        text += f", S/N {dispenser['serial']}" if text else f"S/N {dispenser['serial']}"
    return text or "(no details)"


def _empty(value: Any) -> Any:
    """Treat "" and [] like None, so a blank on the site equals a missing line."""
    return None if value == "" or value == [] else value


def _by_position(dispensers: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Key dispensers by (position, how many before it had that position): the site numbers
    each one's fuelling positions, and a repeated position still pairs in order."""
    seen: Counter = Counter()
    keyed = {}
    for dispenser in dispensers:
        position = dispenser.get("position") or ""
        keyed[(position, seen[position])] = dispenser
        seen[position] += 1
    return keyed


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """Given a stored and a read dispenser at one position, return {name: [old, new]} of what
    differs: grades, make, model, serial, then each custom field by its label."""
    changed: dict[str, list[Any]] = {}
    for name in COMPARED:
        before, after = _empty(old.get(name)), _empty(new.get(name))
        if before != after:
            changed[name] = [before, after]
    old_fields, new_fields = old.get("fields") or {}, new.get("fields") or {}
    for label in [*old_fields, *(k for k in new_fields if k not in old_fields)]:
        before, after = _empty(old_fields.get(label)), _empty(new_fields.get(label))
        if before != after:
            changed[label] = [before, after]
    return changed


def dispenser_changes(location_id: int, stored: list[dict[str, Any]],
                      read: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, list[Any]]]]:
    """Given a location id, its stored dispensers and those just read, return the change rows
    to record as (number, kind, fields): removed ones first, then updated and added ones in
    the order read (see the module docstring for the shape)."""
    number = location_key(location_id)
    before, after = _by_position(stored), _by_position(read)
    rows: list[tuple[str, str, dict[str, list[Any]]]] = []
    for key, dispenser in before.items():
        if key not in after:
            rows.append((number, "dispenser_removed", {key[0]: [summary(dispenser), None]}))
    for key, dispenser in after.items():
        if key not in before:
            rows.append((number, "dispenser_added", {key[0]: [None, summary(dispenser)]}))
            continue
        changed = field_changes(before[key], dispenser)
        if changed:
            rows.append((number, "dispenser_updated", {f"{key[0]} {name}": values for name, values in changed.items()}))
    return rows


def equipment_percentage(index: int, count: int, plan=None) -> int:
    """Given the location being read (1-based), how many are read and the sync's progress plan
    (wosync.progress.ProgressPlan; None: the fixed range 90..99), return the percentage."""
    if plan is not None:
        return plan.equipment(index, count)
    if count <= 0:
        return EQUIPMENT_START
    return EQUIPMENT_START + (EQUIPMENT_END - EQUIPMENT_START) * (index - 1) // count


# --------------------------------------------------------------------------- the sync step


def _read_through_source(source: EquipmentSource, location_id: int, strategies=None) -> list[dict[str, Any]]:
    """The reader a sync uses: the source's own read_equipment, given the FieldStrategies to
    count into when it takes one (the browser source does; a test's fake need not)."""
    if strategies is not None and "strategies" in inspect.signature(source.read_equipment).parameters:
        return source.read_equipment(location_id, strategies=strategies)
    return source.read_equipment(location_id)


def _is_deleted_location(exc: BaseException) -> bool:
    """Return True when the site says the location may have been deleted."""
    from wosync.workfossa.errors import LocationNotFound

    return isinstance(exc, LocationNotFound)


def _is_about_one_location(exc: BaseException) -> bool:
    """Return True for an error that concerns the location read (its page answered an HTTP
    error, its Equipment tab was not found), after which the next location may still read."""
    from wosync.workfossa.errors import LayoutNotRecognised, SiteHttpError

    return isinstance(exc, (LayoutNotRecognised, SiteHttpError))


def after_sync(store, source: EquipmentSource, account, run: RunRecord, clock, tracker, all_due,
               reader: Reader | None = None) -> RunRecord:
    """Given the store, the run's source (still logged in), the account, the finished run, the
    clock, the run's progress tracker and whether to read every due location, read the Equipment
    tab of the due locations (through `reader`, by default the source's read_equipment) and
    store their dispensers; return the run record (with its equipment_error when the reading
    fell short). Never raises: the run stays as it was saved.
    """
    from wosync.workfossa.strategies import FieldStrategies

    strategies = FieldStrategies()
    try:
        due = store.equipment_due(account.username, clock() - max_age())
        chosen = choose_due(due, all_due, per_run())
        if not chosen:
            return run
        error = _read_locations(store, source, account, run["id"], chosen, clock, tracker,
                                reader or partial(_read_through_source, strategies=strategies))
    except Exception as exc:  # a bug or a storage error: recorded, never the run's failure
        error = f"unexpected {type(exc).__name__}: {exc}"
    if error is not None:
        log.warning("sync #%s: equipment: %s", run["id"], error)
    found = {**fallbacks.decode(run.get("fallback_fields")),
             **fallbacks.most_rows(strategies.fallback_fields(), strategies.read, fallbacks.DISPENSER_PREFIX)}
    try:
        # Finished again: its completed_at and duration then count the equipment reading too.
        return store.finish_run(run["id"], clock(), equipment_error=error,
                                fallback_fields=fallbacks.encode(found))
    except Exception:  # the store itself failing (disk full): the run was saved before
        return run


def _read_locations(store, source: EquipmentSource, account, run_id: int, chosen: list[int], clock, tracker,
                    reader: Reader) -> str | None:
    """Read and store the chosen locations one by one; return the equipment error to record
    (None when every one was read)."""
    username = account.username
    known = set(store.dispenser_counts(username))  # locations read before: their changes count
    failures: list[tuple[int, str]] = []
    in_a_row = 0
    read = 0
    stop: str | None = None
    for index, location_id in enumerate(chosen, start=1):
        tracker.update("in_progress", "equipment", equipment_percentage(index, len(chosen), getattr(tracker, "plan", None)),
                       f"Reading equipment {index} of {len(chosen)}...")
        try:
            dispensers = reader(source, location_id)
        except (Interrupted, KeyboardInterrupt):
            # The orders are saved; stopping here is what a stop request asks for.
            stop = f"interrupted after {read} of {len(chosen)} locations"
            break
        except WosyncError as exc:
            failures.append((location_id, exc.message))
            if _is_deleted_location(exc):
                continue  # that location's own state, not a sign the site's pages changed
            in_a_row += 1
            if not _is_about_one_location(exc):
                stop = "stopped there"
                break
            if in_a_row >= MAX_FAILURES_IN_A_ROW:
                stop = f"stopped after {in_a_row} failed locations in a row"
                break
            continue
        in_a_row = 0
        stored = store.load_dispensers(username, location_id)
        changes = dispenser_changes(location_id, stored, dispensers) if (username, location_id) in known else []
        store.save_equipment(run_id, username, location_id, dispensers, changes, clock())
        read += 1
    return _error_text(store, username, failures, stop, len(chosen) - read)


def _error_text(store, username: str, failures: list[tuple[int, str]], stop: str | None, unread: int) -> str | None:
    """Given the failed locations (id, message), why the step stopped early and how many of the
    chosen locations were not read, return the run's equipment_error (None: nothing to say)."""
    if not failures and stop is None:
        return None
    parts = []
    if failures:
        location_id, message = failures[0]
        located = store.list_locations(username, [location_id])
        orders = located[0]["orders"] if located else []
        at = f" ({', '.join(orders[:3])}{', ...' if len(orders) > 3 else ''})" if orders else ""
        parts.append(f"location {location_id}{at}: {message}")
        if len(failures) > 1:
            parts.append(f"{plural(len(failures) - 1, 'more location')} failed too")
    if stop:
        parts.append(stop)
    parts.append(f"{plural(unread, 'location')} not read this time; they are read by the next sync "
                 "(the work orders were saved)")
    return "; ".join(parts)
