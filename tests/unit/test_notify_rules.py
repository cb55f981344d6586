"""The pure rules of notification targets: what a target selects, when its daily digest is
due (the clock passed in), and bodies that fit the service's cap in its form."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from wosync.change_kinds import ScheduleChange
from wosync.errors import UsageError
from wosync.notify_messages import Item, digest_message, rules_digest, sample_digest
from wosync.notify_rules import (DIGEST_RETRY, TargetRules, body_cap, body_form, cut_text, daily_digest_due, describe,
                                 fit_body, last_slot, make_rules, parse_digest, parse_only, rules_from_record, selects)

UTC = timezone.utc


def entry(kind="rescheduled", change="updated", customer="Speedy Fuel", store="#12345", reasons=(), number="W-1",
          old="2026-12-03", new="2026-11-30", partner=None):
    return ScheduleChange(number, change, kind, customer, store, "Springfield", old, new, 4, partner=partner,
                          reasons=list(reasons))


# ------------------------------------------------------------------ options


def test_only_takes_comma_lists_and_repeats_and_refuses_unknown_names():
    assert parse_only(["new,rescheduled", " removed ", "FAILURES"]) == ("new", "rescheduled", "removed", "failures")
    assert parse_only(None) is None and parse_only([]) is None
    with pytest.raises(UsageError) as caught:
        parse_only(["new,resheduled"])
    assert "'resheduled'" in caught.value.message and "visit_added" in caught.value.message


def test_digest_is_immediate_or_daily_at_a_time():
    assert parse_digest("immediate") == ("immediate", None)
    assert parse_digest("daily@7:00") == ("daily", "07:00")
    assert parse_digest("DAILY@23:59") == ("daily", "23:59")
    for wrong in ("daily", "daily@24:00", "daily@07:60", "weekly@07:00", ""):
        with pytest.raises(UsageError):
            parse_digest(wrong)


def test_make_rules_checks_the_zone_and_fills_in_the_local_one_for_a_daily_digest():
    rules = make_rules(digest="daily@07:00", local_zone=lambda: "Europe/Paris")
    assert (rules.digest, rules.at, rules.timezone) == ("daily", "07:00", "Europe/Paris")
    assert make_rules(timezone="America/Chicago").timezone is None  # immediate: no zone kept
    with pytest.raises(UsageError, match="IANA"):
        make_rules(digest="daily@07:00", timezone="Mars/Olympus")
    with pytest.raises(UsageError):
        make_rules(max_length=50)


def test_rules_round_trip_through_their_record_and_old_targets_get_everything_at_once():
    rules = make_rules(["new", "failures"], ["12*"], ["speedy*,quick stop"], "daily@06:30", "UTC", True, 2000)
    assert rules_from_record(rules.record()) == rules
    assert rules_from_record(None) == TargetRules()
    assert TargetRules().changes_as_before and TargetRules().wants_failures
    assert describe(rules) == ("only new,failures; stores 12*; customers speedy*,quick stop; daily at 06:30 UTC; "
                               "urgent at once")


# ------------------------------------------------------------------ what a target selects


def test_only_selects_by_kind_and_alias():
    added_new = entry("visit_added", "new", old=None, new="2026-12-09")
    added_back = entry("visit_added", "reopened", old=None, new="2026-12-09")
    completed = entry("visit_removed", "completed", old="2026-12-02", new=None)
    dropped = entry("visit_removed", "updated", old="2026-12-02", new=None)
    replaced_done = entry("replaced", "completed", old="2026-12-02", new=None, partner="W-2")
    moved = entry("rescheduled")
    only = lambda *names: TargetRules(only=names)  # noqa: E731
    assert [selects(only("new"), e) for e in (added_new, added_back, moved)] == [True, False, False]
    assert [selects(only("visit_added"), e) for e in (added_new, added_back)] == [True, True]
    assert [selects(only("removed"), e) for e in (completed, dropped, replaced_done)] == [True, True, False]
    assert [selects(only("completed"), e) for e in (completed, dropped, replaced_done)] == [True, False, True]
    assert selects(only("rescheduled", "failures"), moved) and not selects(only("failures"), moved)


def test_stores_and_customers_match_glob_patterns_in_any_case():
    moved = entry(customer="Speedy Fuel", store="#12345")
    assert selects(TargetRules(stores=("123*",)), moved)
    assert selects(TargetRules(stores=("#12345",)), moved)
    assert not selects(TargetRules(stores=("124*",)), moved)
    assert selects(TargetRules(stores=("999", "12345")), moved)  # any pattern of the list
    assert selects(TargetRules(customers=("speedy*",)), moved)
    assert not selects(TargetRules(customers=("quick*",)), moved)
    assert not selects(TargetRules(stores=("123*",), customers=("quick*",)), moved)  # both lists must match
    assert not selects(TargetRules(stores=("1*",)), entry(store=None))


def test_failures_only_gets_alerts_and_no_changes():
    rules = TargetRules(only=("failures",))
    assert rules.wants_failures and not rules.wants_changes
    assert not TargetRules(only=("new",)).wants_failures


# ------------------------------------------------------------------ when a daily digest is due


DAILY_7 = TargetRules(digest="daily", at="07:00", timezone="UTC")
CREATED = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_a_daily_digest_is_due_once_the_hour_passed_and_once_a_day():
    at = lambda *args: datetime(*args, tzinfo=UTC)  # noqa: E731
    assert not daily_digest_due(DAILY_7, CREATED, None, None, at(2026, 11, 29, 23, 0))  # added after today's 07:00
    assert not daily_digest_due(DAILY_7, CREATED, None, None, at(2026, 11, 30, 6, 59))
    assert daily_digest_due(DAILY_7, CREATED, None, None, at(2026, 11, 30, 7, 0))
    sent = at(2026, 11, 30, 7, 0)
    assert not daily_digest_due(DAILY_7, CREATED, sent, sent, at(2026, 11, 30, 18, 0))
    assert daily_digest_due(DAILY_7, CREATED, sent, sent, at(2026, 12, 1, 7, 1))
    # Missed for days (the machine was off): one digest when it comes back.
    assert daily_digest_due(DAILY_7, CREATED, sent, sent, at(2026, 12, 4, 9, 0))


def test_a_failed_daily_digest_is_tried_again_an_hour_later():
    at = lambda *args: datetime(*args, tzinfo=UTC)  # noqa: E731
    tried = at(2026, 11, 30, 7, 0)
    assert not daily_digest_due(DAILY_7, CREATED, None, tried, tried + DIGEST_RETRY - timedelta(minutes=1))
    assert daily_digest_due(DAILY_7, CREATED, None, tried, tried + DIGEST_RETRY)


def test_the_hour_is_read_in_the_targets_zone_across_a_dst_change():
    chicago = TargetRules(digest="daily", at="07:00", timezone="America/Chicago")
    winter = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # 07:00 CST
    assert last_slot("07:00", "America/Chicago", winter).astimezone(UTC) == winter
    created = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)  # 14:00 in Chicago, after that day's 07:00
    assert not daily_digest_due(chicago, created, None, None, winter - timedelta(minutes=1))
    assert daily_digest_due(chicago, created, None, None, winter)
    summer = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # 07:00 CDT
    assert last_slot("07:00", "America/Chicago", summer).astimezone(UTC) == summer
    # Without a zone of its own, the machine's.
    local = TargetRules(digest="daily", at="07:00")
    assert not daily_digest_due(local, created, None, None, winter - timedelta(minutes=1), "America/Chicago")
    assert daily_digest_due(local, created, None, None, winter, "America/Chicago")


def test_no_daily_digest_for_immediate_or_failures_only_targets():
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert not daily_digest_due(TargetRules(), CREATED, None, None, now)
    assert not daily_digest_due(TargetRules(only=("failures",), digest="daily", at="07:00"), CREATED, None, None, now)


# ------------------------------------------------------------------ caps and forms


def test_caps_by_scheme_and_by_option():
    assert body_cap("discord://1/abc") == 2000
    assert body_cap("tgram://1:abc/2") == 4096
    assert body_cap("pover://user@token") == 1024
    assert body_cap("mailto://u:p@example.com") is None
    assert body_cap("json://127.0.0.1:9/") is None and body_cap("form://h/") is None and body_cap("xml://h/") is None
    assert body_cap("ntfys://topic") == 4000
    assert body_cap("sns://x", service_max=160) == 160
    assert body_cap("json://127.0.0.1:9/", max_length=2000) == 2000
    assert body_cap("discord://1/abc", max_length=0) is None


def test_chat_services_get_markdown_and_a_url_can_ask_for_either_form():
    assert body_form("discord://1/abc") == "markdown"
    assert body_form("json://127.0.0.1:9/") == "text"
    assert body_form("json://127.0.0.1:9/?format=markdown") == "markdown"
    assert body_form("discord://1/abc?format=text") == "text"


def test_fit_body_never_passes_the_cap_and_names_what_it_left_out():
    blocks = [f"- W-{n:04d}  a line of about forty characters" for n in range(500)]
    more = lambda n: f"\n... and {n} more: wosync changes --run 7"  # noqa: E731
    for cap in (200, 777, 2000):
        body = fit_body("Account a, sync #7.", blocks, 500, cap, more)
        assert len(body) <= cap
        shown = body.count("\n- W-")
        assert body.endswith(f"... and {500 - shown} more: wosync changes --run 7")
    assert fit_body("head", blocks[:3], 3, None, more) == "head\n" + "\n".join(blocks[:3])
    # Not even the head fits: cut, with the pointer kept.
    body = fit_body("x" * 500, blocks, 500, 200, more)
    assert len(body) <= 200 and body.endswith("more: wosync changes --run 7")
    assert len(cut_text("line\n" * 100, 50)) <= 50


def items(count, run_id=9):
    return [Item(run_id, entry("visit_added", "new", old=None, new="2026-12-09", number=f"W-{n:05d}",
                               reasons=["busy day: 2 visits already"] if n % 3 == 0 else ())) for n in range(count)]


@pytest.mark.parametrize("form", ["text", "markdown"])
def test_a_discord_sized_digest_of_many_changes_stays_within_2000_characters(form):
    message = rules_digest("digest", items(400), "Account tech@example.com, sync #9 at 2026-11-29 12:00.",
                           body_cap("discord://1/abc"), form)
    assert len(message.body) <= 2000
    assert message.body_format == form
    assert message.title == "wosync: 400 visits added (134 urgent)"
    shown = message.body.count("\n- ")
    command = "`wosync changes --run 9`" if form == "markdown" else "wosync changes --run 9"
    assert message.body.endswith(f"... and {400 - shown} more: {command}")
    assert shown > 10


def test_markdown_escapes_site_text_and_bolds_urgent_marks():
    [one] = items(1)
    message = rules_digest("digest", [Item(1, entry(customer="Fuel_*Mart*", reasons=["tomorrow"]))], "Head", None,
                           "markdown")
    assert "Fuel\\_\\*Mart\\*" in message.body
    assert "**URGENT: tomorrow**" in message.body and "**Rescheduled**" in message.body
    assert rules_digest("digest", [], "Head", None, "text") is None and one


def test_the_classic_digest_is_cut_to_the_cap_too():
    changes = [{"number": f"W-{n:04d}", "kind": "new", "customer": "Speedy Fuel", "store_number": "#1",
                "next_visit_date": "2026-12-01", "fields": {}} for n in range(40)]
    run = {"id": 3, "account": "a@example.com", "started_at": "2026-11-29T12:00:00Z",
           "completed_at": "2026-11-29T12:01:00Z", "status": "success"}
    message = digest_message(run, changes, cap=1024)
    assert len(message.body) <= 1024 and message.body.endswith("more: wosync changes --run 3")
    whole = digest_message(run, changes)
    assert "... and" not in whole.body and whole.body.count("\n- W-") == 40


def test_the_test_message_samples_the_targets_kinds_within_its_cap():
    every = sample_digest(TargetRules(), None, "text")
    assert every.title == "wosync: test notification"
    for word in ("Rescheduled:", "Swapped:", "Replaced:", "Visits added:", "Visits removed:", "Other changes:"):
        assert word in every.body
    moved = sample_digest(TargetRules(only=("rescheduled", "failures")), None, "text").body
    assert "Rescheduled:" in moved and "Visits added:" not in moved and "Failure alerts come here too" in moved
    assert "failure alerts only" in sample_digest(TargetRules(only=("failures",)), None, "text").body
    assert len(sample_digest(TargetRules(), 300, "markdown").body) <= 300
