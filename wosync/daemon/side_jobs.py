"""The daemon's side jobs: the daily backup and the daily notification digests.

SideJobs is a part of wosync.daemon.loop.Daemon (it uses the Daemon's store, clock and flags):
each method is one job of the Daemon's scheduler that is not a sync. Neither job ever stops
the daemon: a failure is logged and tried again later.
"""

from __future__ import annotations

import logging
import time

from wosync import busy
from wosync.errors import WosyncError

log = logging.getLogger("wosync.daemon")

# How often the daemon looks whether today's backup is made (once per local day, while no sync
# runs; wosync.backup keeps the last 7); after a failed one it waits longer before trying again.
BACKUP_CHECK_SECONDS = 600.0
BACKUP_RETRY_SECONDS = 3600.0
# How often the daemon looks for daily notification digests that are due (wosync.notify_digests).
DIGEST_CHECK_SECONDS = 60.0


class SideJobs:
    """The Daemon's jobs besides syncing (see the module text); not used on its own."""

    def _daily_backup(self) -> None:
        """The `backup` job: unless a sync runs, make today's backup beside the database if it
        is not made yet, keeping the last 7 (wosync.backup.daily_backup). A failed backup is
        logged and retried an hour later; it never stops the daemon."""
        if self._busy() or self._stop.is_set() or time.monotonic() < self._backup_retry_at:
            return
        from wosync.backup import DAILY_KEEP, daily_backup

        try:
            made = daily_backup(self.store, self.clock())
        except Exception as exc:
            self._backup_retry_at = time.monotonic() + BACKUP_RETRY_SECONDS
            log.warning("the daily backup failed: %s; trying again in an hour",
                        exc.message if isinstance(exc, WosyncError) else f"{type(exc).__name__}: {exc}")
            return
        if made is not None:
            log.info("daily backup written: %s (the last %d are kept)", made, DAILY_KEEP)

    def _due_digests(self) -> None:
        """The `digests` job: unless a sync runs (its changes would be half counted), send the
        daily notification digests that are due (wosync.notify_digests.send_due_digests)."""
        if self._busy() or self._stop.is_set():
            return
        from wosync.notify_digests import send_due_digests

        try:
            send_due_digests(self.store, self.clock(), cancel=self._stop)
        except Exception as exc:  # a digest never stops the daemon; a busy database waits (see guards)
            if busy.is_busy(exc):
                raise
            log.warning("the daily digests failed: %s: %s; trying again at the next check", type(exc).__name__, exc)
