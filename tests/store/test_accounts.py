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


def test_history_and_changes_filter_by_username(cli, wosync_home):
    import json

    with Store() as store:
        for username, number in (("a@example.com", "W-1"), ("b@example.com", "W-2")):
            store.ensure_account(username, "https://app.workfossa.com", NOW)
            run_id = store.start_run(username, "manual", None, 1, NOW)
            order = {"number": number, "items": []}
            store.apply_sync(run_id, username, [order], [number], {}, {}, [], NOW,
                             {"status": "success", "added": 1}, None, {})
    runs = json.loads(cli("history", "--json", "--username", "a@example.com").stdout)
    assert [r["account"] for r in runs] == ["a@example.com"]
    assert len(json.loads(cli("history", "--json").stdout)) == 2
    changes = json.loads(cli("changes", "--json", "--username", "a@example.com").stdout)
    assert [(c["number"], c["kind"]) for c in changes] == [("W-1", "new")]
    newest = json.loads(cli("changes", "--json").stdout)
    assert [(c["number"], c["kind"]) for c in newest] == [("W-2", "new")]


# ------------------------------------------------------------------ e-mail addresses, any case


@pytest.mark.parametrize("typed, stored", [("TECH@EXAMPLE.COM", "tech@example.com"), (" Tech@Example.com ", "tech@example.com"),
                                           ("first.last+wo@sub.example.co.uk", "first.last+wo@sub.example.co.uk")])
def test_a_username_is_an_email_address_kept_lower_case(typed, stored):
    from wosync.accounts import normalize_username

    assert normalize_username(typed) == stored


@pytest.mark.parametrize("typed", ["", "tech", "tech@", "@example.com", "tech@example", "a b@example.com",
                                   "a@b@example.com", "tech@exa\nmple.com", "tech@.com"])
def test_anything_else_is_a_usage_error_naming_what_is_expected(typed):
    from wosync.accounts import normalize_username

    with pytest.raises(UsageError, match="e-mail address you log in to WorkFossa with"):
        normalize_username(typed, "--username")


def test_the_same_address_in_another_case_is_the_same_account(store, monkeypatch):
    store.ensure_account("tech@example.com", "https://app.workfossa.com", NOW)
    assert resolve_account(store, NOW, "TECH@Example.COM").username == "tech@example.com"
    monkeypatch.setenv("WOSYNC_USERNAME", "Tech@Example.com")
    monkeypatch.setenv("WOSYNC_PASSWORD", "pw")
    assert resolve_account(store, NOW).username == "tech@example.com"
    assert [a.username for a in store.list_accounts()] == ["tech@example.com"]


def test_a_bad_wosync_username_is_refused_unless_an_explicit_username_is_given(store, monkeypatch):
    monkeypatch.setenv("WOSYNC_USERNAME", "just-a-name")
    with pytest.raises(UsageError, match="WOSYNC_USERNAME must be"):
        resolve_account(store, NOW)
    store.ensure_account("tech@example.com", "https://app.workfossa.com", NOW)
    assert resolve_account(store, NOW, "tech@example.com").username == "tech@example.com"
