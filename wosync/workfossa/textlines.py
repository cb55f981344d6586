"""Text and tree helpers of the parsers (workfossa/parse.py, workfossa/equipment.py): lines as
a reader sees them, source text, siblings and ancestors in a selectolax (lexbor) tree. They hold
no knowledge of the site: only of HTML.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

# HTML elements whose edges end a line on screen (HTML knowledge, not the site's): text on
# either side must not run together.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th "
    "thead tr ul".split()
)


def collapse(text: str | None) -> str | None:
    """Given a single-line field's text, return it with whitespace runs collapsed and trimmed;
    empty -> None."""
    if text is None:
        return None
    return " ".join(text.split()) or None


def is_match(node: LexborNode, selector: str) -> bool:
    """Return True when the element itself matches the selector (lexbor's css_matches is also
    true of an element that only holds a match)."""
    mem_id = node.mem_id
    return any(found.mem_id == mem_id for found in node.css(selector))


def elements(node: LexborNode) -> list[LexborNode]:
    """Return the node's child elements (no text, no comments), in order."""
    return [child for child in node.iter() if child.is_element_node]


def within(node: LexborNode, ancestor: LexborNode, limit: LexborNode) -> bool:
    """Return True when `ancestor` is the node or one of its ancestors, looking no higher than
    `limit` (an ancestor of both)."""
    target, stop = ancestor.mem_id, limit.mem_id
    while node is not None:
        node_id = node.mem_id
        if node_id == target:
            return True
        if node_id == stop:
            return False
        node = node.parent
    return False


def first_in_each(parts: list[LexborNode], found: list[LexborNode],
                   container: LexborNode) -> list[LexborNode | None]:
    """Given child elements of `container` and elements found in it (document order), return
    for each part the first found element that is the part or inside it (None without one):
    what part.css_first() gives, from one query of the container."""
    index = {part.mem_id: i for i, part in enumerate(parts)}
    stop = container.mem_id
    firsts: list[LexborNode | None] = [None] * len(parts)
    for element in found:
        node = element
        while node is not None and node.mem_id != stop:
            i = index.get(node.mem_id)
            if i is not None:  # the part holding it: the ancestor that is a child of container
                if firsts[i] is None:
                    firsts[i] = element
                break
            node = node.parent
    return firsts


def next_element(node: LexborNode) -> LexborNode | None:
    """Return the next sibling that is an element (skipping text and comments), or None."""
    following = node.next
    while following is not None and not following.is_element_node:
        following = following.next
    return following


def source_text(node: LexborNode) -> str:
    """Return the text exactly as in the source (DOM textContent), a <br> read as a line
    break: what a pre-wrap element shows."""
    only = node.first_child
    if only is not None and only.next is None and only.is_text_node:
        return only.text_content  # one text, no <br> (every copy seen)
    parts = []
    for child in node.traverse(include_text=True):
        if child.is_text_node:
            parts.append(child.text_content)
        elif child.tag == "br":
            parts.append("\n")
    return "".join(parts)


def lines(node: LexborNode) -> list[str]:
    """Return the text as the lines a reader sees: block elements and <br> end a line; each
    line collapsed and trimmed; empty lines dropped."""
    lines: list[str] = []
    buffer: list[str] = []
    walk_lines(node, lines, buffer)
    if buffer:
        end_line(lines, buffer)
    return lines


def walk_lines(parent: LexborNode, lines: list[str], buffer: list[str]) -> None:
    """Add the text under `parent` to the line being built (`buffer`), ending lines (into
    `lines`) at the edges of block elements and at <br>."""
    for child in parent.iter(include_text=True):
        text = child.text_content  # None but for text
        if text is not None:
            buffer.append(text)
            continue
        tag = child.tag
        if tag[0] == "-":  # "-comment", ...
            continue
        block = tag in _BLOCK_TAGS
        if block or tag == "br":
            if buffer:
                end_line(lines, buffer)
            if not block:
                continue
        only = child.first_child  # (an inline element is part of the current line)
        if only is not None and only.next is None and only.is_text_node:
            buffer.append(only.text_content)  # one text (most lines): no walk below
        elif only is not None:
            walk_lines(child, lines, buffer)
        if block and buffer:
            end_line(lines, buffer)


def end_line(lines: list[str], buffer: list[str]) -> None:
    """End the line being built: add it to `lines` collapsed (unless blank), empty `buffer`."""
    line = " ".join("".join(buffer).split())
    buffer.clear()
    if line:
        lines.append(line)
