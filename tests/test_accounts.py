"""Which account a command is about: --username, the environment, or the one recorded account."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from wosync.accounts import resolve_account
from wosync.errors import CredentialsError, UsageError
from wosync.store import Store

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(wosync_home):
    with Store() as opened:
        yield opened


def test_no_account_names_login(store):
    with pytest.raises(CredentialsError, match="wosync login"):
        resolve_account(store, NOW)
    assert resolve_account(store, NOW, required=False) is None


def test_the_environment_records_its_account_on_first_use(store, monkeypatch):
    monkeypatch.setenv("WOSYNC_USERNAME", "tech@example.com")
    monkeypatch.setenv("WOSYNC_BASE_URL", "http://127.0.0.1:8001/")
    account = resolve_account(store, NOW)
    assert (account.username, account.base_url) == ("tech@example.com", "http://127.0.0.1:8001")
    assert store.list_accounts() == [account]


def test_wosync_base_url_moves_the_account_the_environment_names(store, monkeypatch):
    store.ensure_account("tech@example.com", "https://app.workfossa.com", NOW)
    monkeypatch.setenv("WOSYNC_USERNAME", "tech@example.com")
    monkeypatch.setenv("WOSYNC_BASE_URL", "http://127.0.0.1:8002")
    # Asked for by name (as a schedule does) or by the environment: both see the new site.
    assert resolve_account(store, NOW, "tech@example.com").base_url == "http://127.0.0.1:8002"
    assert resolve_account(store, NOW).base_url == "http://127.0.0.1:8002"


def test_another_account_is_not_moved_by_the_environment(store, monkeypatch):
    store.ensure_account("office@example.com", "https://app.workfossa.com", NOW)
    monkeypatch.setenv("WOSYNC_USERNAME", "tech@example.com")
    monkeypatch.setenv("WOSYNC_BASE_URL", "http://127.0.0.1:8002")
    assert resolve_account(store, NOW, "office@example.com").base_url == "https://app.workfossa.com"


def test_one_recorded_account_is_the_default_and_several_need_a_choice(store):
    store.ensure_account("a@example.com", "https://app.workfossa.com", NOW)
    assert resolve_account(store, NOW).username == "a@example.com"
    store.ensure_account("b@example.com", "https://app.workfossa.com", NOW)
    with pytest.raises(UsageError, match="--username"):
        resolve_account(store, NOW)
    assert resolve_account(store, NOW, "b@example.com").username == "b@example.com"


def test_an_unknown_username_without_a_password_source_names_login(store):
    store.ensure_account("a@example.com", "https://app.workfossa.com", NOW)
    with pytest.raises(CredentialsError, match="wosync login --username x@example.com"):
        resolve_account(store, NOW, "x@example.com")
