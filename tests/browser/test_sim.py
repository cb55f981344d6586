"""The simulated WorkFossa site, exercised over real loopback HTTP (no browser).

A small cookie-keeping client plays the browser; redirects are not followed, so each test
sees what the site answered. The markup itself is compared with the captures of the real site
in tests/unit/test_sim_render.py; the in-page scripts are covered by tests/browser/test_sim_browser.py.
"""

from __future__ import annotations

import http.cookiejar
import json
import math
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from wosync.sim import DEFAULT_PASSWORD, DEFAULT_USERNAME, SimulatedWorkFossa
from support.environment import with_repository
from support.run import run_python
from support.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]
LIST_PATH = ("/app/work/list?work_visit_completion=none%7C%7CNo%20visits%20completed"
             "%7C%7CWork%20Visits%20Completed&order_direction=asc")
ALL_QUERY = ("work_visit_completion=all%7C%7CAll%20visits%20completed%7C%7CWork%20Visits%20Completed"
             "&order_direction=asc")
NONE_QUERY = LIST_PATH.split("?", 1)[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see the 302 itself


class Client:
    """Given a base URL, talk to the site like a browser that does not follow redirects."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path: str, form: dict | None = None, raw: bytes | None = None):
        """Return (status, headers, body text) of a GET, or a POST when form/raw is given."""
        data = urllib.parse.urlencode(form).encode() if form is not None else raw
        try:
            response = self.opener.open(self.base + path, data=data, timeout=10)
        except urllib.error.HTTPError as error:  # 3xx/4xx/5xx: still a response
            response = error
        with response:
            return response.status, response.headers, response.read().decode("utf-8")

    def get(self, path: str):
        return self.request(path)

    def login_token(self) -> str:
        status, _, body = self.get("/")
        assert status == 200
        return re.search(r'name="_token" value="([^"]*)"', body).group(1)

    def login(self, email=DEFAULT_USERNAME, password=DEFAULT_PASSWORD):
        token = self.login_token()
        return self.request("/login", {"_token": token, "email": email, "password": password, "remember": "1"})

    def rows(self, limit: int, page: int, query: str = NONE_QUERY):
        status, _, body = self.get(f"/app/work/list/rows?{query}&limit={limit}&page={page}")
        return status, (json.loads(body) if body else None)


def numbers_in(html: str) -> list[str]:
    """Given list HTML, return the work order numbers of the rows, in order."""
    return re.findall(r'<div class="ks-checkbox-label-wrapper"><a href="/app/work/\d+/" class="">\s*(W-\d+)\s*</a>',
                      html)


def markup_of(body: str) -> str:
    """Given a page, return it without its scripts (which carry data for the page's script)."""
    return re.sub(r"<script>.*?</script>", "", body, flags=re.S)


def count_text(html: str) -> str | None:
    """Given list HTML, return the "N matches" text ("60 matches"), or None when there is none."""
    found = re.search(r"(\d+) matches", markup_of(html))
    return found.group(0) if found else None


@pytest.fixture(scope="module")
def site():
    """A read-only site shared by the module: 60 active orders (+6 completed)."""
    with SimulatedWorkFossa(count=60, seed=5) as sim:
        yield sim


@pytest.fixture
def fresh():
    """A site of its own for tests that change data or faults."""
    with SimulatedWorkFossa(count=30, seed=9) as sim:
        yield sim


@pytest.fixture(scope="module")
def logged_in(site):
    client = Client(site.base_url)
    status, headers, _ = client.login()
    assert status == 302
    return client


# --- login ---------------------------------------------------------------------------------

def test_login_page_has_the_real_form_and_a_40_character_token(site):
    status, headers, body = Client(site.base_url).get("/")
    assert status == 200
    assert "<title>Work Fossa</title>" in body
    assert f'<form name="login" method="post" action="{site.base_url}/login"' in body
    for field in ('type="email" name="email"', 'type="password" name="password"',
                  'type="checkbox" name="remember" value="1" checked="checked"', 'type="submit" value="Log In"',
                  f'href="{site.base_url}/passwords/reset"', f'href="{site.base_url}/sso"'):
        assert field in body
    # As on the real site the page's script puts the form into #app (login.html).
    assert '<div id="app" class="container"></div>' in body
    assert body.index('<template id="login-template"><div class="col sm-full tab-half login-container">') > 0
    token = re.search(r'name="_token" value="([^"]*)"', body).group(1)
    assert len(token) == 40 and token.isalnum()
    assert "workfossa_session=" in headers["Set-Cookie"]


def test_right_credentials_redirect_to_the_dashboard_and_count_a_login(fresh):
    client = Client(fresh.base_url)
    status, headers, _ = client.login()
    assert (status, headers["Location"]) == (302, "/app/dashboard")
    assert fresh.login_count == 1
    status, _, body = client.get("/app/dashboard")
    assert status == 200
    # The real layout (docs/workfossa-site.md, correction 1): no main nav, no "User menu" button.
    assert '<div class="top-bar fixed">' in body and 'id="sidebar"' in body
    assert f'<a href="#" class="dropdown-toggle">{DEFAULT_USERNAME}</a>' in body
    assert "main-nav" not in body and "User menu" not in body


@pytest.mark.parametrize("token", [None, "", "x" * 40])
def test_login_without_the_sessions_token_is_refused(fresh, token):
    client = Client(fresh.base_url)
    client.login_token()  # the pre-login session exists; its token is not the one sent
    form = {"email": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD}
    if token is not None:
        form["_token"] = token
    status, _, _ = client.request("/login", form)
    assert status == 419
    assert fresh.login_count == 0
    assert client.get("/app/dashboard")[0] == 302


def test_a_token_from_another_browser_is_refused(fresh):
    other_token = Client(fresh.base_url).login_token()
    client = Client(fresh.base_url)
    client.login_token()
    status, _, _ = client.request("/login", {"_token": other_token, "email": DEFAULT_USERNAME,
                                             "password": DEFAULT_PASSWORD})
    assert status == 419


def test_wrong_password_shows_the_login_form_again_without_a_session(fresh):
    client = Client(fresh.base_url)
    status, _, body = client.login(password="wrong")
    assert status == 200
    assert '<form name="login"' in body and "correct-horse" not in body
    assert '<div class="error-msg"><span>These credentials do not match our records.</span></div>' in body
    assert f'value="{DEFAULT_USERNAME}"' in body
    assert fresh.login_count == 0
    status, headers, _ = client.get("/app/dashboard")
    assert (status, headers["Location"]) == (302, "/")


def test_app_pages_without_a_session_go_to_the_login_form(site):
    client = Client(site.base_url)
    for path in ("/app/dashboard", LIST_PATH, "/app/work/123/", "/app/customers/locations/32800/"):
        status, headers, _ = client.get(path)
        assert (status, headers["Location"]) == (302, "/")
    status, data = client.rows(25, 1)
    assert status == 401
    assert client.get("/app/customers/locations/32800/equipment/tab")[0] == 401


# --- the list ------------------------------------------------------------------------------

def test_list_page_shows_25_rows_the_match_count_and_the_controls(site, logged_in):
    status, _, body = logged_in.get(LIST_PATH)
    assert status == 200
    assert numbers_in(body) == [o["number"] for o in site.expected_orders()[:25]]
    assert body.count(' class="row py-2 work-list-item w-') == 25
    assert count_text(body) == "60 matches"
    assert '<div data-v-a381df7b="" class="paginator-wrapper"><div class="length-aware-pagination' in body
    assert "<strong>Work Visits Completed</strong>:\n        No visits completed" in body
    assert re.search(r">Work</div>.*>Customer</div>.*>Items</div>.*>Visits</div>", body, re.S)
    # The page-size menu holds input[name=limit] (no value) and says "Show 25"; the modals'
    # menus come after it; the modal's hidden .pagination comes before the list's.
    assert '<input type="text" name="limit" tabindex="-1" class="select-input-field" style="">' in body
    assert body.index('name="limit"') < body.index('name="export_template_id"') < body.index('name="service_reason_id"')
    assert '<li class="selected-item">Show 25</li><li class="">Show 50</li><li class="">Show 100</li>' in body
    assert markup_of(body).count('class="loader-line"') == 10
    assert body.index('<div class="pagination" style="display: none;">') < body.index('class="paginator-wrapper"')
    assert '<a href="#" class="page-link current-page">\n                1\n' in body


def test_simple_pager_version_has_no_count_and_pages_by_has_more(site, logged_in):
    site.pager = "simple"
    try:
        body = logged_in.get(LIST_PATH)[2]
        assert count_text(body) is None and "length-aware" not in markup_of(body)
        assert '<div class="simple-pagination flex align-center jc-between">' in body
        assert '<div class="pagination text-sm"><ul><li><a href="#" class="prev-page disabled">' in body
        assert len(numbers_in(body)) == 25
        status, data = logged_in.rows(50, 2)
        assert status == 200 and "matches" not in data and "pages" not in data
        assert (data["page"], data["has_more"], data["pager_class"]) == (2, False, "pagination text-sm")
        assert 'class="next-page disabled"' in data["pager_html"] and "page-link" not in data["pager_html"]
        assert logged_in.rows(25, 1)[1]["has_more"] is True
    finally:
        site.pager = "length-aware"


@pytest.mark.parametrize("limit", [25, 50, 100])
def test_rows_endpoint_pages_through_every_order_once(site, logged_in, limit):
    expected = [o["number"] for o in site.expected_orders()]
    pages = math.ceil(len(expected) / limit)
    read = []
    for page in range(1, pages + 1):
        status, data = logged_in.rows(limit, page)
        assert status == 200
        assert (data["page"], data["pages"], data["matches"], data["limit"]) == (page, pages, 60, limit)
        assert data["pager_style"] == ("display: none;" if pages == 1 else "")
        read += numbers_in(data["rows_html"])
    assert read == expected


def test_rows_endpoint_refuses_sizes_the_menu_does_not_offer(site, logged_in):
    assert logged_in.rows(30, 1)[0] == 400


def test_all_filter_lists_completed_orders_struck_through_without_next_visit(site, logged_in):
    status, data = logged_in.rows(100, 1, ALL_QUERY)
    assert data["matches"] == 66
    everything = site.expected_orders(include_completed=True)
    assert numbers_in(data["rows_html"]) == [o["number"] for o in everything]
    completed = [o for o in everything if o["number"] not in {a["number"] for a in site.expected_orders()}]
    assert len(completed) == 6
    for order in completed:
        assert order["visits_done"] == order["visits_planned"]
        assert order["next_visit_date"] is None and order["visit_url"] is None
        row = _row(data["rows_html"], order["work_id"])
        assert '<span class="strike-through">' in row and "Completed " in row and 'title="Next Visit"' not in row
    status, _, body = logged_in.get("/app/work/list?" + ALL_QUERY)
    assert "<strong>Work Visits Completed</strong>:\n        All visits completed" in body


def test_data_has_the_awkward_cases_a_scraper_must_handle(site):
    orders = site.expected_orders(include_completed=True)
    numbers = [int(o["number"][2:]) for o in orders]
    assert numbers == sorted(set(numbers))
    assert any(o["work_id"] != int(o["number"][2:]) for o in orders)
    assert any(o["work_id"] == int(o["number"][2:]) for o in orders)
    for key in ("intersection", "project", "next_visit_date", "instructions"):
        assert any(o[key] is None for o in orders), key
        assert any(o[key] is not None for o in orders), key
    assert any("\n" in (o["instructions"] or "") for o in orders)
    assert any(re.search(r" \d{3}-\d{3}-\d{4}$", o["contact"]) for o in orders)
    assert any(i["code"] is None for o in orders for i in o["items"])
    assert any(" " in o["city"] for o in orders)
    assert all(isinstance(o["location_id"], int) for o in orders)
    assert len({o["location_id"] for o in orders}) < len(orders)  # a few orders per store


def test_names_with_ampersand_and_angle_brackets_are_escaped(fresh):
    fresh.edit(fresh.expected_orders()[0]["number"], customer="Smith & Sons <Fuel>",
               instructions="Use the <b> gate & ring twice")
    client = Client(fresh.base_url)
    client.login()
    body = client.get(LIST_PATH)[2]
    assert "Smith &amp; Sons &lt;Fuel&gt;" in body
    assert "Smith & Sons <Fuel>" not in body
    assert '<span class="pre-wrap">Use the &lt;b&gt; gate &amp; ring twice</span>' in body
    assert fresh.expected_orders()[0]["customer"] == "Smith & Sons <Fuel>"


def test_same_seed_gives_the_same_orders_and_another_seed_others():
    with SimulatedWorkFossa(count=40, seed=2) as a, SimulatedWorkFossa(count=40, seed=2) as b, \
            SimulatedWorkFossa(count=40, seed=3) as c:
        def strip(orders):  # the URLs carry each site's port
            return [{k: v for k, v in o.items() if k not in ("url", "visit_url")} for o in orders]
        assert strip(a.expected_orders(True)) == strip(b.expected_orders(True))
        assert strip(a.expected_orders(True)) != strip(c.expected_orders(True))


# --- faults --------------------------------------------------------------------------------

def test_http_500_on_page_k_fails_that_page_only(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.http_500_on_page = 2
    assert client.rows(25, 2)[0] == 500
    assert client.rows(25, 1)[0] == 200
    fresh.faults.http_500_on_page = 1
    assert client.get(LIST_PATH)[0] == 500


def test_session_expires_after_k_list_requests(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.expire_session_after = 2
    assert client.get(LIST_PATH)[0] == 200
    assert client.rows(25, 2)[0] == 200
    assert client.rows(25, 1)[0] == 401
    status, headers, _ = client.get(LIST_PATH)
    assert (status, headers["Location"]) == (302, "/")
    assert fresh.list_requests == 2
    client.login()  # a new session gets its own k requests
    assert client.get(LIST_PATH)[0] == 200


def test_expire_once_ends_only_the_first_session_to_reach_k(fresh):
    fresh.faults.expire_session_after = 2
    fresh.faults.expire_once = True
    client = Client(fresh.base_url)
    client.login()
    assert client.get(LIST_PATH)[0] == 200
    assert client.rows(25, 2)[0] == 200
    assert client.rows(25, 1)[0] == 401  # the first session is gone after k requests
    client.login()
    for page in (1, 2, 1, 2):  # the next session lasts well past k
        assert client.rows(25, page)[0] == 200
    fresh.faults.expire_once = True  # setting the switch again arms one more expiry
    assert client.rows(25, 1)[0] == 401


def test_no_match_count_leaves_out_the_count_but_not_the_rows(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.no_match_count = True
    body = client.get(LIST_PATH)[2]
    assert count_text(body) is None and "ks-padding-fix" not in markup_of(body)
    assert len(numbers_in(body)) == 25
    status, data = client.rows(25, 2)
    assert status == 200 and "matches" not in data and len(numbers_in(data["rows_html"])) == 5


def test_no_page_size_menu_keeps_only_the_other_menus(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.no_page_size_menu = True
    body = client.get(LIST_PATH)[2]
    assert 'name="limit"' not in body and "Show 100" not in body
    assert body.count('<div tabindex="0" class="ks-select">') == 2
    assert count_text(body) == "30 matches" and len(numbers_in(body)) == 25


def test_empty_glitch_shows_no_rows_and_zero_matches(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.empty_glitch = True
    body = client.get(LIST_PATH)[2]
    assert numbers_in(body) == [] and count_text(body) == "0 matches"
    assert client.rows(100, 1)[1]["matches"] == 0


def test_layout_change_drops_the_row_class_but_keeps_the_count(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.layout_change = True
    body = client.get(LIST_PATH)[2]
    assert "work-list-item" not in body and body.count('class="row py-2 wo-card wo-card-') == 25
    assert count_text(body) == "30 matches"
    assert len(numbers_in(body)) == 25


def test_rename_block_renames_one_block_in_every_row_of_both_pagers(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.rename_block = "address-info"
    for pager in ("length-aware", "simple"):
        fresh.pager = pager
        body = client.get(LIST_PATH)[2]
        assert 'class="address-info ' not in body and body.count('class="address-info-v2 text-sm"') == 25
        rows = client.rows(25, 2)[1]["rows_html"]
        assert rows.count('class="address-info-v2 text-sm"') == 5 and len(numbers_in(rows)) == 5


def test_reject_password_refuses_even_the_right_password(fresh):
    fresh.faults.reject_password = True
    status, _, body = Client(fresh.base_url).login()
    assert status == 200 and '<form name="login"' in body
    assert fresh.login_count == 0


# --- data changes --------------------------------------------------------------------------

def _row(html: str, work_id: int) -> str:
    """Given list HTML and a work id, return that row's HTML."""
    start = html.index(f"w-{work_id}\"")
    end = html.find('class="row py-2 ', start)
    return html[start:end if end > 0 else len(html)]


def test_data_changes_show_in_expected_orders_and_in_the_list(fresh):
    client = Client(fresh.base_url)
    client.login()
    before = fresh.expected_orders()
    added = fresh.add_orders(3)
    assert len(added) == 3 and all(int(n[2:]) > int(before[-1]["number"][2:]) for n in added)

    first, second, third = before[0], before[1], before[2]
    fresh.complete(first["number"])
    fresh.reschedule(second["number"], "2026-12-01")
    fresh.edit(third["number"], instructions="Line one\nLine two", status="Quality Approved",
               contact="Sam Lee 813-555-0100")

    after = {o["number"]: o for o in fresh.expected_orders()}
    assert first["number"] not in after and len(after) == 32
    assert first["number"] in {o["number"] for o in fresh.expected_orders(include_completed=True)}
    assert after[second["number"]]["next_visit_date"] == "2026-12-01"
    assert after[second["number"]]["due_date"] > "2026-12-01"
    assert after[third["number"]]["instructions"] == "Line one\nLine two"
    assert after[third["number"]]["status"] == "Quality Approved"
    assert after[third["number"]]["contact"] == "Sam Lee 813-555-0100"

    data = client.rows(100, 1)[1]
    assert data["matches"] == 32
    assert numbers_in(data["rows_html"]) == list(after)
    html = data["rows_html"]
    assert re.search(r"\s12/01/2026\s", _row(html, second["work_id"]))
    third_row = _row(html, third["work_id"])
    assert '<span class="pre-wrap">Line one\nLine two</span>' in third_row
    assert 'work-status-in-progress">\n        Quality Approved\n' in third_row
    assert "<div>Sam Lee 813-555-0100 <!----></div>" in third_row


def test_editing_an_unknown_field_or_order_says_what_is_wrong(fresh):
    with pytest.raises(ValueError, match="cannot edit 'colour'"):
        fresh.edit(fresh.expected_orders()[0]["number"], colour="red")
    with pytest.raises(KeyError, match="W-1"):
        fresh.complete("W-1")


# --- subprocess mode and control endpoints -------------------------------------------------

def _control(base: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_subprocess_prints_its_url_and_obeys_the_control_endpoints():
    env = dict(os.environ, WOSYNC_SIM_PASSWORD="from-the-env-7", PYTHONPATH=str(REPO))
    process = subprocess.Popen(
        [sys.executable, "-m", "wosync.sim", "--orders", "12", "--seed", "4", "--port", "0",
         "--pager", "simple", "--page-size-options", "open-only", "--tooltip-class", "ks-popover",
         "--equipment-collapsed", "--page-size-remembered", "--hostile"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        base = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
        client = Client(base)
        assert client.login(password=DEFAULT_PASSWORD)[0] == 200  # the env password wins
        assert client.login(password="from-the-env-7")[0] == 302

        assert _control(base, "/__sim__/switches") == (200, {
            "pager": "simple", "page_size_options": "open-only", "tooltip_class": "ks-popover",
            "equipment_collapsed": True, "page_size_remembered": True, "markup": "classic"})
        assert _control(base, "/__sim__/state") == (200, {
            "login_count": 1, "list_requests": 0, "matches": 12, "location_page_loads": {}, "equipment_loads": {}})
        expected = _control(base, "/__sim__/expected")[1]
        assert any(o["customer"].startswith("Acme ") for o in expected)  # --hostile
        status, added = _control(base, "/__sim__/add", {"n": 3})
        assert status == 200 and len(added["numbers"]) == 3
        expected = _control(base, "/__sim__/expected")[1]
        assert len(expected) == 15
        assert _control(base, "/__sim__/complete", {"number": expected[0]["number"]})[0] == 200
        assert _control(base, "/__sim__/reschedule", {"number": expected[1]["number"],
                                                      "next_visit_date": "2026-11-02"})[0] == 200
        assert _control(base, "/__sim__/edit", {"number": expected[2]["number"], "reason": "Warranty"})[0] == 200
        now = {o["number"]: o for o in _control(base, "/__sim__/expected")[1]}
        assert expected[0]["number"] not in now
        assert now[expected[1]["number"]]["next_visit_date"] == "2026-11-02"
        assert now[expected[2]["number"]]["reason"] == "Warranty"

        assert _control(base, "/__sim__/switches", {"pager": "length-aware"})[1]["pager"] == "length-aware"
        assert _control(base, "/__sim__/switches", {"pager": "numbered"})[0] == 400
        assert _control(base, "/__sim__/faults", {"http_500_on_page": 1})[0] == 200
        assert client.get(LIST_PATH)[0] == 500
        assert _control(base, "/__sim__/faults", {"no_such_fault": 1})[0] == 400

        lid = expected[3]["location_id"]
        assert lid in _control(base, "/__sim__/locations")[1]
        assert client.get(f"/app/customers/locations/{lid}/")[0] == 200
        dispensers = _control(base, f"/__sim__/dispensers?location_id={lid}")[1]
        status, added = _control(base, "/__sim__/add_dispenser", {"location_id": lid, "model": None})
        assert status == 200 and added["position"] == f"{2 * len(dispensers) + 1}/{2 * len(dispensers) + 2}"
        assert _control(base, "/__sim__/edit_dispenser", {"location_id": lid, "position": "1/2",
                                                          "serial": "SN1"})[0] == 200
        assert _control(base, "/__sim__/remove_dispenser", {"location_id": lid, "position": "nope"})[0] == 400
        after = _control(base, f"/__sim__/dispensers?location_id={lid}")[1]
        assert after[0]["serial"] == "SN1" and after[-1]["model"] is None and len(after) == len(dispensers) + 1
        assert _control(base, "/__sim__/state")[1] == {
            "login_count": 1, "list_requests": 1, "matches": 14, "location_page_loads": {str(lid): 1},
            "equipment_loads": {}}
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert "from-the-env-7" not in stderr


def test_a_wrong_switch_on_the_command_line_is_a_usage_error():
    result = run_python(["-m", "wosync.sim", "--tooltip-class", "a b"], env=with_repository(dict(os.environ)),
                        timeout=30)
    assert result.returncode == 2 and "tooltip_class" in result.stderr


# --- version switches ----------------------------------------------------------------------

def test_switches_are_checked_and_listed():
    with pytest.raises(ValueError, match="pager takes 'length-aware' or 'simple'"):
        SimulatedWorkFossa(count=1, pager="numbered")
    sim = SimulatedWorkFossa(count=1, pager="simple", page_size_options="open-only", tooltip_class="ks-popover",
                             equipment_collapsed=True)
    assert sim.switches() == {"pager": "simple", "page_size_options": "open-only", "tooltip_class": "ks-popover",
                              "equipment_collapsed": True, "page_size_remembered": False, "markup": "classic"}
    with pytest.raises(ValueError, match="page_size_remembered must be true or false"):
        sim.set_switches(page_size_remembered="yes")
    with pytest.raises(ValueError, match="page_size_options"):
        sim.set_switches(pager="length-aware", page_size_options="sometimes")
    assert sim.pager == "simple"  # nothing changed by a refused call
    with pytest.raises(ValueError, match="unknown switch"):
        sim.set_switches(colour="red")
    with pytest.raises(ValueError):
        sim.tooltip_class = 'x" onmouseover="alert(1)'
    assert sim.set_switches(pager="length-aware")["pager"] == "length-aware"


def test_tooltip_class_and_open_only_change_the_served_list(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.set_switches(tooltip_class="ks-popover", page_size_options="open-only")
    body = markup_of(client.get(LIST_PATH)[2])
    assert '<div class="ks-popover text-sm shadow-lg p-3"' in body
    assert '<div class="ks-tooltip text-sm shadow-lg p-3"' not in body
    assert "<li" not in body.split('name="limit"')[1].split("</ul>")[0]
    assert "Show 50" not in body
    rows = client.rows(25, 2)[1]["rows_html"]
    assert '<div class="ks-popover text-sm shadow-lg p-3"' in rows


# --- locations and equipment ---------------------------------------------------------------

def test_location_pages_are_counted_and_their_equipment_tab_serves_the_dispensers(fresh):
    fresh.equipment_collapsed = False  # expanded (collapsed is the default): its items in its html
    client = Client(fresh.base_url)
    client.login()
    order = fresh.expected_orders()[0]
    lid = order["location_id"]
    status, _, body = client.get(f"/app/customers/locations/{lid}/")
    assert status == 200 and '<div class="top-bar fixed">' in body
    assert re.search(r'<ul class="tabs">.*<a href="#">Equipment</a>', body)
    assert "Dispenser" not in markup_of(body)  # the tab's content comes only when it is clicked
    assert fresh.state()["location_page_loads"] == {lid: 1}
    status, _, text = client.get(f"/app/customers/locations/{lid}/equipment/tab")
    tab = json.loads(text)
    dispensers = fresh.expected_dispensers(lid)
    if dispensers:
        assert f'<span class="bold" style="text-transform: capitalize;">Dispenser</span> ({len(dispensers)})' \
            in tab["html"]
        assert all(f"S/N: {d['serial']}" in tab["html"] for d in dispensers)
    assert fresh.state()["equipment_loads"] == {lid: 1}
    client.get(f"/app/customers/locations/{lid}/")
    assert fresh.state()["location_page_loads"] == {lid: 2}
    assert client.get(f"/app/customers/locations/{lid}/equipment?location_id={lid}&equipment_type_id=3")[0] == 200


def test_every_location_has_two_to_eight_dispensers_or_none_and_shares_orders():
    with SimulatedWorkFossa(count=120, seed=6) as sim:
        locations = sim.location_ids()
        orders = sim.expected_orders()
        assert len(locations) < len(orders)
        assert set(locations) == {o["location_id"] for o in orders}
        counts = [len(sim.expected_dispensers(lid)) for lid in locations]
        assert 0 in counts and set(counts) - {0} <= set(range(2, 9))
        assert any(d["model"] is None for lid in locations for d in sim.expected_dispensers(lid))
        location = sim.location(locations[0])
        first = next(o for o in orders if o["location_id"] == locations[0])
        assert (location.store_number, location.street) == (first["store_number"], first["street"])


def test_dispenser_changes_through_the_site(fresh):
    lid = fresh.expected_orders()[0]["location_id"]
    before = fresh.expected_dispensers(lid)
    position = fresh.add_dispenser(lid, serial="SN00001", grades=["Diesel"])
    added = fresh.expected_dispensers(lid)[-1]
    assert (added["position"], added["serial"], added["grades"], added["fields"]["Grade"]) == \
        (position, "SN00001", ["Diesel"], "Diesel")
    fresh.edit_dispenser(lid, position, make="Wayne", model="Ovation")
    fresh.remove_dispenser(lid, "1/2") if before else None
    after = fresh.expected_dispensers(lid)
    assert after[-1]["make"] == "Wayne" and len(after) == len(before) + 1 - (1 if before else 0)
    with pytest.raises(KeyError, match="99/100"):
        fresh.remove_dispenser(lid, "99/100")


def test_hostile_text_is_escaped_in_the_page_and_expected_as_the_dom_holds_it():
    with SimulatedWorkFossa(count=20, seed=3, hostile=True) as sim:
        client = Client(sim.base_url)
        client.login()
        hostile = [o for o in sim.expected_orders() if o["customer"].startswith("Acme ")]
        assert hostile
        html = client.rows(100, 1)[1]["rows_html"]
        for order in hostile:
            row = _row(html, order["work_id"])
            customer = order["customer"].replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            assert f">\n                    {customer}\n                </a>" in row
        assert "\x1b]0;title\x07" in html and '=HYPERLINK(&quot;http://evil&quot;' in html


def test_a_browser_that_leaves_mid_answer_prints_no_traceback(capfd):
    # A scrape ends by closing its browser, maybe while the site still answers it (its
    # favicon): the simulated site must not print a traceback for that, as it did.
    with SimulatedWorkFossa(count=300, seed=1) as sim:
        host, port = sim.base_url.split("//")[1].split(":")
        before = set(threading.enumerate())
        for _ in range(20):
            client = socket.create_connection((host, int(port)))
            client.sendall(b"GET /app/work/list HTTP/1.1\r\nHost: x\r\n\r\n"
                           b"GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n")
            # Close with a reset, as a killed browser does: the answer meets a closed socket.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        # Still serving; and its one accept loop takes connections in order, so by this answer
        # the 20 above were accepted, each in a request thread of its own.
        assert urllib.request.urlopen(sim.base_url + "/").status == 200
        wait_for(lambda: not [t for t in threading.enumerate() if t not in before and t.is_alive()
                              and t.name.endswith("(process_request_thread)")],
                 10, "the site's request threads to meet the closed sockets and end")
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Broken pipe" not in err and "reset" not in err.lower()
