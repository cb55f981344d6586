"""Notification deadlines in-process: a target that never finishes answering (one byte every
2 s, or nothing at all) is abandoned at one total deadline, targets are sent to in parallel, a
cancel (a daemon stopping) ends the wait at once, and no abandoned send can keep the process
alive (its thread is a daemon thread; Apprise's own pool, which the exit joins, is not used).

The deadline is shortened here so the tests stay quick; tests/process/test_notify_deadlines.py
runs the real one in real processes.
"""

from __future__ import annotations

import threading
import time

import pytest

from support.http_receiver import HttpReceiver
from support.trickle_receiver import TrickleReceiver
from wosync import notify

DEADLINE = 3.0
MESSAGE = notify.Message("test", "wosync: test notification", "a test")


@pytest.fixture(autouse=True)
def short_deadline(monkeypatch):
    monkeypatch.setattr(notify, "TARGET_DEADLINE_SECONDS", DEADLINE)


def timed(function, *args, **kwargs):
    start = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - start


def test_a_trickling_target_is_abandoned_at_its_deadline_with_the_reason():
    with TrickleReceiver(interval=0.5) as target:
        delivery, took = timed(notify.deliver, target.apprise_url, MESSAGE, 7)
        assert target.requests == 1
    assert DEADLINE - 0.5 <= took <= DEADLINE + 2
    assert delivery.target_id == 7 and delivery.shown_url.startswith("json://127.0.0.1:")
    assert delivery.error == f"no complete answer within {DEADLINE:g} s; abandoned"


def test_ten_silent_targets_take_one_deadline_not_ten():
    targets = [TrickleReceiver(silent=True).start() for _ in range(10)]
    try:
        deliveries, took = timed(notify.deliver_all, [(t.apprise_url, n) for n, t in enumerate(targets)], MESSAGE)
    finally:
        for target in targets:
            target.stop()
    assert [d.target_id for d in deliveries] == list(range(10))
    assert all(d.error for d in deliveries)
    assert took <= DEADLINE + 2, f"ten silent targets took {took:.1f} s"


def test_a_slow_target_does_not_delay_the_answer_of_a_good_one():
    with TrickleReceiver(interval=0.5) as slow, HttpReceiver() as good:
        deliveries, took = timed(notify.deliver_all, [(slow.apprise_url, 1), (good.apprise_url, 2)], MESSAGE)
        assert [m["title"] for m in good.messages] == ["wosync: test notification"]
    assert deliveries[0].error and deliveries[1].error is None
    assert took <= DEADLINE + 2


def test_a_cancel_ends_the_wait_at_once():
    cancel = threading.Event()
    with TrickleReceiver(interval=0.5) as target:
        threading.Timer(0.5, cancel.set).start()
        (delivery,), took = timed(notify.deliver_all, [(target.apprise_url, 1)], MESSAGE, cancel)
    assert took < DEADLINE - 1
    assert delivery.error == "abandoned: the sync was stopped while sending"


def test_abandoned_sends_run_in_daemon_threads_and_a_target_still_answering_gets_no_second_one():
    with TrickleReceiver(interval=0.5) as target:
        first = notify.deliver(target.apprise_url, MESSAGE, 1)
        running = [t for t in threading.enumerate() if t.name.startswith("notify-")]
        assert running and all(t.daemon for t in running)
        # Apprise's own pool threads are not daemon threads: the exit would wait for them.
        assert not [t for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor")]
        second, took = timed(notify.deliver, target.apprise_url, MESSAGE, 1)
        assert target.requests == 1
    assert first.error and took < 1
    assert second.error == "an earlier message to this target is still unanswered after its deadline; not sent"
    # stop() closed the connection: the abandoned thread ends and the target can be sent to again.
    for thread in running:
        thread.join(10)
    assert not any(t.is_alive() for t in running)
