"""HTML of a location's page and of its Equipment tab.

The Equipment tab's content follows tests/fixtures/workfossa/equipment-dispensers.html
exactly (a test renders the capture's 8 dispensers and compares the bytes). The page around
it, its tabs and how the tab loads are *unknown* on the real site (docs/workfossa-site.md: find the
tab by its text): here the tabs are `ul.tabs > li > a` and the Equipment tab's content is
fetched by the page's script when the tab is clicked, so a scraper has to click and wait.
"""

from __future__ import annotations

from wosync.sim.data import Location
from wosync.sim.equipment import DISPENSER_TYPE_ID, TANK_MONITOR_TYPE_ID, Dispenser, EquipmentItem, LocationEquipment
from wosync.sim.render import app_page, esc, script_data

TABS = ("Details", "Work", "Equipment", "Files")

_CHEVRON = ('<svg aria-hidden="true" focusable="false" data-prefix="far" data-icon="chevron-{way}" role="img" '
            'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" class="{rotate}svg-inline--fa fa-chevron-{way}">'
            '<path fill="currentColor" d="" class=""></path></svg>')
_ACTION_MENU = (
    '<div class="right"><div class="ks-action-menu mx-2 my-1.5"><button class="menu-button"><svg width="20" height="20" '
    'viewBox="0 0 20 20" xmlns="http://www.w3.org/2000/svg"><title>menu</title><path d="" fill="#000" '
    'fill-rule="evenodd"></path></svg></button> <div class="ks-menu-list"><a href="#" class="p-2 list-item">\n'
    '        Edit\n    </a> <a href="#" class="p-2 list-item">\n        Form History\n    </a>  <!----></div></div></div>'
)
_HISTORY_LINK = (
    '<a href="#" class="ml-2 text-xs hover:text-blue-800"><svg aria-hidden="true" focusable="false" data-prefix="far" '
    'data-icon="clock-rotate-left" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" '
    'class="svg-inline--fa fa-clock-rotate-left"><path fill="currentColor" d="" class=""></path></svg> '
    '<div class="ks-tooltip mx-2" style="display: none;"><!----> <div class="px-3 py-2"><div class="history-log-list">'
    "<!----> <ul></ul></div></div></div></a>"
)


def group_heading(location_id: int, type_name: str, type_id: int, count: int, collapsed: bool) -> str:
    """Return a group's div.group-heading: a[title="Hide equipment"] (or "Show equipment"
    when collapsed) holding span.bold with the type and "(N)", and the "Add <type>" link."""
    title = "Show equipment" if collapsed else "Hide equipment"
    chevron = _CHEVRON.format(way="down", rotate="") if collapsed else _CHEVRON.format(way="up", rotate="rotate ")
    return (
        '<div class="group-heading flex align-baseline jc-between px-2 py-2" style="border-bottom: 1px solid '
        'rgb(204, 204, 204);"><div class="text-normal text-gray-600">'
        f'<a href="#" title="{title}" class="ml-1"><span class="bold" style="text-transform: capitalize;">'
        f"{esc(type_name)}</span> ({count})\n                        {chevron}</a></div> "
        f'<div class="right text-sm"><a href="/app/customers/locations/{location_id}/equipment?location_id='
        f'{location_id}&amp;equipment_type_id={type_id}" class="">\n                        Add {esc(type_name)}\n'
        "                    </a></div></div>"
    )


def equipment_item_html(index: int, title: str, serial: str | None, make: str, model: str | None,
                        fields: dict[str, str]) -> str:
    """Return one piece of equipment as the capture's div.py-1.5 (every other one .bg-gray-50):
    the title line, the optional S/N line, Make and the optional Model line, the custom fields
    view."""
    model_html = (f'<div><span class="muted uppercase">Model:</span> {esc(model)}</div>'
                  if model is not None else "<!---->")
    serial_html = (f'<div class="muted text-tiny">\n        S/N: {esc(serial)}\n    </div> '
                   if serial is not None else "<!----> ")
    fields_html = "".join(
        '<div class="mt-2 sm-12 tab-6 lg-4"><div class="muted uppercase text-xs">\n'
        f"        {esc(label)}\n    </div> <div class=\"text-xs mt-1\">\n        {esc(value)}\n    </div></div>"
        for label, value in fields.items()
    )
    shade = " bg-gray-50" if index % 2 else ""
    return (
        f'<div class="py-1.5{shade}">{_ACTION_MENU} <div class="px-2"><div class="flex align-start"><div>\n'
        f"    {esc(title)}\n    {_HISTORY_LINK} <!----> "
        f'{serial_html}'
        f'<div class="text-tiny"><div><span class="muted uppercase">Make:</span> {esc(make)}</div> {model_html}</div> '
        f'<!----></div></div> <div class="custom-fields-view"><div class="row row-collapse">{fields_html}</div></div>'
        "</div></div>"
    )


def _item_template(markup: str):
    if markup == "next-release":
        from wosync.sim.next_release import equipment_item_html as next_item

        return next_item
    return equipment_item_html


def dispensers_html(dispensers: list[Dispenser], markup: str = "classic") -> str:
    """Return the dispensers' div.py-1.5 items, in order (in the markup's form)."""
    item = _item_template(markup)
    return "".join(item(i, d.title(), d.serial, d.make, d.model, d.fields) for i, d in enumerate(dispensers))


def _items_html(items: list[EquipmentItem], markup: str = "classic") -> str:
    item = _item_template(markup)
    return "".join(item(i, e.title, e.serial, e.make, e.model, e.fields) for i, e in enumerate(items))


def group_html(location_id: int, type_name: str, type_id: int, count: int, items: str, collapsed: bool,
               markup: str = "classic") -> str:
    """Return one equipment group (div.mt-4: heading, then the items' wrapper). Collapsed, the
    wrapper is empty: the page's script puts the items in when the group is expanded."""
    if markup == "next-release":
        from wosync.sim.next_release import group_heading as heading
    else:
        heading = group_heading
    return (f'<div class="mt-4">{heading(location_id, type_name, type_id, count, collapsed)} '
            f'<div class="" style="opacity: 1;">{"" if collapsed else items}</div></div>')


def equipment_tab(location_id: int, equipment: LocationEquipment, collapsed: bool,
                  markup: str = "classic") -> dict:
    """Return the Equipment tab's content for the page's script: {"html": the groups (items
    left out of collapsed ones), "groups": each group's items markup, in order}; `markup`
    "next-release" draws them in that form (wosync/sim/next_release.py).

    A location without dispensers has no Dispenser group at all; with no equipment at all the
    tab says so (*unknown* text on the real site).
    """
    groups = []
    if equipment.tank_monitors:
        groups.append(("Tank Monitor", TANK_MONITOR_TYPE_ID, len(equipment.tank_monitors),
                       _items_html(equipment.tank_monitors, markup)))
    if equipment.dispensers:
        groups.append(("Dispenser", DISPENSER_TYPE_ID, len(equipment.dispensers),
                       dispensers_html(equipment.dispensers, markup)))
    if not groups:
        return {"html": '<div class="mt-4 muted text-sm">No equipment found.</div>', "groups": []}
    html = "".join(group_html(location_id, name, type_id, count, items, collapsed, markup)
                   for name, type_id, count, items in groups)
    if markup == "next-release":
        from wosync.sim.next_release import equipment_markup

        return {"html": equipment_markup(html), "groups": [equipment_markup(items) for *_, items in groups]}
    return {"html": html, "groups": [items for *_, items in groups]}


# What the real site says on a deleted location's page (docs/workfossa-site.md; its markup is
# unknown: an alert line here, and no tabs).
LOCATION_DELETED = "Could not find this location. It may have been deleted."


def location_page(user: str, location: Location | None, location_id: int, deleted: bool = False) -> str:
    """Return /app/customers/locations/<id>/: the layout, the location's name and address,
    and the tabs (Details shown; Equipment loads on click). `location` None: a location the
    list never showed (the page still opens, with just its id). `deleted`: the page says
    LOCATION_DELETED instead, with no tabs."""
    from wosync.sim.script import LOCATION_SCRIPT

    if deleted:
        content = (' <div class="row"><div class="sm-12"><div class="ks-alert alert-error text-sm mt-4">'
                   f"{LOCATION_DELETED}</div></div></div>")
        return app_page(user, "customers", ['<a href="/app/customers/">Customers</a>', "Location"], content)

    if location is not None:
        name = f"{location.customer.name} {location.store_number}"
        details = (
            '<div class="mt-4 text-sm"><div class="address-info">'
            f"<div>{esc(location.street)}</div>"
            + (f'<div class="mt-1">{esc(location.intersection)}</div>' if location.intersection else "")
            + f'<div class="mt-1">{esc(location.city)} {esc(location.state)} {esc(location.zip)}</div>'
            f'<div class="mt-1">{esc(location.county)}</div></div></div>'
        )
    else:
        name, details = f"Location {location_id}", '<div class="mt-4 text-sm muted">No details.</div>'
    tabs = "".join(f'<li class="{"active" if tab == "Details" else ""}"><a href="#">{tab}</a></li>' for tab in TABS)
    content = (
        ' <div class="row"><div class="sm-12">'
        f'<h2 class="location-name">{esc(name)}</h2>'
        f'<ul class="tabs">{tabs}</ul>'
        '<div class="tabs-loader" style="height: 5px;"><div class="loader-line" style="height: 5px; z-index: 1; '
        'display: none;"></div></div>'
        f'<div class="tab-content">{details}</div></div></div>'
    )
    state = {"equipmentUrl": f"/app/customers/locations/{location_id}/equipment/tab",
             "panels": {"Details": details, "Work": '<div class="mt-4 text-sm muted">Work at this location.</div>',
                        "Files": '<div class="mt-4 text-sm muted">No files.</div>'}}
    crumbs = ['<a href="/app/customers/">Customers</a>', esc(name)]
    script = f"<script>var LOCATION_STATE = {script_data(state)};</script><script>{LOCATION_SCRIPT}</script>"
    return app_page(user, "customers", crumbs, content, script)


def equipment_add_page(user: str, location_id: int) -> str:
    """Return the "Add Dispenser" link's target: a stub (the real form is unknown)."""
    content = (' <div class="row"><div class="sm-12"><p class="text-sm muted">'
               f"Adding equipment to location {location_id} is not simulated.</p></div></div>")
    return app_page(user, "customers", ['<a href="/app/customers/">Customers</a>', "Add equipment"], content)
