"""Notification rules as a user sets them up and receives them: targets added with `wosync
notify add ... --only/--store/--digest/--urgent-now/--max-length`, runs written through the
store's own functions, `after_run` and the daemon's digest check called with explicit times,
and a real HTTP receiver on loopback (Apprise json://, one path per target) showing exactly
which messages arrived where."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from support.http_receiver import HttpReceiver
from wosync import notify
from wosync.notify_digests import send_due_digests
from wosync.store import Store

T0 = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)  # a Sunday noon: the same day in any zone within 11 h
ACCOUNT = "tech@example.com"


@pytest.fixture(scope="module")
def receiver():
    with HttpReceiver() as server:
        yield server


@pytest.fixture
def setup(cli, data_folder, receiver, monkeypatch):
    """Return add(name, *options) -> target id, adding json://.../name with the CLI."""
    from wosync.cli import common

    monkeypatch.delenv(notify.REMINDER_HOURS_ENV, raising=False)
    monkeypatch.setattr(common, "clock", lambda: T0)  # the targets are added at T0
    receiver.clear()
    receiver.status = 200

    def add(name: str, *options: str) -> int:
        result = cli("notify", "add", receiver.apprise_url + name, *options)
        assert result.exit_code == 0, result.output
        return int(result.stdout.split(":")[0].rsplit(" ", 1)[1])

    return add


def opened(data_folder) -> Store:
    store = Store(data_folder.home / "wosync.db")
    store.ensure_account(ACCOUNT, "https://app.workfossa.com", T0)
    return store


def order(number: str, **fields) -> dict:
    base = {"number": number, "customer": "Speedy Fuel", "store_number": "#12345", "next_visit_date": "2026-12-03"}
    base.update(fields)
    return base


def sync_result(store: Store, started: datetime, scraped: list[dict], completed: list[str] = ()) -> dict:
    """Record one run as sync.py does (diff computed from the store), finished a minute after it started."""
    from wosync.diff import compare

    run_id = store.start_run(ACCOUNT, "scheduled", None, os.getpid(), started)
    diff = compare(store.load_orders(ACCOUNT), scraped)
    fields = {"status": "success", "items_processed": len(scraped), "added": len(diff.new),
              "updated": len(diff.updated), "removed": len(completed), "error_kind": None, "error_message": None}
    return store.apply_sync(run_id, ACCOUNT, scraped, diff.new, diff.updated, diff.reopened, list(completed),
                            started + timedelta(minutes=1), fields, None, {})


def failed_run(store: Store, started: datetime) -> dict:
    run_id = store.start_run(ACCOUNT, "scheduled", None, os.getpid(), started)
    return store.finish_run(run_id, started + timedelta(minutes=1), status="failed", error_kind="unreachable",
                            error_message="WorkFossa could not be reached")


def arrived(receiver: HttpReceiver) -> dict[str, list[dict]]:
    """Return {target name: [messages]} of what arrived so far."""
    found: dict[str, list[dict]] = {}
    for request in receiver.requests:
        found.setdefault(request["path"].strip("/"), []).append(request["json"])
    return found


def test_an_urgent_move_goes_at_once_and_the_daily_digest_at_seven_holds_every_change(setup, data_folder, receiver):
    setup("urgent", "--digest", "daily@07:00", "--timezone", "UTC", "--urgent-now")
    setup("daily", "--digest", "daily@07:00", "--timezone", "UTC")
    setup("failures", "--only", "failures")
    setup("moves", "--only", "rescheduled,swapped", "--store", "123*")
    with opened(data_folder) as store:
        first = sync_result(store, T0, [order("W-1"), order("W-2", next_visit_date="2026-12-05", store_number="#900")])
        notify.after_run(store, first, first_done := T0 + timedelta(minutes=1))
        assert arrived(receiver) == {}  # two visits next week: nothing urgent, nothing at once

        # W-1 moves to tomorrow: urgent, at once to the target that asked, and to the immediate one.
        moved = sync_result(store, T0 + timedelta(hours=2),
                            [order("W-1", next_visit_date="2026-11-30"), order("W-2", next_visit_date="2026-12-05",
                                                                               store_number="#900")])
        notify.after_run(store, moved, T0 + timedelta(hours=2, minutes=1))
        got = arrived(receiver)
        assert sorted(got) == ["moves", "urgent"]
        [urgent] = got["urgent"]
        assert urgent["title"] == "wosync: urgent: 1 rescheduled"
        assert urgent["type"] == "warning"
        assert ("- W-1  Speedy Fuel #12345: 2026-12-03 -> 2026-11-30  URGENT: tomorrow"
                in urgent["message"].splitlines())
        assert got["moves"][0]["title"] == "wosync: 1 rescheduled (1 urgent)"

        # A failure: the alert goes to every target taking failures, never to --only moves.
        notify.after_run(store, failed_run(store, T0 + timedelta(hours=4)), T0 + timedelta(hours=4, minutes=1))
        got = arrived(receiver)
        assert [m["title"] for m in got["failures"]] == [f"wosync: sync failing for {ACCOUNT}"]
        assert len(got["moves"]) == 1 and len(got["urgent"]) == 2 and len(got["daily"]) == 1
        receiver.clear()

        # The daemon's check: nothing before 07:00, one digest each at 07:00, then nothing more that day.
        assert send_due_digests(store, datetime(2026, 11, 30, 6, 59, tzinfo=timezone.utc)) == []
        seven = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
        assert sorted(send_due_digests(store, seven)) == [(1, None), (2, None)]
        got = arrived(receiver)
        assert sorted(got) == ["daily", "urgent"]  # --only failures gets no digest
        for name in ("daily", "urgent"):
            [digest] = got[name]
            # Judged at 07:00: W-1's visit is today now (it was tomorrow when it moved).
            assert digest["title"] == "wosync daily digest: 1 rescheduled, 2 visits added (2 urgent)"
            body = digest["message"]
            assert body.startswith(f"Every change since ")
            assert f"2 syncs (#{first['id']} to #{moved['id']}) of {ACCOUNT}." in body.splitlines()[0]
            assert "- W-1  Speedy Fuel #12345: 2026-12-03 -> 2026-11-30  URGENT: today" in body
            assert "- W-2  Speedy Fuel #900: on 2026-12-05" in body
        assert send_due_digests(store, seven + timedelta(hours=5)) == []
        assert len(receiver.requests) == 2
        assert {t["id"]: t["last_digest_at"] for t in store.list_notification_targets()}[2] == "2026-11-30T07:00:00Z"

        # The next day: only what changed since.
        receiver.clear()
        later = sync_result(store, seven + timedelta(hours=3),
                            [order("W-1", next_visit_date="2026-11-30"), order("W-2", next_visit_date="2026-12-05",
                                                                               store_number="#900"), order("W-3")])
        notify.after_run(store, later, seven + timedelta(hours=3, minutes=1))
        got = arrived(receiver)  # the recovery, to the targets taking failures; no change at once
        assert {name: [m["title"] for m in got[name]] for name in got} == {
            name: [f"wosync: sync recovered for {ACCOUNT}"] for name in ("urgent", "daily", "failures")}
        receiver.clear()
        assert sorted(send_due_digests(store, seven + timedelta(days=1))) == [(1, None), (2, None)]
        [digest] = arrived(receiver)["daily"]
        assert digest["title"] == "wosync daily digest: 1 visit added"
        assert "W-1" not in digest["message"] and f"1 sync (#{later['id']})" in digest["message"]
        assert first_done


def test_a_failed_daily_digest_is_kept_and_tried_again_an_hour_later(setup, data_folder, receiver):
    setup("daily", "--digest", "daily@07:00", "--timezone", "UTC")
    with opened(data_folder) as store:
        sync_result(store, T0, [order("W-1")])
        receiver.status = 500
        seven = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
        [(target, error)] = send_due_digests(store, seven)
        assert target == 1 and "500" in error
        assert send_due_digests(store, seven + timedelta(minutes=30)) == []
        receiver.status = 200
        receiver.clear()
        assert send_due_digests(store, seven + timedelta(hours=1)) == [(1, None)]
        assert arrived(receiver)["daily"][0]["title"] == "wosync daily digest: 1 visit added"


def test_a_failures_only_target_gets_no_digest_and_filters_pick_stores_and_customers(setup, data_folder, receiver):
    setup("failures", "--only", "failures")
    setup("quick", "--customer", "quick*", "--customer", "FUEL MART")
    setup("new", "--only", "new", "--store", "#2*,77")
    with opened(data_folder) as store:
        run = sync_result(store, T0, [order("W-1"), order("W-2", customer="Quick Stop", store_number="#204"),
                                      order("W-3", customer="Fuel Mart", store_number="77")])
        notify.after_run(store, run, T0 + timedelta(minutes=1))
        got = arrived(receiver)
        assert "failures" not in got
        [quick] = got["quick"]
        assert quick["title"] == "wosync: 2 visits added"
        assert "W-2" in quick["message"] and "W-3" in quick["message"] and "W-1 " not in quick["message"]
        [new] = got["new"]
        assert "W-2" in new["message"] and "W-3" in new["message"] and "W-1 " not in new["message"]
        receiver.clear()
        gone = sync_result(store, T0 + timedelta(hours=1), [order("W-1"), order("W-3", customer="Fuel Mart",
                                                                                store_number="77")],
                           completed=["W-2"])
        notify.after_run(store, gone, T0 + timedelta(hours=1, minutes=1))
        got = arrived(receiver)
        assert sorted(got) == ["quick"]  # a completed order is no new one
        assert got["quick"][0]["title"] == "wosync: 1 visit removed"
        assert "W-2  Quick Stop #204: was on 2026-12-03 (completed)" in got["quick"][0]["message"]


def test_a_discord_sized_target_never_gets_more_than_2000_characters(setup, data_folder, receiver):
    setup("plain", "--max-length", "2000")
    setup("rules", "--only", "new", "--max-length", "2000")
    setup("whole")
    with opened(data_folder) as store:
        run = sync_result(store, T0, [order(f"W-{n:04d}", customer=f"Speedy Fuel of a long name {n}",
                                            next_visit_date=f"2026-12-{1 + n % 28:02d}") for n in range(300)])
        notify.after_run(store, run, T0 + timedelta(minutes=1))
    got = arrived(receiver)
    for name in ("plain", "rules"):
        [message] = got[name]
        assert len(message["message"]) <= 2000
        shown = sum(1 for line in message["message"].splitlines() if line.startswith("- W-"))
        assert message["message"].endswith(f"... and {300 - shown} more: wosync changes --run {run['id']}")
    assert got["plain"][0]["title"] == "wosync: 300 new, 0 updated, 0 completed"
    assert got["rules"][0]["title"] == "wosync: 300 visits added"
    # Without a cap (json://), the classic digest as before: 50 listed, then the pointer.
    assert got["whole"][0]["message"].endswith(f"... and 250 more: run `wosync changes --run {run['id']}`.")


def test_notify_list_shows_each_targets_rules_and_test_sends_a_sample_within_the_cap(cli, setup, receiver):
    setup("every")
    setup("daily", "--only", "new,rescheduled,removed,failures", "--digest", "daily@7:00", "--timezone",
          "Europe/Paris", "--urgent-now", "--store", "12*", "--max-length", "400")
    listed = cli("notify", "list")
    lines = listed.stdout.splitlines()
    assert lines[0] == f"1  {receiver.apprise_url}every  (everything; at once)"
    assert lines[1] == (f"2  {receiver.apprise_url}daily  (only new,rescheduled,removed,failures; stores 12*; "
                        "daily at 07:00 Europe/Paris; urgent at once; bodies up to 400 characters)")
    records = json.loads(cli("notify", "list", "--json").stdout)
    assert records[1]["rules"] == {"only": ["new", "rescheduled", "removed", "failures"], "stores": ["12*"],
                                   "customers": [], "digest": "daily@07:00", "timezone": "Europe/Paris",
                                   "urgent_now": True, "max_length": 400}
    assert records[0]["rules"]["digest"] == "immediate" and records[0]["max_length"] is None
    result = cli("notify", "test")
    assert result.exit_code == 0, result.output
    got = arrived(receiver)
    assert [m["title"] for m in got["every"] + got["daily"]] == ["wosync: test notification"] * 2
    assert "Swapped:" in got["every"][0]["message"]
    sample = got["daily"][0]["message"]
    assert len(sample) <= 400 and "Swapped:" not in sample and "Rescheduled:" in sample
    assert sample.endswith("... and 1 more: wosync changes --run ID")  # removed did not fit


@pytest.mark.parametrize("options, words", [
    (("--only", "new,moved"), "--only does not know 'moved'"),
    (("--digest", "daily@25:00"), "--digest takes immediate or daily@HH:MM"),
    (("--digest", "daily@07:00", "--timezone", "Mars/Olympus"), "is not an IANA time zone"),
    (("--max-length", "many"), "--max-length"),
])
def test_wrong_rules_are_refused_before_anything_is_stored(cli, setup, receiver, options, words):
    result = cli("notify", "add", receiver.apprise_url, *options)
    assert result.exit_code == 2
    assert words in result.stderr
    assert cli("notify", "list", "--json").stdout.strip() == "[]"


def test_the_daemon_sends_a_daily_digest_when_its_clock_reaches_the_hour(setup, data_folder, receiver):
    from wosync.daemon.loop import Daemon

    setup("daily", "--digest", "daily@07:00", "--timezone", "UTC")
    with opened(data_folder) as store:
        sync_result(store, T0, [order("W-1")])
        now = [datetime(2026, 11, 30, 6, 59, tzinfo=timezone.utc)]
        daemon = Daemon(clock=lambda: now[0], store_factory=lambda: store)
        daemon.store = store
        daemon._install_jobs(quiet=True)
        assert any("digests" in job.tags for job in daemon.scheduler.jobs)
        daemon._due_digests()
        assert arrived(receiver) == {}
        now[0] += timedelta(minutes=1)
        daemon._due_digests()
        daemon._due_digests()
        assert [m["title"] for m in arrived(receiver)["daily"]] == ["wosync daily digest: 1 visit added"]
        daemon.scheduler.clear()
