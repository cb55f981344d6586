"""HTML of the simulated WorkFossa pages, in the markup shape of WORKFOSSA_SITE.md's appendix.

Given data, return strings: pure functions, no I/O. Every value from the data goes through
`esc` (html.escape), so "Smith & Sons <Fuel>" reaches the browser as text, not markup.
"""

from __future__ import annotations

from html import escape

from wosync.sim.data import CATEGORIES, WorkOrder
from wosync.sim.script import LIST_SCRIPT

PAGE_SIZES = (25, 50, 100)

# The real site hides the match count below ~1024 px ("sm-hide tab-hide med-show-up").
BASE_CSS = """
body { font-family: sans-serif; margin: 0; font-size: 14px; }
.flex { display: flex; } .align-center { align-items: center; } .align-start { align-items: flex-start; }
.jc-between { justify-content: space-between; } .wrap { flex-wrap: wrap; }
.row { display: flex; flex-wrap: wrap; } .muted { color: #777; } .muted-dark { color: #555; }
.sm-6 { width: 50%; } .sm-12 { width: 100%; } .pre-wrap { white-space: pre-wrap; }
.main-nav { display: flex; gap: 1em; padding: .5em 1em; background: #223; }
.main-nav a, .main-nav button { color: #fff; }
main { padding: 1em; }
.work-list-item { border-bottom: 1px solid #ddd; padding: .5em 0; }
.pagination ul { list-style: none; display: flex; gap: .5em; padding: 0; margin: 0 1em 0 0; }
.pagination a.disabled { color: #bbb; pointer-events: none; }
.current-page { font-weight: bold; }
.ks-select { position: relative; border: 1px solid #ccc; padding: .25em .5em; cursor: pointer; min-width: 8em; }
.ks-select .select-input-field { position: absolute; opacity: 0; width: 1px; height: 1px; pointer-events: none; }
.ks-select-dropdown { position: absolute; background: #fff; border: 1px solid #ccc; z-index: 10; left: 0; top: 100%; }
.autocomplete-list { list-style: none; margin: 0; padding: 0; }
.autocomplete-list li { padding: .25em .75em; cursor: pointer; white-space: nowrap; }
.autocomplete-list li.selected-item { background: #eef; }
.loader-line { height: 3px; background: linear-gradient(90deg, #36f, #9cf); }
.list-error { color: #b00; padding: .5em 0; }
.text-orange { color: #d60; }
@media (max-width: 1023px) { .tab-hide { display: none; } }
"""


def esc(value: object) -> str:
    """Given any value, return it HTML-escaped (quotes too, so it is safe in attributes)."""
    return escape(str(value), quote=True)


def page(title: str, body: str, logged_in: bool, extra_head: str = "") -> str:
    """Given a body, return a whole HTML page; logged-in pages carry the main nav and user menu."""
    nav = ""
    if logged_in:
        nav = (
            '<nav class="main-nav"><a href="/app/dashboard">Dashboard</a>'
            '<a href="/app/work/list?work_visit_completion=none%7C%7CNo%20visits%20completed'
            '%7C%7CWork%20Visits%20Completed&amp;order_direction=asc">Work</a>'
            '<a href="/app/customers/">Customers</a>'
            '<button type="button" aria-label="User menu" class="user-menu">TO</button></nav>'
        )
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(title)}</title><style>{BASE_CSS}</style>{extra_head}</head>"
        f"<body>{nav}<main>{body}</main></body></html>"
    )


def login_page(base_url: str, token: str, email: str = "", error: str | None = None) -> str:
    """Given the base URL and the session's CSRF token, return the login page (with an error)."""
    alert = f'<div class="alert alert-danger" role="alert">{esc(error)}</div>' if error else ""
    body = f"""{alert}
<form name="login" method="post" action="{esc(base_url)}/login" class="login-form">
  <input type="hidden" name="_token" value="{esc(token)}" autocomplete="off">
  <div class="form-group mb-6"><label for="username">Email</label>
    <input type="email" name="email" placeholder="Your Email" value="{esc(email)}"></div>
  <div class="form-group"><label for="password">Password</label>
    <input type="password" name="password" placeholder="Your Password"></div>
  <div class="form-group"><label><input type="checkbox" name="remember" value="1" checked> Remember Me</label>
    <a href="{esc(base_url)}/passwords/reset" class="forgot-password">Forgot Password?</a></div>
  <input type="submit" value="Log In" class="button">
  <a href="{esc(base_url)}/sso" class="button none">SSO Login</a>
</form>"""
    return page("Work Fossa", body, logged_in=False)


def simple_page(title: str, text: str, logged_in: bool) -> str:
    """Return a plain page with a heading and one paragraph (dashboard, 404, 419...)."""
    return page(title, f"<h1>{esc(title)}</h1><p>{esc(text)}</p>", logged_in)


def work_page(order: WorkOrder) -> str:
    """Return a minimal work order page, so the links in the list lead somewhere."""
    body = (f"<h1>{esc(order.number)}</h1><p>{esc(order.customer)} {esc(order.store_number)}</p>"
            f"<p class=\"work-status\">{esc(order.status)}</p>")
    return page("Work Fossa", body, logged_in=True)


def _date(d) -> str:
    """Given a date, return it as the site shows it: MM/DD/YYYY."""
    return d.strftime("%m/%d/%Y")


def _datetime(t) -> str:
    """Given a datetime, return it as the site shows it: MM/DD/YYYY hh:mmam."""
    return t.strftime("%m/%d/%Y %I:%M") + ("am" if t.hour < 12 else "pm")


def row_html(order: WorkOrder, layout_change: bool = False) -> str:
    """Given an order, return its list row (the appendix's "One row").

    With layout_change the row uses other class names (no div.work-list-item): what a site
    redesign does to a scraper.
    """
    o = order
    wid = o.work_id
    row_class = (f"row py-2 wo-card wo-card-{wid}" if layout_change
                 else f"row py-2 work-list-item w-{wid}")
    project = ""
    if o.project:
        project = (f'<div title="Project: {esc(o.project)}" class="text-sm mb-1">'
                   f'<span class="muted">Project:</span> {esc(o.project)} </div>')
    created = _datetime(o.created_at)
    work_block = (
        f'<div class="sm-6 med-3 mb-2"><div class="flex align-center wrap">'
        f'<label class="ks-checkbox mb-1 mr-2"><input type="checkbox" value="true">'
        f'<div class="ks-checkbox-label-wrapper"><a href="/app/work/{wid}/"> {esc(o.number)} </a></div></label>'
        f'<div class="wo-category-show mb-1 mr-2"><div class="flex"><div class="w-4 h-1.5" '
        f'style="background: {CATEGORIES.get(o.category, "rgb(120, 120, 120)")}; width: 1rem; height: .375rem;">'
        f'<div class="ks-tooltip show-arrow" style="display: none;"><div class="ks-tooltip-arrow"></div> '
        f'{esc(o.category)} </div></div></div></div></div>'
        f'<div class="work-status-badge mb-1 mt-0.5"><div class="inline-block text-xs py-0.5 px-2 outline '
        f'{o.status_kind}"> {esc(o.status)} </div></div>'
        f'<div class="text-sm mb-1"><span class="muted">Reason:</span> {esc(o.reason)} </div>'
        f'<div>{project}</div>'
        f'<div title="Created by: {esc(o.created_by)} {created}" '
        f'class="work-creator text-xs muted ellipsis mt-2.5">{esc(o.created_by)} • {created}</div>'
        f'</div>'
    )
    intersection = f'<div class="mt-1">{esc(o.intersection)}</div>' if o.intersection else ""
    phone = f' <a href="tel:{esc(o.contact_phone)}">{esc(o.contact_phone)}</a>' if o.contact_phone else ""
    customer_block = (
        f'<div class="sm-6 med-4 mb-2"><div class="address flex align-start text-sm"><div>'
        f'<div class="mb-1"><a href="/app/customers/{o.customer_id}/"> {esc(o.customer)} </a></div>'
        f'<div class="mb-1"><a href="/app/customers/locations/{o.location_id}/"> {esc(o.store_number)} </a></div>'
        f'<div class="mb-1"> {esc(o.brand)} </div>'
        f'<div class="address-info text-sm"><div><div>{esc(o.street)}</div>{intersection}'
        f'<div class="mt-1">{esc(o.city)} {esc(o.state)} {esc(o.zip)}</div>'
        f'<div class="mt-1">{esc(o.county)}</div></div></div></div></div>'
        f'<div class="contact-info-block mt-1.5 text-sm"><div class="flex align-start"><div>'
        f'<div class="contact-name text-sm"><div>{esc(o.contact_name)}{phone}</div>'
        f'<div> {esc(o.billing_company)} </div>'
        f'<div class="muted-dark"> {esc(o.account_code)} </div><div class="muted-dark"> {esc(o.terms)} </div>'
        f'</div></div></div></div>'
        f'</div>'
    )
    return (f'<div class="{row_class}">{work_block}{customer_block}'
            f'{_items_and_visits(o)}{_instructions(o)}</div>')


def _items_and_visits(o: WorkOrder) -> str:
    """Return the items groups and the visits block of a row."""
    groups: list[str] = []
    current = None
    for item in o.items:
        if item.category != current:
            groups.append(f'</div><div class="text-xs mb-2"><div>{esc(item.category)}</div>')
            current = item.category
        code = f' <span class="muted">({esc(item.code)})</span>' if item.code else ""
        groups.append(f'<div class="flex align-center"><div>{item.quantity} x </div>'
                      f'<div class="ml-2"><div>{esc(item.name)}{code}</div></div></div>')
    # Each group opens with "</div>": drop the first one and close the last group.
    items_html = "".join(groups)[len("</div>"):] + "</div>" if groups else ""
    counter = f"{o.visits_done} / {o.visits_planned}"
    if o.is_completed:
        visits = (f'<div title="{counter}" class="text-sm muted"><span><s> {counter} </s> '
                  f'<span class="text-xs uppercase">visits</span></span></div>'
                  f'<div class="mt-2 text-xs muted">Completed {_date(o.completed_on)}</div>')
    else:
        visits = (f'<div title="{counter}" class="text-sm muted"><span> {counter} '
                  f'<span class="text-xs uppercase">visits</span></span></div>')
        if o.next_visit_date is not None:
            due = (f'<div class="mt-1 text-sm uppercase text-orange"> Due: {_date(o.due_date)} </div>'
                   if o.due_date else "")
            visits += (
                f'<div class="mt-2"><a href="/app/work/{o.work_id}/visits/{o.visit_id}/" title="Next Visit">'
                f'<div class="text-xs muted uppercase">Next Visit</div>'
                f'<div class="mt-0.5"> {_date(o.next_visit_date)} </div>'
                f'<div class="text-sm"> ({esc(o.time_window)}) </div>{due}</a></div>'
            )
    return (f'<div class="sm-12 med-5"><div class="row row-collapse">'
            f'<div class="sm-6 med-7">{items_html}</div>'
            f'<div class="sm-6 med-5">{visits}</div></div></div>')


def _instructions(o: WorkOrder) -> str:
    """Return the instructions block: full text in a hidden tooltip, a truncated visible copy.

    Rows without instructions get an empty block or none at all (both happen on the real site).
    """
    raw = o.instructions_raw
    if raw is None:
        return '<div class="sm-12 med-10 text-sm mt-2"></div>' if o.work_id % 2 else ""
    if not raw.strip():
        return '<div class="sm-12 med-10 text-sm mt-2"></div>'
    # The visible copy is a prefix of the first line: never the whole text.
    visible = raw.strip().splitlines()[0][:35]
    return (
        f'<div class="sm-12 med-10 text-sm mt-2">'
        f'<div class="ks-tooltip text-sm shadow-lg p-3" style="display: none;">'
        f'<span class="pre-wrap">{esc(raw)}</span> <a href="#">Close</a></div>'
        f'<div><span class="text-sm pre-wrap" style="overflow: hidden; text-overflow: ellipsis;">'
        f'{esc(visible)}</span> <a href="#" class="ml-1 text-xs">more...</a></div></div>'
    )


def _ks_select(options: list[str], selected: str, input_html: str = "", extra_class: str = "") -> str:
    """Return a custom dropdown (div.ks-select) with its hidden loader and option list."""
    selected_attr = ' class="selected-item"'
    items = "".join(
        f'<li{selected_attr if option == selected else ""}>{esc(option)}</li>' for option in options
    )
    return (
        f'<div tabindex="0" class="ks-select mb-0 {extra_class}">{input_html}'
        f'<div class="ks-select-selection"> {esc(selected)} <span class="ks-select-arrow"></span></div>'
        f'<div class="ks-select-dropdown" style="display: none;">'
        f'<div><div class="loader-line" style="display: none;"></div></div>'
        f'<div class="ks-select-list"><ul class="autocomplete-list">{items}</ul></div></div></div>'
    )


def pagination_html(current: int, pages: int) -> str:
    """Return the list's pagination; one page only: hidden, and next-page NOT marked disabled."""
    hidden = ' style="display: none;"' if pages <= 1 else ""
    prev_class = "prev-page disabled" if current <= 1 else "prev-page"
    next_class = "next-page disabled" if (pages > 1 and current >= pages) else "next-page"
    return (
        f'<div class="pagination flex-shrink-0 text-sm list-pagination"{hidden}><ul class="row">'
        f'<li><a href="#" class="{prev_class}"> &lt; </a></li>'
        f'<li><a href="#" class="page-link current-page"> {current} </a></li>'
        f'<li><a href="#" class="{next_class}"> &gt; </a></li></ul></div>'
    )


def list_page(rows: str, matches: int, pages: int, filter_label: str, show_all: bool,
              show_matches: bool = True, show_page_size: bool = True) -> str:
    """Return the work list page with page 1 (25 rows) rendered server-side.

    Traps of the real page, on purpose: a sort ks-select before the page-size one, hidden
    .loader-line elements in the search bar, each dropdown and a modal, and a hidden second
    .pagination inside that modal. show_matches / show_page_size False leave out the
    "N matches" element / the page-size menu (the no_match_count / no_page_size_menu faults).
    """
    sort_select = _ks_select(["Sort: Work #", "Sort: Next Visit", "Sort: Customer"],
                             "Sort: Work #", extra_class="sort-select")
    size_select = _ks_select(
        [f"Show {n}" for n in PAGE_SIZES], "Show 25",
        input_html='<input type="text" name="limit" tabindex="-1" class="select-input-field" value="25">',
    ) if show_page_size else ""
    matches_html = (f'<div class="text-right muted text-sm ks-padding-fix sm-hide tab-hide '
                    f'med-show-up list-matches"> {matches} matches </div>') if show_matches else ""
    chip_value = "All visits completed" if show_all else "No visits completed"
    body = f"""
<div class="search-bar flex align-center"><input type="search" name="search" placeholder="Search work">
  <div class="loader-line" style="display: none;"></div></div>
<div class="filter-chips mt-2"><span class="ks-badge"><strong>Work Visits Completed</strong>: {esc(chip_value)}</span></div>
<div class="list-toolbar flex align-center jc-between mt-2">
  <div class="text-sm flex align-center sort-wrap">{sort_select}</div>
  <div class="simple-pagination flex align-center jc-between">
    <div class="flex align-center ks-margin-fix">
      {pagination_html(1, pages)}
      {matches_html}
    </div>
    <div class="text-sm flex align-center">{size_select}</div>
  </div>
</div>
<div class="list-loader-wrap"><div class="loader-line list-loader" style="display: none;"></div></div>
<div class="list-error" role="alert" style="display: none;"></div>
<div class="row work-list-header text-xs muted uppercase">
  <div class="sm-6 med-3">Work</div><div class="sm-6 med-4">Customer</div>
  <div class="sm-6 med-3">Items</div><div class="sm-6 med-2">Visits</div></div>
<div class="work-list" data-page="1" data-pages="{pages}" data-limit="25">{rows}</div>
<div class="modal bulk-assign-modal" style="display: none;">
  <div class="loader-line"></div>
  <h2>Assign technicians</h2>
  <div class="pagination flex-shrink-0 text-sm"><ul class="row">
    <li><a href="#" class="prev-page disabled"> &lt; </a></li>
    <li><a href="#" class="page-link current-page"> 1 </a></li>
    <li><a href="#" class="next-page"> &gt; </a></li></ul></div>
</div>
<script>{LIST_SCRIPT}</script>"""
    return page("Work Fossa", body, logged_in=True)
