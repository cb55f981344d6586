"""Which WorkFossa account a command or a schedule is about."""

from __future__ import annotations

import os
from datetime import datetime

from wosync import config
from wosync.credentials import has_environment_password
from wosync.errors import CredentialsError, UsageError
from wosync.store import Account, Store


def resolve_account(store: Store, now: datetime, username: str | None = None, required: bool = True) -> Account | None:
    """Given the store and an optional --username, return the account a command is about.

    Order: --username; $WOSYNC_USERNAME (recorded on first use with $WOSYNC_BASE_URL, whose
    value also moves an account that $WOSYNC_USERNAME names); the one recorded account. With none: CredentialsError naming `wosync login` (or None when not required);
    with several: UsageError asking for --username.
    """
    env_user = config.env_username()
    username = username or env_user
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
