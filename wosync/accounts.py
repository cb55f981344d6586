"""Which WorkFossa account a command or a schedule is about, and what a username may be.

A username is the e-mail address the account logs in with. E-mail addresses compare
case-insensitively, so wosync keeps them lower-case: `TECH@EXAMPLE.COM` and `tech@example.com`
are one account (migration 0006 merged the copies older versions made).
"""

from __future__ import annotations

import os
import re
from datetime import datetime

from wosync import config
from wosync.credentials import has_environment_password
from wosync.errors import CredentialsError, UsageError
from wosync.store import Account, Store


# local@domain.tld: no white space or control characters, one "@", a dot in the domain. Loose on
# purpose (the site decides what it accepts); strict enough that a typo fails here, at once,
# instead of after a 30-second login attempt that blames the site.
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f.]+(?:\.[^@\s\x00-\x1f\x7f.]+)+")


def normalize_username(text: str | None, what: str = "the username") -> str:
    """Given a username as typed (or from $WOSYNC_USERNAME), return it stripped and lower-case.

    Raises UsageError (exit 2) naming `what` unless it looks like an e-mail address.
    """
    value = (text or "").strip()
    if not _EMAIL.fullmatch(value):
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise UsageError(
            f"{what} must be the e-mail address you log in to WorkFossa with (like tech@example.com), got {shown!r}"
        )
    return value.lower()


def resolve_account(store: Store, now: datetime, username: str | None = None, required: bool = True) -> Account | None:
    """Given the store and an optional --username, return the account a command is about.

    Order: --username; $WOSYNC_USERNAME (recorded on first use with $WOSYNC_BASE_URL, whose
    value also moves an account that $WOSYNC_USERNAME names); the one recorded account. With none: CredentialsError naming `wosync login` (or None when not required);
    with several: UsageError asking for --username.
    """
    raw_env = config.env_username()
    if username:
        username = normalize_username(username, "--username")
        env_user = raw_env.strip().lower() if raw_env else None  # only compared with
    else:
        env_user = normalize_username(raw_env, "WOSYNC_USERNAME") if raw_env else None
        username = env_user
    if username:
        account = store.find_account(username)
        if account is None:
            if username == env_user or has_environment_password() or not required:
                return store.ensure_account(username, config.base_url(), now)
            raise CredentialsError(f"no account {username}; run `wosync login --username {username}` first")
        if username == env_user and os.environ.get("WOSYNC_BASE_URL") and account.base_url != config.base_url():
            # The environment names this account and its site explicitly: the site may have moved.
            account = store.ensure_account(username, config.base_url(), now)
        return account
    accounts = store.list_accounts()
    if len(accounts) == 1:
        return accounts[0]
    if not accounts:
        if not required:
            return None
        raise CredentialsError(
            "no WorkFossa account yet; run `wosync login`, or set WOSYNC_USERNAME and WOSYNC_PASSWORD"
        )
    names = ", ".join(a.username for a in accounts)
    raise UsageError(f"several accounts ({names}); choose one with --username")
