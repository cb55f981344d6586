"""The HTTP request handler of the simulated site: routes, sessions, faults, control endpoints.

Routes (as docs/workfossa-site.md and the captures describe the real site):
  GET  /                     login page; its script renders the form into #app (login.html);
                             a pre-login session cookie carries the CSRF token
  POST /login                token must match; right credentials -> new session, 302 /app/dashboard;
                             wrong ones -> the login page again with an error
  GET  /app/dashboard        a logged-in page (div.top-bar, #sidebar.side-nav; minimal content)
  GET  /app/work/list        the work list, page 1 of 25 rendered server-side
  GET  /app/work/list/rows   JSON for the in-page script (limit, page); 401 without a session
  GET  /app/work/<id>/       a minimal work order page
  GET  /app/customers/locations/<id>/                the location page with its tabs (counted)
  GET  /app/customers/locations/<id>/equipment/tab   JSON: the Equipment tab (counted)
  GET  /app/customers/locations/<id>/equipment       the "Add Dispenser" link's target (stub)
  /__sim__/...               test control: faults, switches, data changes, state, expected
Any other /app/... without a valid session: 302 to / (the login form).
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import replace
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from wosync.sim import location_page, next_release, render
from wosync.sim.asset_serving import AssetServing
from wosync.sim.control import ControlEndpoints
from wosync.sim.sessions import COOKIE_NAME, Session

INITIAL_PAGE_SIZE = 25
WORK_PAGE = re.compile(r"^/app/work/(\d+)/?$")
LOCATION_PAGE = re.compile(r"^/app/customers/locations/(\d+)/?$")
EQUIPMENT_TAB = re.compile(r"^/app/customers/locations/(\d+)/equipment/tab/?$")
EQUIPMENT_ADD = re.compile(r"^/app/customers/locations/(\d+)/equipment/?$")
# A 1x1 transparent PNG, for the logos (the real images are not part of the captures).
_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")


def make_handler(sim):
    """Given a SimulatedWorkFossa, return a handler class serving it."""

    class Handler(AssetServing, SiteHandler):  # the build's files and byte counts first
        site = sim

    return Handler


class SiteHandler(ControlEndpoints, BaseHTTPRequestHandler):
    """One request to the simulated site; `site` is the SimulatedWorkFossa it serves."""

    site = None  # set by make_handler
    protocol_version = "HTTP/1.1"  # keep-alive: Chromium reuses connections, like on the real site
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        """Stay quiet: tests and `wosync demo` read this process's output."""

    # --- plumbing --------------------------------------------------------------------------

    def _send(self, status: int, body: str | bytes, content_type: str = "text/html; charset=utf-8",
              headers: dict | None = None) -> None:
        """Send a whole response with its length (keep-alive needs it)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, status: int, value) -> None:
        self._send(status, json.dumps(value), "application/json")

    def _redirect(self, location: str, cookie: str | None = None) -> None:
        headers = {"Location": location}
        if cookie:
            headers["Set-Cookie"] = cookie
        self._send(302, "", headers=headers)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _base_url(self) -> str:
        # The address the browser used, so the form posts back to the same cookie host.
        return f"http://{self.headers.get('Host') or self.site.base_url[len('http://'):]}"

    def _session(self) -> Session | None:
        cookie = SimpleCookie()
        try:
            cookie.load(self.headers.get("Cookie") or "")
        except Exception:  # a malformed cookie header is just "no session"
            return None
        morsel = cookie.get(COOKIE_NAME)
        return self.site.sessions.get(morsel.value if morsel else None)

    @staticmethod
    def _cookie(session: Session) -> str:
        return f"{COOKIE_NAME}={session.id}; Path=/; HttpOnly; SameSite=Lax"

    # --- dispatch --------------------------------------------------------------------------

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        if path.startswith("/__sim__/"):
            return self._control_get(path, query)
        if path in ("/", "/login"):
            return self._login_form()
        if path in ("/passwords/reset", "/sso"):
            return self._send(200, render.simple_page("Work Fossa", "Not available here.", False))
        if path == "/logout":
            return self._logout()
        if path.startswith("/app"):
            return self._app(path, query)
        if path.endswith(".png") and path.startswith(("/images/", "/build/images/")):
            return self._send(200, _PIXEL, "image/png")  # the logos the layout shows
        if path == "/favicon.ico":
            return self._send(204, b"", "image/x-icon")
        self._send(404, render.simple_page("Not Found", "Sorry, the page could not be found.", False))

    def do_POST(self):
        url = urlsplit(self.path)
        body = self._body()
        if url.path.startswith("/__sim__/"):
            return self._control_post(url.path, body)
        if url.path == "/login":
            return self._login(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
        if url.path == "/logout":
            return self._logout()
        self._send(405, render.simple_page("Method Not Allowed", "Not allowed.", False))

    def _logout(self) -> None:
        session = self._session()
        if session:
            self.site.sessions.drop(session.id)
        self._redirect("/")

    # --- login -----------------------------------------------------------------------------

    def _login_form(self, email: str = "", error: str | None = None, session: Session | None = None):
        session = session or self._session()
        if session and session.user and not error:
            return self._redirect("/app/dashboard")
        if session is None:
            session = self.site.sessions.new()
        page = render.login_page(self._base_url(), session.csrf_token, email, error)
        self._send(200, page, headers={"Set-Cookie": self._cookie(session)})

    def _login(self, form: dict) -> None:
        session = self._session()
        token = (form.get("_token") or [""])[0]
        if session is None or not token or token != session.csrf_token:
            # Laravel's answer to a missing or stale CSRF token.
            return self._send(419, render.simple_page("Page Expired", "Page Expired", False))
        email = (form.get("email") or [""])[0]
        password = (form.get("password") or [""])[0]
        if not self.site.credentials_match(email, password):
            return self._login_form(email, "These credentials do not match our records.", session)
        self.site.sessions.drop(session.id)
        fresh = self.site.sessions.new(user=email)
        with self.site.lock:
            self.site.login_count += 1
        self._redirect("/app/dashboard", self._cookie(fresh))

    # --- the app ---------------------------------------------------------------------------

    def _app(self, path: str, query: dict) -> None:
        session = self._session()
        if session:
            with self.site.lock:
                # Covers the fault being switched on for a session already past k requests.
                expired = self.site.faults.session_expires(session.list_requests)
            if expired:
                self.site.sessions.drop(session.id)
                session = None
        if session is None or not session.user:
            if path == "/app/work/list/rows" or EQUIPMENT_TAB.match(path):
                return self._json(401, {"message": "Unauthenticated."})
            return self._redirect("/")
        user = session.user
        if path in ("/app", "/app/", "/app/dashboard", "/app/dashboard/"):
            return self._send(200, render.dashboard_page(user))
        if path in ("/app/work/list", "/app/work/list/"):
            return self._work_list(session, query, rows_only=False)
        if path == "/app/work/list/rows":
            return self._work_list(session, query, rows_only=True)
        match = WORK_PAGE.match(path)
        if match:
            work_id = int(match.group(1))
            for order in self.site.listed_orders(include_completed=True):
                if order.work_id == work_id:
                    return self._send(200, render.work_page(order, user))
        match = LOCATION_PAGE.match(path)
        if match:
            location_id = int(match.group(1))
            self.site.count_location_load(location_id)
            page = location_page.location_page(user, self.site.location(location_id), location_id,
                                               deleted=location_id in self.site.deleted_locations)
            return self._send(200, page)
        match = EQUIPMENT_TAB.match(path)
        if match:
            return self._equipment_tab(int(match.group(1)))
        match = EQUIPMENT_ADD.match(path)
        if match:
            return self._send(200, location_page.equipment_add_page(user, int(match.group(1))))
        self._send(404, render.simple_page("Not Found", "Sorry, the page could not be found.", True, user))

    def _equipment_tab(self, location_id: int) -> None:
        """Serve the Equipment tab's content (JSON for the location page's script)."""
        site = self.site
        site.count_location_load(location_id, equipment=True)
        if site.faults.equipment_slow_ms:
            time.sleep(site.faults.equipment_slow_ms / 1000)
        if location_id in site.deleted_locations:
            return self._json(404, {"message": location_page.LOCATION_DELETED})
        equipment = site.equipment.snapshot(location_id)
        self._json(200, location_page.equipment_tab(location_id, equipment, site.equipment_collapsed, site.markup))

    def _work_list(self, session: Session, query: dict, rows_only: bool) -> None:
        """Serve the list page (page 1 of 25) or a rows fetch; both count as list requests."""
        site, faults = self.site, self.site.faults
        pager = site.pager
        try:
            opening = site.chosen_page_size.get(session.user, INITIAL_PAGE_SIZE) \
                if site.page_size_remembered else INITIAL_PAGE_SIZE
            limit = int((query.get("limit") or [INITIAL_PAGE_SIZE])[0]) if rows_only else opening
            page = int((query.get("page") or ["1"])[0]) if rows_only else 1
        except ValueError:
            return self._json(400, {"message": "limit and page must be numbers"})
        if limit not in render.PAGE_SIZES or page < 1:
            return self._json(400, {"message": f"limit must be one of {render.PAGE_SIZES}, page >= 1"})

        with site.lock:
            site.list_requests += 1
            session.list_requests += 1
            if rows_only:
                site.chosen_page_size[session.user] = limit
            expires = faults.session_expires(session.list_requests)
        if expires:
            # This request is still served; the next one finds the session gone.
            site.sessions.drop(session.id)
        if faults.slow_ms:
            time.sleep(faults.slow_ms / 1000)
        if faults.http_500_on_page == page:
            if rows_only:
                return self._json(500, {"message": "Server Error"})
            return self._send(500, render.simple_page("Server Error", "Server Error", True, session.user))

        show_all = (query.get("work_visit_completion") or ["none"])[0].split("||")[0] == "all"
        if show_all and faults.completed_list_fails:
            if rows_only:
                return self._json(500, {"message": "Server Error"})
            return self._send(500, render.simple_page("Server Error", "Server Error", True, session.user))
        descending = (query.get("order_direction") or ["asc"])[0] == "desc"
        orders = [] if faults.empty_glitch else site.listed_orders(show_all, descending)
        matches = len(orders)
        pages = max(1, math.ceil(matches / limit))
        shown = orders[: len(orders) - faults.drop_rows] if faults.drop_rows else orders
        chunk = shown[(page - 1) * limit: page * limit]
        if faults.drop_items:  # written without item groups; the site's data keeps them
            chunk = [replace(order, items=[]) for order in chunk]
        if site.markup == "next-release":
            rows_html = next_release.rows_html(chunk, site.tooltip_class)
            if faults.rename_block:
                rows_html = render.rename_classes(rows_html, faults.rename_block)
        else:
            rows_html = render.rows_html(chunk, faults.layout_change, site.tooltip_class, faults.rename_block)
        # The simple pager knows no total: only whether a next page exists.
        count = None if (pager == "simple" or faults.no_match_count) else matches
        if rows_only:
            pager_class, pager_style = render.pager_attributes(pager, pages)
            data = {"rows_html": rows_html, "page": page, "limit": limit, "pager_class": pager_class,
                    "pager_style": pager_style, "pager_html": render.pager_inner_html(pager, page, pages)}
            if pager == "simple":
                data["has_more"] = page < pages
            else:
                data["pages"] = pages
            if count is not None:
                data["matches"] = count
            return self._json(200, data)
        label = "All visits completed" if show_all else "No visits completed"
        state = {"page": 1, "limit": limit, "pager": pager, "tooltipClass": site.tooltip_class,
                 "optionsAtRest": site.page_size_options == "at-rest",
                 "options": render.select_options_for_script(with_page_size=not faults.no_page_size_menu)}
        if pager == "simple":
            state["hasMore"] = pages > 1
        else:
            state["pages"] = pages
        self._send(200, render.list_page(
            session.user, rows_html, pager=pager, page=1, pages=pages, matches=count, filter_label=label,
            state=state, show_page_size=not faults.no_page_size_menu,
            options_at_rest=site.page_size_options == "at-rest"))
