"""The `wosync daemon` process: logging, the daemon lock, signals, and the exit status around
the loop (wosync.daemon.loop.Daemon)."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

from wosync import busy, config
from wosync.clock import system_clock
from wosync.daemon.loop import Daemon, interval_override_from_env
from wosync.daemon.wakeup import Signals
from wosync.errors import WosyncError
from wosync.locks import FileLock, daemon_lock_path
from wosync.logs import setup_logging
from wosync.sdnotify import Notifier

log = logging.getLogger("wosync.daemon")


def serve(log_file: Path | None = None, verbose: bool = False) -> int:
    """Run the daemon in the foreground until SIGTERM or SIGINT; return the exit status (0).

    Raises AlreadyRunning (exit 4, naming its pid) when another daemon uses this data folder.
    """
    setup_logging(log_file, verbose)
    notifier = Notifier()  # reads and then hides NOTIFY_SOCKET from child processes
    test_interval = interval_override_from_env()
    lock = FileLock(daemon_lock_path(config.locks_dir()), "the wosync daemon")
    lock.acquire(system_clock())
    daemon = Daemon(notifier=notifier, test_interval=test_interval)
    # The handlers only note the signal and wake the loop (wosync.daemon.wakeup): no Python code
    # runs in them, so no burst of signals can nest them.
    daemon.signals = Signals(daemon.wakeup_pipe, (signal.SIGTERM, signal.SIGINT, signal.SIGHUP))
    try:
        daemon.run()
        if daemon.lost is not None:
            log.error("the daemon stopped: %s", daemon.lost)
            return 1
        if daemon.damaged is not None:
            log.error("the daemon stopped: %s", daemon.damaged.message)
            return int(daemon.damaged.exit_code)
    except WosyncError as exc:
        log.error("the daemon stopped: %s", exc.message)
        return int(exc.exit_code)
    except Exception as exc:  # a bug or a broken database: exit non-zero so systemd restarts us
        if busy.is_busy(exc):  # held by another process past the busy timeout: say who
            log.error("the daemon stopped: %s", busy.busy_error(config.db_path()).message)
            return 1
        log.error("the daemon stopped: unexpected %s: %s", type(exc).__name__, exc)
        return 1
    finally:
        daemon.signals.restore()
        daemon.close()
        lock.release()
        notifier.close()
        if daemon.abandoned_worker:
            # The worker is stuck in a page load. Everything is recorded and the lock is free, but
            # a normal interpreter exit would wait on the browser driver's threads and pipes (more
            # than 3 s on a loaded machine, past systemd's and the README's 10 s): leave now. The
            # driver sees its pipe close and takes the browser down with it.
            logging.shutdown()
            os._exit(int(daemon.damaged.exit_code) if daemon.damaged else 0)
    return 0
