"""Where wosync keeps its data, and the settings that come from the environment.

Given the environment, return paths and values; create folders with mode 0700. Nothing here
imports the heavy libraries (playwright, keyring, apprise).
"""

from __future__ import annotations

import os
from pathlib import Path

from wosync.errors import DiskFull, StorageError, is_disk_full

DEFAULT_BASE_URL = "https://app.workfossa.com"
APP_NAME = "wosync"
DB_FILE_NAME = "wosync.db"

# Where a system Chromium usually lives; /usr/lib/chromium/chromium first because the
# /usr/bin wrapper prints a harmless but noisy warning.
SYSTEM_BROWSER_CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    "chromium-browser",
    "chromium",
    "google-chrome",
    "google-chrome-stable",
)


def data_home() -> Path:
    """Return the data folder: $WOSYNC_HOME, else the platform's user data dir for wosync."""
    env = os.environ.get("WOSYNC_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs  # small and pure Python; imported here to keep start-up lean

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Given a folder path, create it (and parents) with mode 0700; return it.

    Raises StorageError with the fix when the folder cannot be created or written.
    """
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFull(path.parent) from None
        raise StorageError(
            f"cannot use the data folder {path}: {exc.strerror or exc}; "
            "choose a writable folder with WOSYNC_HOME"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise StorageError(
            f"the data folder {path} is not writable; choose a writable folder with WOSYNC_HOME"
        )
    return path


def home_dir() -> Path:
    """Return the data folder, created with mode 0700."""
    return ensure_private_dir(data_home())


def db_path() -> Path:
    """Return the path of the SQLite database file inside the data folder (the folder is created)."""
    return home_dir() / DB_FILE_NAME


def existing_db_path() -> Path | None:
    """Return the database file's path when it exists, else None; creates nothing, so that
    commands that only read leave no data folder behind where there is nothing yet. A data
    folder that could never be made (a file stands in its path) is the StorageError of
    ensure_private_dir all the same."""
    home = data_home()
    nearest = home
    while not nearest.exists() and nearest != nearest.parent:
        nearest = nearest.parent
    if not nearest.is_dir():  # a file where a folder must be: the StorageError naming the fix
        ensure_private_dir(home)
    path = home / DB_FILE_NAME
    return path if path.exists() else None


def artefacts_dir() -> Path:
    """Return the folder for failure screenshots and HTML (0700)."""
    return ensure_private_dir(home_dir() / "artefacts")


def sessions_dir() -> Path:
    """Return the folder for saved browser sessions (Playwright storage state, 0700)."""
    return ensure_private_dir(home_dir() / "sessions")


def locks_dir() -> Path:
    """Return the folder for lock files (one per account, one for the daemon)."""
    return ensure_private_dir(home_dir() / "locks")


def base_url() -> str:
    """Return the WorkFossa base URL: $WOSYNC_BASE_URL or the real site, without a trailing /."""
    return (os.environ.get("WOSYNC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def env_username() -> str | None:
    """Return $WOSYNC_USERNAME, or None when unset or empty."""
    return os.environ.get("WOSYNC_USERNAME") or None


def configured_browser() -> str | None:
    """Return $WOSYNC_BROWSER, or None when unset."""
    return os.environ.get("WOSYNC_BROWSER") or None


def system_browser() -> str | None:
    """Return the path of a system Chromium/Chrome, or None when none is installed."""
    for candidate in SYSTEM_BROWSER_CANDIDATES:
        if os.path.isabs(candidate):
            if os.access(candidate, os.X_OK):
                return candidate
        else:
            import shutil  # here, not at import: it loads bz2 and lzma, which `status --line` never needs

            found = shutil.which(candidate)
            if found:
                return found
    return None


def file_safe(name: str) -> str:
    """Given an account name (an email), return it usable in a file name (odd characters -> "_")."""
    return "".join(ch if ch.isalnum() or ch in "._-@" else "_" for ch in name)


def session_state_path(username: str) -> Path:
    """Return the Playwright storage-state file of an account (inside sessions/, 0700)."""
    return sessions_dir() / f"{file_safe(username)}.json"
