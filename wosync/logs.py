"""The daemon's log lines: plain one-liners on stderr (journald-aware) and a private rotated file.

No traceback and no locals ever reach a log: exceptions are written as "Type: message".
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path


class OneLineFormatter(logging.Formatter):
    """A formatter that prints an exception as "Type: message", never a traceback with locals."""

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        exc_type, value = ei[0], ei[1]
        return f"{exc_type.__name__ if exc_type else 'Error'}: {value}"

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return ""


class JournalFormatter(OneLineFormatter):
    """For stderr connected to journald: a "<priority>" prefix, no time stamp (journald adds it)."""

    PRIORITIES = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}

    def format(self, record: logging.LogRecord) -> str:
        priority = self.PRIORITIES.get(record.levelno, 6)
        return "\n".join(f"<{priority}>{line}" for line in super().format(record).splitlines())


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose files are created with mode 0600 (they name accounts)."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def stderr_is_journal(environ: dict[str, str] | None = None) -> bool:
    """Return True when stderr is connected to journald ($JOURNAL_STREAM names its device:inode)."""
    value = (os.environ if environ is None else environ).get("JOURNAL_STREAM", "")
    try:
        device, inode = (int(part) for part in value.split(":"))
        info = os.fstat(sys.stderr.fileno())
    except (ValueError, OSError, AttributeError):
        return False
    return (info.st_dev, info.st_ino) == (device, inode)


def setup_logging(log_file: Path | None = None, verbose: bool = False) -> None:
    """Send plain log lines to stderr (journald under systemd) and, given a path, to a rotated file.

    At most 1 MB per file, 3 old files kept. Libraries log warnings only; wosync logs INFO
    (DEBUG when verbose).
    """
    plain = "%(asctime)s %(levelname)s %(message)s"
    handlers: list[logging.Handler] = []
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(JournalFormatter("%(message)s") if stderr_is_journal()
                        else OneLineFormatter(plain, "%Y-%m-%d %H:%M:%S"))
    handlers.append(stderr)
    if log_file is not None:
        log_file = Path(log_file).expanduser()
        log_file.parent.mkdir(parents=True, exist_ok=True)
        rotating = PrivateRotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        rotating.setFormatter(OneLineFormatter(plain, "%Y-%m-%d %H:%M:%S"))
        handlers.append(rotating)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(logging.WARNING)
    # When the browser's driver is closed under it at shutdown, asyncio reports futures
    # "never retrieved": internal noise of Playwright, already reported as the run's result.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    logging.getLogger("wosync").setLevel(logging.DEBUG if verbose else logging.INFO)
