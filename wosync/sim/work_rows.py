"""The work list's rows of the simulated site, after work-list-length-aware.html: each row is
the capture's row markup with the order's data filled in, whitespace, `<!---->` placeholders
and all (a completed row, a phone in the contact line and a row without instructions are not
captured: built in the same style, and said so where they are made). Pure functions of the
data; wosync.sim.render builds the page around them, wosync.sim.next_release re-wraps them.
"""

from __future__ import annotations

import re

from wosync.sim.data import CATEGORIES, DEFAULT_CATEGORY_COLOUR, WorkOrder
from wosync.sim.escaping import esc

# The visible copy of the instructions is cut near this many characters, at a word boundary
# (measured on the capture: 187, 188 and 191 characters shown of 220-282; 78 shown whole).
VISIBLE_INSTRUCTIONS = 192


# --- one row (work-list-length-aware.html) -------------------------------------------------

def _date(d) -> str:
    """Given a date, return it as the site shows it: MM/DD/YYYY."""
    return d.strftime("%m/%d/%Y")


def _datetime(t) -> str:
    """Given a datetime, return it as the site shows it: MM/DD/YYYY hh:mmam."""
    return t.strftime("%m/%d/%Y %I:%M") + ("am" if t.hour < 12 else "pm")


_CHECKMARK = ('<svg width="20" height="20" viewBox="0 0 20 20" xmlns="http://www.w3.org/2000/svg" '
              'style="display: none;"><title>checkmark</title><path d="" fill="#000" fill-rule="evenodd"></path></svg>')
_PIN_ICON = ('<div class="icon w-5 mr-2 text-center text-blue-800 tab-hide-down"><svg aria-hidden="true" '
             'focusable="false" data-prefix="fas" data-icon="location-dot" role="img" xmlns="http://www.w3.org/2000/svg" '
             'viewBox="0 0 384 512" class="svg-inline--fa fa-location-dot"><path fill="currentColor" d="" class="">'
             "</path></svg></div>")
_USER_ICON = ('<div class="icon w-5 mr-2 text-sm text-center text-blue-800 tab-hide-down"><svg aria-hidden="true" '
              'focusable="false" data-prefix="fas" data-icon="user" role="img" xmlns="http://www.w3.org/2000/svg" '
              'viewBox="0 0 448 512" class="svg-inline--fa fa-user"><path fill="currentColor" d="" class="">'
              "</path></svg></div>")


def row_html(order: WorkOrder, layout_change: bool = False, tooltip_class: str = "ks-tooltip",
             rename_block: str | None = None) -> str:
    """Given an order, return its list row: `div.row.py-2.work-list-item.w-<id>` exactly as
    the capture's rows are, with this order's data.

    layout_change: the row carries other class names (no div.work-list-item), what a site
    redesign does to a scraper. tooltip_class: the class of the instructions' hidden
    full-text tooltip (unknown on other versions of the site). rename_block: a class (or
    comma-separated classes) renamed in the row, e.g. "address-info", so the row still
    parses but that block's fields come back empty (the layout-drift fault).
    """
    o = order
    wid = o.work_id
    row_class = (f"row py-2 wo-card wo-card-{wid}" if layout_change
                 else f"row py-2 work-list-item w-{wid}")
    html = (f'<div data-v-a381df7b="" class="{row_class}">{_work_block(o)} {_customer_block(o)} '
            f'{_items_and_visits(o)} {_instructions(o, tooltip_class)}</div>')
    if rename_block:
        html = rename_classes(html, rename_block)
    return html


def rename_classes(html: str, names: str) -> str:
    """Given HTML and comma-separated class names, return it with each of those class tokens
    renamed to "<name>-v2" wherever it stands in a class attribute."""
    wanted = {n.strip() for n in names.split(",") if n.strip()}

    def rename(match: re.Match) -> str:
        tokens = [f"{t}-v2" if t in wanted else t for t in match.group(1).split(" ")]
        return f'class="{" ".join(tokens)}"'

    return re.sub(r'class="([^"]*)"', rename, html)


def _work_block(o: WorkOrder) -> str:
    """The first column: number link, category bar with its hidden tooltip, status badge,
    Reason, the PO # / Project slots, work-creator."""
    colour = CATEGORIES.get(o.category, DEFAULT_CATEGORY_COLOUR)
    created = _datetime(o.created_at)
    po = (f'<div class="text-sm mb-1"><span class="muted">PO #:</span> {esc(o.po_number)}\n            </div>'
          if o.po_number else "<!---->")
    project = (f'<div title="Project: {esc(o.project)}" class="text-sm mb-1"><span class="muted">Project:</span> '
               f"{esc(o.project)}\n            </div>" if o.project else "<!---->")
    return (
        '<div class="sm-6 med-3 mb-2"><div class="flex align-center wrap"><label class="ks-checkbox mb-1 mr-2">'
        f'<input type="checkbox" value="true" style=""> <div class="ks-checkbox-input-wrapper">{_CHECKMARK}</div> '
        f'<div class="ks-checkbox-label-wrapper"><a href="/app/work/{o.work_id}/" class="">\n'
        f"                    {esc(o.number)}\n                </a></div></label> <!----> <!----> "
        '<div class="wo-category-show mb-1 mr-2"><div class="flex">'
        f'<div class="w-4 h-1.5" style="background: {colour};"><div class="ks-tooltip show-arrow" style="display: none;">'
        f'<div class="ks-tooltip-arrow"></div> \n            {esc(o.category)}\n        </div></div></div> <!----> <!---->'
        '</div></div> <div class="work-status-badge mb-1 mt-0.5" title="">'
        f'<div class="inline-block text-xs py-0.5 px-2 outline {o.status_kind}">\n        {esc(o.status)}\n    </div> </div> '
        f'<div class="text-sm mb-1"><span class="muted">Reason:</span> {esc(o.reason)}\n        </div> '
        f"<div>{po} {project}</div> "
        f'<div title="Created by: {esc(o.created_by)}  {created}" class="work-creator text-xs muted ellipsis mt-2.5">'
        f"{esc(o.created_by)} • {created}</div> <!----></div>"
    )


def _customer_block(o: WorkOrder) -> str:
    """The second column: .address (customer link, location link, brand, .address-info) and
    the contact block (.contact-name lines)."""
    intersection = f'<div class="mt-1">{esc(o.intersection)}</div>' if o.intersection else "<!---->"
    # Where a phone stands is unknown (no captured row has one): in the first line's slot.
    phone = f'<a href="tel:{esc(o.contact_phone)}">{esc(o.contact_phone)}</a>' if o.contact_phone else "<!---->"
    department = (f'<div class="muted-dark">\n                    {esc(o.department)}\n                </div>'
                  if o.department else "<!---->")
    return (
        f'<div class="sm-6 med-4 mb-2"><div class="address flex align-start text-sm">{_PIN_ICON} <div>'
        f'<div class="mb-1"><a href="/app/customers/{o.customer_id}/" class="">\n'
        f"                    {esc(o.customer)}\n                </a></div> "
        f'<div class="mb-1"><a href="/app/customers/locations/{o.location_id}/" class="">\n'
        f"                    {esc(o.store_number)}\n                </a></div> "
        f'<div class="mb-1">\n                {esc(o.brand)}\n            </div> '
        f'<div class="address-info text-sm"><div><div>{esc(o.street)}</div> {intersection} '
        f'<div class="mt-1">{esc(o.city)} {esc(o.state)} {esc(o.zip)}</div> '
        f'<div class="mt-1">{esc(o.county)}</div> <!----></div> <!----></div></div></div> '
        f'<div class="contact-info-block mt-1.5 text-sm"><div class="flex align-start">{_USER_ICON} <div> '
        f'<div class="contact-name text-sm"><!----> <div>{esc(o.contact_name)} {phone}</div> <div>\n'
        f"                    {esc(o.billing_company)}\n                </div> {department} "
        f'<div class="muted-dark">\n                    {esc(o.account_code)}\n                </div> '
        f'<div class="muted-dark">\n                    {esc(o.terms)}\n                </div></div></div></div> '
        "<!----></div></div>"
    )


def _items_and_visits(o: WorkOrder) -> str:
    """The third column: item groups (div.text-xs.mb-2) and the visits block."""
    groups: list[list] = []
    for item in o.items:
        if not groups or groups[-1][0] != item.category:
            groups.append([item.category, []])
        code = f' <span class="muted">({esc(item.code)})</span>' if item.code else " <!---->"
        groups[-1][1].append(f'<div class="flex align-center"><div>{item.quantity} x </div> '
                             f'<div class="ml-2"><div>{esc(item.name)}{code}</div></div></div>')
    items_html = "".join(f'<div class="text-xs mb-2"><div>{esc(category)}</div> {"".join(lines)}</div>'
                         for category, lines in groups)
    counter = f"{o.visits_done} / {o.visits_planned}"
    strike = "strike-through" if o.is_completed else ""
    visits = (f'<div title="{counter}" class="text-sm muted"><span class="{strike}">\n            {counter}\n'
              '            <span class="text-xs uppercase">visits</span></span> <!----></div> ')
    if o.is_completed:
        # Not in the capture: docs/workfossa-site.md's "done" variant (struck counter, a
        # div.mt-1.text-xs.muted with the completion date, no Next Visit link).
        visits += (f'<div class="mt-1 text-xs muted">\n            Completed {_date(o.completed_on)}\n'
                   "        </div> <!----> <!---->")
    elif o.next_visit_date is not None:
        due = ""
        if o.due_date:
            # Seen: "muted" normally, "text-orange" when the due date is before the visit.
            late = "text-orange" if o.due_date < o.next_visit_date else "muted"
            due = (f' <div class="mt-1 text-sm uppercase {late}">\n                Due: {_date(o.due_date)}\n'
                   "            </div>")
        visits += (
            f'<!----> <!----> <div class="mt-2"><a href="/app/work/{o.work_id}/visits/{o.visit_id}/" class="" '
            'title="Next Visit"><div class="text-xs muted uppercase">Next Visit</div> '
            f'<div class="mt-0.5">\n                    {_date(o.next_visit_date)}\n                </div> '
            f'<div class="text-sm">\n                        ({esc(o.time_window)})\n                    </div>'
            f"{due}</a></div>"
        )
    else:
        visits += "<!----> <!----> <!---->"
    return (f'<div class="sm-12 med-5"><div class="row row-collapse"><div class="sm-6 med-7">{items_html} '
            f'<!----> <!----></div> <div class="sm-6 med-5">{visits}</div></div></div>')


def visible_instructions(text: str) -> tuple[str, bool]:
    """Given the instructions, return (the visible copy, whether it was cut): cut at
    VISIBLE_INSTRUCTIONS characters back to the last word boundary, as the capture shows."""
    if len(text) <= VISIBLE_INSTRUCTIONS:
        return text, False
    cut = text[:VISIBLE_INSTRUCTIONS]
    if not text[VISIBLE_INSTRUCTIONS].isspace() and " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(), True


def _instructions(o: WorkOrder, tooltip_class: str) -> str:
    """The instructions block: the full text in span.pre-wrap inside a hidden tooltip (line
    breaks kept), and a visible copy, truncated with a "more..." link or whole with that link
    hidden (both seen). No instructions: the block's placeholder (not captured)."""
    raw = o.instructions_raw
    if raw is None:
        return "<!---->"
    visible, cut = visible_instructions(raw)
    more_style = "" if cut else ' style="display: none;"'
    return (
        f'<div class="sm-12 med-10 text-sm mt-2"><div class="{esc(tooltip_class)} text-sm shadow-lg p-3" '
        f'style="z-index: 9; display: none;"><span class="pre-wrap">{esc(raw)}</span> '
        '<a href="#" class="block t-right text-xs">Close</a></div> <div><span class="text-sm pre-wrap" '
        'style="overflow: hidden; text-overflow: ellipsis; white-space: pre-wrap;">'
        f'{esc(visible)}</span> <a href="#" class="ml-1 text-xs"{more_style}>more...</a></div></div>'
    )


def rows_html(orders: list[WorkOrder], layout_change: bool = False, tooltip_class: str = "ks-tooltip",
              rename_block: str | None = None) -> str:
    """Given the orders of one page, return their row wrappers as the capture nests them: one
    div per order, every other one (the first too) `.bg-gray-50`, each holding the row."""
    return "".join(
        f'<div data-v-a381df7b="" class="{"bg-gray-50" if i % 2 == 0 else ""}">'
        f"{row_html(o, layout_change, tooltip_class, rename_block)}</div>"
        for i, o in enumerate(orders)
    )
