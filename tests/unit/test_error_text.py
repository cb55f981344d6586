"""An error's short form (the summary `history` shows) and long form (`history show ID`)."""

from __future__ import annotations

from wosync.error_text import SUMMARY_CHARS, error_details, error_summary, network_reason

OLD_UNREACHABLE = ("cannot reach WorkFossa at http://127.0.0.1:8123/ (Page.goto: net::ERR_CONNECTION_REFUSED at "
                   "http://127.0.0.1:8123/); check WOSYNC_BASE_URL and the network (saved: /home/t/.local/share/"
                   "wosync/artefacts/workfossa-1-unreachable.png, /home/t/.local/share/wosync/artefacts/"
                   "workfossa-1-unreachable.html.gz)")


def test_the_summary_is_the_first_line_and_the_details_follow():
    message = "cannot reach WorkFossa (connection refused)\nhttp://x/: net::ERR_CONNECTION_REFUSED\n(saved: a.png)"
    assert error_summary(message) == "cannot reach WorkFossa (connection refused)"
    assert error_details(message) == ["http://x/: net::ERR_CONNECTION_REFUSED", "(saved: a.png)"]


def test_an_older_one_line_message_reads_as_short_without_its_details():
    summary = error_summary(OLD_UNREACHABLE)
    assert summary == "cannot reach WorkFossa (connection refused); check WOSYNC_BASE_URL and the network"
    assert error_details(OLD_UNREACHABLE) == [OLD_UNREACHABLE]  # `history show` keeps all of it


def test_an_older_timeout_loses_its_url_remark():
    message = ("WorkFossa did not respond in time (Timeout 30000ms exceeded.; page http://127.0.0.1:1/app/work/); "
               "the site may be slow or down: check the network and WOSYNC_BASE_URL")
    summary = error_summary(message)
    assert summary.startswith("WorkFossa did not respond in time; the site may be slow or down: check the network")
    assert len(summary) <= 100 and "http" not in summary
    assert error_summary("WorkFossa answered HTTP 500 while loading the work list (http://x/app/work/)") == \
        "WorkFossa answered HTTP 500 while loading the work list"


def test_a_long_summary_is_cut_at_100_with_an_ellipsis_and_never_holds_a_line_break():
    summary = error_summary("x" * 450)
    assert len(summary) == SUMMARY_CHARS == 100 and summary.endswith("…")
    assert error_summary("a\x1b[31m red\tline\r\nsecond") == "a red line"
    assert error_summary(None) is None and error_summary("  ") is None and error_details(None) == []


def test_network_reasons_in_words():
    assert network_reason("Page.goto: net::ERR_NAME_NOT_RESOLVED at https://x/") == "unknown host"
    assert network_reason("net::ERR_SOMETHING_NEW") == "ERR_SOMETHING_NEW"
    assert network_reason("plain words") == "plain words"
