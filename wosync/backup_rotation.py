"""Which daily backups to delete: by the files' real age, never by their names.

A daily backup is named after the day the clock said when it was made; a clock once set ahead
leaves names (and modification times) in the future, which a rotation by name would keep as
"the newest" while deleting the backup just made. Here the age is the file's modification time,
a time later than now counts as unknown (the wrong clock's: such a file goes first), and the
backup just made is never deleted.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Iterable

# A modification time this far past now is the wrong clock's, not a file system's rounding.
FUTURE_TOLERANCE_SECONDS = 300.0


def to_delete(entries: Iterable[tuple[Path, float]], keep: int, now: float,
              just_made: Path | None = None) -> list[Path]:
    """Given (path, modification time) of every daily backup, how many to keep, now (seconds
    since the epoch) and the backup just made (or None), return the ones to delete, oldest first.

    The `keep` newest are kept, newest by modification time; a file dated after now (past
    FUTURE_TOLERANCE_SECONDS) ranks below every file with a believable time; the backup just
    made is always kept and counts as the newest.
    """
    def newest_first(entry: tuple[Path, float]) -> tuple[bool, bool, float, str]:
        path, mtime = entry
        believable = mtime <= now + FUTURE_TOLERANCE_SECONDS
        return (path == just_made, believable, mtime if believable else -mtime, path.name)

    ranked = sorted(entries, key=newest_first, reverse=True)
    kept = max(keep, 1 if just_made is not None else 0)
    return [path for path, _ in reversed(ranked[kept:]) if path != just_made]


def dailies_to_delete(paths: Iterable[Path], keep: int, now: datetime, just_made: Path | None = None) -> list[Path]:
    """Given the daily backups' paths, how many to keep, now and the backup just made, read
    their modification times and return the ones to delete (see to_delete). A file that cannot
    be read is left alone."""
    entries = []
    for path in paths:
        try:
            entries.append((Path(path), os.stat(path).st_mtime))
        except OSError:
            continue
    return to_delete(entries, keep, now.timestamp(), Path(just_made) if just_made is not None else None)
