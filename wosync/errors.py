"""Exit codes and the typed errors that the CLI turns into one `Error: ...` line.

Every error a user can cause or meet carries the exit code of DESIGN.md and a message that
names the fix. `kind` is the short machine-readable name stored in `runs.error_kind`.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """The process exit statuses of DESIGN.md's CLI contract."""

    OK = 0
    SYNC_FAILED = 1
    USAGE = 2
    CREDENTIALS = 3
    ALREADY_RUNNING = 4
    PARTIAL = 5
    INTERRUPTED = 130


class WosyncError(Exception):
    """Base of every error wosync reports to a user: a message and an exit code."""

    exit_code: ExitCode = ExitCode.SYNC_FAILED
    kind: str = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(WosyncError):
    """Bad input from the user: an option out of range, an unknown id."""

    exit_code = ExitCode.USAGE
    kind = "usage"


class StorageError(WosyncError):
    """The data folder or database cannot be used (not writable, corrupt)."""

    exit_code = ExitCode.USAGE
    kind = "storage"


class CredentialsError(WosyncError):
    """No password is available, or the keyring cannot be used."""

    exit_code = ExitCode.CREDENTIALS
    kind = "credentials"


class AlreadyRunning(WosyncError):
    """Another process holds the lock (a sync of the same account, or a daemon)."""

    exit_code = ExitCode.ALREADY_RUNNING
    kind = "already_running"


class PartialSync(WosyncError):
    """The scrape read fewer distinct orders than the site's match count."""

    exit_code = ExitCode.PARTIAL
    kind = "partial"


class SyncFailed(WosyncError):
    """A sync failed for a reason not covered by a more specific error."""

    exit_code = ExitCode.SYNC_FAILED
    kind = "failed"


class Interrupted(WosyncError):
    """The run was cancelled (Ctrl-C, SIGTERM)."""

    exit_code = ExitCode.INTERRUPTED
    kind = "interrupted"
