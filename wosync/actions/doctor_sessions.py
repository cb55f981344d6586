"""`wosync doctor`'s check of the saved browser sessions: one line per file in sessions/.

A bound session is `ok` (its account and site), an old file that names no account is a
warning (the next sync logs in afresh), and a file that is no session FAILED (the next sync
moves it aside). Reads only: doctor moves nothing (wosync.workfossa.session_file).
"""

from __future__ import annotations

from wosync.actions.doctor import FAILED, OK, WARNING, Check


def check_sessions() -> list[Check]:
    """Given nothing (the data folder's sessions/), return one Check per session file; none
    when there is no saved session yet."""
    from wosync import config
    from wosync.workfossa.session_file import describe

    folder = config.data_home() / "sessions"
    if not folder.is_dir():
        return []
    checks = []
    for path in sorted(folder.glob("*.json")):
        verdict, detail = describe(path)
        status = OK if verdict else (WARNING if verdict is None else FAILED)
        checks.append(Check(f"session {path.name}", status, detail))
    return checks
