"""What a run received from the site: recorded on the run once its reads are done.

The count is the browser's own (wosync.workfossa.bytes_meter: cache hits count 0), read from
the run's source; a source that cannot count (a test's fake, a browser that would not say)
leaves the run's bytes_received NULL.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("wosync.sync")


def record_bytes_received(store, source, run: dict[str, Any] | None) -> dict[str, Any] | None:
    """Given the store, the run's source and the finished run record, record the bytes the
    source received on the run; return the run record (updated when there was a count)."""
    received = getattr(source, "bytes_received", None)
    if run is None or not isinstance(received, int):
        return run
    try:
        return store.set_run_bytes_received(run["id"], received)
    except Exception as exc:  # a figure for the user, never a reason to fail a finished run
        log.info("could not record the bytes run %s received: %s", run.get("id"), exc)
        return run
