"""Everything the scraper knows of WorkFossa's pages: URLs, selectors, text patterns and the
in-page readers. When the real site changes, this is the one file to edit.

Each constant names the saved page of the real site it was seen in (tests/fixtures/workfossa/,
copies of /work/shared/workfossa-captures/), or says "unknown" where no capture shows it; the
prose behind it is /work/shared/WORKFOSSA_SITE.md. The JavaScript readers below hold no
selector of their own: they are given `PAGE_SELECTORS` as their evaluate argument, so the
browser and Python use the same strings.
"""

from __future__ import annotations

# --- URLs ----------------------------------------------------------------------------------

# The work list with the default filter (seen: work-list-length-aware.html, the page's URL).
# Filters are encoded as value||label||group ("%7C%7C" is "||").
ACTIVE_LIST_PATH = ("/app/work/list?work_visit_completion=none%7C%7CNo%20visits%20completed"
                    "%7C%7CWork%20Visits%20Completed&order_direction=asc")
# Completed work too (WORKFOSSA_SITE.md; no capture of this filter).
ALL_LIST_PATH = ("/app/work/list?work_visit_completion=all%7C%7CAll%20visits%20completed"
                 "%7C%7CWork%20Visits%20Completed&order_direction=asc")
LOGIN_PATH = "/"  # serves the login page (seen: login.html)
# Every logged-in page is under /app/ (seen: work-list-length-aware.html); a login is judged by
# landing under this prefix without a login form, not by any one element of the layout.
APP_PATH_PREFIX = "/app/"
# Where a location's page lives (seen: the location links of work-list-length-aware.html).
LOCATION_PATH = "/app/customers/locations/{location_id}/"

# --- Login (seen: login.html) --------------------------------------------------------------

LOGIN_FORM = "form[name=login]"
LOGIN_EMAIL = "input[type=email][name=email]"
LOGIN_PASSWORD = "input[type=password][name=password]"
LOGIN_SUBMIT = 'input[type=submit][value="Log In"], input[type=submit], button[type=submit]'
# The logged-in layout (seen: work-list-length-aware.html). Not used to judge a login (that is
# where it landed); named in messages and checked by doctor --site as a second opinion.
LOGGED_IN_LAYOUT = "div.top-bar, #sidebar.side-nav"

# --- The work list (seen: work-list-length-aware.html) -------------------------------------

ROWS = "div.row.work-list-item"
# The rows' container (seen): one wrapper div per order inside it.
ROWS_CONTAINER = "div.mt-2.bg-white"
# The list's pager, in both of its versions: div.length-aware-pagination (seen) and
# div.simple-pagination (WORKFOSSA_SITE.md, correction 3) stand inside div.paginator-wrapper.
# A hidden modal's .pagination comes earlier in the page: never take the first .pagination.
LIST_PAGER = ".paginator-wrapper .pagination"
LENGTH_AWARE_PAGER = ".paginator-wrapper .length-aware-pagination"  # seen
SIMPLE_PAGER = ".paginator-wrapper .simple-pagination"  # WORKFOSSA_SITE.md, not captured
NEXT_PAGE = "a.next-page"  # inside LIST_PAGER (seen)
PREV_PAGE = "a.prev-page"  # inside LIST_PAGER (seen)
CURRENT_PAGE = "a.current-page"  # inside LIST_PAGER; length-aware only (seen)
DISABLED_CLASS = "disabled"  # on the link itself (seen: simple pager per WORKFOSSA_SITE.md)
# "44 matches" (seen), beside the length-aware pager; the simple pager has none. The element
# carries sm-hide tab-hide: the browser must use a desktop-size viewport.
MATCH_COUNT = ".paginator-wrapper div.text-right.muted"
MATCH_COUNT_PATTERN = r"(\d[\d,]*)\s+match(?:es)?\b"  # JavaScript and Python regex alike
# The page-size menu is the ks-select holding input[name=limit] (seen; other ks-select menus
# stand in the page too: export_template_id, service_reason_id).
PAGE_SIZE_MENU = "div.ks-select:has(input[name=limit])"
PAGE_SIZE_SELECTION = ".ks-select-selection"  # shows the chosen "Show 100" (seen)
PAGE_SIZE_OPTION = "ul.autocomplete-list > li"  # "Show 25/50/100" (seen; in the DOM at rest
# in the capture, unknown on other versions: the scraper clicks the selection first)
PAGE_SIZE = 100
PAGE_SIZE_LABEL = f"Show {PAGE_SIZE}"
DEFAULT_PAGE_SIZE = 25

# The selectors every in-page reader is given (as `sel`).
PAGE_SELECTORS = {
    "loginForm": LOGIN_FORM,
    "rows": ROWS,
    "pager": LIST_PAGER,
    "lengthAware": LENGTH_AWARE_PAGER,
    "simple": SIMPLE_PAGER,
    "next": NEXT_PAGE,
    "prev": PREV_PAGE,
    "current": CURRENT_PAGE,
    "disabled": DISABLED_CLASS,
    "count": MATCH_COUNT,
    "countPattern": MATCH_COUNT_PATTERN,
    "sizeMenu": PAGE_SIZE_MENU,
    "sizeSelection": PAGE_SIZE_SELECTION,
    "layout": LOGGED_IN_LAYOUT,
}

# One JS function shared by the readers below: the page's state, cheaply (they are polled).
# `signature` identifies the rows shown (each row's classes, which hold its id, and its first
# link), so a change of page is seen when it happens. `pagerKind` is "length-aware",
# "simple", "unknown" (a .pagination of another kind) or null (none).
_STATE = r"""
const listState = (sel) => {
  const visible = (el) => !!el && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== 'hidden';
  const pager = document.querySelector(sel.pager);
  const link = (css) => pager ? pager.querySelector(css) : null;
  const next = link(sel.next), prev = link(sel.prev), current = link(sel.current);
  const countRe = new RegExp(sel.countPattern, 'i');
  const countEl = [...document.querySelectorAll(sel.count)]
      .find((el) => countRe.test(el.textContent));
  const found = countEl ? countEl.textContent.match(countRe) : null;
  const rows = [...document.querySelectorAll(sel.rows)];
  const sizeMenu = document.querySelector(sel.sizeMenu);
  const selection = sizeMenu ? sizeMenu.querySelector(sel.sizeSelection) : null;
  const pagerKind = !pager ? null : document.querySelector(sel.lengthAware)?.contains(pager)
      ? 'length-aware' : document.querySelector(sel.simple)?.contains(pager) ? 'simple' : 'unknown';
  return {
    url: location.href,
    login: !!document.querySelector(sel.loginForm),
    layout: !!document.querySelector(sel.layout),
    page: current ? parseInt(current.textContent.trim(), 10) || null : null,
    matches: found ? parseInt(found[1].replace(/,/g, ''), 10) : null,
    rowCount: rows.length,
    signature: rows.map((row) => {
      const a = row.querySelector('a[href]');
      return row.className + '#' + (a ? a.getAttribute('href') : '');
    }).join('|'),
    pagerKind,
    pagerVisible: visible(pager),
    nextFound: !!next,
    nextDisabled: next ? next.classList.contains(sel.disabled) : null,
    prevDisabled: prev ? prev.classList.contains(sel.disabled) : null,
    sizeMenuFound: !!sizeMenu,
    sizeLabel: selection ? selection.textContent.replace(/\s+/g, ' ').trim() : null,
  };
};
"""

# The state without waiting.
LIST_STATE = "(arg) => {" + _STATE + " return listState(arg.sel); }"

# Ready when the list shows rows or says "0 matches"; or on the login form. Returns the
# state, or false to keep waiting (a list with neither is judged by the caller once the page
# has gone quiet: an empty page of the simple pager, or a layout it does not know).
LIST_READY = "(arg) => {" + _STATE + r"""
  const s = listState(arg.sel);
  if (s.login) return s;
  return (s.rowCount > 0 || s.matches === 0) ? s : false;
}"""

# Ready when the list shows rows other than `arg.before` (and page `arg.page` where the pager
# numbers its pages). An emptied list is not ready unless its count says 0.
PAGE_SHOWN = "(arg) => {" + _STATE + r"""
  const s = listState(arg.sel);
  if (s.login) return s;
  if (s.signature === arg.before) return false;
  if (s.page !== null && s.page !== arg.page) return false;
  return (s.rowCount > 0 || s.matches === 0) ? s : false;
}"""

# Ready when the page-size selection shows `arg.label` and the list reloaded at page 1 with
# more rows than `arg.before` (or every row the count promises). Never judged by the menu's
# li.selected-item: on the real site it stays on "Show 25" (seen: work-list-length-aware.html).
SIZE_APPLIED = "(arg) => {" + _STATE + r"""
  const s = listState(arg.sel);
  if (s.login) return s;
  if (s.sizeLabel !== arg.label) return false;
  const first = s.page === 1 || (s.page === null && s.prevDisabled !== false);
  if (!first) return false;
  return (s.rowCount > arg.before || (s.matches !== null && s.rowCount >= s.matches)) ? s : false;
}"""

# The state and the HTML of every row (joined, in list order) in one call.
READ_PAGE = "(arg) => {" + _STATE + r"""
  const s = listState(arg.sel);
  s.rowsHtml = [...document.querySelectorAll(arg.sel.rows)].map((row) => row.outerHTML).join('\n');
  return s;
}"""
