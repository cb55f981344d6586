"""The simulated site's `markup="next-release"` form: rows and dispensers as a next build of
WorkFossa's Vue app could draw them, the same content in other markup.

What changes against the captured form (wosync/sim/work_rows.py, wosync/sim/location_page.py):
  * every element carries this build's scope attribute `data-v-<hash>` (one hash for rows,
    another for the Equipment tab), as Vue's scoped styles do;
  * styling utilities are renamed with the `tw-` prefix (`mb-2` -> `tw-mb-2`, `muted` ->
    `tw-muted`, `py-1.5` -> `tw-py-1.5`), some gain siblings (`tw-leading-5`);
  * the columns of a row, its item lines and the address lines stand in extra wrappers, each
    item's quantity in a wrapper of its own;
  * a dispenser is flat: its title line in a div of its own (no `.px-2 > .flex > div`), then
    the S/N, Make/Model and custom-field lines, each label in its own wrapper;
  * the Equipment group's heading stands in a wrapper of its own.
Kept, as the contract says they are: the semantic classes (`work-list-item`, `address`,
`address-info`, `contact-name`, `work-creator`, `ks-tooltip`, `group-heading`,
`custom-fields-view`, ...), attributes the scraper reads (links, titles, the hidden style) and
every label text.
"""

from __future__ import annotations

import re

from wosync.sim import work_rows
from wosync.sim.render import esc

MARKUPS = ("classic", "next-release")
ROW_SCOPE = "data-v-3e9f5b71"
EQUIPMENT_SCOPE = "data-v-c04d2a18"

# This build's styling utilities (its own list: the tokens of the classic templates that are
# spacing, type, colour, grid or display utilities).
_UTILITY = re.compile(
    r"^(?:[mp][trblxy]?-[\d.]+|text-[\w-]+|bg-[\w-]+|w-\d{1,2}|h-[\d.]+|flex|wrap|align-\w+|jc-\w+"
    r"|(?:sm|med|lg|tab)-\d+|row|row-collapse|muted|muted-dark|uppercase|bold|ellipsis|block"
    r"|inline-block|pre-wrap|t-right|outline|right|icon|shadow-lg|show-arrow|text-tiny"
    r"|strike-through|tab-hide-down|hover:[\w-]+|rotate)$")
_CLASS = re.compile(r'class="([^"]*)"')
_OPEN_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(?=[\s>/])")


def _reclass(html: str) -> str:
    """Rename every styling utility of the classic markup to this build's `tw-` name."""
    def one(match: re.Match) -> str:
        tokens = [f"tw-{t}" if _UTILITY.match(t) else t for t in match.group(1).split()]
        if any(t.startswith("tw-text-") for t in tokens):
            tokens.append("tw-leading-5")
        return f'class="{" ".join(tokens)}"'
    return _CLASS.sub(one, html)


def _scoped(html: str, scope: str) -> str:
    """Give every element the build's scope attribute."""
    return _OPEN_TAG.sub(lambda m: f'<{m.group(1)} {scope}=""', html)


def _shell(html: str, name: str) -> str:
    """Wrap a block in this build's layout shell."""
    return f'<div class="nx-shell nx-{name} tw-contents">{html}</div>'


def _items(order) -> str:
    """Item groups: the category, then each line in a wrapper, its quantity wrapped again."""
    groups: list[list] = []
    for item in order.items:
        if not groups or groups[-1][0] != item.category:
            groups.append([item.category, []])
        code = f' <span class="muted nx-code">({esc(item.code)})</span>' if item.code else ""
        groups[-1][1].append(
            f'<div class="nx-item"><div class="flex align-center gap-1"><div class="nx-qty"><div>'
            f'{item.quantity} x </div></div> <div class="ml-2">{esc(item.name)}{code}</div></div></div>')
    return "".join(f'<div class="text-xs mb-2 nx-group"><div class="nx-heading"><div>{esc(category)}</div></div>'
                   f'{"".join(lines)}</div>' for category, lines in groups)


def row_html(order, tooltip_class: str = "ks-tooltip") -> str:
    """Given an order, return its row in the next-release form (what work_rows.row_html draws,
    re-wrapped, re-classed and scoped)."""
    o = order
    # The classic visits column with this build's item groups in place of the classic ones.
    third = work_rows._items_and_visits(o)  # noqa: SLF001 - the same package's template
    start = third.index('<div class="sm-6 med-7">') + len('<div class="sm-6 med-7">')
    end = third.index(' <!----> <!----></div> <div class="sm-6 med-5">')
    third = third[:start] + _items(o) + third[end:]
    customer = work_rows._customer_block(o)  # noqa: SLF001
    # Every address line in a wrapper of its own.
    customer = re.sub(r'(<div class="address-info text-sm"><div>)(.*?)(<!----></div> <!----></div>)',
                      lambda m: m.group(1) + re.sub(r"(<div(?: class=\"mt-1\")?>[^<]*</div>)",
                                                    r'<div class="nx-line">\1</div>', m.group(2)) + m.group(3),
                      customer, flags=re.S)
    html = (f'<div class="row py-2 work-list-item w-{o.work_id} nx-row">'
            f'{_shell(work_rows._work_block(o), "work")} {_shell(customer, "customer")} '  # noqa: SLF001
            f'{_shell(third, "items")} {_shell(work_rows._instructions(o, tooltip_class), "notes")}</div>')  # noqa: SLF001
    return _scoped(_reclass(html), ROW_SCOPE)


def rows_html(orders: list, tooltip_class: str = "ks-tooltip") -> str:
    """Given the orders of one page, return their rows, each in a wrapper of this build."""
    return "".join(f'<div {ROW_SCOPE}="" class="nx-list-item{" tw-bg-gray-50" if i % 2 == 0 else ""}">'
                   f"{row_html(o, tooltip_class)}</div>" for i, o in enumerate(orders))


def group_heading(location_id: int, type_name: str, type_id: int, count: int, collapsed: bool) -> str:
    """Return a group's heading in this build: the classic heading, scoped, re-classed and in
    a wrapper of its own."""
    from wosync.sim.location_page import group_heading as classic

    return f'<div class="nx-group-head">{classic(location_id, type_name, type_id, count, collapsed)}</div>'


def equipment_item_html(index: int, title: str, serial: str | None, make: str, model: str | None,
                        fields: dict[str, str]) -> str:
    """Return one piece of equipment, flat: the title line in a div of its own, then S/N,
    Make, the optional Model and the custom fields, each label in its own wrapper."""
    from wosync.sim.location_page import _ACTION_MENU, _HISTORY_LINK

    serial_html = (f'<div class="muted text-tiny nx-serial">S/N: {esc(serial)}</div>'
                   if serial is not None else "<!---->")
    model_html = (f'<div class="nx-spec"><span class="muted uppercase">Model:</span> {esc(model)}</div>'
                  if model is not None else "")
    fields_html = "".join(
        f'<div class="nx-field mt-2"><div class="nx-label"><div class="muted uppercase text-xs">{esc(label)}'
        f'</div></div><div class="text-xs mt-1">{esc(value)}</div></div>'
        for label, value in fields.items())
    shade = " bg-gray-50" if index % 2 else ""
    return (f'<div class="py-1.5 nx-equipment{shade}">{_ACTION_MENU}'
            f'<div class="nx-title">{esc(title)}</div>{_HISTORY_LINK}{serial_html}'
            f'<div class="text-tiny nx-specs"><div class="nx-spec"><span class="muted uppercase">Make:</span> '
            f'{esc(make)}</div>{model_html}</div>'
            f'<div class="custom-fields-view"><div class="nx-fields">{fields_html}</div></div></div>')


def equipment_markup(html: str) -> str:
    """Given the Equipment tab's markup of this build (group headings, items), return it
    re-classed and scoped."""
    return _scoped(_reclass(html), EQUIPMENT_SCOPE)
