"""What `wosync status` reports: each schedule's state, next run and last result; and the one
line a status bar shows (`wosync status --line`).

Given the store and the current time, return JSON-ready records; wosync.render colours them.
The line is read every few seconds by tmux, polybar or waybar, so this module imports only
the standard library's lightest modules, wosync.progress and wosync.clock at the top (no
typing, pathlib or json: each would cost a status bar more than its own reads); the rest is
imported where it is used. Instants are written by wosync.instants.when_text, in the status
bar's short form. The store may be a Store or wosync.status_read's read-only reader: the line
calls only the reads both offer.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, tzinfo

from wosync import progress
from wosync.clock import from_iso, to_iso

TYPE_CHECKING = False  # typing is not imported at run time (see above)
if TYPE_CHECKING:
    from typing import Any

    from wosync.store import Store

# RunStatus values (wosync.model), written as the plain strings they equal: the line does not
# load wosync.model (dataclasses, inspect) to compare a run's status.
FAILED_STATUSES = ("failed", "partial", "interrupted")
LINE_FORMATS = ("text", "waybar", "json")

# The daemon writes a heartbeat every 30 s (wosync.daemon.HEARTBEAT_SECONDS); ten missed ones
# mean it is gone or hung, not merely busy.
HEARTBEAT_STALE_AFTER = timedelta(minutes=5)
UNIT_FILE = os.path.join("systemd", "user", "wosync.service")


def start_commands(environ: dict[str, str] | None = None) -> list[str]:
    """Given the environment (default: this process's), return the commands that start the
    daemon: the installed systemd user unit's when there is one, else installing one or
    running it in the foreground."""
    env = os.environ if environ is None else environ
    # The folder `wosync install-service` writes the unit to (wosync.actions.service.user_unit_dir).
    config_home = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    if os.path.exists(os.path.join(config_home, UNIT_FILE)):
        return ["systemctl --user start wosync"]
    return ["wosync install-service", "wosync daemon"]


def how_to_start(daemon: dict[str, Any], quoted: bool = True) -> str:
    """Given daemon_liveness(), return "`a` or `b`" (plain "a or b" unless quoted)."""
    return " or ".join(f"`{c}`" if quoted else c for c in daemon["start"])


def daemon_liveness(store: "Store", now: datetime, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Given the store and now, return what is known of the daemon:

    {"running": its process is alive and wrote a heartbeat within HEARTBEAT_STALE_AFTER,
     "needed": an enabled schedule exists, "stopped": needed and not running,
     "pid", "heartbeat_at" (as recorded, or None), "start": the commands that start it (start_commands)}.

    Only a fresh heartbeat counts: a pid alone may be a hung daemon, or another process that
    took the pid of one that died.
    """
    from wosync.pids import pid_alive

    state = store.get_daemon_state() or {}
    heartbeat = from_iso(state.get("heartbeat_at"))
    # abs(): after the clock was set back, a heartbeat "in the future" is as old as it is far.
    fresh = heartbeat is not None and abs(now - heartbeat) <= HEARTBEAT_STALE_AFTER
    running = bool(fresh and pid_alive(state.get("pid")))
    needed = bool(store.list_schedules(enabled_only=True))
    return {"running": running, "needed": needed, "stopped": needed and not running, "pid": state.get("pid"),
            "heartbeat_at": state.get("heartbeat_at"), "start": start_commands(environ)}


def schedule_state(row: dict[str, Any], live: dict[str, Any] | None, last_run: dict[str, Any] | None,
                   now: datetime, daemon_running: bool = True) -> tuple[str, str]:
    """Given a schedule row, the visible progress of the run in progress FOR THIS SCHEDULE (None
    when its account is idle or syncing for another reason), the newest run of its account,
    now and whether the daemon runs, return (state, detail).

    States: syncing (its run is in progress), paused, stopped (no daemon runs it), failed (the
    newest run did not succeed), waiting (outside active hours), active.
    """
    from wosync import schedules

    if live and live.get("status") == "in_progress":
        return "syncing", f"{live.get('percentage', 0)}% ({live.get('phase')})"
    if not row["enabled"]:
        return "paused", "paused"
    if not daemon_running:  # nothing will run it: that comes before how its last run went
        return "stopped", "daemon not running"
    if last_run and last_run["status"] in FAILED_STATUSES:
        return "failed", last_run.get("error_message") or last_run["status"]
    if not schedules.in_window(schedules.rule_from_row(row), now):
        return "waiting", "outside active hours"
    return "active", "active"


def _live_runs(store: "Store", now: datetime) -> dict[str, dict[str, Any]]:
    """Return {account: visible progress} of every account, with the schedule of an
    in-progress run as "schedule_id" (None for a manual `sync-now` without --schedule)."""
    live_by_account = {}
    for row in store.get_progress():
        state = progress.visible_state(row, now)
        state["schedule_id"] = None
        if state["status"] == "in_progress" and state.get("run_id"):
            run = store.find_run(state["run_id"])
            state["schedule_id"] = run["schedule_id"] if run else None
        live_by_account[row["account"]] = state
    return live_by_account


def status_report(store: "Store", now: datetime) -> dict[str, Any]:
    """Return {"schedules": [...], "syncing": [...], "daemon": {...} | None, "daemon_status": {...},
    "orders": {...}} ("daemon" as the daemon recorded it, "daemon_status" from daemon_liveness).

    A schedule is "syncing" only while the run in progress is its own: a manual sync of its
    account (or another schedule's run) shows in "syncing", not on this schedule.
    """
    from wosync import schedules

    live_by_account = _live_runs(store, now)
    accounts = store.list_accounts()
    default_account = accounts[0].username if len(accounts) == 1 else None
    daemon = daemon_liveness(store, now)
    # A manual `sync-now` is the account's last result as much as a scheduled run is.
    finished = {run["account"]: run for run in store.latest_finished_runs()}
    report = []
    for row in store.list_schedules():
        account = row["account"] or default_account
        live = live_by_account.get(account) if account else None
        if live is not None and live.get("schedule_id") != row["id"]:
            live = None
        last_run = finished.get(account) if account else None
        if last_run is None:
            last_run = store.latest_run(schedule_id=row["id"])
        state, detail = schedule_state(row, live, last_run, now, daemon["running"])
        next_run = from_iso(row["next_run"])
        report.append({
            "id": row["id"],
            "account": row["account"],
            "state": state,
            "detail": detail,
            "interval_hours": row["interval_hours"],
            "window": schedules.describe_window(schedules.rule_from_row(row)),
            "enabled": row["enabled"],
            "next_run": row["next_run"],
            "last_run": row["last_run"],
            "last_success": row["last_success"],
            "consecutive_failures": row["consecutive_failures"],
            "last_result": last_run["status"] if last_run else None,
            "last_error": last_run.get("error_message") if last_run else None,
            "last_result_at": last_run.get("started_at") if last_run else None,
            # Its next run has come and gone with no daemon to start it.
            "overdue": bool(row["enabled"] and daemon["stopped"] and next_run is not None and next_run <= now),
        })
    syncing = [dict(account=a, **s) for a, s in live_by_account.items() if s["status"] != "idle"]
    return {
        "now": to_iso(now),
        "schedules": report,
        "syncing": syncing,
        "daemon": store.get_daemon_state(),
        "daemon_status": daemon,
        "orders": store.count_orders(),
    }


# --- the status-bar line -------------------------------------------------------------------------

SYMBOL = {"syncing": "●", "ok": "✓", "failed": "✗", "paused": "‖", "stopped": "■"}
# A run's error_kind in a few words, for a status bar that has no room for the message.
REASON = {
    "credentials_rejected": "login rejected",
    "credentials": "no password",
    "unreachable": "site unreachable",
    "http_error": "site error",
    "layout": "page changed",
    "session_expired": "session expired",
    "browser_missing": "no browser",
    "browser_failed": "browser failed",
    "scrape_error": "scrape error",
    "incomplete": "incomplete read",
    "mass_removal_guard": "mass removal refused",
    "unexpected": "unexpected error",
    "interrupted": "interrupted",
    "storage": "storage error",
    "disk_full": "disk full",
}
PHASE_WORDS = {"initializing": "starting", "logging_in": "logging in", "scraping": "scraping",
               "saving": "saving", "equipment": "equipment", "completed": "done", "failed": "failed"}
# "Scraping work orders page 2 of 3...", "Reading equipment 4 of 12...": the step, for the line
# (patterns compiled on first use, by re's cache: most lines show no step).
_STEP = {"scraping": r"page (\d+)(?: of (\d+))?", "equipment": r"(\d+) of (\d+)"}


def _clean(value: Any) -> str:
    """Given a value to show on the line, return wosync.text.clean(value): plain printable ASCII
    with no doubled or outer spaces (an email, most messages) is returned as it is, as clean
    returns it, without importing wosync.text, whose patterns cost a status bar more than the
    rest of its line."""
    if isinstance(value, str) and value.isascii() and value.isprintable() and "  " not in value \
            and value == value.strip():
        return value
    from wosync.text import clean

    return clean(value)


def _reason(run: dict[str, Any]) -> str:
    """Given a run that did not succeed, return why in a few of wosync's own words (never site text)."""
    kind = run.get("error_kind") or run["status"]
    if kind in REASON:
        return REASON[kind]
    import re  # only for a kind without words of its own: the line rarely needs it

    return re.sub(r"[^a-z ]+", " ", kind.lower()).strip() or run["status"]


def status_line(store: "Store", now: datetime, zone: tzinfo | None = None) -> dict[str, Any]:
    """Given the store and now, return the status-bar state:

    {"state": syncing|ok|failed|paused|stopped, "text": the line, "tooltip": more lines,
     "percentage": 0-100, "orders": {"active", "completed"}, "next_run": iso | None,
     "syncing": {account, schedule_id, run_id, phase, percentage, message} | None,
     "last_run": {id, account, status, started_at, completed_at, error_kind, error_message} | None}

    In order: a run in progress (the most advanced one) is "● wosync 45% scraping page 2 of 3";
    every schedule paused is "‖ paused"; an enabled schedule with no live daemon is
    "■ daemon not running: systemctl --user start wosync" (state "stopped": nothing will run,
    so no next time is shown); an account whose newest finished run did not succeed is
    "✗ sync failed 02:20 (login rejected)"; else "✓ 218 orders · next 14:30".
    The record also holds "daemon": daemon_liveness().
    """
    from wosync.instants import earliest_next_run, when_text
    live = [dict(account=a, **s) for a, s in _live_runs(store, now).items() if s["status"] == "in_progress"]
    rows = store.list_schedules()
    orders = store.count_orders()
    next_run = earliest_next_run(rows)
    finished = store.latest_finished_runs()
    failing = [r for r in finished if r["status"] in FAILED_STATUSES]
    newest = max(finished, key=lambda r: r["id"]) if finished else None
    shown_run = max(failing, key=lambda r: r["id"]) if failing else newest

    tooltip = [f"{orders['active']} active work orders, {orders['completed']} completed"]
    for run in sorted(finished, key=lambda r: r["account"]):
        tooltip.append(f"{_clean(run['account'])}: last sync {run['status']} {when_text(from_iso(run['started_at']), now, zone, short=True)}"
                       + (f": {_clean(run['error_message'])[:200]}" if run.get("error_message") else ""))
    daemon = daemon_liveness(store, now)
    if daemon["stopped"]:
        tooltip.append(f"daemon not running, so no schedule runs; start it with {how_to_start(daemon, quoted=False)}")
    elif next_run is not None:
        tooltip.append(f"next sync {when_text(next_run, now, zone, short=True)}")
    percentage = 100
    syncing = None
    if live:
        current = max(live, key=lambda s: s.get("percentage") or 0)
        percentage = int(current.get("percentage") or 0)
        phase = current.get("phase") or "initializing"
        words = PHASE_WORDS.get(phase, "syncing")
        import re  # a live sync only: the idle line never needs it

        step = re.search(_STEP[phase], current.get("message") or "") if phase in _STEP else None
        if step:
            words += (" page " if phase == "scraping" else " ") + step.group(1) + (
                f" of {step.group(2)}" if step.group(2) else "")
        state, text = "syncing", f"{SYMBOL['syncing']} wosync {percentage}% {words}"
        syncing = {k: current.get(k) for k in ("account", "schedule_id", "run_id", "phase", "percentage", "message")}
        tooltip.insert(0, f"syncing {_clean(current['account'])}: {_clean(current.get('message'))}")
    elif rows and not any(r["enabled"] for r in rows):
        state, text, percentage = "paused", f"{SYMBOL['paused']} paused", 0
    elif daemon["stopped"]:
        state, percentage = "stopped", 0
        text = f"{SYMBOL['stopped']} daemon not running: {how_to_start(daemon, quoted=False)}"
    elif failing:
        run = shown_run
        state, percentage = "failed", 0
        verb = {"partial": "partial", "interrupted": "interrupted"}.get(run["status"], "failed")
        text = f"{SYMBOL['failed']} sync {verb} {when_text(from_iso(run['started_at']), now, zone, short=True)} ({_reason(run)})"
    else:
        state = "ok"
        if next_run is None:
            upcoming = "no schedule"
        elif next_run <= now:
            upcoming = "next now"
        else:
            upcoming = f"next {when_text(next_run, now, zone, short=True)}"
        text = f"{SYMBOL['ok']} {orders['active']} orders · {upcoming}"
    last = None
    if shown_run is not None:
        last = {k: shown_run.get(k) for k in ("id", "account", "status", "started_at", "completed_at",
                                              "error_kind", "error_message")}
    return {
        "state": state, "text": text, "tooltip": "\n".join(tooltip), "percentage": percentage,
        "orders": orders, "next_run": to_iso(next_run), "syncing": syncing, "last_run": last, "daemon": daemon,
    }


def _pango(text: str) -> str:
    """Given text, return it escaped for Pango markup (what waybar reads `text` and `tooltip` as)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def format_line(line: dict[str, Any], fmt: str = "text") -> str:
    """Given status_line() and a format (text | waybar | json), return what to print (with "\\n").

    waybar: the JSON its custom module reads (`text`, `tooltip`, `class`, `percentage`, and
    `alt` for format-icons), Pango-escaped as waybar expects by default.
    """
    if fmt == "text":
        return line["text"] + "\n"
    import json
    if fmt == "waybar":
        return json.dumps({"text": _pango(line["text"]), "tooltip": _pango(line["tooltip"]), "class": line["state"],
                           "alt": line["state"], "percentage": line["percentage"]}, ensure_ascii=False) + "\n"
    record = dict(line)
    if record["last_run"] and record["last_run"].get("error_message"):
        record["last_run"] = {**record["last_run"], "error_message": _clean(record["last_run"]["error_message"])}
    return json.dumps(record, ensure_ascii=False) + "\n"


def check_line_format(fmt: str) -> str:
    """Given a --format value, return it lower-case; UsageError unless it is text, waybar or json."""
    value = fmt.strip().lower()
    if value not in LINE_FORMATS:
        from wosync.errors import UsageError  # only now: wosync.errors loads pathlib

        raise UsageError(f"--format takes text, waybar or json, got {fmt!r}")
    return value
