"""`wosync doctor`: one check per part wosync needs (browser, keyring, passwords, database,
daemon, notifications), each `ok`, `warning` or `FAILED` with what to do.

Each check is a function that returns Check records and never raises, so one broken part
never hides the state of the others. A daemon that is not running fails the check only when
an enabled schedule needs it; with no enabled schedule it is a warning. The `--site` check
against the real site is in wosync.actions.doctor_site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OK, WARNING, FAILED = "ok", "warning", "FAILED"

BROWSER_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Check:
    """One doctor line: what was checked, its verdict (ok | warning | FAILED) and the detail or fix."""

    name: str
    status: str
    detail: str


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def check_browser() -> list[Check]:
    """Given nothing, find the Chromium wosync would drive and start it headless on about:blank;
    return its one Check."""
    from wosync.workfossa.browser import check_browser_starts

    try:
        path, version = check_browser_starts(BROWSER_TIMEOUT_MS)
    except Exception as exc:  # BrowserNotFound and BrowserFailed carry the fix
        return [Check("browser", FAILED, getattr(exc, "message", _first_line(exc)))]
    return [Check("browser", OK, f"{path} (Chromium {version}) starts headless")]


def check_keyring() -> list[Check]:
    """Given nothing, say whether the keyring can keep a password, or what supplies one instead."""
    from wosync import credentials

    usable, backend = credentials.keyring_usable()
    if usable:
        note = " (keeps passwords in a PLAINTEXT file)" if credentials.backend_is_plaintext() else ""
        return [Check("keyring", OK, f"{backend}{note}")]
    external = credentials.external_password()
    if external:
        return [Check("keyring", OK, f"no keyring backend, but {external[1]} supplies the password")]
    return [Check("keyring", FAILED, backend)]  # backend holds NO_BACKEND_HELP: the three ways out


def check_accounts(store) -> list[Check]:
    """Given the store, say for each account (and $WOSYNC_USERNAME) where its password comes from."""
    from wosync import config, credentials

    names = {a.username: a.base_url for a in store.list_accounts()}
    env_user = config.env_username()
    if env_user and env_user not in names:
        names[env_user] = config.base_url()
    if not names:
        return [Check("accounts", FAILED,
                      "no WorkFossa account yet; run `wosync login` (or set WOSYNC_USERNAME and WOSYNC_PASSWORD)")]
    checks = []
    for username, base_url in sorted(names.items()):
        source = credentials.password_source(username)
        if source:
            checks.append(Check(f"account {username}", OK, f"password from {source} ({base_url})"))
        else:
            checks.append(Check(f"account {username}", FAILED,
                                f"no password found; run `wosync login --username {username}`"))
    return checks


def check_database():
    """Open the database, prove it takes a write (rolled back) and run integrity_check.

    Return (checks, store or None): the store is handed to the checks that need it.
    """
    from wosync import config
    from wosync.store import Store

    if config.existing_db_path() is None:  # checked as empty, and no data folder is created
        path = config.data_home() / config.DB_FILE_NAME
        return [Check("database", WARNING, f"nothing yet: no database at {path}; `wosync login` "
                                           "or the first sync creates it")], Store.blank(path)
    from wosync import busy

    try:
        with busy.wait_at_most(busy.DOCTOR_WAIT):  # a busy database is reported, not waited on
            store = Store()
    except Exception as exc:  # StorageError names the fix
        if busy.is_busy(exc):
            return [Check("database", FAILED, busy.doctor_text(exc, config.data_home() / config.DB_FILE_NAME, busy.DOCTOR_WAIT))], None
        return [Check("database", FAILED, getattr(exc, "message", _first_line(exc)))], None
    try:
        with busy.connection_waits(store.conn, busy.DOCTOR_WAIT):
            store.check_writable()
    except Exception as exc:
        if busy.is_busy(exc):
            return [Check("database", WARNING, busy.doctor_text(exc, store.path, busy.DOCTOR_WAIT))], store
        return [Check("database", FAILED, f"{store.path} cannot be written ({_first_line(exc)}); "
                                          "fix its permissions or set WOSYNC_HOME to a writable folder")], store
    try:
        verdict = store.integrity_check()
    except Exception as exc:
        verdict = _first_line(exc)
    if verdict != "ok":
        return [Check("database", FAILED, f"{store.path} fails integrity_check ({verdict.splitlines()[0]}); "
                                          "restore a backup with `wosync restore FILE` (the wosync-daily-*.db "
                                          "files beside it), or move it aside and run a sync to rebuild it")], store
    return [Check("database", OK, f"{store.path} opens, is writable, integrity ok")], store


def check_daemon(store, now: datetime) -> list[Check]:
    """Given the store and the time, say whether the daemon runs (pid alive, fresh heartbeat)
    and, when it does not, how to start it (wosync.status.daemon_liveness)."""
    from wosync.clock import from_iso
    from wosync.locks import pid_alive
    from wosync.status import daemon_liveness, how_to_start

    daemon = daemon_liveness(store, now)
    pid = daemon["pid"]
    heartbeat = from_iso(daemon["heartbeat_at"])
    age = (now - heartbeat) if heartbeat else None
    if daemon["running"]:
        return [Check("daemon", OK, f"running (pid {pid}, last heartbeat {int(age.total_seconds())} s ago)")]
    if pid and pid_alive(pid) and heartbeat is not None:
        since = f"{int(age.total_seconds() // 60)} min"
        return [Check("daemon", FAILED, f"pid {pid} is alive but has not written a heartbeat for {since}; "
                                        "restart it (`systemctl --user restart wosync`)")]
    enabled = len(store.list_schedules(enabled_only=True))
    if enabled:
        schedules = "1 enabled schedule" if enabled == 1 else f"{enabled} enabled schedules"
        return [Check("daemon", FAILED, f"daemon not running, so {schedules} will not run; "
                                        f"start it with {how_to_start(daemon)}")]
    return [Check("daemon", WARNING, "not running (no enabled schedule needs it)")]


def check_notifications(store) -> list[Check]:
    """Given the store, say whether every notification URL parses (Apprise) and has what its
    service needs (ntfy's topic, ...: see wosync.notify.url_problem)."""
    from wosync.notify import apprise_plugin, shown_url, url_problem

    targets = store.list_notification_targets()
    if not targets:
        return [Check("notifications", WARNING, "no targets; add one with `wosync notify add URL`")]
    checks = []
    for target in targets:
        name = f"notification {target['id']}"
        problem = url_problem(target["url"])
        if apprise_plugin(target["url"]) is None:
            checks.append(Check(name, FAILED, f"{shown_url(target['url'])} does not parse; remove it with "
                                              f"`wosync notify remove {target['id']}` and add a correct one"))
        elif problem:
            checks.append(Check(name, FAILED, f"{shown_url(target['url'])} parses, but {problem}; remove it with "
                                              f"`wosync notify remove {target['id']}` and add a correct one"))
        else:
            checks.append(Check(name, OK, f"{shown_url(target['url'])} parses (`wosync notify test` sends one)"))
    return checks


def run_checks(now: datetime) -> list[Check]:
    """Given the time, run every check in order; return their records (a FAILED one for each
    part that is broken; none raises)."""
    checks = check_browser() + check_keyring()
    db_checks, store = check_database()
    try:
        if store is not None:
            checks += check_accounts(store)
        checks += db_checks
        if store is not None:
            checks += check_daemon(store, now) + check_notifications(store)
        else:
            checks.append(Check("daemon, accounts, notifications", FAILED, "not checked: the database cannot be opened"))
        from wosync.actions.doctor_sessions import check_sessions  # one line per saved session file

        checks += check_sessions()
    finally:
        if store is not None:
            store.close()
    return checks


def any_failed(checks: list[Check]) -> bool:
    """Given the checks, return True when one of them FAILED (doctor then exits 1)."""
    return any(check.status == FAILED for check in checks)
