"""What the scraper knows of WorkFossa's pages: URLs, selectors and the in-page readers.

Everything here comes from /work/shared/WORKFOSSA_SITE.md; when the real site changes, this
is the file to update. The JavaScript functions run in the page through Playwright: they only
read the DOM (cheap, so they can be polled), except READ_PAGE which also returns each row's
outerHTML for the Python row parser.
"""

from __future__ import annotations

# Filters are encoded as value||label||group ("%7C%7C" is "||").
ACTIVE_LIST_PATH = ("/app/work/list?work_visit_completion=none%7C%7CNo%20visits%20completed"
                    "%7C%7CWork%20Visits%20Completed&order_direction=asc")
ALL_LIST_PATH = ("/app/work/list?work_visit_completion=all%7C%7CAll%20visits%20completed"
                 "%7C%7CWork%20Visits%20Completed&order_direction=asc")

LOGIN_FORM = "form[name=login]"
LOGIN_EMAIL = "input[type=email][name=email]"
LOGIN_PASSWORD = "input[type=password][name=password]"
LOGIN_SUBMIT = "input[type=submit], button[type=submit]"  # inside the login form
LOGGED_IN_MARK = 'nav.main-nav, button[aria-label="User menu"]'

ROWS = "div.row.work-list-item"
LIST_PAGINATION = "div.simple-pagination .pagination"  # not the hidden modal's .pagination
NEXT_PAGE = f"{LIST_PAGINATION} a.next-page"
MATCH_COUNT = "div.simple-pagination div.text-right.muted"
PAGE_SIZE_MENU = "div.ks-select:has(input[name=limit])"
PAGE_SIZE_OPTION = "ul.autocomplete-list > li"
PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25

# One JS function shared by the readers below: the list's state, cheaply. `rows` is a
# signature of the rows shown (their links), so a change of page is seen when it happens.
_STATE = r"""
const listState = () => {
  const visible = (el) => !!el && el.getClientRects().length > 0
      && getComputedStyle(el).visibility !== 'hidden';
  const login = document.querySelector('form[name=login]');
  const pager = document.querySelector('div.simple-pagination .pagination');
  const current = pager && pager.querySelector('.current-page');
  const next = pager && pager.querySelector('a.next-page');
  // The match count beside the pagination ("244 matches"); tolerate it standing elsewhere.
  const countRe = /(\d[\d,]*)\s+match(es)?\b/i;
  const candidates = [...document.querySelectorAll('div.simple-pagination div.text-right.muted'),
                      ...document.querySelectorAll('div.text-right.muted')];
  const countEl = candidates.find((el) => countRe.test(el.textContent));
  const found = countEl ? countEl.textContent.match(countRe) : null;
  const rows = [...document.querySelectorAll('div.row.work-list-item')];
  const sizeMenu = [...document.querySelectorAll('div.ks-select')]
      .find((el) => el.querySelector('input[name=limit]'));
  const sizeChosen = sizeMenu && sizeMenu.querySelector('ul.autocomplete-list > li.selected-item');
  return {
    login: !!login,
    page: current ? parseInt(current.textContent.trim(), 10) : null,
    matches: found ? parseInt(found[1].replace(/,/g, ''), 10) : null,
    rowCount: rows.length,
    signature: rows.map((row) => {
      const link = row.querySelector('a[href*="/app/work/"]');
      return link ? link.getAttribute('href') : row.className;
    }).join('|'),
    pagerFound: !!pager,
    pagerVisible: visible(pager),
    nextFound: !!next,
    nextDisabled: next ? next.classList.contains('disabled') : null,
    sizeMenuFound: !!sizeMenu,
    sizeChosen: sizeChosen ? sizeChosen.textContent.trim() : null,
  };
};
"""

# Ready when the list shows its match count and its rows (or says 0 matches); or on the
# login form (the session is gone). Returns the state, or false to keep waiting.
LIST_READY = "() => {" + _STATE + r"""
  const s = listState();
  if (s.login) return s;
  if (s.matches === null) return false;
  return (s.rowCount > 0 || s.matches === 0) ? s : false;
}"""

# Ready when the list shows page `want.page` with rows other than `want.before` (a list
# emptied while loading is not ready unless the count says 0).
PAGE_SHOWN = "(want) => {" + _STATE + r"""
  const s = listState();
  if (s.login) return s;
  if (s.page !== want.page || s.signature === want.before) return false;
  return (s.rowCount > 0 || s.matches === 0) ? s : false;
}"""

# Ready when "Show 100" is chosen and the list reloaded at page 1 with more rows than before
# (or all of them).
SIZE_APPLIED = "(want) => {" + _STATE + r"""
  const s = listState();
  if (s.login) return s;
  if (s.sizeChosen !== want.label || s.page !== 1 || s.matches === null) return false;
  return (s.rowCount > want.before || s.rowCount >= s.matches) ? s : false;
}"""

# The state without waiting (to explain a wait that gave up).
LIST_STATE = "() => {" + _STATE + " return listState(); }"

# The state, every row's outerHTML and its work-order number (the text of its first
# /app/work/<id>/ link, as parse_row reads it; null without one), in one call. The numbers
# let the stop rules be decided before the rows are parsed.
READ_PAGE = "() => {" + _STATE + r"""
  const s = listState();
  const workLink = /^(?:https?:\/\/[^\/]+)?\/app\/work\/\d+\/?$/;
  const rows = [...document.querySelectorAll('div.row.work-list-item')];
  s.rows = rows.map((row) => row.outerHTML);
  s.numbers = rows.map((row) => {
    const link = [...row.querySelectorAll('a[href]')]
        .find((a) => workLink.test(a.getAttribute('href')));
    return link ? link.textContent.replace(/\s+/g, ' ').trim() || null : null;
  });
  return s;
}"""
