"""Notifications as a user receives them: a real HTTP receiver on loopback behind Apprise's json://.

Runs and changes are written through the store's own functions, then `after_run` is called with
explicit times; the receiver shows exactly which messages arrived. One end-to-end sync against
the simulated site (real Chromium) checks that a run with changes delivers one digest.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from support.http_receiver import HttpReceiver
from wosync import notify
from wosync.store import Store

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=timezone.utc)
ACCOUNT = "tech@example.com"


@pytest.fixture(scope="module")
def receiver():
    with HttpReceiver() as server:
        yield server


@pytest.fixture
def store(data_folder, monkeypatch, receiver):
    monkeypatch.delenv(notify.REMINDER_HOURS_ENV, raising=False)
    receiver.clear()
    receiver.status = 200
    with Store(data_folder.home / "wosync.db") as db:
        db.ensure_account(ACCOUNT, "https://app.workfossa.com", T0)
        db.add_notification_target(receiver.apprise_url, T0)
        yield db


def order(number: str, **fields) -> dict:
    base = {"number": number, "customer": "Speedy Fuel", "store_number": "#12345", "next_visit_date": "2026-12-01"}
    base.update(fields)
    return base


def sync_result(store: Store, started: datetime, scraped: list[dict], status: str = "success",
                completed: list[str] = (), error: str | None = None) -> dict:
    """Record one run as sync.py does (diff computed from the store), finished a minute after it started."""
    from wosync.diff import compare

    run_id = store.start_run(ACCOUNT, "scheduled", None, os.getpid(), started)
    diff = compare(store.load_orders(ACCOUNT), scraped)
    fields = {"status": status, "items_processed": len(scraped), "added": len(diff.new),
              "updated": len(diff.updated), "removed": len(completed),
              "error_kind": None if status == "success" else "incomplete", "error_message": error}
    return store.apply_sync(run_id, ACCOUNT, scraped, diff.new, diff.updated, diff.reopened, list(completed),
                            started + timedelta(minutes=1), fields, None, {})


def failed_run(store: Store, started: datetime, message: str = "WorkFossa could not be reached") -> dict:
    run_id = store.start_run(ACCOUNT, "scheduled", None, os.getpid(), started)
    return store.finish_run(run_id, started + timedelta(minutes=1), status="failed", error_kind="unreachable",
                            error_message=message)


def titles(receiver: HttpReceiver) -> list[str]:
    return [m["title"] for m in receiver.messages]


def test_a_run_with_changes_sends_one_digest_listing_each_order_and_field(store, receiver):
    first = sync_result(store, T0, [order("W-1"), order("W-2"), order("W-3", customer=None, store_number=None)])
    notify.after_run(store, first, T0 + timedelta(minutes=1))
    assert titles(receiver) == ["wosync: 3 new, 0 updated, 0 completed"]
    receiver.clear()

    second = sync_result(
        store, T0 + timedelta(hours=1),
        [order("W-1", next_visit_date="2026-12-03"), order("W-3", customer=None, store_number=None), order("W-4")],
        completed=["W-2"],
    )
    notify.after_run(store, second, T0 + timedelta(hours=1, minutes=1))
    [message] = receiver.messages
    assert message["title"] == "wosync: 1 new, 1 updated, 1 completed"
    assert message["type"] == "info"
    body = message["message"].splitlines()
    assert body[0].startswith(f"Account {ACCOUNT}, sync #{second['id']} at ")
    assert body[1:] == [
        "",
        "New:",
        "- W-4  Speedy Fuel #12345, next visit 2026-12-01",
        "",
        "Updated:",
        "- W-1  Speedy Fuel #12345, next visit 2026-12-03",
        "    next_visit_date: 2026-12-01 -> 2026-12-03",
        "",
        "Completed:",
        "- W-2  Speedy Fuel #12345, next visit 2026-12-01",
    ]
    assert store.get_run(second["id"])["notification_error"] is None


def test_a_run_without_changes_sends_nothing(store, receiver):
    run = sync_result(store, T0, [order("W-1")])
    notify.after_run(store, run, T0)
    receiver.clear()
    same = sync_result(store, T0 + timedelta(hours=1), [order("W-1")])
    notify.after_run(store, same, T0 + timedelta(hours=1))
    assert receiver.messages == []


def test_a_field_going_to_empty_and_a_long_value_read_well(store, receiver):
    sync_result(store, T0, [order("W-1", instructions="Call ahead", time_window="anytime")])
    run = sync_result(store, T0 + timedelta(hours=1),
                      [order("W-1", instructions="x" * 200, time_window=None)])
    notify.after_run(store, run, T0 + timedelta(hours=1))
    body = receiver.messages[0]["message"]
    assert "    time_window: anytime -> empty" in body
    assert "    instructions: Call ahead -> " + "x" * 77 + "..." in body


def test_a_first_sync_of_hundreds_lists_fifty_and_points_to_the_cli(store, receiver):
    run = sync_result(store, T0, [order(f"W-{n:03d}") for n in range(120)])
    notify.after_run(store, run, T0)
    [message] = receiver.messages
    assert message["title"] == "wosync: 120 new, 0 updated, 0 completed"
    lines = message["message"].splitlines()
    assert sum(1 for line in lines if line.startswith("- W-")) == 50
    assert lines[-1] == f"... and 70 more: run `wosync changes --run {run['id']}`."


def test_failures_alert_once_remind_after_24_hours_and_report_the_recovery(store, receiver):
    ok = sync_result(store, T0, [order("W-1")])
    notify.after_run(store, ok, T0)
    receiver.clear()

    # First failure after a success: one alert.
    notify.after_run(store, failed_run(store, T0 + timedelta(hours=1)), T0 + timedelta(hours=1, minutes=1))
    assert titles(receiver) == [f"wosync: sync failing for {ACCOUNT}"]
    [alert] = receiver.messages
    assert alert["type"] == "failure"
    assert "WorkFossa could not be reached" in alert["message"]

    # Retries and further scheduled runs within 24 h of the alert: nothing more.
    for minutes in (2, 4, 8, 16, 60, 23 * 60):
        moment = T0 + timedelta(hours=1, minutes=1 + minutes)
        notify.after_run(store, failed_run(store, moment - timedelta(minutes=1)), moment)
    assert len(receiver.messages) == 1

    # Still failing 24 h after the alert: one reminder, then quiet again.
    moment = T0 + timedelta(hours=25, minutes=1)
    notify.after_run(store, failed_run(store, moment - timedelta(minutes=1)), moment)
    assert titles(receiver)[1:] == [f"wosync: still failing for {ACCOUNT}"]
    assert receiver.messages[1]["type"] == "warning"
    moment += timedelta(hours=1)
    notify.after_run(store, failed_run(store, moment - timedelta(minutes=1)), moment)
    assert len(receiver.messages) == 2

    # The next success: one "recovered" (no digest: nothing changed), then nothing.
    recovered = sync_result(store, T0 + timedelta(hours=30), [order("W-1")])
    notify.after_run(store, recovered, T0 + timedelta(hours=30, minutes=1))
    assert titles(receiver)[2:] == [f"wosync: sync recovered for {ACCOUNT}"]
    assert receiver.messages[2]["type"] == "success"
    again = sync_result(store, T0 + timedelta(hours=31), [order("W-1")])
    notify.after_run(store, again, T0 + timedelta(hours=31, minutes=1))
    assert len(receiver.messages) == 3

    # A new streak alerts again at once.
    moment = T0 + timedelta(hours=32)
    notify.after_run(store, failed_run(store, moment), moment + timedelta(minutes=1))
    assert titles(receiver)[3:] == [f"wosync: sync failing for {ACCOUNT}"]


def test_the_reminder_interval_comes_from_the_environment(store, receiver, monkeypatch):
    monkeypatch.setenv(notify.REMINDER_HOURS_ENV, "2")
    notify.after_run(store, failed_run(store, T0), T0 + timedelta(minutes=1))
    notify.after_run(store, failed_run(store, T0 + timedelta(minutes=90)), T0 + timedelta(minutes=91))
    assert len(receiver.messages) == 1
    notify.after_run(store, failed_run(store, T0 + timedelta(hours=2)), T0 + timedelta(hours=2, minutes=1))
    assert titles(receiver) == [f"wosync: sync failing for {ACCOUNT}", f"wosync: still failing for {ACCOUNT}"]


def test_a_nonsense_reminder_setting_falls_back_to_24_hours(monkeypatch):
    monkeypatch.setenv(notify.REMINDER_HOURS_ENV, "soon")
    assert notify.reminder_interval() == timedelta(hours=24)
    monkeypatch.setenv(notify.REMINDER_HOURS_ENV, "-1")
    assert notify.reminder_interval() == timedelta(hours=24)


def test_a_partial_run_with_changes_sends_its_digest_and_a_failure_alert(store, receiver):
    run = sync_result(store, T0, [order("W-1")], status="partial",
                      error="read 1 work orders but the site reports 2 matches; nothing was marked completed")
    notify.after_run(store, run, T0 + timedelta(minutes=1))
    assert titles(receiver) == ["wosync: 1 new, 0 updated, 0 completed", f"wosync: sync failing for {ACCOUNT}"]
    assert "The run was partial: read 1 work orders" in receiver.messages[0]["message"]


def test_an_interrupted_run_neither_alerts_nor_ends_a_streak(store, receiver):
    notify.after_run(store, failed_run(store, T0), T0 + timedelta(minutes=1))
    run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), T0 + timedelta(hours=1))
    interrupted = store.finish_run(run_id, T0 + timedelta(hours=1, minutes=1), status="interrupted",
                                   error_kind="interrupted", error_message="the sync was interrupted (Ctrl-C)")
    notify.after_run(store, interrupted, T0 + timedelta(hours=1, minutes=1))
    assert titles(receiver) == [f"wosync: sync failing for {ACCOUNT}"]
    assert store.get_alert_state(ACCOUNT)["failing_since"] is not None


def test_an_undeliverable_notification_is_recorded_on_the_run_and_never_raises(store, receiver):
    dead = store.add_notification_target("json://127.0.0.1:1/", T0)  # nothing listens on port 1
    run = sync_result(store, T0, [order("W-1")])
    notify.after_run(store, run, T0)
    assert titles(receiver) == ["wosync: 1 new, 0 updated, 0 completed"]  # the working target still got it
    error = store.get_run(run["id"])["notification_error"]
    assert error.startswith(f"digest: target {dead} (json://127.0.0.1:1/): ")


def test_a_failure_alert_nobody_received_is_sent_again_on_the_next_failure(store, receiver):
    receiver.status = 500
    first = failed_run(store, T0)
    notify.after_run(store, first, T0 + timedelta(minutes=1))
    assert "failing alert: target 1" in store.get_run(first["id"])["notification_error"]
    assert "500" in store.get_run(first["id"])["notification_error"]
    receiver.status = 200
    receiver.clear()
    notify.after_run(store, failed_run(store, T0 + timedelta(minutes=5)), T0 + timedelta(minutes=6))
    assert titles(receiver) == [f"wosync: sync failing for {ACCOUNT}"]


def test_with_no_target_nothing_is_sent_and_nothing_recorded(store, receiver):
    store.remove_notification_target(1)
    run = sync_result(store, T0, [order("W-1")])
    notify.after_run(store, run, T0)
    assert receiver.messages == []
    assert store.get_run(run["id"])["notification_error"] is None


def test_urls_with_secrets_are_masked_when_shown():
    assert notify.shown_url("json://user:s3cr3t-token@127.0.0.1:9/") == "json://user:****@127.0.0.1:9/"
    with pytest.raises(Exception) as caught:
        notify.validate_url("tgram://s3cr3t-token")
    assert "s3cr3t-token" not in str(caught.value)


# ------------------------------------------------------------------------ the CLI


@pytest.fixture
def cli(data_folder, receiver):
    receiver.clear()
    receiver.status = 200
    from wosync.cli import app

    def invoke(*args: str):
        return CliRunner().invoke(app, list(args))

    return invoke


def test_notify_add_refuses_a_url_apprise_does_not_understand(cli):
    result = cli("notify", "add", "not a url")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Apprise does not understand the URL given; see ")
    assert cli("notify", "list", "--json").stdout.strip() == "[]"


def test_notify_add_list_remove(cli, receiver):
    added = cli("notify", "add", receiver.apprise_url)
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith(f"Added notification target 1: {receiver.apprise_url}.")
    cli("notify", "add", "json://alice:hunter2@127.0.0.1:9/")
    listed = cli("notify", "list", "--json")
    import json

    records = json.loads(listed.stdout)
    assert [(r["id"], r["url"]) for r in records] == [(1, receiver.apprise_url), (2, "json://alice:****@127.0.0.1:9/")]
    assert "hunter2" not in cli("notify", "list").stdout
    assert cli("notify", "remove", "1").exit_code == 0
    assert [r["id"] for r in json.loads(cli("notify", "list", "--json").stdout)] == [2]
    missing = cli("notify", "remove", "7")
    assert missing.exit_code == 2
    assert missing.stderr == "Error: no notification target 7; see `wosync notify list`\n"


def test_notify_test_sends_to_every_target_and_names_the_failing_one(cli, receiver):
    cli("notify", "add", receiver.apprise_url)
    assert cli("notify", "test").exit_code == 0
    assert titles(receiver) == ["wosync: test notification"]
    cli("notify", "add", "json://127.0.0.1:1/")
    result = cli("notify", "test")
    assert result.exit_code == 1
    assert f"sent    1  {receiver.apprise_url}" in result.stdout
    assert "FAILED  2  json://127.0.0.1:1/: " in result.stderr
    assert result.stderr.endswith("Error: 1 of 2 notification targets failed\n")
    assert titles(receiver) == ["wosync: test notification"] * 2


# ------------------------------------------------------------ end to end, one sync


@pytest.mark.browser
def test_a_sync_that_finds_changes_delivers_one_digest(data_folder, receiver):
    from wosync.clock import system_clock
    from wosync.secret import Secret
    from wosync.sim import SimulatedWorkFossa
    from wosync.sync import SyncOptions, run_sync

    if not os.path.exists("/usr/lib/chromium/chromium") and not os.environ.get("WOSYNC_BROWSER"):
        pytest.skip("no Chromium")
    receiver.clear()
    receiver.status = 200
    with SimulatedWorkFossa(count=12, seed=3, username=ACCOUNT, password="correct-horse-42") as sim, \
            Store(data_folder.home / "wosync.db") as store:
        store.add_notification_target(receiver.apprise_url, system_clock())
        account = store.ensure_account(ACCOUNT, sim.base_url, system_clock())
        run = run_sync(store, account, system_clock, SyncOptions(), password=lambda: Secret("correct-horse-42"))
        assert run["status"] == "success", run["error_message"]
        [digest] = receiver.messages
        assert digest["title"] == "wosync: 12 new, 0 updated, 0 completed"
        for expected in sim.expected_orders():
            assert f"- {expected['number']}  " in digest["message"]
