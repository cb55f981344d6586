"""Where wosync may write a file that a user names: a regular file in a folder that exists.

Every writer of a user-given path (the calendar feed of `calendar --output` and of a
schedule's --calendar, `backup FILE`, the daemon's --log-file) asks `output_target` first.
It never returns the database or its -wal/-shm/-journal (a feed written there would replace
the data), a device, pipe or socket (an atomic rename would replace the device node itself),
or a folder; the parent folder must already exist, since a typo in a path should not create
folders. A symbolic link is followed: the file it points to is written (replaced
atomically), and the link itself stays as it is.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from wosync import config
from wosync.errors import UsageError

SQLITE_HEADER = b"SQLite format 3\x00"
# The files SQLite keeps beside a database, and the lock wosync takes while it migrates one.
_DATABASE_SIDE_FILES = ("", "-wal", "-shm", "-journal", ".init-lock")


def is_sqlite_file(path: Path) -> bool:
    """Given a path, return True when it is a readable file that starts with SQLite's header."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _database_files() -> list[Path]:
    """Return the database of the data folder and the files SQLite keeps beside it (none created)."""
    db = config.data_home() / config.DB_FILE_NAME
    return [Path(os.path.realpath(f"{db}{suffix}")) for suffix in _DATABASE_SIDE_FILES]


def _is_the_database(target: Path, info: os.stat_result | None) -> bool:
    """Given a resolved path and its stat (None: nothing there), return True when it is the
    database or one of its side files, by name or (for a hard link) by inode."""
    for candidate in _database_files():
        if candidate == target:
            return True
        if info is not None:
            try:
                other = os.stat(candidate)
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
                return True
    return False


def output_target(path: Path | str, what: str, new_only: bool = False, appends: bool = False) -> Path:
    """Given a path a user named for writing and what it is for ("the calendar", "the backup",
    "the log file"), return the absolute regular file to write; raise UsageError (exit 2) otherwise.

    Refused: an empty path; a folder; a device, pipe or socket; the database and its side
    files (or any other SQLite database); a parent folder that does not exist or cannot be
    written; with `new_only`, anything already there (a link too); with `appends` (a log, written
    in place rather than replaced by a rename), an existing file that cannot be written. A
    symbolic link is resolved: the returned path is the file it points to.
    """
    text = os.fspath(path)
    if text.strip() == "":
        raise UsageError(f"cannot write {what}: the path is empty; name a file")
    given = Path(text).expanduser().absolute()
    if text.endswith(os.sep) or given.name in ("", ".", ".."):
        raise UsageError(f"cannot write {what} {given}: it names a folder; name a file in it")
    try:
        info = os.stat(given)  # follows links: the type of what would really be written
    except FileNotFoundError:
        info = None
    except OSError as exc:  # a link loop, a folder in the path that cannot be searched
        raise UsageError(f"cannot write {what} {given}: {exc.strerror or exc}") from None
    if new_only and (info is not None or given.is_symlink()):
        raise UsageError(f"{given} already exists; choose another file name ({what} never overwrites)")
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"cannot write {what} {given}: it is a folder; name a file in it")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UsageError(f"cannot write {what} {given}: it is not a regular file (a device, pipe or "
                         "socket); wosync writes only regular files")
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    folder = target.parent
    if not folder.is_dir():
        where = "" if target == given else f" (where the link {given} points)"
        state = "is not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"cannot write {what} {target}{where}: the folder {folder} {state}; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {what} {target}: the folder {folder} is not writable")
    if _is_the_database(target, info):
        raise UsageError(f"cannot write {what} {target}: it is wosync's database (or a file SQLite keeps "
                         "beside it); name another file")
    if info is not None and is_sqlite_file(target):
        raise UsageError(f"cannot write {what} {target}: it is an SQLite database, which wosync never "
                         "writes over; name another file")
    if appends and info is not None and not os.access(target, os.W_OK):
        raise UsageError(f"cannot write {what} {target}: it is not writable")
    return target
