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

    Order: --username; $WOSYNC_USERNAME (recorded on first use with $WOSYNC_BASE_URL); the one
    recorded account. With none: CredentialsError naming `wosync login` (or None when not required);
    with several: UsageError asking for --username.
    """
    if username:
        account = store.find_account(username)
        if account is None:
            if username == config.env_username() or has_environment_password() or not required:
                return store.ensure_account(username, config.base_url(), now)
            raise CredentialsError(f"no account {username}; run `wosync login --username {username}` first")
        return account
    env_user = config.env_username()
    if env_user:
        account = store.find_account(env_user)
        if account is None or (os.environ.get("WOSYNC_BASE_URL") and account.base_url != config.base_url()):
            account = store.ensure_account(env_user, config.base_url(), now)
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
