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
    "appPrefix": APP_PATH_PREFIX,
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

# True once the login form is in the page (the page's script draws it; seen: login.html).
LOGIN_FORM_SHOWN = "(arg) => !!document.querySelector(arg.sel.loginForm)"

# Where a submitted login landed: {outcome: "form"} (the login form again: rejected),
# {outcome: "app"} (a page under /app/ with the logged-in layout and no login form), or false
# while neither is decided (the caller judges a quiet page by its URL alone).
LOGIN_OUTCOME = r"""(arg) => {
  if (document.querySelector(arg.sel.loginForm)) return {outcome: 'form', url: location.href};
  if (location.pathname.startsWith(arg.sel.appPrefix) && document.querySelector(arg.sel.layout))
    return {outcome: 'app', url: location.href};
  return false;
}"""

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


# --- One work-list row -----------------------------------------------------------------------
# Read by workfossa/parse.py from each row's outerHTML (ROWS above finds the rows). Seen in
# work-list-length-aware.html: every selector and pattern below reads all 44 rows there.
# Patterns are Python regular expressions, applied to collapsed text unless said otherwise.

# The order's link: a[href="/app/work/<id>/"] whose text is the number (seen). The visit link
# also starts /app/work/, so candidates are filtered by the pattern; absolute links tolerated.
WORK_LINK = 'a[href*="/app/work/"]'
WORK_LINK_PATTERN = r"^(?:https?://[^/]+)?/app/work/(\d+)/?$"
WORK_LINK_SHOWN = 'a[href="/app/work/<id>/"]'  # how messages name it
WORK_PATH = "/app/work/{work_id}/"  # the order's page, made absolute with the base URL
# The category: a colour bar whose name is its hidden tooltip's text (seen). The tooltip's
# class may differ on other versions (unknown): without it the bar's own text is the name
# (it holds nothing else, seen), then its title attribute (unknown).
CATEGORY_BAR = ".wo-category-show"
CATEGORY_TOOLTIP = ".ks-tooltip"
# The status badge's wrapper, and the badge itself (work-status-open / -in-progress, seen);
# the second is the fallback when the wrapper is missing (unknown).
STATUS_BADGE = ".work-status-badge"
STATUS_KIND = '[class*="work-status-"]'
# "Reason: ..." and "Project: ..." lines: a span.muted label, the value after it (seen).
LINE_LABEL = "span.muted"
REASON_LABEL = "Reason:"
PROJECT_LABEL = "Project:"
# An element hidden at rest by an inline style (seen: every .ks-tooltip of the rows).
HIDDEN = '[style*="display: none"], [style*="display:none"]'
# div.work-creator "Dana Ortiz • 11/29/2024 01:09pm" (seen); its title "Created by: <name>
# MM/DD/YYYY hh:mmam" is the fallback when the bullet is missing (title seen, fallback unknown).
CREATOR = ".work-creator"
CREATOR_SEPARATOR = "•"
CREATOR_TITLE_PREFIX = r"^Created by:\s*"  # case-insensitive
STAMP_PATTERN = r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*([ap])\.?m\.?"  # case-insens.
DATE_PATTERN = r"(\d{1,2})/(\d{1,2})/(\d{4})"  # MM/DD/YYYY (seen; M/D/YYYY tolerated)

# The customer block (seen): the customer link, the location link ("#5154"), the brand line
# right after the location's line, then .address-info: street, an optional intersection,
# "City ST 12345" (no comma, seen; a comma and ZIP+4 tolerated), "X County".
CUSTOMER_BLOCK = ".address"
CUSTOMER_LINK = 'a[href*="/app/customers/"]'
CUSTOMER_LINK_PATTERN = r"/app/customers/(\d+)/?$"
LOCATION_LINK_PATTERN = r"/app/customers/locations/(\d+)/?$"
ADDRESS_INFO = ".address-info"
CITY_LINE_PATTERN = r"^(?P<city>.+?),?\s+(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(?:-\d{4})?)$"
# The contact block: unlabelled lines, the first is the contact (seen).
CONTACT_NAME = ".contact-name"

# Items (seen): groups div.text-xs.mb-2, a category line, then lines "N x Name (CODE)", the
# code in span.muted.
ITEM_GROUP = "div.text-xs.mb-2"
ITEM_GROUP_SHOWN = "div.text-xs.mb-2 (item line)"  # how messages name an item line
ITEM_CODE = "span.muted"
ITEM_LINE_PATTERN = r"^(\d+)\s*x\s*(.*)$"  # case-insensitive

# Visits (seen): the counter's title "0 / 1" (done / planned); when it has no title (unknown)
# its text "0 / 1 visits". The Next Visit link holds the date, "(anytime)" and "Due: ...".
VISIT_COUNTER = '[title*="/"]'
COUNTER_PATTERN = r"^\s*(\d+)\s*/\s*(\d+)\s*(?:visits?)?\s*$"  # case-insensitive
NEXT_VISIT_LINK = 'a[title="Next Visit"]'
# Fallback for a Next Visit link without its title (unknown): a visit's href.
VISIT_LINK = 'a[href*="/visits/"]'
VISIT_LINK_PATTERN = r"/app/work/\d+/visits/\d+/?$"
DUE_PATTERN = r"Due:?\s*(\d{1,2}/\d{1,2}/\d{4})"  # case-insensitive
WINDOW_PATTERN = r"\(([^()]*)\)"  # "(anytime)", "(8:00am - 12:00pm)"

# Instructions (seen): the full text in span.pre-wrap inside the hidden .ks-tooltip, and a
# visible truncated copy (also span.pre-wrap) followed by a "more..." link. The tooltip's
# class may differ elsewhere (unknown): the full copy is a pre-wrap inside a HIDDEN element,
# or else one not followed by a "more..." link; never the truncated one.
INSTRUCTIONS_COPY = ".pre-wrap"
INSTRUCTIONS_HIDDEN_COPY = ", ".join(
    f"{hidden} {INSTRUCTIONS_COPY}" for hidden in (CATEGORY_TOOLTIP, *HIDDEN.split(", ")))
MORE_LINK_PATTERN = r"^\s*more\b"  # the link after the truncated copy; case-insensitive
