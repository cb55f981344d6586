"""Read a location's Equipment tab into dispensers, the `dispensers` shape of docs/design.md. Pure.

The browser opens the location page, chooses the Equipment tab, expands the Dispenser group
when it is collapsed (`dispenser_group_state` says whether it must) and hands the tab's HTML
here. The markup is the captured one (tests/fixtures/workfossa/equipment-dispensers.html) or
any that keeps its classes and label texts: the title line is the block's first line of text
reading "positions - grades - make", wherever its wrappers put it, and each styling utility
the capture shows (`py-1.5`, `bold`, `muted`, `text-xs`, ...) has a text-pattern fallback,
counted per dispenser in a FieldStrategies when one is given. Every selector and text comes
from the Equipment section of workfossa/site.py.

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
from wosync.workfossa.strategies import FieldStrategies
from wosync.workfossa.textlines import collapse, is_match, next_element

_COUNT = re.compile(site.EQUIPMENT_GROUP_COUNT_PATTERN)
_SERIAL = re.compile(site.EQUIPMENT_SERIAL_PATTERN, re.IGNORECASE)
_TOGGLE = site.EQUIPMENT_TOGGLE
_TITLE = re.compile(site.EQUIPMENT_TITLE_PATTERN)
# Elements inside one hidden at rest (the history tooltip beside the title) hold no line.
_INSIDE_HIDDEN = ", ".join(f"{hidden} *" for hidden in site.HIDDEN.split(", "))
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
    heading = _dispenser_heading(LexborHTMLParser(html), set())
    if heading is None:
        return DispenserGroup(present=False, expanded=None, count=None, items=0)
    return _state(heading, len(_items(heading, set())))


def parse_dispensers(html: str, strategies: FieldStrategies | None = None) -> list[dict]:
    """Given the Equipment tab's HTML (a fragment or a whole page), return its dispensers in
    page order, each {"position", "grades", "make", "model", "serial", "fields"}; [] when the
    tab has no Dispenser group.

    Raises LayoutNotRecognised naming the selector when the group's dispensers cannot all be
    read: a block without a title line, fewer blocks than the heading's count, or a collapsed
    group that holds none (expand it first).
    """
    group_fallbacks: set[str] = set()
    heading = _dispenser_heading(LexborHTMLParser(html), group_fallbacks)
    if heading is None:
        return []
    blocks = _items(heading, group_fallbacks)
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
    dispensers = []
    for block in blocks:
        fallbacks = set(group_fallbacks)
        dispensers.append(_dispenser(block, fallbacks))
        if strategies is not None:
            strategies.add_row(fallbacks)
    return dispensers


def _dispenser_heading(tree: LexborHTMLParser, fallbacks: set[str]) -> LexborNode | None:
    """Return the heading of the Dispenser group, or None when the tab has none. Its name is
    the EQUIPMENT_GROUP_NAME element's text, or (fallback) its toggle's text less the count."""
    for heading in tree.css(site.EQUIPMENT_GROUP_HEADING):
        name = heading.css_first(site.EQUIPMENT_GROUP_NAME)
        if name is not None:
            text = name.text()
        elif (toggle := heading.css_first(_TOGGLE)) is not None:
            text = _COUNT.sub("", toggle.text())
        else:
            continue
        # Source text: the name is styled `text-transform: capitalize`.
        if (collapse(text) or "").casefold() == _DISPENSER:
            if name is None:
                fallbacks.add("group")
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


def _group_siblings(heading: LexborNode) -> list[LexborNode]:
    """Return the elements after the heading that hold its group's items, up to the next
    group's heading. The heading is first climbed out of wrappers that hold only it (a
    release may wrap it: docs/workfossa-site.md, wrappers are not the contract)."""
    node = heading
    while next_element(node) is None and node.parent is not None and node.parent.tag != "body":
        node = node.parent
    siblings = []
    sibling = next_element(node)
    while sibling is not None:
        if sibling.css_matches(site.EQUIPMENT_GROUP_HEADING) or \
                sibling.css_first(site.EQUIPMENT_GROUP_HEADING) is not None:
            break  # the next group (it, or a wrapper holding it)
        siblings.append(sibling)
        sibling = next_element(sibling)
    return siblings


def _items(heading: LexborNode, fallbacks: set[str]) -> list[LexborNode]:
    """Return the group's equipment blocks: those after its heading, up to the next group's
    heading (in the capture, the heading and its items' wrapper share a div of their own);
    without an EQUIPMENT_ITEM among them (fallback), one block around each title line."""
    siblings = _group_siblings(heading)
    # (A node's css() includes the node itself.)
    blocks = [block for sibling in siblings for block in sibling.css(site.EQUIPMENT_ITEM)]
    if blocks or not siblings:
        return blocks
    blocks = _blocks_by_title(siblings)
    if blocks:
        fallbacks.add("block")
    return blocks


def _blocks_by_title(siblings: list[LexborNode]) -> list[LexborNode]:
    """Return one block per title line in these elements: the widest element around the
    title that holds no other title line (the group's container excluded)."""
    hidden = {node.mem_id for sibling in siblings for node in sibling.css(_INSIDE_HIDDEN)}
    titles = [node for sibling in siblings for node in sibling.css(site.EQUIPMENT_TITLE)
              if _is_title(node, hidden)]
    stop = siblings[0].parent.mem_id if siblings[0].parent is not None else None
    holding: dict[int, int] = {}  # element -> title lines inside it
    for title in titles:
        node = title
        while node is not None and node.mem_id != stop:
            holding[node.mem_id] = holding.get(node.mem_id, 0) + 1
            node = node.parent
    blocks = []
    for title in titles:
        block = title
        while (parent := block.parent) is not None and parent.mem_id != stop \
                and holding.get(parent.mem_id) == 1:
            block = parent
        blocks.append(block)
    return blocks


def _is_title(node: LexborNode, hidden: set[int]) -> bool:
    """Return True when the element's own text (not its children's) reads as a title line
    and it is not inside an element hidden at rest (`hidden`: their mem_ids)."""
    own = node.text(deep=False)
    return bool(own) and _TITLE.match(" ".join(own.split())) is not None and \
        node.mem_id not in hidden


def _title(block: LexborNode) -> str | None:
    """Return the block's title line: the first EQUIPMENT_TITLE element whose own text reads
    "positions - grades - make" (EQUIPMENT_TITLE_PATTERN), collapsed; None without one."""
    hidden = {node.mem_id for node in block.css(_INSIDE_HIDDEN)}
    for node in block.css(site.EQUIPMENT_TITLE):  # the block itself included
        if _is_title(node, hidden):
            return collapse(node.text(deep=False))
    return None


def _serial(block: LexborNode, fallbacks: set[str]) -> str | None:
    """Return the S/N line's value from EQUIPMENT_SERIAL, or (fallback) from the first element
    whose own text reads "S/N: ..."; None without an S/N line (or with an empty one)."""
    line = block.css_first(site.EQUIPMENT_SERIAL)
    if line is not None:
        found = _SERIAL.match(collapse(line.text()) or "")
        return collapse(found.group(1)) if found else None
    for node in block.traverse():
        if not node.is_element_node:
            continue  # (traverse() yields comments too)
        found = _SERIAL.match(collapse(node.text(deep=False)) or "")
        if found:
            fallbacks.add("serial")
            return collapse(found.group(1))
    return None


def _dispenser(block: LexborNode, fallbacks: set[str]) -> dict:
    """Given one dispenser block, return its dict; LayoutNotRecognised without a title line."""
    title = _title(block)
    if not title:
        raise LayoutNotRecognised(
            f"a dispenser has no title line (in {site.EQUIPMENT_ITEM}: the first "
            f"{site.EQUIPMENT_TITLE} whose own text reads \"1/2 - Regular, Plus - Gilbarco\")",
            selector=site.EQUIPMENT_TITLE)
    specs = _specs(block, fallbacks)
    position, grades, title_make = _split_title(title, specs.get(_MAKE))
    serial = _serial(block, fallbacks)
    return {
        "position": position,
        "grades": grades,
        "make": specs.get(_MAKE) or title_make,
        "model": specs.get(_MODEL),
        "serial": serial,
        "fields": _fields(block, fallbacks),
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


def _specs(block: LexborNode, fallbacks: set[str]) -> dict[str, str | None]:
    """Return {casefolded label: value} of the "Make:" / "Model:" lines: the label a
    EQUIPMENT_SPEC_LABEL (primary) or any span whose text is the label (fallback)."""
    specs = {}
    for label in block.css(site.EQUIPMENT_SPEC_LABEL_ANY):
        key = (collapse(label.text()) or "").casefold()
        parent = label.parent
        if key not in (_MAKE, _MODEL) or key in specs or parent is None:
            continue
        if not is_match(label, site.EQUIPMENT_SPEC_LABEL):
            fallbacks.add("make" if key == _MAKE else "model")
        parts = []
        for child in parent.iter(include_text=True):
            if child.is_text_node:
                parts.append(child.text_content)
            elif child.is_element_node and child.mem_id != label.mem_id:
                parts.append(child.text())
        specs[key] = collapse("".join(parts))
    return specs


def _fields(block: LexborNode, fallbacks: set[str]) -> dict[str, str | None]:
    """Return the custom fields {label: value}, labels as in the source ("Meter Type"), every
    label kept: each EQUIPMENT_FIELD_LABEL and the EQUIPMENT_FIELD_VALUE after it (primary),
    or (fallback) the view's innermost elements paired in order."""
    view = block.css_first(site.EQUIPMENT_FIELDS)
    if view is None:
        return {}
    pairs: list[list] = []
    # (css_matches is true of an element holding a match too: membership is exact.)
    labels = {node.mem_id for node in view.css(site.EQUIPMENT_FIELD_LABEL)}
    values = {node.mem_id for node in view.css(site.EQUIPMENT_FIELD_VALUE)}
    for node in view.traverse():
        if node.mem_id in labels:
            pairs.append([node, None])
        elif pairs and pairs[-1][1] is None and node.mem_id in values:
            pairs[-1][1] = node
    if not pairs:
        leaves = [node for node in view.traverse() if node.is_element_node
                  and node.mem_id != view.mem_id
                  and not any(child.is_element_node for child in node.iter())]
        pairs = [[leaves[i], leaves[i + 1] if i + 1 < len(leaves) else None]
                 for i in range(0, len(leaves), 2)]
        if pairs:
            fallbacks.add("fields")
    fields: dict[str, str | None] = {}
    for label, value in pairs:
        name = collapse(label.text())
        if name:
            fields[name] = collapse(value.text()) if value is not None else None
    return fields
