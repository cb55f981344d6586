"""A very small read-only DOM built with the standard library's html.parser.

Given an HTML fragment (the outerHTML of one work-list row), `parse_fragment` returns a tree of
`Element`s with just enough querying for the row parser: find by tag, class and attribute, walk
children, and read text two ways (one-line text for labels, raw text for multi-line tooltips).
No CSS selector engine: the row parser states its queries as small predicates instead.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Callable, Iterator

# Elements that never have children (the parser sees no end tag for them).
VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
# Elements whose edges separate words on screen: text on either side must not run together.
BLOCK_ELEMENTS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th "
    "thead tr ul".split()
)
_WHITESPACE = re.compile(r"\s+")


class Document:
    """All elements of one parsed fragment in document order, and an index of them by tag
    (`"a"`), class (`".muted"`) and title attribute (`"[title]"`)."""

    __slots__ = ("elements", "index")

    def __init__(self) -> None:
        self.elements: list[Element] = []
        self.index: dict[str, list[Element]] = {}

    def add(self, element: "Element") -> int:
        """Record an element (in document order); return its position."""
        position = len(self.elements)
        self.elements.append(element)
        index = self.index
        index.setdefault(element.tag, []).append(element)
        for name in element.classes:
            index.setdefault("." + name, []).append(element)
        if "title" in element.attrs:  # the one attribute the row parser looks elements up by
            index.setdefault("[title]", []).append(element)
        return position


class Element:
    """One element: its tag, attributes, and children (Elements and text strings, in order)."""

    # Every element of a document sits in one list in document order (`_document`); an
    # element's descendants are the slice [_start + 1, _end). Searching a slice is much
    # faster than walking the tree, and rows are parsed by the thousand.
    __slots__ = ("tag", "attrs", "children", "parent", "classes", "_document", "_start", "_end")

    def __init__(self, tag: str, attrs: dict[str, str], parent: "Element | None",
                 document: Document):
        self.tag = tag
        self.attrs = attrs
        self.children: list[Element | str] = []
        self.parent = parent
        self.classes = frozenset(attrs.get("class", "").split())
        self._document = document
        self._end: int | None = None  # set when the element closes
        self._start = document.add(self)

    def __repr__(self) -> str:
        return f"<{self.tag} class={self.attrs.get('class', '')!r}>"

    def has_class(self, *names: str) -> bool:
        """Return True when this element carries every one of the given class names."""
        classes = self.classes
        for name in names:
            if name not in classes:
                return False
        return True

    def elements(self) -> list["Element"]:
        """Return the child elements (not text), in document order."""
        return [child for child in self.children if isinstance(child, Element)]

    def descendants(self) -> list["Element"]:
        """Return every descendant element in document order (not this element itself)."""
        elements = self._document.elements
        end = self._end if self._end is not None else len(elements)
        return elements[self._start + 1:end]

    def select(self, key: str) -> list["Element"]:
        """Given a tag ("a"), a class (".muted") or "[title]" (has a title), return the
        descendants that have it, in document order (an index look-up, not a tree walk)."""
        start = self._start
        end = self._end if self._end is not None else len(self._document.elements)
        return [e for e in self._document.index.get(key, ()) if start < e._start < end]

    def select_one(self, key: str) -> "Element | None":
        """Return the first descendant that select(key) would return, or None."""
        start = self._start
        end = self._end if self._end is not None else len(self._document.elements)
        for element in self._document.index.get(key, ()):
            if start < element._start < end:
                return element
        return None

    def find_all(self, match: Callable[["Element"], bool]) -> list["Element"]:
        """Return every descendant for which `match(element)` is true, in document order."""
        return [element for element in self.descendants() if match(element)]

    def find(self, match: Callable[["Element"], bool]) -> "Element | None":
        """Return the first descendant for which `match(element)` is true, or None."""
        for element in self.descendants():
            if match(element):
                return element
        return None

    def ancestors(self) -> Iterator["Element"]:
        """Yield the parent, its parent, and so on up to the root."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def next_element_sibling(self) -> "Element | None":
        """Return the next element among the parent's children, or None."""
        if self.parent is None:
            return None
        siblings = self.parent.elements()
        index = next(i for i, sibling in enumerate(siblings) if sibling is self)
        return siblings[index + 1] if index + 1 < len(siblings) else None

    def raw_text(self) -> str:
        """Return the text content exactly as in the source (like DOM textContent), with a
        <br> read as a line break."""
        parts: list[str] = []
        self._collect(parts, block_separator="", skip=None, br="\n")
        return "".join(parts)

    def text(self, skip: Callable[["Element"], bool] | None = None) -> str:
        """Return the text as one line: block edges separate words, whitespace runs become one
        space, trimmed. Elements for which `skip(element)` is true are left out."""
        parts: list[str] = []
        self._collect(parts, block_separator=" ", skip=skip, br=" ")
        return _WHITESPACE.sub(" ", "".join(parts)).strip()

    def lines(self) -> list[str]:
        """Return the text as the lines a reader sees: block elements and <br> end a line;
        each line collapsed and trimmed; empty lines dropped."""
        lines: list[str] = []
        buffer: list[str] = []

        def flush() -> None:
            line = collapse("".join(buffer))
            buffer.clear()
            if line:
                lines.append(line)

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, str):
                    buffer.append(child)
                elif child.tag == "br":
                    flush()
                elif child.tag in BLOCK_ELEMENTS:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)  # inline: part of the current line

        walk(self)
        flush()
        return lines

    def _collect(self, parts: list[str], block_separator: str, skip, br: str) -> None:
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
                continue
            if skip is not None and skip(child):
                continue
            if child.tag == "br":
                parts.append(br)
                continue
            is_block = child.tag in BLOCK_ELEMENTS
            if is_block:
                parts.append(block_separator)
            child._collect(parts, block_separator, skip, br)
            if is_block:
                parts.append(block_separator)


class _TreeBuilder(HTMLParser):
    """html.parser callbacks that build the Element tree under one synthetic root."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # &amp; &lt; etc. arrive already decoded
        self.document = Document()
        self.root = Element("#root", {}, None, self.document)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current,
                          self.document)
        self.current.children.append(element)
        if tag in VOID_ELEMENTS:
            element._end = len(self.document.elements)
        else:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.current,
                          self.document)
        element._end = len(self.document.elements)
        self.current.children.append(element)

    def handle_endtag(self, tag):
        # Close up to the nearest open element of this tag (closing the ones left open inside
        # it); ignore a stray end tag.
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is self.root:
            return
        closing = self.current
        while closing is not node.parent:
            closing._end = len(self.document.elements)
            closing = closing.parent
        self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


# The fast path reads HTML as a browser serialises it (outerHTML): every "<" in text is
# escaped, attribute values are quoted, comments are whole. Anything else (a raw-text element
# such as <script>, a doctype, a stray "<") sends the fragment to html.parser instead.
_TOKEN = re.compile(
    r"""<!--.*?-->"""
    r"""|<(/?)([a-zA-Z][^\s/>]*)((?:\s+[^\s"'=<>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/?)>"""
    r"""|([^<]+)""",
    re.S,
)
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_RAW_TEXT_ELEMENTS = frozenset(
    "script style textarea title xmp iframe noembed noframes noscript plaintext".split()
)


class _NotSerialised(Exception):
    """The fragment is not in the browser's serialised shape: use html.parser."""


def _feed_serialised(builder: _TreeBuilder, html: str) -> None:
    """Given a builder and browser-serialised HTML, drive the builder's callbacks exactly as
    html.parser would (lower-case names, entities decoded); _NotSerialised otherwise."""
    position = 0
    for token in _TOKEN.finditer(html):
        if token.start() != position:
            raise _NotSerialised()
        position = token.end()
        closing, tag, attributes, self_closing, text = token.groups()
        if text is not None:
            builder.handle_data(unescape(text) if "&" in text else text)
        elif tag is None:
            continue  # a comment
        elif closing:
            builder.handle_endtag(tag.lower())
        else:
            tag = tag.lower()
            if tag in _RAW_TEXT_ELEMENTS:
                raise _NotSerialised()
            pairs = []
            for attribute in _ATTRIBUTE.finditer(attributes):
                name, double, single, bare = attribute.groups()
                value = double if double is not None else single if single is not None else bare or ""
                pairs.append((name.lower(), unescape(value) if "&" in value else value))
            if self_closing:
                builder.handle_startendtag(tag, pairs)
            else:
                builder.handle_starttag(tag, pairs)
    if position != len(html):
        raise _NotSerialised()


def parse_fragment(html: str, fast: bool = True) -> Element:
    """Given an HTML fragment, return a synthetic root element holding its top-level nodes.

    Browser-serialised HTML is read by a quick tokenizer (rows come by the thousand); any
    other HTML, or `fast=False`, by the standard library's html.parser. Both build the same tree.
    """
    # Browsers turn CR LF into LF when they parse; do the same so tooltips read alike.
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    if fast:
        builder = _TreeBuilder()
        try:
            _feed_serialised(builder, html)
            return builder.root
        except _NotSerialised:
            pass
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def collapse(text: str | None) -> str | None:
    """Given a single-line field's text, return it with whitespace runs collapsed and trimmed;
    empty -> None."""
    if text is None:
        return None
    return _WHITESPACE.sub(" ", text).strip() or None
