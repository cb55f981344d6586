"""Read a work-list row's items ("6 x All Dispensers (2861)" under a category) into the
`items` of docs/design.md: by their groups (site.ITEM_GROUP, the primary way) or, where the groups'
utility classes are renamed or gone, by the lines' text (the fallback). Pure: no browser.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from wosync.workfossa import site
from wosync.workfossa.errors import LayoutNotRecognised
from wosync.workfossa.textlines import collapse, elements, first_in_each

_ITEM_LINE = re.compile(site.ITEM_LINE_PATTERN, re.IGNORECASE)
_ITEM_FALLBACK = re.compile(site.ITEM_LINE_FALLBACK_PATTERN, re.IGNORECASE)
_ITEM_CODE = re.compile(site.ITEM_CODE_PATTERN)
# Every element inside an element hidden at rest (the tooltips hold no item).
_INSIDE_HIDDEN = ", ".join(f"{hidden} *" for hidden in site.HIDDEN.split(", "))


def read_items(row: LexborNode, fallbacks: set[str]) -> list[dict]:
    """Return the items: each group (div.text-xs.mb-2) is a heading, then "N x Name (CODE)"
    lines whose code sits in span.muted. Without such a group (its utility classes renamed or
    gone), the fallback finds the lines by their text."""
    items = []
    for group in row.css(site.ITEM_GROUP):
        heading, *item_lines = elements(group) or [None]
        if heading is None or not item_lines:
            continue
        category = collapse(heading.text())
        codes = first_in_each(item_lines, group.css(site.ITEM_CODE), group)
        for line, code_span in zip(item_lines, codes):
            items.append(_item(category, line, code_span))
    if items:
        return items
    for category, line in _item_lines_by_text(row):
        items.append(_item(category, line, line.css_first(site.ITEM_CODE), by_text=True))
    if items:
        fallbacks.add("items")
    return items


def _item_lines_by_text(row: LexborNode) -> list[tuple[str | None, LexborNode]]:
    """Return (category, line) of every item line found by its text: the widest element whose
    text reads "N x Name" (climbing from the element whose own text starts with a digit), its
    group's first element that is no item line giving the category."""
    hidden = {node.mem_id for node in row.css(_INSIDE_HIDDEN)}
    found: list[tuple[str | None, LexborNode]] = []
    seen: set[int] = set()
    for node in row.traverse():
        # Cheap test first: the element's own text starts with the quantity ("1 x ").
        if not node.is_element_node:
            continue  # (traverse() yields comments too)
        own = (node.text(deep=False) or "").lstrip()
        if not own[:1].isdigit() or node.mem_id in hidden:
            continue
        # Climb while the text still starts with the quantity; the widest reading "N x Name"
        # is the line (the quantity may stand in wrappers of its own).
        line, climbing = None, node
        while climbing is not None and climbing.mem_id != row.mem_id:
            text = collapse(climbing.text(separator=" ")) or ""
            if not text[:1].isdigit():
                break
            if _ITEM_FALLBACK.match(text):
                line = climbing
            climbing = climbing.parent
        if line is None or line.mem_id in seen:
            continue
        seen.add(line.mem_id)
        group = line.parent
        heading = next((child for child in elements(group)
                        if not _ITEM_FALLBACK.match(collapse(child.text(separator=" ")) or "")),
                       None) if group is not None else None
        found.append((collapse(heading.text()) if heading is not None else None, line))
    return found


def _item(category: str | None, line: LexborNode, code_span: LexborNode | None,
          by_text: bool = False) -> dict:
    """Return one item from its line ("6 x All Dispensers (2861)") and the line's code span;
    `by_text`: without a code span, the trailing "(CODE)" is the code."""
    text = line.text(separator=" ")
    code = None
    if code_span is None and by_text and (trailing := _ITEM_CODE.search(collapse(text) or "")):
        text = (collapse(text) or "")[: trailing.start()]
        code = collapse(trailing.group(1))
    elif code_span is not None:
        code_text = code_span.text(separator=" ")
        before, _, after = text.rpartition(code_text)
        text = before + after
        code = collapse(code_text.strip().strip("()"))
    text = collapse(text) or ""
    quantity_and_name = _ITEM_LINE.match(text)
    if quantity_and_name is None:
        raise LayoutNotRecognised(
            f"an item line does not read 'N x Name': {text or None!r}",
            selector=site.ITEM_GROUP_SHOWN,
        )
    # Read from collapsed text, the name is collapsed already.
    return {"category": category, "quantity": int(quantity_and_name.group(1)),
            "name": quantity_and_name.group(2) or None, "code": code}
