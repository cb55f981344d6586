"""The scraper against the simulated site on loopback, driving real Chromium, in both versions
of the real site's pager (docs/workfossa-site.md correction 3): "length-aware" (numbered pages and
"N matches") and "simple" (prev/next only, no match count).

Two simulated sites per pager version: `growing` starts empty and gains orders test by test (one
saved session for all of them), `faulty` serves 250 orders and has one fault switched on per
test. Every WorkFossa object launches its own browser; each test checks what a user would:
every field equals what the site shows, the typed error and its saved artefacts, the number
of logins, and that no browser process is left behind.
"""

from __future__ import annotations

import functools
import gzip
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from wosync.errors import ExitCode, Interrupted
from wosync.secret import Secret
from wosync.sim import SimulatedWorkFossa
from wosync.workfossa import ScrapeProgress, WorkFossa, find_browser, site
from wosync.workfossa import browser as browser_module
from wosync.workfossa.errors import (
    BrowserNotFound,
    CredentialsRejected,
    LayoutNotRecognised,
    SessionExpired,
    SiteHttpError,
    SiteUnreachable,
)
from support.processes import chromium_processes, start_time

USER = "tech@example.com"
PASSWORD = "correct-horse-42"
PAGERS = ["length-aware", "simple"]


# --- helpers ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def BROWSER() -> str:  # noqa: N802 - reads like the constant it is
    """Return find_browser()'s answer, looked up once (it starts Playwright's driver)."""
    return find_browser()


def browser_processes() -> dict[int, str]:
    """Return {pid: start time} of the live Chromium processes descended from this process."""
    return {pid: started for pid in chromium_processes(os.getpid()) if (started := start_time(pid))}


def still_running(processes: dict[int, str]) -> list[int]:
    """Given {pid: start time}, return the pids that still run (same start time, not zombie)."""
    return [pid for pid, started in processes.items() if start_time(pid) == started]


def scraper(sim: SimulatedWorkFossa, folder: Path, password=PASSWORD, **options) -> WorkFossa:
    """Return a WorkFossa on the simulated site, its session and artefacts in `folder`."""
    options.setdefault("timeout_ms", 15000)
    return WorkFossa(sim.base_url, USER, Secret(password) if isinstance(password, str) else password,
                     state_path=folder / "session.json", artefacts_dir=folder / "artefacts",
                     browser_executable=BROWSER(), **options)


def assert_artefacts(error, must_not_contain: tuple[str, ...] = (PASSWORD,)) -> None:
    """The error names its saved screenshot and HTML; both are private and hold no password."""
    suffixes = sorted("".join(path.suffixes) for path in error.artefacts)
    assert suffixes == [".html.gz", ".png"], error.artefacts
    for path in error.artefacts:
        assert path.exists() and str(path) in str(error)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        for secret in must_not_contain:
            assert secret.encode() not in data


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=PAGERS)
def growing(request):
    sim = SimulatedWorkFossa(count=0, seed=3, username=USER, password=PASSWORD,
                             pager=request.param).start()
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def growing_home(growing, tmp_path_factory):
    return tmp_path_factory.mktemp("growing")


@pytest.fixture(scope="module", params=PAGERS)
def faulty_site(request):
    sim = SimulatedWorkFossa(count=250, seed=2, username=USER, password=PASSWORD,
                             pager=request.param).start()
    yield sim
    sim.stop()


def counted(sim: SimulatedWorkFossa) -> bool:
    """True when the site shows a match count (the length-aware pager)."""
    return sim.pager == "length-aware"


@pytest.fixture
def faulty(faulty_site):
    """The 250-order site with every fault off again after the test."""
    yield faulty_site
    for name, value in vars(type(faulty_site.faults)()).items():
        setattr(faulty_site.faults, name, value)


# --- complete reads --------------------------------------------------------------------------

@pytest.mark.parametrize("count", [0, 1, 25, 100, 101, 250])
def test_reads_every_order_with_every_field(growing, growing_home, count):
    active = len(growing.expected_orders())
    growing.add_orders(count - active)
    reports: list[ScrapeProgress] = []
    with scraper(growing, growing_home) as wf:
        result = wf.read_work_orders(on_progress=reports.append)
    assert result.orders == growing.expected_orders()
    assert result.rows_read == count
    if counted(growing):
        assert (result.matches, result.completeness) == (count, "count")
    elif count:
        assert (result.matches, result.completeness) == (None, "pager")
    else:
        # No count to say "0", and an empty page is never proof that the list is empty
        # (docs/design.md "One sync", step 5): the read is not known complete, and its artefacts are saved.
        assert (result.matches, result.completeness) == (None, None)
        assert {"".join(p.suffixes) for p in result.artefacts} == {".png", ".html.gz"}
    assert result.pages == max(1, -(-count // 100))
    scraping = [r for r in reports if r.phase == "scraping"]
    assert [r.page for r in scraping] == list(range(1, result.pages + 1))
    assert scraping[-1].rows_read == count
    assert scraping[-1].matches == (count if counted(growing) else None)
    # The first test logged in and saved the session; every later one reused it.
    assert growing.login_count == 1
    state = growing_home / "session.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert PASSWORD not in state.read_text()


@pytest.mark.parametrize("pager, options, tooltip", [
    ("length-aware", "open-only", "ks-tooltip"),
    ("simple", "open-only", "ks-popover"),
    ("length-aware", "at-rest", "ks-popover"),
])
def test_reads_every_version_the_contract_leaves_open(tmp_path, pager, options, tooltip):
    # The page-size items existing only while the menu is open, and another class on the
    # instructions' hidden tooltip: neither is captured, both are left open by the contract.
    with SimulatedWorkFossa(count=150, seed=4, username=USER, password=PASSWORD, pager=pager,
                            page_size_options=options, tooltip_class=tooltip) as sim:
        with scraper(sim, tmp_path) as wf:
            result = wf.read_work_orders()
        assert result.orders == sim.expected_orders()
        assert result.completeness == ("count" if pager == "length-aware" else "pager")
        assert sum(1 for o in result.orders if o["instructions"]) > 50


@pytest.mark.parametrize("pager", PAGERS)
def test_a_site_that_remembers_show_100_is_read_whole_on_the_next_sync(tmp_path, pager):
    # Left open by the contract: a site may keep the chosen page size in the session, so the
    # next sync's list opens at "Show 100" already; choosing it again would reload nothing.
    with SimulatedWorkFossa(count=250, seed=4, username=USER, password=PASSWORD, pager=pager,
                            page_size_remembered=True) as sim:
        for _ in range(2):
            with scraper(sim, tmp_path) as wf:
                result = wf.read_work_orders()
            assert result.orders == sim.expected_orders()
            assert result.completeness == ("count" if pager == "length-aware" else "pager")
        assert sim.chosen_page_size == {USER: 100} and sim.login_count == 1


@pytest.mark.parametrize("page_script", [
    "delete window.CompressionStream;",  # cannot pack: the rows cross as they are
    "window.btoa = () => 'not base64 at all';",  # packs garbage: read again unpacked
])
def test_pages_whose_scripts_break_the_packing_are_read_whole(faulty, tmp_path, page_script):
    # Every page after the first is read by the wait that saw it (site.PAGE_SHOWN), packed:
    # a site script that breaks or tampers with what the packing uses must cost no order.
    with scraper(faulty, tmp_path) as wf:
        wf.page.add_init_script(page_script)
        result = wf.read_work_orders()
        assert wf.page.evaluate("typeof window.CompressionStream === 'function' "
                                "&& btoa('a') === 'YQ=='") is False  # the breakage was there
    assert result.orders == faulty.expected_orders() and result.complete
    assert result.pages == 3


def test_two_scrapes_in_a_row_log_in_once(faulty, tmp_path):
    before = faulty.login_count
    with scraper(faulty, tmp_path) as wf:
        assert wf.ensure_session() is True
        first = wf.read_work_orders()
        assert wf.logins == 1
    with scraper(faulty, tmp_path) as wf:
        assert wf.ensure_session() is False
        second = wf.read_work_orders()
        assert (wf.logins, second.logins) == (0, 0)
    assert faulty.login_count - before == 1
    assert first.orders == second.orders == faulty.expected_orders()


def test_include_completed_lists_completed_orders_too(faulty, tmp_path):
    with scraper(faulty, tmp_path) as wf:
        result = wf.read_work_orders(include_completed=True)
    expected = faulty.expected_orders(include_completed=True)
    assert len(expected) == 275  # 250 active + 25 completed
    assert result.orders == expected and result.complete


def test_slow_site_is_waited_for_not_slept_through(faulty, tmp_path):
    faulty.faults.slow_ms = 400
    with scraper(faulty, tmp_path) as wf:
        result = wf.read_work_orders()
    assert result.complete and result.orders == faulty.expected_orders()


def test_session_expiring_mid_run_recovers_with_one_new_login(faulty, tmp_path):
    # The list page, Show 100 and page 2 are served; page 3 finds the session gone.
    faulty.faults.expire_session_after = 3
    reports = []

    def on_progress(report):
        reports.append(report)
        if report.phase == "logging_in" and any(r.phase == "scraping" for r in reports):
            faulty.faults.expire_session_after = None  # the new session lasts

    before = faulty.login_count
    with scraper(faulty, tmp_path) as wf:
        result = wf.read_work_orders(on_progress=on_progress)
    assert faulty.login_count - before == 2 and result.logins == 2
    assert result.complete and result.orders == faulty.expected_orders()


def test_session_expiring_once_recovers_without_help(faulty, tmp_path):
    # Page 3 finds the first session gone; the re-login's session lasts (expire_once).
    faulty.faults.expire_session_after = 3
    faulty.faults.expire_once = True
    before = faulty.login_count
    with scraper(faulty, tmp_path) as wf:
        result = wf.read_work_orders()
    assert faulty.login_count - before == 2 and result.logins == 2  # first login + one re-login
    assert result.complete and len(result.orders) == 250
    assert result.orders == faulty.expected_orders()


def test_session_expiring_again_after_the_new_login_is_an_error(faulty, tmp_path):
    faulty.faults.expire_session_after = 3
    with scraper(faulty, tmp_path) as wf:
        with pytest.raises(SessionExpired) as caught:
            wf.read_work_orders()
        assert wf.logins == 2
    assert caught.value.kind == "session_expired" and caught.value.exit_code == ExitCode.SYNC_FAILED
    assert_artefacts(caught.value)


def test_list_emptied_mid_run_is_reported_incomplete(faulty, tmp_path):
    def on_progress(report):
        if report.phase == "scraping" and report.page == 1:
            faulty.faults.empty_glitch = True

    with scraper(faulty, tmp_path) as wf:
        result = wf.read_work_orders(on_progress=on_progress)
    assert (result.rows_read, result.complete) == (100, False)
    assert result.matches == (0 if counted(faulty) else None)


# --- failures --------------------------------------------------------------------------------

def test_wrong_password_is_rejected_with_exit_code_3(faulty, tmp_path):
    with scraper(faulty, tmp_path, password="wrong-battery-7") as wf:
        with pytest.raises(CredentialsRejected) as caught:
            wf.ensure_session()
    error = caught.value
    assert str(error).startswith(
        f"WorkFossa rejected the password for {USER}; run `wosync login` to store the right one")
    assert error.exit_code == ExitCode.CREDENTIALS and error.kind == "credentials_rejected"
    assert_artefacts(error, must_not_contain=("wrong-battery-7", PASSWORD))
    assert not (tmp_path / "session.json").exists()


def test_site_refusing_a_login_keeps_the_typed_password_out_of_the_artefacts(faulty, tmp_path):
    faulty.faults.reject_password = True  # the right password, typed, and refused
    with scraper(faulty, tmp_path) as wf:
        with pytest.raises(CredentialsRejected) as caught:
            wf.login()
        assert wf.logins == 1
    assert caught.value.exit_code == ExitCode.CREDENTIALS
    assert_artefacts(caught.value, must_not_contain=(PASSWORD,))


def test_password_is_fetched_only_when_a_login_is_needed(faulty, tmp_path):
    asked = []

    def password():
        asked.append(1)
        return Secret(PASSWORD)

    with scraper(faulty, tmp_path, password=password) as wf:
        wf.ensure_session()
    with scraper(faulty, tmp_path, password=password) as wf:
        wf.read_work_orders()
    assert len(asked) == 1


@pytest.mark.parametrize("page", [1, 2])
def test_http_500_names_the_status_and_page(faulty, tmp_path, page):
    faulty.faults.http_500_on_page = page
    with scraper(faulty, tmp_path) as wf:
        with pytest.raises(SiteHttpError) as caught:
            wf.read_work_orders()
    error = caught.value
    assert error.status == 500 and error.kind == "http_error"
    assert "HTTP 500" in str(error) and f"page {page}" in str(error)
    assert_artefacts(error)


def test_layout_change_names_the_missing_selector_and_closes_the_browser(faulty, tmp_path):
    faulty.faults.layout_change = True
    with scraper(faulty, tmp_path) as wf:
        processes = browser_processes()
        assert processes, "the browser should be running inside the with block"
        with pytest.raises(LayoutNotRecognised) as caught:
            wf.read_work_orders()
    assert caught.value.selector == "div.row.work-list-item"
    assert "div.row.work-list-item" in str(caught.value)
    if counted(faulty):
        assert "250 matches" in str(caught.value)
    assert_artefacts(caught.value)
    assert still_running(processes) == []


@pytest.mark.parametrize("hang_on", ["a.next-page", ".ks-select-selection"])
def test_a_page_whose_script_hangs_is_stopped_not_waited_for_forever(tmp_path, monkeypatch,
                                                                     hang_on):
    # A site script stuck in a loop blocks the page's main thread: a read of the page would
    # never return (Playwright gives evaluate no timeout), nor would saving the artefacts
    # after a click timed out. The watchdog stops the page; the sync fails and says why.
    monkeypatch.setattr(browser_module, "HANG_GRACE_SECONDS", 2)
    stuck_after_click = (
        "document.addEventListener('click', (event) => { if (event.target.closest("
        f"{hang_on!r})) setTimeout(() => {{ for (;;) {{}} }}, 50); }}, true);")
    with SimulatedWorkFossa(count=150, seed=4, username=USER, password=PASSWORD) as sim:
        with scraper(sim, tmp_path, timeout_ms=2000) as wf:
            processes = browser_processes()
            wf.page.add_init_script(stuck_after_click)
            started = time.monotonic()
            with pytest.raises(SiteUnreachable) as caught:
                wf.read_work_orders()
            took = time.monotonic() - started
    message = str(caught.value)
    assert "stopped answering" in message and "kept it busy for 4 s" in message
    assert caught.value.exit_code == ExitCode.SYNC_FAILED
    assert took < 20  # a click's timeout (2 s) and the watchdog's limit (4 s), not forever
    assert still_running(processes) == []


def test_missing_match_count_is_a_layout_error_naming_its_selector(faulty, tmp_path):
    if not counted(faulty):
        pytest.skip("the simple pager never shows a match count")
    faulty.faults.no_match_count = True
    with scraper(faulty, tmp_path) as wf:
        with pytest.raises(LayoutNotRecognised) as caught:
            wf.read_work_orders()
    assert caught.value.selector == site.MATCH_COUNT and site.MATCH_COUNT in str(caught.value)
    assert caught.value.kind == "layout" and caught.value.exit_code == ExitCode.SYNC_FAILED
    assert_artefacts(caught.value)


def test_missing_page_size_menu_is_a_layout_error_naming_its_selector(faulty, tmp_path):
    # 250 orders do not fit the default 25: the scraper needs "Show 100" and says so.
    faulty.faults.no_page_size_menu = True
    with scraper(faulty, tmp_path) as wf:
        with pytest.raises(LayoutNotRecognised) as caught:
            wf.read_work_orders()
    assert caught.value.selector == site.PAGE_SIZE_MENU
    assert site.PAGE_SIZE_MENU in str(caught.value) and "page-size menu" in str(caught.value)
    assert_artefacts(caught.value)


def test_unreachable_site_names_the_url_and_the_fix(tmp_path):
    import socket

    # A port held (bound, never listening) for the whole test: connections are refused,
    # and no other program can start listening there meanwhile.
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{held.getsockname()[1]}"
        with WorkFossa(url, USER, Secret(PASSWORD), state_path=tmp_path / "s.json",
                       artefacts_dir=tmp_path / "artefacts", browser_executable=BROWSER()) as wf:
            with pytest.raises(SiteUnreachable) as caught:
                wf.ensure_session()
    assert url in str(caught.value) and "WOSYNC_BASE_URL" in str(caught.value)
    assert caught.value.kind == "unreachable"
    assert any(path.suffix == ".png" for path in caught.value.artefacts)


def test_cancel_stops_the_scrape_and_the_browser(faulty, tmp_path):
    cancel = threading.Event()
    with scraper(faulty, tmp_path, cancel=cancel) as wf:
        processes = browser_processes()
        with pytest.raises(Interrupted):
            wf.read_work_orders(on_progress=lambda r: r.page == 1 and cancel.set())
    assert processes and still_running(processes) == []


def test_ctrl_c_mid_scrape_leaves_no_browser_behind(faulty, tmp_path):
    def interrupt(report):
        if report.page == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        with scraper(faulty, tmp_path) as wf:
            processes = browser_processes()
            wf.read_work_orders(on_progress=interrupt)
    assert processes and still_running(processes) == []


# --- finding a browser (no browser started) --------------------------------------------------

def test_wosync_browser_that_is_not_executable_names_the_ways_out(monkeypatch, tmp_path):
    monkeypatch.setenv("WOSYNC_BROWSER", str(tmp_path / "no-such-chromium"))
    with pytest.raises(BrowserNotFound) as caught:
        find_browser()
    message = str(caught.value)
    assert "WOSYNC_BROWSER" in message and "apt-get install chromium" in message
    assert "playwright install chromium" in message and caught.value.kind == "browser_missing"


def test_wosync_browser_is_used_when_set(monkeypatch):
    monkeypatch.setenv("WOSYNC_BROWSER", "/usr/lib/chromium/chromium")
    assert find_browser() == "/usr/lib/chromium/chromium"


def test_without_wosync_browser_an_installed_chromium_is_found(monkeypatch):
    monkeypatch.delenv("WOSYNC_BROWSER", raising=False)
    path = find_browser()
    assert os.access(path, os.X_OK)
