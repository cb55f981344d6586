"""HTML of the simulated WorkFossa pages, after the saved pages of the real site.

Given data, return strings: pure functions, no I/O. The page chrome is the captured markup
itself (wosync.sim.markup, verbatim slices of work-list-length-aware.html); the login form
follows login.html and each list row is the capture's row markup with the order's data
filled in, whitespace, `<!---->` placeholders and all (wosync.sim.work_rows). Every value from
the data goes through `esc` (wosync.sim.escaping), so "Smith & Sons <Fuel>" reaches the
browser as text, not markup.

What no capture shows (the simple pager's bar around its links, a failed login's message,
a completed row, a phone in the contact line, a row without instructions, the dashboard) is
built in the same style and says so where it is made.
"""

from __future__ import annotations

from wosync.sim import markup
from wosync.sim.data import WorkOrder
# The helpers and the rows are their own modules; named here too, where the pages' other
# modules (location_page, next_release) and the handler take them from.
from wosync.sim.escaping import esc, fill, script_data  # noqa: F401
from wosync.sim.work_rows import (  # noqa: F401
    VISIBLE_INSTRUCTIONS, rename_classes, row_html, rows_html, visible_instructions,
)

PAGE_SIZES = (25, 50, 100)
PAGERS = ("length-aware", "simple")
PAGE_SIZE_OPTION_MODES = ("at-rest", "open-only")

# The real site's stylesheets cannot be fetched here; this is just enough CSS for what a
# scraper depends on: what is hidden (inline display:none does most of it), the count's
# sm-hide/tab-hide below a desktop width, dropdowns that open, columns that do not overlap.
# The top bar and side nav are NOT position:fixed here: fixed bars would cover the rows and
# make clicks land on them.
BASE_CSS = """
body { font-family: sans-serif; margin: 0; font-size: 14px; }
.svg-inline--fa { height: 1em; width: 1em; display: inline-block; vertical-align: -0.125em; }
.flex { display: flex; } .inline-flex { display: inline-flex; } .align-center { align-items: center; }
.align-start { align-items: flex-start; } .jc-between { justify-content: space-between; }
.jc-end { justify-content: flex-end; } .wrap, .flex-wrap { flex-wrap: wrap; } .right { float: right; }
.row { display: flex; flex-wrap: wrap; } .muted { color: #777; } .muted-dark { color: #555; }
.pre-wrap { white-space: pre-wrap; } .uppercase { text-transform: uppercase; } .bold { font-weight: bold; }
.text-orange { color: #d60; } .strike-through { text-decoration: line-through; } .nowrap { white-space: nowrap; }
.sm-6 { width: 50%; } .sm-12 { width: 100%; } .bg-gray-50 { background: #f9fafb; } .bg-white { background: #fff; }
@media (min-width: 1024px) {
  .med-3 { width: 25%; } .med-4 { width: 33.3%; } .med-5 { width: 41.6%; } .med-7 { width: 58.3%; }
  .med-10 { width: 83.3%; }
}
.top-bar { display: flex; align-items: center; gap: 1em; padding: .25em 1em; background: #223; color: #fff; }
.top-bar a { color: #fff; } .top-bar .brand img { height: 24px; } .top-bar button.mobile-menu { display: none; }
.top-bar .collapse { margin-left: auto; } .top-bar ul.dropdown { list-style: none; display: flex; gap: 1em; margin: 0; }
.top-bar ul.dropdown > li { position: relative; }
.top-bar ul.sub-dropdown { display: none; position: absolute; right: 0; list-style: none; padding: .5em;
  background: #223; min-width: 8em; }
.top-bar ul.sub-dropdown.open, .top-bar li:hover > ul.sub-dropdown { display: block; }
.side-nav { float: left; width: 170px; padding: 0 .5em; } .side-nav button.mobile-menu { display: none; }
.side-nav ul { list-style: none; padding-left: .75em; } .router-link-active { font-weight: bold; }
.content { margin-left: 190px; padding: .5em 1em; }
.breadcrumb { list-style: none; display: inline-flex; gap: .5em; padding: 0; margin: 0; }
.breadcrumb li + li::before { content: "/ "; color: #999; }
.ks-menu-list { display: none; } .ks-action-menu.open .ks-menu-list { display: block; }
.pagination ul { list-style: none; display: flex; gap: .5em; padding: 0; margin: 0 1em 0 0; }
.pagination a.disabled { color: #bbb; pointer-events: none; } .current-page { font-weight: bold; }
.ks-select { position: relative; border: 1px solid #ccc; padding: .25em .5em; cursor: pointer; min-width: 8em; }
.ks-select .select-input-field { position: absolute; opacity: 0; width: 1px; height: 1px; pointer-events: none; }
.ks-select-dropdown { position: absolute; background: #fff; border: 1px solid #ccc; z-index: 10; left: 0; top: 100%; }
.autocomplete-list { list-style: none; margin: 0; padding: 0; }
.autocomplete-list li { padding: .25em .75em; cursor: pointer; white-space: nowrap; }
.autocomplete-list li.selected-item { background: #eef; }
.loader-line { height: 3px; background: linear-gradient(90deg, #36f, #9cf); }
.ks-radio input, .ks-checkbox input { margin: 0 .25em; }
.toast-error { color: #b00; padding: .5em 0; }
.tabs { list-style: none; display: flex; gap: 1em; padding: 0; border-bottom: 1px solid #ccc; }
.tabs li.active a { font-weight: bold; }
@media (max-width: 1023px) { .tab-hide { display: none; } }
@media (max-width: 639px) { .sm-hide { display: none; } }
"""


# --- page shells ---------------------------------------------------------------------------

def _head(title: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head>\n        <title>' + esc(title) + "</title>\n\n"
        '        <meta name="viewport" content="width=device-width, initial-scale=1, user-scalable=no">\n'
        f"<style>{BASE_CSS}</style></head>"
    )


def _layout_top(user: str, active: str) -> str:
    """Return the top bar and side nav (work-list-length-aware.html) for `user`, with the nav
    link of the `active` section ("work", "customers", "dashboard") marked."""
    marks = {"NAV_DASHBOARD": "", "NAV_CUSTOMERS": "", "NAV_WORK": "", "NAV_WORK_LIST": ""}
    if active == "work":
        marks.update(NAV_WORK="router-link-active ", NAV_WORK_LIST="router-link-active")
    elif active == "customers":
        marks["NAV_CUSTOMERS"] = "router-link-active "
    elif active == "dashboard":
        marks["NAV_DASHBOARD"] = "router-link-active "
    return fill(markup.LAYOUT_TOP, EMAIL=esc(user), **marks)


def _page_header(crumbs: list[str]) -> str:
    """Return div.content's opening and the page header with this breadcrumb (the capture's
    header says "Work"; other pages put their own crumbs in the same ul.breadcrumb)."""
    items = "".join(f"<li>{c}</li>" for c in crumbs)
    return markup.PAGE_HEADER.replace("<li>Work</li>", items)


APP_FOOTER = ('<div id="app-footer" class="sm-12"><div class="t-center">\n'
              "                Work Fossa © 2025\n            </div></div>")


def app_page(user: str, active: str, crumbs: list[str], content: str, script: str = "") -> str:
    """Given the user, the active section, the breadcrumb and the content, return a logged-in
    page in the real layout: div.top-bar, #sidebar.side-nav, div.content (no nav.main-nav, no
    "User menu" button: docs/workfossa-site.md, correction 1)."""
    from wosync.sim.script import LAYOUT_SCRIPT

    return (
        _head("Work Fossa") + '<body>\n        \n        <div id="app" class="full-height"><div>'
        + _layout_top(user, active) + _page_header(crumbs) + content
        # Close div.content's inner div and div.content, then the footer inside #app > div
        # (where the capture has it), then #app > div and #app.
        + "</div></div> <!----> " + APP_FOOTER + "</div></div>"
        + f"<script>{LAYOUT_SCRIPT}</script>{script}</body></html>"
    )


def dashboard_page(user: str) -> str:
    """Return /app/dashboard: the real layout around a minimal body (its real content is
    unknown: no capture shows it)."""
    content = (' <div class="row"><div class="sm-12"><div class="panel"><div class="panel-body">'
               "Welcome back.</div></div></div></div>")
    return app_page(user, "dashboard", ["Dashboard"], content)


def simple_page(title: str, text: str, logged_in: bool, user: str = "") -> str:
    """Return a plain page with a heading and one paragraph (404, 419, 500...); logged-in ones
    in the real layout."""
    body = f'<h1>{esc(title)}</h1><p>{esc(text)}</p>'
    if logged_in:
        return app_page(user, "", [esc(title)], f' <div class="row"><div class="sm-12">{body}</div></div>')
    return _head(title) + f'<body id="home"><div class="full-height"><div class="container">{body}</div></div></body></html>'


def work_page(order: WorkOrder, user: str = "") -> str:
    """Return a minimal work order page, so the links in the list lead somewhere."""
    content = (f' <div class="row"><div class="sm-12"><h2>{esc(order.number)}</h2>'
               f"<p>{esc(order.customer)} {esc(order.store_number)}</p>"
               f'<p class="work-status">{esc(order.status)}</p></div></div>')
    return app_page(user, "work", ["Work", esc(order.number)], content)


# --- login (login.html) --------------------------------------------------------------------

def login_form_html(base_url: str, token: str, email: str = "", error: str | None = None) -> str:
    """Return the login panel as login.html's #app holds it once the page's script ran.

    A failed login adds `div.error-msg` under the e-mail field (*unknown* on the real site:
    the capture shows a fresh form; error-msg is how the site's other forms show errors).
    """
    base = esc(base_url)
    error_html = f' <div class="error-msg"><span>{esc(error)}</span></div>' if error else ""
    return (
        '<div class="col sm-full tab-half login-container"><img src="/images/fossa_logo.png" class="logo"> '
        '<div class="panel"><div class="panel-header"><h2 class="t-center" style="margin: 0px;">Login</h2></div> '
        f'<div class="panel-body"><form name="login" method="post" action="{base}/login" class="login-form">'
        f'<input type="hidden" name="_token" value="{esc(token)}" autocomplete="off" style=""> '
        '<div class="form-group mb-6"><label for="username">Email</label> '
        f'<input type="email" name="email" placeholder="Your Email" value="{esc(email)}" style="">{error_html}</div> '
        '<div class="form-group"><label for="password">Password</label> '
        '<input type="password" name="password" placeholder="Your Password" style=""></div> '
        '<div class="form-group" style="line-height: 1.2rem;"><label>'
        '<input type="checkbox" name="remember" value="1" checked="checked" style="vertical-align: 2px;">\n'
        "            Remember Me\n        </label> "
        f'<a href="{base}/passwords/reset" class="right text-small forgot-password">Forgot Password?</a></div> '
        '<input type="submit" value="Log In" class="button" style=""> '
        '<div class="right text-xs mt-2 sm-hide" style="position: absolute; top: 0.5rem; right: 1rem;">'
        f'<a href="{base}/sso" class="button none">SSO Login</a></div> '
        f'<div class="right text-sm mt-6 sm-show"><a href="{base}/sso" class="button none mt-4">SSO Login</a></div>'
        "</form></div></div></div>"
    )


def login_page(base_url: str, token: str, email: str = "", error: str | None = None) -> str:
    """Given the base URL and the session's CSRF token, return the login page (with an error).

    As on the real site (login.html) the form is rendered by the page's script inside
    `#app.container`: the server sends it in a <template>, which is not part of the document,
    and the script moves it into #app after the page has been parsed. A scraper must wait
    for the form, not read the HTML as served.
    """
    from wosync.sim.script import LOGIN_SCRIPT

    return (
        _head("Work Fossa") + '\n    <body id="home">\n        <div class="full-height">\n            \n'
        '            <div id="app" class="container"></div>\n        </div>\n'
        f'<template id="login-template">{login_form_html(base_url, token, email, error)}</template>'
        f"<script>{LOGIN_SCRIPT}</script></body></html>"
    )


# --- the pager bar (work-list-length-aware.html; simple: docs/workfossa-site.md) -----------

def _page_window(page: int, pages: int) -> list[int]:
    """Return the numbered pages a length-aware pager shows: up to 5 around the current one."""
    first = max(1, min(page - 2, pages - 4))
    return list(range(first, min(pages, first + 4) + 1))


def pager_inner_html(pager: str, page: int, pages: int) -> str:
    """Return the inside of the list's div.pagination for a pager version and position.

    length-aware (seen): prev, numbered a.page-link (the current one .current-page), next;
    the `<!---->` slots stand where a first-page link / an ellipsis would go. With one page
    nothing is disabled (seen; the whole pager is hidden instead). simple (docs/workfossa-site.md):
    prev and next only, `disabled` on prev at the first page and on next at the last, both
    on a single page.
    """
    if pager == "simple":
        prev_class = "prev-page disabled" if page <= 1 else "prev-page"
        next_class = "next-page disabled" if page >= pages else "next-page"
        return (f'<ul><li><a href="#" class="{prev_class}">\n                &lt;\n            </a></li> '
                f'<li><a href="#" class="{next_class}">\n                &gt;\n            </a></li></ul>')
    several = pages > 1
    prev_class = "prev-page disabled" if several and page <= 1 else "prev-page"
    next_class = "next-page disabled" if several and page >= pages else "next-page"
    window = _page_window(page, pages)
    links = " ".join(
        f'<li><a href="#" class="page-link{" current-page" if n == page else ""}">\n                {n}\n'
        "            </a></li>" for n in window)
    before = ('<li><a href="#" class="page-link">\n                1\n            </a></li> <li><span>...</span></li>'
              if window[0] > 1 else "<!---->")
    after = (f'<li><span>...</span></li> <li><a href="#" class="page-link">\n                {pages}\n'
             "            </a></li>" if window[-1] < pages else "<!---->")
    return (f'<ul class="row"><li><a href="#" class="{prev_class}">\n                &lt;\n            </a></li> '
            f'{before} {links} {after} <li><a href="#" class="{next_class}">\n                &gt;\n'
            "            </a></li></ul>")


def pager_attributes(pager: str, pages: int) -> tuple[str, str]:
    """Return (class, style) of the list's div.pagination: the length-aware one is hidden
    when every row fits on one page (seen); the simple one always shows."""
    if pager == "simple":
        return "pagination text-sm", ""
    return "pagination flex-shrink-0 text-sm", ("display: none;" if pages <= 1 else "")


def count_html(matches: int) -> str:
    """Return the "N matches" element beside the length-aware pager (seen; sm-hide tab-hide)."""
    return ('<div class="text-right muted text-sm ks-padding-fix sm-hide tab-hide med-show-up">\n'
            f"                    {matches} matches\n                </div>")


def pager_bar_html(pager: str, page: int, pages: int, matches: int | None, size_label: str,
                   show_page_size: bool, options_at_rest: bool) -> str:
    """Return div.paginator-wrapper with the pager bar: view selection, pager (+ count on the
    length-aware version), page-size menu and order direction (one bar, as captured).

    The simple version's bar is built the same way with div.simple-pagination and no count:
    no capture shows it around its links, docs/workfossa-site.md only its links.
    """
    pclass, pstyle = pager_attributes(pager, pages)
    pagination = (f'<div class="{pclass}" style="{pstyle}">{pager_inner_html(pager, page, pages)}</div>'
                  if pstyle else f'<div class="{pclass}">{pager_inner_html(pager, page, pages)}</div>')
    count = f" {count_html(matches)}" if pager != "simple" and matches is not None else ""
    size_select = ""
    if show_page_size:
        size_select = fill(markup.PAGE_SIZE_SELECT, SIZE_LABEL=esc(size_label),
                           OPTIONS_LIMIT=markup.PAGE_SIZE_OPTIONS if options_at_rest else "")
    outer = "length-aware-pagination" if pager != "simple" else "simple-pagination"
    return (
        f'<div data-v-a381df7b="" class="paginator-wrapper"><div class="{outer} flex align-center jc-between">'
        f'{markup.VIEW_SELECTION} <div class="flex align-center ks-margin-fix">{pagination}{count}</div></div> '
        f'<div class="text-sm flex align-center">{size_select}{markup.ORDER_DIRECTION}</div></div></div>'
    )


# --- the list page -------------------------------------------------------------------------

def list_page(user: str, rows: str, *, pager: str, page: int, pages: int, matches: int | None,
              filter_label: str, state: dict, show_page_size: bool = True,
              options_at_rest: bool = True) -> str:
    """Return the work list page (work-list-length-aware.html) with its first page of rows.

    The chrome is the capture's: the top bar's notifications modal with a hidden .pagination
    EARLIER in the page than the list's, ten .loader-line elements all display:none, other
    ks-select menus (export_template_id, service_reason_id) in hidden modals. `matches` None
    leaves out the count (the simple pager, or the no_match_count fault). `state` is handed to
    the page's script (page, pages, limit, pager, the options of each ks-select).
    """
    from wosync.sim.script import LIST_SCRIPT

    content = (
        fill(markup.SEARCH_HEADER, FILTER_LABEL=esc(filter_label))
        + pager_bar_html(pager, page, pages, matches, f"Show {state['limit']}", show_page_size, options_at_rest)
        + "</div> "  # closes the pager's wrapper div (opened at the end of SEARCH_HEADER)
        + markup.ROWS_HEAD + rows
        + fill(markup.LIST_TAIL,
               OPTIONS_EXPORT_TEMPLATE_ID=markup.EXPORT_TEMPLATE_OPTIONS if options_at_rest else "",
               OPTIONS_SERVICE_REASON_ID=markup.SERVICE_REASON_OPTIONS if options_at_rest else "")
    )
    # LIST_TAIL already holds the footer and closes div.content and #app (verbatim capture).
    from wosync.sim.script import LAYOUT_SCRIPT

    return (
        _head("Work Fossa") + '<body>\n        \n        <div id="app" class="full-height"><div>'
        + _layout_top(user, "work") + markup.PAGE_HEADER + content
        + f"<script>{LAYOUT_SCRIPT}</script>"
        + f'<script>var WORK_LIST_STATE = {script_data(state)};</script><script>{LIST_SCRIPT}</script>'
        + "</body></html>"
    )


def select_options_for_script(with_page_size: bool = True) -> dict:
    """Return each ks-select's items markup by its input name, for the open-only version's
    script (which creates the li items when a menu opens); without the page-size menu's."""
    options = {"limit": markup.PAGE_SIZE_OPTIONS, "export_template_id": markup.EXPORT_TEMPLATE_OPTIONS,
               "service_reason_id": markup.SERVICE_REASON_OPTIONS}
    if not with_page_size:
        del options["limit"]
    return options
