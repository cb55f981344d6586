"""`wosync login` (check a password with a real login, then keep it) and `wosync logout`.

Where a password is kept and found (systemd credential, $WOSYNC_PASSWORD, the keyring) is
wosync.credentials; this module adds the real login that checks one (through wosync.workfossa)
and what logging in and out change: the keyring entry, the account row, the saved session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from urllib.parse import urlsplit

from wosync import credentials
from wosync.actions import stale_runs
from wosync.errors import CredentialsError, SyncFailed, UsageError, WosyncError
from wosync.secret import Secret


@dataclass(frozen=True)
class LoggedIn:
    """A login done: the account and site, whether a real login checked the password, and
    where the password lives now."""

    username: str
    site: str
    verified: bool
    # The keyring backend that now holds the password; None when systemd or $WOSYNC_PASSWORD
    # supplies it (nothing was stored).
    keyring_backend: str | None
    # Where the password comes from when nothing was stored (e.g. "WOSYNC_PASSWORD"), or None.
    supplied_by: str | None
    # The keyring backend keeps passwords in a plain file (keyrings.alt, chosen by the user).
    plaintext: bool = False
    # With the password in the keyring: what supplies one before the keyring (it wins), or None.
    shadowed_by: str | None = None
    # A keyring was there, but systemd or $WOSYNC_PASSWORD supplies the password syncs use:
    # it was checked instead, and nothing was stored.
    keyring_unused: bool = False


@dataclass(frozen=True)
class LoggedOut:
    """A logout done: whether a keyring password was removed (None: the machine has no usable
    keyring, so none was ever stored there) and whether a saved session was."""

    username: str
    password_removed: bool | None
    session_removed: bool
    # What still supplies a password (systemd or $WOSYNC_PASSWORD), or None.
    still_supplied_by: str | None = None


def check_base_url(url: str) -> str:
    """Given a base URL, return it without a trailing slash; UsageError unless it is http(s)://host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--base-url takes an address like https://app.workfossa.com, got {url!r}")
    return url.strip().rstrip("/")


def base_url_for(store, username: str, base_url: str | None) -> str:
    """Given the store, an account and an optional --base-url, return the site to log in to:
    --base-url, else $WOSYNC_BASE_URL, else the account's recorded site, else the real one."""
    import os

    from wosync import config

    if base_url:
        return check_base_url(base_url)
    if os.environ.get("WOSYNC_BASE_URL"):
        return check_base_url(config.base_url())
    known = store.find_account(username)
    return known.base_url if known else config.base_url()


def verify_login(base_url: str, username: str, secret: Secret, browser_executable: str | None = None,
                 origin: str = credentials.ORIGIN_TYPED) -> None:
    """Given a site, a username and a password, log in for real with a headless browser and
    save the session (so the next sync needs no login); return None when the site accepted it.

    Raises CredentialsError (exit 3) when the site rejects the password, naming where it came
    from (`origin`: typed, or see credentials.password_origin) and so what to fix; any other
    failure (site unreachable, no browser) as a WosyncError saying that nothing was stored.
    """
    from wosync import config
    from wosync.workfossa.client import WorkFossa
    from wosync.workfossa.errors import CredentialsRejected
    from wosync.workfossa.profile import profile_dir

    try:
        with WorkFossa(base_url, username, secret, state_path=config.session_state_path(username),
                       artefacts_dir=config.artefacts_dir(), browser_executable=browser_executable,
                       profile_dir=profile_dir(username, base_url)) as site:
            site.login()
    except CredentialsRejected:
        if origin == credentials.ORIGIN_TYPED:
            raise CredentialsError(
                f"WorkFossa ({base_url}) rejected the password for {username}; nothing was stored. "
                "Check the email and password and run `wosync login` again"
            ) from None
        raise CredentialsError(
            f"{credentials.rejected_message(username, origin, base_url)}; nothing was stored") from None
    except WosyncError as exc:
        raise SyncFailed(
            f"{exc.message}; the password was not stored "
            "(`wosync login --no-verify` stores it without checking)"
        ) from None


def record_login(store, username: str, base_url: str, secret: Secret | None, now: datetime):
    """Given the store, an account and its password (None when systemd or the environment
    supplies it), store the password in the keyring, then record the account; return it.

    The keyring comes first so that a keyring failure leaves no half-made account.
    """
    if secret is not None:
        credentials.store_password(username, secret)
    return store.ensure_account(username, base_url, now)


NO_TERMINAL_PASSWORD = ("no terminal to ask for the password on; pipe it in with --password-stdin, "
                        "or set WOSYNC_PASSWORD (syncs then use it)")
NO_TERMINAL_USERNAME = "no terminal to ask for the email on; give --username EMAIL (or set WOSYNC_USERNAME)"


def login(now: datetime, username: str | None, base_url: str | None, *, password_stdin: bool = False,
          verify: bool = True, ask_username: Callable[[], str], read_password: Callable[[], Secret],
          on_checking: Callable[[str], None] = lambda site: None, can_prompt: bool = True) -> LoggedIn:
    """Given the time, an optional username (else $WOSYNC_USERNAME, else `ask_username()`) and
    site, whether the password comes on stdin, whether to verify it, how to read it and whether
    there is a terminal to ask on, check the password with a real login (unless not `verify`)
    and keep it; return what was done.

    The username is checked before anything else (a typo fails before a browser starts), and a
    machine with no keyring and nothing supplying the password is refused before asking for
    one. When systemd or $WOSYNC_PASSWORD supplies a password (and none comes on stdin), that
    is the one syncs use: it is the one checked, and nothing is stored, keyring or not. Without
    a terminal, what would have to be asked is a UsageError naming the option that gives it.
    `on_checking(site)` is called before the real login.
    """
    from wosync import config
    from wosync.accounts import normalize_username

    with stale_runs.open_store(now) as store:
        username = username or config.env_username()
        if not username and password_stdin:
            raise UsageError("--password-stdin needs --username EMAIL (or WOSYNC_USERNAME)")
        if not username and not can_prompt:
            raise UsageError(NO_TERMINAL_USERNAME)
        username = normalize_username(username or ask_username())
        site = base_url_for(store, username, base_url)
        # Before asking for a password: is there one syncs would use first, or anywhere to keep one?
        usable, backend = credentials.keyring_usable()
        external = None if password_stdin else credentials.external_password()
        if external is None and not usable:
            raise CredentialsError(credentials.NO_BACKEND_HELP)
        if external is None and not password_stdin and not can_prompt:
            raise UsageError(NO_TERMINAL_PASSWORD)
        secret = read_password() if external is None else external[0]
        if verify:
            on_checking(site)
            origin = credentials.ORIGIN_TYPED if external is None else credentials.password_origin(username)
            verify_login(site, username, secret, origin=origin)
        record_login(store, username, site, secret if external is None else None, now)
    if external is not None:
        return LoggedIn(username, site, verify, None, external[1], keyring_unused=usable)
    shadowing = credentials.external_password()
    return LoggedIn(username, site, verify, backend, None, credentials.backend_is_plaintext(),
                    shadowing[1] if shadowing else None)


def logout(now: datetime, username: str | None) -> LoggedOut:
    """Given the time and an optional account (default: the only one), remove its keyring
    password and its saved browser session (history, schedules and orders stay); return what
    was removed."""
    from wosync.accounts import normalize_username, resolve_account
    from wosync.config import session_state_path

    if username:
        username = normalize_username(username, "--username")
    else:
        with stale_runs.open_store(now) as store:
            username = resolve_account(store, now, None, True).username
    try:
        removed_password: bool | None = credentials.delete_password(username)
    except CredentialsError:
        removed_password = None
    path = session_state_path(username)
    removed_session = path.exists()
    path.unlink(missing_ok=True)
    # The kept browser profiles (every site's) hold the same session's cookies: they go too.
    from wosync.workfossa.profile import remove_account_profiles

    removed_session = remove_account_profiles(username) > 0 or removed_session
    external = credentials.external_password()
    return LoggedOut(username, removed_password, removed_session, external[1] if external else None)
