"""The saved browser session of an account: a file bound to its account and site, checked on load.

A session file is a Playwright storage state ({"cookies": [...], "origins": [...]}) with one key
more, {"wosync_session": {"version": 1, "account": ..., "base_url": ...}}, mode 0600 (the key
is taken off before the state goes to Playwright). On load it is used only for the same account
and site it was saved for: cookies of one account must never read another account's orders
(they would be stored under the wrong name). A file of the old format (a bare storage state)
(no "wosync_session" key) names no account: it is not used, and the fresh login that follows replaces it.

A file that does not load as a session at all (not JSON, or JSON Playwright would refuse, such
as {"cookies": 5}) is moved aside as `<name>.bad-<time>` (0600, named in a log note), so the
fresh login can save a good one and the user can still look at what was there.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BINDING_KEY = "wosync_session"
VERSION = 1

log = logging.getLogger("wosync.session")


class NotASession(ValueError):
    """The file's content is not a saved session (the reason is the message)."""


@dataclass(frozen=True)
class SessionFile:
    """What a session file holds: its account and site (None for the old, unbound format) and
    the storage state."""

    account: str | None
    base_url: str | None
    state: dict[str, Any]


def _same_site(one: str | None, other: str | None) -> bool:
    return (one or "").rstrip("/").lower() == (other or "").rstrip("/").lower()


def check_storage_state(state: Any) -> dict[str, Any]:
    """Given a parsed storage state, return it when Playwright can take it (cookies: a list of
    objects with text name, value, domain and path; origins: a list of objects with a text
    origin and a localStorage list); raise NotASession naming what is wrong."""
    if not isinstance(state, dict):
        raise NotASession("the storage state is not a JSON object")
    cookies = state.get("cookies", [])
    if not isinstance(cookies, list):
        raise NotASession("its cookies are not a list")
    for cookie in cookies:
        if not isinstance(cookie, dict):
            raise NotASession("a cookie is not an object")
        for key in ("name", "value", "domain", "path"):
            if not isinstance(cookie.get(key), str):
                raise NotASession(f"a cookie has no text {key!r}")
        for key in ("expires",):
            if key in cookie and not isinstance(cookie[key], (int, float)):
                raise NotASession(f"a cookie's {key!r} is not a number")
    origins = state.get("origins", [])
    if not isinstance(origins, list):
        raise NotASession("its origins are not a list")
    for origin in origins:
        if not isinstance(origin, dict) or not isinstance(origin.get("origin"), str) \
                or not isinstance(origin.get("localStorage", []), list):
            raise NotASession("an origin is not an object with a text origin and a localStorage list")
        for item in origin.get("localStorage", []):
            if not (isinstance(item, dict) and isinstance(item.get("name"), str)
                    and isinstance(item.get("value"), str)):
                raise NotASession("a localStorage entry has no text name and value")
    if "cookies" not in state and "origins" not in state:
        raise NotASession("it has neither cookies nor origins")
    return state


def parse(text: str) -> SessionFile:
    """Given a session file's text, return what it holds; NotASession when it is no session."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise NotASession(f"not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise NotASession("not a JSON object")
    state = {key: value for key, value in data.items() if key != BINDING_KEY}
    if BINDING_KEY not in data:
        return SessionFile(None, None, check_storage_state(state))  # the old format: unbound
    binding = data[BINDING_KEY]
    if not isinstance(binding, dict) or binding.get("version") != VERSION:
        raise NotASession(f"its {BINDING_KEY} is not version {VERSION} of a binding")
    account, base_url = binding.get("account"), binding.get("base_url")
    if not isinstance(account, str) or not isinstance(base_url, str):
        raise NotASession("it names no account or site")
    return SessionFile(account, base_url, check_storage_state(state))


def set_aside(path: Path, reason: str) -> Path | None:
    """Given a session file that is no session and why, rename it to `<name>.bad-<time>` (mode
    0600) and log a note naming both; return the new path (None when it could not be moved:
    then it is removed, so the fresh login can save a good one)."""
    aside = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, aside)
        os.chmod(aside, 0o600)
    except OSError:
        path.unlink(missing_ok=True)
        log.warning("the saved session %s is not a session (%s); removed it, logging in afresh", path, reason)
        return None
    log.warning("the saved session %s is not a session (%s); moved it aside to %s and logging in afresh",
                path, reason, aside)
    return aside


def load(path: Path, account: str | None, base_url: str) -> dict[str, Any] | None:
    """Given the session file path, the account and the site it is wanted for, return the
    storage state to start the browser with, or None (then the caller logs in afresh):

    - no file: None;
    - no session at all: moved aside (set_aside), None;
    - saved for another account or site, or the old unbound format: left alone (the fresh
      login replaces it), None, with a log note for another account or site.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        set_aside(path, f"unreadable: {getattr(exc, 'strerror', None) or exc}")
        return None
    try:
        saved = parse(text)
    except NotASession as exc:
        set_aside(path, str(exc))
        return None
    if saved.account is None:
        return None
    if account is None or saved.account != account or not _same_site(saved.base_url, base_url):
        log.warning("the saved session %s belongs to %s at %s, not %s at %s: not used; logging in afresh",
                    path, saved.account, saved.base_url, account, base_url)
        return None
    return saved.state


def save(path: Path, account: str | None, base_url: str, state: dict[str, Any]) -> None:
    """Given the session file path, its account and site and a storage state, write the bound
    session file (mode 0600, atomically)."""
    from wosync.workfossa.artefacts import write_private

    binding = {"version": VERSION, "account": account, "base_url": base_url.rstrip("/")}
    data = {**{key: value for key, value in state.items() if key != BINDING_KEY}, BINDING_KEY: binding}
    write_private(path, json.dumps(data).encode("utf-8"))


def describe(path: Path) -> tuple[bool | None, str]:
    """Given a session file, return (verdict, detail) for doctor: True with "account X at URL"
    for a bound session, None (a warning) for the old unbound format, False with the reason
    for a file that is no session. Reads only; moves nothing."""
    try:
        saved = parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return False, f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    except NotASession as exc:
        return False, f"not a session ({exc}); the next sync moves it aside and logs in afresh"
    if saved.account is None:
        return None, "an old session file naming no account; the next sync logs in afresh and replaces it"
    return True, f"account {saved.account} at {saved.base_url}, {len(saved.state.get('cookies', []))} cookie(s)"
