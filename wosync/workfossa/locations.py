"""The browser step of the equipment read: one location's dispensers from its Equipment tab.

    dispensers = read_location_equipment(wf, 32951)   # wf: a logged-in WorkFossa

Open the location page, choose the tab whose text is "Equipment" (its markup is unknown on the
real site: docs/workfossa-site.md says find it by its text), expand the Dispenser group when it is
collapsed, and parse the tab with workfossa/equipment.py. Every wait is on the page itself:
the tab, then the tab's content (a Dispenser group holding as many dispensers as its "(8)"
says, another group only, or a "No equipment" line), never a sleep. A tab whose content stays
unrecognisable once the page's requests are done holds no Dispenser group: zero dispensers.

Errors are the scraper's typed ones, with a screenshot and the page's HTML saved: no Equipment
tab is a LayoutNotRecognised naming what was looked for; the login form instead of the page
means the session ended, and one fresh login is tried before SessionExpired.
"""

from __future__ import annotations

from wosync.workfossa import site
from wosync.workfossa.step_errors import LandedOnLogin
from wosync.workfossa.equipment import parse_dispensers
from wosync.workfossa.errors import LayoutNotRecognised, LocationNotFound
from wosync.workfossa.strategies import FieldStrategies

# Where the tab is shown once found, for messages (it is found by its text, not a selector).
TAB_SHOWN = f'a link, button or tab whose text is "{site.EQUIPMENT_TAB_TEXT}"'
# Set on the tab the page's reader chose, so that Playwright clicks exactly that element.
TAB_MARK = "data-wosync-tab"
# Set on the collapsed Dispenser group's toggle the reader found (by the group's name or,
# its name element renamed, by the toggle's text), so that Playwright clicks that one.
TOGGLE_MARK = "data-wosync-toggle"

SELECTORS = {
    "loginForm": site.LOGIN_FORM,
    "tabText": site.EQUIPMENT_TAB_TEXT,
    "candidates": site.EQUIPMENT_TAB_CANDIDATES,
    "dusk": site.EQUIPMENT_TAB_DUSK,
    "deleted": site.LOCATION_DELETED_TEXT,
    "title": site.EQUIPMENT_TITLE,
    "titlePattern": site.EQUIPMENT_TITLE_PATTERN,
    "tabLike": site.EQUIPMENT_TAB_PREFERRED,
    "mark": TAB_MARK,
    "toggleMark": TOGGLE_MARK,
    "heading": site.EQUIPMENT_GROUP_HEADING,
    "name": site.EQUIPMENT_GROUP_NAME,
    "dispenser": site.DISPENSER_GROUP_NAME,
    "expanded": site.EQUIPMENT_GROUP_EXPANDED,
    "collapsed": site.EQUIPMENT_GROUP_COLLAPSED,
    "countPattern": site.EQUIPMENT_GROUP_COUNT_PATTERN,
    "item": site.EQUIPMENT_ITEM,
    "empty": site.NO_EQUIPMENT_PATTERN,
}

# Finds the Equipment tab and marks it: {found: n candidates} or false while there is none;
# {login: true} on the login form; {deleted: true} when the page says the location may have
# been deleted. The tab is found by its text first, by site.EQUIPMENT_TAB_DUSK second.
TAB_FOUND = r"""(arg) => {
  const sel = arg.sel;
  if (document.querySelector(sel.loginForm)) return {login: true};
  const want = sel.tabText.trim().toLowerCase();
  const own = (el) => (el.textContent || '').replace(/\s+/g, ' ').trim().toLowerCase();
  const shown = (el) => el.getClientRects().length > 0;
  const hits = [...document.querySelectorAll(sel.candidates)].filter((el) => own(el) === want && shown(el));
  // The innermost: an li holding the matching link gives way to the link.
  let inner = hits.filter((el) => !hits.some((other) => other !== el && el.contains(other)));
  if (!inner.length) inner = [...document.querySelectorAll(sel.dusk)].filter(shown);
  if (!inner.length) {
    const gone = sel.deleted.toLowerCase();
    if (document.body && own(document.body).includes(gone)) return {deleted: true};
    return false;
  }
  const rank = (el) => { const i = sel.tabLike.findIndex((s) => el.matches(s)); return i < 0 ? sel.tabLike.length : i; };
  inner.sort((a, b) => rank(a) - rank(b));
  document.querySelectorAll('[' + sel.mark + ']').forEach((el) => el.removeAttribute(sel.mark));
  inner[0].setAttribute(sel.mark, '1');
  return {found: inner.length};
}"""

# The Equipment tab's content, once it is there: {group: "expanded" | "collapsed" | "none"},
# with the Dispenser group's count, the dispensers it holds and (expanded) its HTML; false
# while nothing is shown (or an expanded group holds fewer dispensers than its count: still
# loading).
# `arg.expanding`: only an expanded group will do (after clicking "Show equipment").
CONTENT_SHOWN = r"""(arg) => {
  const sel = arg.sel;
  if (document.querySelector(sel.loginForm)) return {login: true};
  const headings = [...document.querySelectorAll(sel.heading)];
  const countRe = new RegExp(sel.countPattern);
  // The group's name: its name element, else its toggle's text less the count (as
  // workfossa/equipment.py reads it).
  const nameOf = (h) => {
    const n = h.querySelector(sel.name);
    if (n) return n.textContent;
    const t = h.querySelector(sel.expanded + ', ' + sel.collapsed);
    return t ? t.textContent.replace(countRe, '') : '';
  };
  const named = (h) => nameOf(h).replace(/\s+/g, ' ').trim().toLowerCase() === sel.dispenser.toLowerCase();
  const heading = headings.find(named);
  if (heading) {
    const toggle = heading.querySelector(sel.expanded + ', ' + sel.collapsed);
    const found = ((toggle || heading).textContent || '').match(countRe);
    const count = found ? parseInt(found[1], 10) : null;
    // Out of the wrappers that hold only the heading, then its group's items: up to the next
    // heading; blocks by their class, else one per title line (as workfossa/equipment.py).
    let top = heading;
    while (!top.nextElementSibling && top.parentElement && top.parentElement !== document.body) top = top.parentElement;
    const titleRe = new RegExp(sel.titlePattern);
    const ownText = (el) => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('').replace(/\s+/g, ' ').trim();
    let items = 0, titles = 0;
    for (let node = top.nextElementSibling; node; node = node.nextElementSibling) {
      if (node.matches(sel.heading) || node.querySelector(sel.heading)) break;
      items += (node.matches(sel.item) ? 1 : 0) + node.querySelectorAll(sel.item).length;
      for (const el of [node, ...node.querySelectorAll(sel.title)]) {
        if (el.matches(sel.title) && titleRe.test(ownText(el))) titles += 1;
      }
    }
    if (!items) items = titles;
    const collapsed = toggle && toggle.matches(sel.collapsed);
    if (collapsed) {
      if (arg.expanding) return false;
      document.querySelectorAll('[' + sel.toggleMark + ']').forEach((el) => el.removeAttribute(sel.toggleMark));
      toggle.setAttribute(sel.toggleMark, '1');
      return {group: 'collapsed', count, items};
    }
    if (count !== null && items < count) return false;
    // The group's own container holds its heading and items: all the parser reads.
    const container = top.parentElement || top;
    return {group: 'expanded', count, items, html: container.outerHTML};
  }
  if (arg.expanding) return false;
  if (headings.length) return {group: 'none', headings: headings.length};
  const empty = new RegExp(sel.empty, 'i');
  const lines = document.querySelectorAll('div, p, span, td, li');
  for (const el of lines) {
    if (el.children.length === 0 && empty.test(el.textContent || '') && el.getClientRects().length > 0)
      return {group: 'none', empty: true};
  }
  return false;
}"""


def read_location_equipment(wf, location_id: int, strategies: FieldStrategies | None = None) -> list[dict]:
    """Given a logged-in WorkFossa, a location id and optionally a FieldStrategies to count
    into (per dispenser, the fields that needed the parser's fallback), open the location's
    Equipment tab and return its dispensers (the `dispensers` shape of docs/design.md, in page
    order; [] when the tab has no Dispenser group). Raises the scraper's typed errors, with
    artefacts saved; a location the site says may have been deleted is LocationNotFound."""
    with wf.errors_with_artefacts():
        try:
            return _read(wf, location_id, strategies)
        except LandedOnLogin:
            # The session ended between two locations: one fresh login, then the same page
            # again; the login form a second time is SessionExpired (errors_with_artefacts).
            wf.login()
            return _read(wf, location_id, strategies)


def _read(wf, location_id: int, strategies: FieldStrategies | None) -> list[dict]:
    """Open the page, click the Equipment tab, expand the Dispenser group, parse the tab."""
    path = site.LOCATION_PATH.format(location_id=location_id)
    what = f"the page of location {location_id}"
    wf.goto(path, what=what)
    found = wf.wait_for(TAB_FOUND, {"sel": SELECTORS}, what=what)
    if found is None:
        raise LayoutNotRecognised(
            f"the page of location {location_id} ({wf.page.url}) has no Equipment tab "
            f"(looked for {TAB_SHOWN}); nor any {site.EQUIPMENT_TAB_DUSK}", TAB_SHOWN)
    if found.get("deleted"):
        # That location's own error: the next location is read (not a layout failure).
        raise LocationNotFound(f"location {location_id}: WorkFossa says \"{site.LOCATION_DELETED_TEXT}\"",
                               location_id)
    wf.net.start_step()  # the tab's own requests: their errors are this step's
    wf.click(wf.page.locator(f"[{TAB_MARK}]").first, f'the "{site.EQUIPMENT_TAB_TEXT}" tab', TAB_SHOWN)
    what = f"the Equipment tab of location {location_id}"
    shown = wf.wait_for(CONTENT_SHOWN, {"sel": SELECTORS, "expanding": False}, what=what)
    if shown is not None and shown.get("group") == "collapsed":
        shown = _expand(wf, location_id)
    if shown is None:
        # Quiet, and nothing recognised (the page's requests all succeeded): the parser's
        # reading of the whole page decides; no Dispenser group there is zero dispensers.
        with wf.answering(what):
            html = wf.page.content()
        return parse_dispensers(html, strategies)
    if shown["group"] == "none":
        return []  # other groups only, or "No equipment": no Dispenser group
    return parse_dispensers(shown["html"], strategies)


def _expand(wf, location_id: int) -> dict:
    """Click the collapsed Dispenser group's "Show equipment", wait until it holds its
    dispensers; return what CONTENT_SHOWN then reads."""
    wf.net.start_step()
    # CONTENT_SHOWN marked the Dispenser group's collapsed toggle when it reported it.
    wf.click(wf.page.locator(f"[{TOGGLE_MARK}]").first, "the Dispenser group's toggle",
             f"{site.EQUIPMENT_GROUP_HEADING} {site.EQUIPMENT_GROUP_COLLAPSED}")
    shown = wf.wait_for(CONTENT_SHOWN, {"sel": SELECTORS, "expanding": True},
                        what=f"the Dispenser group of location {location_id}")
    if shown is None:
        raise LayoutNotRecognised(
            f"clicking the Dispenser group's toggle ({site.EQUIPMENT_GROUP_COLLAPSED}) did not show "
            f"its dispensers ({site.EQUIPMENT_ITEM}) at location {location_id}", site.EQUIPMENT_GROUP_COLLAPSED)
    return shown
