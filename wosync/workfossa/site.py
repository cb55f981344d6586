"""Everything the scraper knows of WorkFossa's pages: URLs, selectors, text patterns and the
in-page readers. When the real site changes, this is the one file to edit.

Each constant names the saved page of the real site it was seen in (tests/fixtures/workfossa/),
or says "unknown" where no capture shows it; the prose behind it is docs/workfossa-site.md.
The JavaScript readers below hold no selector of their own: they are given `PAGE_SELECTORS`
as their evaluate argument, so the browser and Python use the same strings.
"""

from __future__ import annotations

# --- URLs ----------------------------------------------------------------------------------

# The work list with the default filter (seen: work-list-length-aware.html, the page's URL).
# Filters are encoded as value||label||group ("%7C%7C" is "||").
ACTIVE_LIST_PATH = ("/app/work/list?work_visit_completion=none%7C%7CNo%20visits%20completed"
                    "%7C%7CWork%20Visits%20Completed&order_direction=asc")
# Completed work too (docs/workfossa-site.md; no capture of this filter).
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

# The row is found by its semantic class alone: `row py-2` beside it are styling utilities that
# a release may rename (seen: work-list-length-aware.html and rows-2025-04.html, both
# `div.row.py-2.work-list-item.w-<id>`).
ROWS = "div.work-list-item"
ROWS_SHOWN = "div.row.work-list-item"  # how messages name a row: as the captures show it
# The rows' container (seen): one wrapper div per order inside it.
ROWS_CONTAINER = "div.mt-2.bg-white"
# The list's pager, in both of its versions: div.length-aware-pagination (seen) and
# div.simple-pagination (docs/workfossa-site.md, correction 3) stand inside div.paginator-wrapper.
# A hidden modal's .pagination comes earlier in the page: never take the first .pagination.
LIST_PAGER = ".paginator-wrapper .pagination"
LENGTH_AWARE_PAGER = ".paginator-wrapper .length-aware-pagination"  # seen
SIMPLE_PAGER = ".paginator-wrapper .simple-pagination"  # docs/workfossa-site.md, not captured
NEXT_PAGE = "a.next-page"  # inside LIST_PAGER (seen)
PREV_PAGE = "a.prev-page"  # inside LIST_PAGER (seen)
CURRENT_PAGE = "a.current-page"  # inside LIST_PAGER; length-aware only (seen)
DISABLED_CLASS = "disabled"  # on the link itself (seen: simple pager per docs/workfossa-site.md)
# Also read as disabled (unknown, tolerated): the class on the link's list item (Laravel's
# Bootstrap pagers mark the li), or aria-disabled="true" on the link.
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

# One JS function shared by the readers below: the page's state. `signature` identifies the
# rows shown (their number, and the first and last row's classes, which hold the order's id,
# and first link), so a change of page is seen when it happens. `pagerKind` is
# "length-aware", "simple", "unknown" (a .pagination of another kind) or null (none).
# The waits are polled on every animation frame: each first makes a cheap check that cannot
# force a layout, and reads the whole state only once that check passes.
_STATE = r"""
const rowsSignature = (rows) => {
  const one = (row) => {
    if (!row) return '';
    const a = row.querySelector('a[href]');
    return row.className + '#' + (a ? a.getAttribute('href') : '');
  };
  return rows.length + '|' + one(rows[0]) + '|' + one(rows[rows.length - 1]);
};
const rowsHtml = (sel) => [...document.querySelectorAll(sel.rows)].map((row) => row.outerHTML).join('\n');
const listState = (sel) => {
  const visible = (el) => !!el && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== 'hidden';
  const pager = document.querySelector(sel.pager);
  const link = (css) => pager ? pager.querySelector(css) : null;
  const next = link(sel.next), prev = link(sel.prev), current = link(sel.current);
  const disabled = (a) => a.classList.contains(sel.disabled)
      || a.getAttribute('aria-disabled') === 'true'
      || (a.parentElement?.tagName === 'LI' && a.parentElement.classList.contains(sel.disabled));
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
    signature: rowsSignature(rows),
    pagerKind,
    pagerVisible: visible(pager),
    nextFound: !!next,
    nextDisabled: next ? disabled(next) : null,
    prevDisabled: prev ? disabled(prev) : null,
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
  if (!document.querySelector(arg.sel.loginForm) && !document.querySelector(arg.sel.rows)
      && !document.querySelector(arg.sel.count)) return false;
  const s = listState(arg.sel);
  if (s.login) return s;
  return (s.rowCount > 0 || s.matches === 0) ? s : false;
}"""

# Ready when the list shows rows other than `arg.before` (and page `arg.page` where the pager
# numbers its pages). An emptied list is not ready unless its count says 0. Returns what
# READ_PAGE returns (the state and the rows' HTML): the page is read in the call that saw it.
PAGE_SHOWN = "(arg) => {" + _STATE + r"""
  if (!document.querySelector(arg.sel.loginForm)
      && rowsSignature(document.querySelectorAll(arg.sel.rows)) === arg.before) return false;
  const s = listState(arg.sel);
  if (s.login) return s;
  if (s.signature === arg.before) return false;
  if (s.page !== null && s.page !== arg.page) return false;
  if (s.rowCount === 0 && s.matches !== 0) return false;
  s.rowsHtml = rowsHtml(arg.sel);
  return s;
}"""

# Ready when the page-size selection shows `arg.label` and the list reloaded at page 1 with
# more rows than `arg.before` (or every row the count promises). Never judged by the menu's
# li.selected-item: on the real site it stays on "Show 25" (seen: work-list-length-aware.html).
SIZE_APPLIED = "(arg) => {" + _STATE + r"""
  if (!document.querySelector(arg.sel.loginForm)
      && document.querySelectorAll(arg.sel.rows).length <= arg.before
      && !document.querySelector(arg.sel.count)) return false;
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
  s.rowsHtml = rowsHtml(arg.sel);
  return s;
}"""


# --- One work-list row -----------------------------------------------------------------------
# Read by workfossa/parse.py from the rows' outerHTML (ROWS above finds the rows), with
# selectolax: the same CSS the browser takes. Patterns are Python regular expressions, applied
# to collapsed text unless said otherwise. "seen" names the capture in tests/fixtures/workfossa/.

# The order's link a[href="/app/work/<id>/"], its text the number; the id need not equal the
# number. The visit link also starts /app/work/: candidates are filtered by the pattern.
WORK_LINK = 'a[href*="/app/work/"]'  # seen: work-list-length-aware.html
WORK_LINK_PATTERN = r"^(?:https?://[^/]+)?/app/work/(\d+)/?$"  # seen (absolute links: unknown)
WORK_LINK_SHOWN = 'a[href="/app/work/<id>/"]'  # how messages and errors name it
WORK_PATH = "/app/work/{work_id}/"  # the order's page (seen: the links of the list)
# Where elements hidden at rest are marked: every tooltip of a row (seen: work-list-length-
# aware.html, `style="display: none;"` and `style="z-index: 9; display: none;"`).
HIDDEN = '[style*="display: none"], [style*="display:none"]'  # seen (the second: unknown)
# The tooltips' class (seen: work-list-length-aware.html). Other versions may use another
# (unknown): the parser never depends on it alone.
TOOLTIP = ".ks-tooltip"  # seen: work-list-length-aware.html
# The category: a colour bar, its name the text of the hidden tooltip inside it; without that
# tooltip, the bar's own text (it holds nothing else, seen), then its title (unknown).
CATEGORY_BAR = ".wo-category-show"  # seen: work-list-length-aware.html
CATEGORY_TOOLTIP = TOOLTIP  # seen: work-list-length-aware.html
# The status badge's wrapper (seen: work-list-length-aware.html), and the badge itself
# (work-status-open, work-status-in-progress, seen), read when the wrapper is missing (unknown).
STATUS_BADGE = ".work-status-badge"  # seen: work-list-length-aware.html
STATUS_KIND = '[class*="work-status-"]'  # seen; as a fallback: unknown
# "Reason: ...", "Project: ..." and "PO #: ..." lines: a span.muted label, the value after it
# (seen: work-list-length-aware.html, one row has no Project line; PO #: rows-2025-04.html).
# Labels are read by their text, never by position.
LINE_LABEL = "span.muted"  # primary (seen: work-list-length-aware.html, rows-2025-04.html)
# Fallback: any span whose whole text is the label (`muted` is a styling utility a release
# may rename; the label texts are the contract).
LINE_LABEL_ANY = "span"
REASON_LABEL = "Reason:"  # seen
PROJECT_LABEL = "Project:"  # seen
PO_LABEL = "PO #:"  # seen: rows-2025-04.html (not a stored field; never taken for another)
# div.work-creator "Dana Ortiz • 11/29/2024 01:09pm" (seen: work-list-length-aware.html); its
# title "Created by: <name>  MM/DD/YYYY hh:mmam" (seen) is read when the bullet is missing (unknown).
CREATOR = ".work-creator"  # seen: work-list-length-aware.html
CREATOR_SEPARATOR = "•"  # seen
CREATOR_TITLE_PREFIX = r"^Created by:\s*"  # seen; case-insensitive
STAMP_PATTERN = r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*([ap])\.?m\.?"  # seen; case-insens.
DATE_PATTERN = r"(\d{1,2})/(\d{1,2})/(\d{4})"  # MM/DD/YYYY (seen; M/D/YYYY unknown, tolerated)

# The customer block: the customer link, the location link ("#5154", its id location_id), the
# brand on the line right after the location's, then .address-info: street, an optional
# intersection, "City ST 12345" (no comma; ZIP+4 seen; a comma unknown, tolerated), "X County".
CUSTOMER_BLOCK = ".address"  # seen: work-list-length-aware.html
CUSTOMER_LINK = 'a[href*="/app/customers/"]'  # both links; told apart by the patterns (seen)
CUSTOMER_LINK_PATTERN = r"/app/customers/(\d+)/?$"  # seen
LOCATION_LINK_PATTERN = r"/app/customers/locations/(\d+)/?$"  # seen
ADDRESS_INFO = ".address-info"  # seen
# The ZIP: five digits (seen: both captures), ZIP+4 with a hyphen (seen: work-list-length-
# aware.html) or without one ("Orlando FL 328062464", seen: rows-2025-04.html), kept as shown.
CITY_LINE_PATTERN = r"^(?P<city>.+?),?\s+(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(?:-?\d{4})?)$"
# A city line of an unknown shape costs only city, state and zip: the county is the last line
# ending so (seen: "Orange County"), the city line the one before it, the street the first.
COUNTY_LINE_PATTERN = r"\bCounty$"  # seen: both captures
# The contact block: unlabelled lines, the first is the contact (seen: work-list-length-aware.html).
CONTACT_NAME = ".contact-name"  # seen: work-list-length-aware.html

# Items: groups, each a category line then lines "N x Name (CODE)", the code in span.muted
# (seen: work-list-length-aware.html; an item without a code: unknown, tolerated).
ITEM_GROUP = "div.text-xs.mb-2"  # primary (seen: work-list-length-aware.html, rows-2025-04.html)
ITEM_GROUP_SHOWN = "div.text-xs.mb-2 (item line)"  # how errors name an item line
ITEM_CODE = "span.muted"  # seen: work-list-length-aware.html
ITEM_LINE_PATTERN = r"^(\d+)\s*x\s*(.*)$"  # seen; case-insensitive
# Fallback where the group's utility classes are renamed or gone: an item line is an element
# whose text reads "N x Name" (seen: every item of both captures), its group the line's parent,
# the group's heading its first element that is no item line; the code the trailing "(CODE)".
ITEM_LINE_FALLBACK_PATTERN = r"^\d+\s*x\s+\S"  # case-insensitive
ITEM_CODE_PATTERN = r"\s*\(([^()]*)\)\s*$"  # "(2861)", "(CAL-SERV)" (seen)

# Visits: the counter's title "0 / 1" (done / planned; seen: work-list-length-aware.html), or
# its text "0 / 1 visits" when it has no title (unknown). The Next Visit link (seen) holds the
# date, "(anytime)" and "Due: MM/DD/YYYY"; without its title, a visit's href (unknown).
VISIT_COUNTER = '[title*="/"]'  # seen: work-list-length-aware.html (its title)
COUNTER_PATTERN = r"^\s*(\d+)\s*/\s*(\d+)\s*(?:visits?)?\s*$"  # case-insensitive
NEXT_VISIT_LINK = 'a[title="Next Visit"]'  # seen
VISIT_LINK = 'a[href*="/visits/"]'  # unknown as a fallback (the href itself is seen)
VISIT_LINK_PATTERN = r"/app/work/\d+/visits/\d+/?$"  # seen
DUE_PATTERN = r"Due:?\s*(\d{1,2}/\d{1,2}/\d{4})"  # seen; case-insensitive
WINDOW_PATTERN = r"\(([^()]*)\)"  # "(anytime)" (seen), "(8:00am - 12:00pm)" (unknown)
# A row whose visits are all done (seen: a simple-pager list page of June 2025, described in
# docs/workfossa-site.md "One row"; no capture in tests/fixtures): the counter's text is struck
# through, a small muted line below it holds the completion date (MM/DD/YYYY; whether a word
# such as "Completed" stands before it: unknown), and there is no Next Visit link. The status
# badge does not tell completion. Read by workfossa/completion.py.
COMPLETED_COUNTER = "span.strike-through"
COMPLETION_DATE = "div.mt-1.text-xs.muted"
# Without those classes (a build that renames utilities): a class naming the strike-through,
# and a line reading "Completed MM/DD/YYYY" (unknown on the real site; a fallback only).
COMPLETED_COUNTER_ANY = '[class*="strike-through"]'
COMPLETION_LINE_PATTERN = r"^\s*Completed:?\s*(\d{1,2}/\d{1,2}/\d{4})\s*$"  # case-insensitive

# Instructions: the full text in span.pre-wrap inside the hidden tooltip, line breaks kept; a
# visible truncated copy (also span.pre-wrap) followed by a "more..." link (seen: work-list-
# length-aware.html, all 44 rows). The tooltip's class may differ elsewhere (unknown): the full
# copy is a pre-wrap inside a TOOLTIP or HIDDEN element, or else one not followed by "more...".
INSTRUCTIONS_COPY = ".pre-wrap"  # seen: work-list-length-aware.html
# The copy inside a TOOLTIP or HIDDEN element (seen: inside .ks-tooltip; other classes unknown).
# Written `.pre-wrap:is(A *, B *)`, the same elements as `A .pre-wrap, B .pre-wrap` at a third
# less cost in lexbor (which walks the row once per entry of a list); not `:is(A, B) .pre-wrap`:
# lexbor reads `:is(A) B` as A being B's parent.
INSTRUCTIONS_HIDDEN_COPY = INSTRUCTIONS_COPY + ":is({})".format(
    ", ".join(f"{hidden} *" for hidden in (TOOLTIP, *HIDDEN.split(", "))))
# Fallback where the copy's `pre-wrap` utility is renamed or gone: the span inside a hidden
# element (seen: the tooltip's only span is the full copy; the category's tooltip holds none).
INSTRUCTIONS_FALLBACK = "span:is({})".format(
    ", ".join(f"{hidden} *" for hidden in (TOOLTIP, *HIDDEN.split(", "))))
MORE_LINK_PATTERN = r"^\s*more\b"  # the link after the truncated copy (seen); case-insensitive


# Where each field of a row is read from, for messages (the layout-drift guard names the
# block whose markup moved).
FIELD_SELECTORS = {
    "number": WORK_LINK_SHOWN, "work_id": WORK_LINK_SHOWN, "url": WORK_LINK_SHOWN,
    "status": STATUS_BADGE, "category": CATEGORY_BAR,
    "reason": LINE_LABEL, "project": LINE_LABEL,
    "customer": CUSTOMER_BLOCK, "store_number": CUSTOMER_BLOCK, "brand": CUSTOMER_BLOCK,
    "location_id": CUSTOMER_BLOCK,
    "street": ADDRESS_INFO, "intersection": ADDRESS_INFO, "city": ADDRESS_INFO,
    "state": ADDRESS_INFO, "zip": ADDRESS_INFO, "county": ADDRESS_INFO,
    "contact": CONTACT_NAME, "items": ITEM_GROUP,
    "visits_done": VISIT_COUNTER, "visits_planned": VISIT_COUNTER,
    "next_visit_date": NEXT_VISIT_LINK, "time_window": NEXT_VISIT_LINK,
    "due_date": NEXT_VISIT_LINK, "visit_url": NEXT_VISIT_LINK,
    "instructions": INSTRUCTIONS_COPY, "created_by": CREATOR, "created_at": CREATOR,
}


# --- The Equipment tab -----------------------------------------------------------------------
# Read by workfossa/equipment.py. Seen: equipment-dispensers.html (a fragment of the tab: the
# Dispenser group, expanded, 8 dispensers, one without a Model line). The tab itself and the
# page around it are unknown on the real site (docs/workfossa-site.md: find the tab by its text).

EQUIPMENT_TAB_TEXT = "Equipment"  # unknown markup: the tab is found by this text
# Each equipment type is a group: a heading, then its items (seen: the heading and its items'
# wrapper side by side in a div.mt-4; other types' groups: unknown, read to the next heading).
EQUIPMENT_GROUP_HEADING = "div.group-heading"  # seen
# The heading's toggle: "Hide equipment" while expanded (seen), "Show equipment" collapsed
# (docs/workfossa-site.md; not captured). It holds the type's name and the count "(8)".
EQUIPMENT_EXPANDED_TITLE = "Hide equipment"  # seen
EQUIPMENT_COLLAPSED_TITLE = "Show equipment"  # unknown (docs/workfossa-site.md)
EQUIPMENT_GROUP_EXPANDED = f'a[title="{EQUIPMENT_EXPANDED_TITLE}"]'  # seen
EQUIPMENT_GROUP_COLLAPSED = f'a[title="{EQUIPMENT_COLLAPSED_TITLE}"]'  # click it to expand
EQUIPMENT_GROUP_NAME = "span.bold"  # primary: "Dispenser" (seen; styled capitalize: source text read)
# Fallback (`bold` is a styling utility): the toggle's text less its count, "Dispenser (8)" (seen).
EQUIPMENT_TOGGLE = f'a[title="{EQUIPMENT_EXPANDED_TITLE}"], a[title="{EQUIPMENT_COLLAPSED_TITLE}"]'
EQUIPMENT_GROUP_COUNT_PATTERN = r"\((\d+)\)"  # "(8)" (seen)
DISPENSER_GROUP_NAME = "Dispenser"  # seen; compared case-insensitively
# One piece of equipment: div.py-1.5 (every other one also .bg-gray-50), seen. The attribute
# form, because "." in a class name needs escaping in CSS.
# Primary: EQUIPMENT_ITEM. Fallback where `py-1.5` (a styling utility) is renamed or gone: each
# title line (below) marks one block, the widest element around it holding no other title.
EQUIPMENT_ITEM = 'div[class~="py-1.5"]'  # seen: equipment-dispensers.html
# The title line "1/2 - Regular, Plus, Diesel - Gilbarco": the block's first div whose own text
# (not its children's) reads EQUIPMENT_TITLE_PATTERN (seen: equipment-dispensers.html, where it
# stood three wrappers deep; docs/workfossa-site.md: the wrappers are not the contract), split at
# " - " into the fuelling positions, the grades (a comma list) and the make.
EQUIPMENT_TITLE = "div"
EQUIPMENT_TITLE_PATTERN = r"^\S+ - \S"  # positions, then " - " (seen: all 8; JS and Python alike)
EQUIPMENT_TITLE_SEPARATOR = " - "  # seen
EQUIPMENT_GRADE_SEPARATOR = ","  # seen
EQUIPMENT_SERIAL = "div.muted.text-tiny"  # primary: "S/N: SN60372" (seen)
# Fallback: the block's first element whose own text reads EQUIPMENT_SERIAL_PATTERN.
EQUIPMENT_SERIAL_PATTERN = r"^S/N:?\s*(.*)$"  # seen; case-insensitive
# "Make: Gilbarco" and an optional "Model: NL3": a label span, the value after it (seen; one
# of the 8 has no Model line). Styled upper-case: the source text is compared, case-folded.
EQUIPMENT_SPEC_LABEL = "span.muted.uppercase"  # primary (seen: equipment-dispensers.html)
EQUIPMENT_SPEC_LABEL_ANY = "span"  # fallback: any span whose text is the label (utilities renamed)
EQUIPMENT_MAKE_LABEL = "Make:"  # seen
EQUIPMENT_MODEL_LABEL = "Model:"  # seen
# The custom fields: label/value pairs (Grade, Stand Alone Code, Number of Nozzles (per side),
# Meter Type; seen), the label's text styled upper-case (source text read).
EQUIPMENT_FIELDS = ".custom-fields-view"  # seen
EQUIPMENT_FIELD_LABEL = "div.muted.uppercase.text-xs"  # seen
EQUIPMENT_FIELD_VALUE = "div.text-xs.mt-1"  # seen, the element after its label
# Fallback where those utilities are renamed or gone: the view's innermost elements (no child
# elements), paired in order, label then value (seen: every pair of the capture so).
# The tab in the browser (workfossa/locations.py). Unknown markup: what can be a tab (links,
# buttons, ARIA tabs, list items; the innermost whose whole text is EQUIPMENT_TAB_TEXT is
# clicked), preferred in this order over a same-named link elsewhere (a top-bar menu entry
# "Equipment" would navigate away): an ARIA tab, then one inside something tab-like.
EQUIPMENT_TAB_CANDIDATES = 'a, button, [role="tab"], li'
# Second way to the tab, when none reads "Equipment" (seen in use, docs/workfossa-site.md).
EQUIPMENT_TAB_DUSK = '[dusk="equipment-tab"]'
EQUIPMENT_TAB_PREFERRED = ['[role="tab"], [role="tablist"] *', '[class*="tab"] *, [class*="tab"]']
# A tab with no equipment at all (unknown text on the real site; the simulated site's "No
# equipment found."): read as no Dispenser group at once, instead of once the page is quiet.
NO_EQUIPMENT_PATTERN = r"^\s*no equipment\b"  # JavaScript and Python regex alike; case-insensitive
# A deleted location's page (seen in use, docs/workfossa-site.md): that location's own error.
LOCATION_DELETED_TEXT = "Could not find this location. It may have been deleted."


# Where each field read by a text fallback is looked for first and what then found it, for
# `doctor --site` and the run history: {field: (the selector that found nothing, the fallback)}.
# The fields are the names workfossa/parse.py and workfossa/equipment.py count (strategies.py).
FIELD_FALLBACKS = {
    "status": (STATUS_BADGE, STATUS_KIND),
    "category": (CATEGORY_TOOLTIP, HIDDEN),
    "reason": (LINE_LABEL, f'{LINE_LABEL_ANY} reading "{REASON_LABEL}"'),
    "project": (LINE_LABEL, f'{LINE_LABEL_ANY} reading "{PROJECT_LABEL}"'),
    "city": (CITY_LINE_PATTERN, COUNTY_LINE_PATTERN),
    "items": (ITEM_GROUP, ITEM_LINE_FALLBACK_PATTERN),
    "visits_done": (VISIT_COUNTER, COUNTER_PATTERN),
    "visits_planned": (VISIT_COUNTER, COUNTER_PATTERN),
    "next_visit_date": (NEXT_VISIT_LINK, VISIT_LINK_PATTERN),
    "instructions": (INSTRUCTIONS_COPY, INSTRUCTIONS_FALLBACK),
    "created_by": (f"{CREATOR} ({CREATOR_SEPARATOR})", CREATOR_TITLE_PREFIX),
    "created_at": (f"{CREATOR} ({CREATOR_SEPARATOR})", CREATOR_TITLE_PREFIX),
}
DISPENSER_FIELD_FALLBACKS = {
    "group": (EQUIPMENT_GROUP_NAME, EQUIPMENT_GROUP_COUNT_PATTERN),
    "block": (EQUIPMENT_ITEM, EQUIPMENT_TITLE_PATTERN),
    "serial": (EQUIPMENT_SERIAL, EQUIPMENT_SERIAL_PATTERN),
    "make": (EQUIPMENT_SPEC_LABEL, f'{EQUIPMENT_SPEC_LABEL_ANY} reading "{EQUIPMENT_MAKE_LABEL}"'),
    "model": (EQUIPMENT_SPEC_LABEL, f'{EQUIPMENT_SPEC_LABEL_ANY} reading "{EQUIPMENT_MODEL_LABEL}"'),
    "fields": (f"{EQUIPMENT_FIELD_LABEL}, {EQUIPMENT_FIELD_VALUE}",
               f"{EQUIPMENT_FIELDS} innermost elements, label then value"),
}


def fallback_of(name: str) -> tuple[str, str] | None:
    """Given a field name as a run records it (a row field, or "dispenser.<field>": see
    wosync/fallbacks.py), return (the selector that found nothing, the fallback that read it);
    None when this file names none."""
    from wosync.fallbacks import DISPENSER_PREFIX

    if name.startswith(DISPENSER_PREFIX):
        return DISPENSER_FIELD_FALLBACKS.get(name[len(DISPENSER_PREFIX):])
    return FIELD_FALLBACKS.get(name)
