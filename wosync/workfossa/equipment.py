"""Read a location's Equipment tab into dispensers, the `dispensers` shape of docs/design.md. Pure.

The browser opens the location page, chooses the Equipment tab, expands the Dispenser group
when it is collapsed (`dispenser_group_state` says whether it must) and hands the tab's HTML
here. The markup is the captured one (tests/fixtures/workfossa/equipment-dispensers.html);
every selector and text comes from the Equipment section of workfossa/site.py.

A location with no Dispenser group has no dispensers: []. A Dispenser group whose dispensers
cannot all be read (a block without its title line, fewer blocks than its count says, a
collapsed group with no blocks) is a layout error naming the selector: an empty or short
list would be stored as dispensers removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from wosync.workfossa import site
from wosync.workfossa.errors import LayoutNotRecognised
from wosync.workfossa.parse import collapse

_COUNT = re.compile(site.EQUIPMENT_GROUP_COUNT_PATTERN)
_SERIAL = re.compile(site.EQUIPMENT_SERIAL_PATTERN, re.IGNORECASE)
_TOGGLE = f"{site.EQUIPMENT_GROUP_EXPANDED}, {site.EQUIPMENT_GROUP_COLLAPSED}"
_DISPENSER = site.DISPENSER_GROUP_NAME.casefold()
_MAKE = site.EQUIPMENT_MAKE_LABEL.casefold()
_MODEL = site.EQUIPMENT_MODEL_LABEL.casefold()


@dataclass(frozen=True)
class DispenserGroup:
    """What the Equipment tab shows of its Dispenser group.

    present: the group's heading is there (a location without dispensers has none);
    expanded: True when its toggle says "Hide equipment", False for "Show equipment" (click
    site.EQUIPMENT_GROUP_COLLAPSED to expand it), None when neither is found (unknown markup);
    count: the heading's "(8)", None when it shows no count;
    items: the dispenser blocks in the HTML now (a collapsed group may hold none).
    """

    present: bool
    expanded: bool | None
    count: int | None
    items: int


def dispenser_group_state(html: str) -> DispenserGroup:
    """Given the Equipment tab's HTML (a fragment or a whole page), return the state of its
    Dispenser group: present, expanded or collapsed, its count and the blocks it holds."""
    heading = _dispenser_heading(LexborHTMLParser(html))
    if heading is None:
        return DispenserGroup(present=False, expanded=None, count=None, items=0)
    return _state(heading, len(_items(heading)))


def parse_dispensers(html: str) -> list[dict]:
    """Given the Equipment tab's HTML (a fragment or a whole page), return its dispensers in
    page order, each {"position", "grades", "make", "model", "serial", "fields"}; [] when the
    tab has no Dispenser group.

    Raises LayoutNotRecognised naming the selector when the group's dispensers cannot all be
    read: a block without a title line, fewer blocks than the heading's count, or a collapsed
    group that holds none (expand it first).
    """
    heading = _dispenser_heading(LexborHTMLParser(html))
    if heading is None:
        return []
    blocks = _items(heading)
    state = _state(heading, len(blocks))
    if state.count and not blocks and state.expanded is False:
        raise LayoutNotRecognised(
            f"the Dispenser group is collapsed ({site.EQUIPMENT_GROUP_COLLAPSED}) and shows "
            f"none of its {state.count} dispensers; expand it before reading",
            selector=site.EQUIPMENT_GROUP_COLLAPSED)
    if state.count is not None and len(blocks) != state.count:
        raise LayoutNotRecognised(
            f"the Dispenser group says ({state.count}) but holds {len(blocks)} dispenser "
            f"blocks ({site.EQUIPMENT_ITEM})", selector=site.EQUIPMENT_ITEM)
    return [_dispenser(block) for block in blocks]


def _dispenser_heading(tree: LexborHTMLParser) -> LexborNode | None:
    """Return the heading of the Dispenser group, or None when the tab has none."""
    for heading in tree.css(site.EQUIPMENT_GROUP_HEADING):
        name = heading.css_first(site.EQUIPMENT_GROUP_NAME)
        # Source text: the name is styled `text-transform: capitalize`.
        if name is not None and (collapse(name.text()) or "").casefold() == _DISPENSER:
            return heading
    return None


def _state(heading: LexborNode, items: int) -> DispenserGroup:
    """Given the group's heading and how many blocks it holds, return its DispenserGroup."""
    toggle = heading.css_first(_TOGGLE)
    expanded = None
    if toggle is not None:
        expanded = toggle.attributes.get("title") == site.EQUIPMENT_EXPANDED_TITLE
    found = _COUNT.search((toggle or heading).text())
    return DispenserGroup(present=True, expanded=expanded,
                          count=int(found.group(1)) if found else None, items=items)


def _items(heading: LexborNode) -> list[LexborNode]:
    """Return the group's equipment blocks: those after its heading, up to the next group's
    heading (in the capture, the heading and its items' wrapper share a div of their own)."""
    blocks = []
    sibling = heading.next
    while sibling is not None:
        if sibling.is_element_node:
            if sibling.css_matches(site.EQUIPMENT_GROUP_HEADING):
                break  # the next group (it, or a wrapper holding it)
            blocks.extend(sibling.css(site.EQUIPMENT_ITEM))
        sibling = sibling.next
    return blocks


def _dispenser(block: LexborNode) -> dict:
    """Given one dispenser block, return its dict; LayoutNotRecognised without a title line."""
    title_line = block.css_first(site.EQUIPMENT_TITLE)
    title = collapse(title_line.text(deep=False)) if title_line is not None else None
    if not title:
        raise LayoutNotRecognised(
            f"a dispenser has no title line ({site.EQUIPMENT_ITEM} {site.EQUIPMENT_TITLE}, "
            "\"1/2 - Regular, Plus - Gilbarco\")", selector=site.EQUIPMENT_TITLE)
    specs = _specs(block)
    position, grades, title_make = _split_title(title, specs.get(_MAKE))
    serial = None
    serial_line = block.css_first(site.EQUIPMENT_SERIAL)
    if serial_line is not None:
        found = _SERIAL.match(collapse(serial_line.text()) or "")
        serial = collapse(found.group(1)) if found else None
    return {
        "position": position,
        "grades": grades,
        "make": specs.get(_MAKE) or title_make,
        "model": specs.get(_MODEL),
        "serial": serial,
        "fields": _fields(block),
    }


def _split_title(title: str, make: str | None) -> tuple[str, list[str], str | None]:
    """Given "1/2 - Regular, Plus, Diesel - Gilbarco" (and the Make line's value), return
    the positions, the grades and the make the title names.

    A title of two parts (unknown) is positions and make when its second part is the Make
    line's value, else positions and grades.
    """
    parts = [part.strip() for part in title.split(site.EQUIPMENT_TITLE_SEPARATOR)]
    position = parts[0]
    if len(parts) >= 3:
        grade_text, title_make = site.EQUIPMENT_TITLE_SEPARATOR.join(parts[1:-1]), parts[-1]
    elif len(parts) == 2 and make is not None and parts[1] == make:
        grade_text, title_make = "", parts[1]
    elif len(parts) == 2:
        grade_text, title_make = parts[1], None
    else:
        grade_text, title_make = "", None
    grades = [g.strip() for g in grade_text.split(site.EQUIPMENT_GRADE_SEPARATOR) if g.strip()]
    return position, grades, title_make or None


def _specs(block: LexborNode) -> dict[str, str | None]:
    """Return {casefolded label: value} of the "Make:" / "Model:" lines."""
    specs = {}
    for label in block.css(site.EQUIPMENT_SPEC_LABEL):
        key = (collapse(label.text()) or "").casefold()
        parent = label.parent
        if key in specs or parent is None:
            continue
        parts = []
        for child in parent.iter(include_text=True):
            if child.is_text_node:
                parts.append(child.text_content)
            elif child.is_element_node and child.mem_id != label.mem_id:
                parts.append(child.text())
        specs[key] = collapse("".join(parts))
    return specs


def _fields(block: LexborNode) -> dict[str, str | None]:
    """Return the custom fields {label: value}, labels as in the source ("Meter Type")."""
    fields: dict[str, str | None] = {}
    view = block.css_first(site.EQUIPMENT_FIELDS)
    if view is None:
        return fields
    for label in view.css(site.EQUIPMENT_FIELD_LABEL):
        name = collapse(label.text())
        if not name:
            continue
        cell = label.parent
        value = cell.css_first(site.EQUIPMENT_FIELD_VALUE) if cell is not None else None
        fields[name] = collapse(value.text()) if value is not None else None
    return fields
