"""The simulated WorkFossa site, exercised over real loopback HTTP (no browser).

A small cookie-keeping client plays the browser; redirects are not followed, so each test
sees what the site answered. The in-page script is covered by tests/test_sim_browser.py.
"""

from __future__ import annotations

import http.cookiejar
import json
import math
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from wosync.sim import DEFAULT_PASSWORD, DEFAULT_USERNAME, SimulatedWorkFossa

REPO = Path(__file__).resolve().parents[1]
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
    return re.findall(r'<div class="ks-checkbox-label-wrapper"><a href="/app/work/\d+/"> (W-\d+) </a>', html)


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
                  'type="checkbox" name="remember" value="1" checked', 'type="submit" value="Log In"',
                  f'href="{site.base_url}/passwords/reset"', f'href="{site.base_url}/sso"'):
        assert field in body
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
    assert '<nav class="main-nav">' in body and 'aria-label="User menu"' in body


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
    assert fresh.login_count == 0
    status, headers, _ = client.get("/app/dashboard")
    assert (status, headers["Location"]) == (302, "/")


def test_app_pages_without_a_session_go_to_the_login_form(site):
    client = Client(site.base_url)
    for path in ("/app/dashboard", LIST_PATH, "/app/work/123/"):
        status, headers, _ = client.get(path)
        assert (status, headers["Location"]) == (302, "/")
    status, data = client.rows(25, 1)
    assert status == 401


# --- the list ------------------------------------------------------------------------------

def test_list_page_shows_25_rows_the_match_count_and_the_controls(site, logged_in):
    status, _, body = logged_in.get(LIST_PATH)
    assert status == 200
    assert numbers_in(body) == [o["number"] for o in site.expected_orders()[:25]]
    assert body.count('class="row py-2 work-list-item w-') == 25
    assert '<div class="text-right muted text-sm ks-padding-fix sm-hide tab-hide med-show-up list-matches"> 60 matches </div>' in body
    assert "<strong>Work Visits Completed</strong>: No visits completed" in body
    assert re.search(r">Work</div>.*>Customer</div>.*>Items</div>.*>Visits</div>", body, re.S)
    # Traps: a sort ks-select comes before the page-size one; the page-size one holds input[name=limit].
    first_select = body.index('class="ks-select')
    assert body.index("Sort: Work #") < body.index('name="limit"')
    assert 'name="limit"' not in body[first_select:body.index("Sort: Work #")]
    assert '<li class="selected-item">Show 25</li><li>Show 50</li><li>Show 100</li>' in body
    assert body.count('class="loader-line') >= 4  # search bar, two dropdowns, list, modal
    assert body.count('class="pagination') == 2   # the list's and the hidden modal's
    assert '<a href="#" class="prev-page disabled"> &lt; </a>' in body
    assert '<a href="#" class="page-link current-page"> 1 </a>' in body


@pytest.mark.parametrize("limit", [25, 50, 100])
def test_rows_endpoint_pages_through_every_order_once(site, logged_in, limit):
    expected = [o["number"] for o in site.expected_orders()]
    pages = math.ceil(len(expected) / limit)
    read = []
    for page in range(1, pages + 1):
        status, data = logged_in.rows(limit, page)
        assert status == 200
        assert (data["page"], data["pages"], data["matches"], data["limit"]) == (page, pages, 60, limit)
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
        assert "<s> " in row and "Completed " in row and 'title="Next Visit"' not in row
    status, _, body = logged_in.get("/app/work/list?" + ALL_QUERY)
    assert "<strong>Work Visits Completed</strong>: All visits completed" in body


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
    markup = body.split("<script>")[0]
    assert not re.search(r"\d+ matches", body) and "list-matches" not in markup
    assert len(numbers_in(body)) == 25
    status, data = client.rows(25, 2)
    assert status == 200 and "matches" not in data and len(numbers_in(data["rows_html"])) == 5


def test_no_page_size_menu_keeps_only_the_sort_menu(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.no_page_size_menu = True
    body = client.get(LIST_PATH)[2]
    assert 'name="limit"' not in body and "Show 100" not in body
    assert body.count('class="ks-select ') == 1 and "Sort: Work #" in body
    assert " 30 matches " in body and len(numbers_in(body)) == 25


def test_empty_glitch_shows_no_rows_and_zero_matches(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.empty_glitch = True
    body = client.get(LIST_PATH)[2]
    assert numbers_in(body) == [] and " 0 matches " in body
    assert client.rows(100, 1)[1]["matches"] == 0


def test_layout_change_drops_the_row_class_but_keeps_the_count(fresh):
    client = Client(fresh.base_url)
    client.login()
    fresh.faults.layout_change = True
    body = client.get(LIST_PATH)[2]
    assert "work-list-item" not in body.split('<div class="work-list"')[1]
    assert " 30 matches " in body
    assert len(numbers_in(body)) == 25


def test_reject_password_refuses_even_the_right_password(fresh):
    fresh.faults.reject_password = True
    status, _, body = Client(fresh.base_url).login()
    assert status == 200 and '<form name="login"' in body
    assert fresh.login_count == 0


# --- data changes --------------------------------------------------------------------------

def _row(html: str, work_id: int) -> str:
    """Given list HTML and a work id, return that row's HTML."""
    start = html.index(f"w-{work_id}\"")
    end = html.find('<div class="row py-2 ', start)
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
    assert "> 12/01/2026 <" in _row(html, second["work_id"])
    third_row = _row(html, third["work_id"])
    assert '<span class="pre-wrap">Line one\nLine two</span>' in third_row
    assert "work-status-in-progress\"> Quality Approved <" in third_row
    assert "<div>Sam Lee 813-555-0100</div>" in third_row


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
        [sys.executable, "-m", "wosync.sim", "--orders", "12", "--seed", "4", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        base = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
        client = Client(base)
        assert client.login(password=DEFAULT_PASSWORD)[0] == 200  # the env password wins
        assert client.login(password="from-the-env-7")[0] == 302

        assert _control(base, "/__sim__/state") == (200, {"login_count": 1, "list_requests": 0, "matches": 12})
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

        assert _control(base, "/__sim__/faults", {"http_500_on_page": 1})[0] == 200
        assert client.get(LIST_PATH)[0] == 500
        assert _control(base, "/__sim__/faults", {"no_such_fault": 1})[0] == 400
        assert _control(base, "/__sim__/state")[1] == {"login_count": 1, "list_requests": 1, "matches": 14}
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert "from-the-env-7" not in stderr
