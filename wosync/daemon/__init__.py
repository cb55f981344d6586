"""`wosync daemon`: the schedule loop that runs all day, under systemd or in a terminal.

Every decision about a schedule (which is due, what its next run is after a run, a skip or a
missing account, when the wall clock jumped and each next run after that) is a pure rule of
wosync.schedule_rules, built on the arithmetic of wosync.schedules; the store's ``next_run``
column is the single source of truth, so a restarted daemon keeps the cadence and a CLI change
is just a changed row.

- loop.py: class Daemon, the loop and its jobs, and the status line it reports;
- schedule_run.py: run_schedule, one due schedule's sync and the writing of its next run;
- guards.py: what the loop checks on every turn (signals noted, the database file still there,
  a busy database waited out, a wall-clock jump re-planned);
- wakeup.py: the self-pipe the loop sleeps on and the signal handlers that only note a signal;
- process.py: serve, the process around the loop (logging, the daemon lock, signals, exit).

The names below are those other modules and the tests have always imported from here.
"""

from wosync.daemon.loop import (
    BACKUP_CHECK_SECONDS,
    BACKUP_RETRY_SECONDS,
    HEARTBEAT_SECONDS,
    POLL_SECONDS,
    STOP_GRACE_SECONDS,
    TEST_INTERVAL_ENV,
    Daemon,
    format_duration,
    interval_override_from_env,
    status_line,
)
from wosync.daemon.process import serve
from wosync.daemon.schedule_run import RunOutcome, run_schedule
from wosync.schedule_rules import (
    CLOCK_JUMP_TOLERANCE_SECONDS,
    clock_jump,
    due_schedules,
    earliest_next_run,
    plan_after_run,
    unplanned_schedules,
    when_text,
)

__all__ = [
    "BACKUP_CHECK_SECONDS", "BACKUP_RETRY_SECONDS", "CLOCK_JUMP_TOLERANCE_SECONDS", "HEARTBEAT_SECONDS",
    "POLL_SECONDS", "STOP_GRACE_SECONDS", "TEST_INTERVAL_ENV", "Daemon", "RunOutcome", "clock_jump",
    "due_schedules", "earliest_next_run", "format_duration", "interval_override_from_env", "plan_after_run",
    "run_schedule", "serve", "status_line", "unplanned_schedules", "when_text",
]
