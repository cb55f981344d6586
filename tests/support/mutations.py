"""Seeded markup mutations of the saved WorkFossa pages: what a new build of the site's Vue app
does to its markup without changing what it shows.

    from support.mutations import mutate
    html = mutate(capture_html("rows-2025-04.html"), seed=17)            # tier 1
    html = mutate(capture_html("rows-2025-04.html"), seed=17, tier=2)    # tier 2

Tier 1 changes markup and never content (the text a reader sees, line by line, is the same):
  * extra wrapper divs around whole blocks and around single lines (block elements only: a
    wrapper around an inline element would start a line of its own);
  * wrappers removed where they carry only styling classes and are their parent's only
    element (so no line boundary moves);
  * `data-v-<hash>` and `id` attributes added;
  * classes shuffled and extra (unused) ones appended;
  * `<!---->` comments added between nodes and removed;
  * whitespace between tags changed (removed only between block elements).
Tier 2 also renames (a `tw-` prefix, or a hashed name) or drops every styling utility class
(`mb-2`, `text-xs`, `muted`, `py-1.5`, `pre-wrap`, ...), keeping the semantic ones
(`work-list-item`, `address-info`, `contact-name`, `ks-tooltip`, `group-heading`, ...) and
every label text.

The page is parsed once (html.parser, not the code under test) into a small tree; each seed
serialises it with its own random choices.
"""

from __future__ import annotations

import functools
import html as html_lib
import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
RAW_TEXT = frozenset(("script", "style", "textarea", "title"))
BLOCK = frozenset("address article aside blockquote dd div dl dt fieldset figure footer form "
                  "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td "
                  "tfoot th thead tr ul".split())

# Styling utilities (the site's CSS framework): spacing, sizes, colours, type, grid, display.
_STYLING = re.compile(
    r"^(?:[mp][trblxy]?-[\d.]+|-?m[trblxy]?-auto|(?:text|bg|border|shadow|rounded|hover:[\w-]+)(?:-[\w.:-]+)?"
    r"|w-\d{1,2}|h-[\d.]+|flex(?:-[\w-]+)?|inline-flex|align-\w+|jc-\w+|wrap|nowrap"
    r"|(?:sm|med|lg|tab)-\d+|row|row-collapse|col|muted|muted-dark|uppercase|bold|ellipsis"
    r"|block|inline-block|pre-wrap|t-(?:right|center|left)|outline|right|left|relative|absolute"
    r"|fixed|sticky|rotate|icon|full-height|none|list-none|strike-through|separator|vertical"
    r"|(?:sm|tab|med)-(?:hide|show)(?:-up|-down)?|tab-hide-down|no-resize|text-tiny|mx-auto"
    r"|shadow|shadow-\w+|show-arrow|px-[\d.]+|py-[\d.]+|my-[\d.]+|mx-[\d.]+)$")


@functools.lru_cache(maxsize=None)
def is_styling(name: str) -> bool:
    """Return True for a styling utility class (renamed or dropped in tier 2)."""
    return bool(_STYLING.match(name))


@dataclass
class Node:
    """One node of the page: an element (tag, attrs, children), text or a comment."""

    kind: str  # "element" | "text" | "comment" | "decl"
    tag: str = ""
    attrs: list = field(default_factory=list)
    children: list = field(default_factory=list)
    text: str = ""


class _Builder(HTMLParser):
    """Build the Node tree (entities decoded; re-escaped on output)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("element", tag="#root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node("element", tag=tag, attrs=_escaped(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        node = Node("element", tag=tag, attrs=_escaped(attrs), text="/")
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        raw = self.stack[-1].tag in RAW_TEXT
        self.stack[-1].children.append(Node("text", text=data if raw else html_lib.escape(data, quote=False)))

    def handle_comment(self, data):
        self.stack[-1].children.append(Node("comment", text=data))

    def handle_decl(self, decl):
        self.stack[-1].children.append(Node("decl", text=decl))


def _escaped(attrs) -> list:
    """Attribute values escaped once, at parse time (class tokens need no escaping)."""
    return [(name, None if value is None else html_lib.escape(value, quote=True)) for name, value in attrs]


@functools.lru_cache(maxsize=8)
def _tree(page: str) -> Node:
    builder = _Builder()
    builder.feed(page)
    builder.close()
    return builder.root


def _classes(node: Node) -> list[str]:
    return next((v or "" for k, v in node.attrs if k == "class"), "").split()


def _styling_only(node: Node) -> bool:
    """A div whose attributes are at most a class made of styling utilities (and data-v-*)."""
    if node.tag != "div":
        return False
    for name, _ in node.attrs:
        if name != "class" and not name.startswith("data-v-"):
            return False
    return all(is_styling(c) for c in _classes(node))


def _sole_element(node: Node, parent: Node) -> bool:
    """The node is its parent's only element and the parent holds no other text."""
    if parent.tag not in BLOCK:
        return False
    for child in parent.children:
        if child is node or child.kind == "comment":
            continue
        if child.kind == "element" or (child.kind == "text" and child.text.strip()):
            return False
    return True


class _Mutator:
    """One seed's choices, made while serialising."""

    def __init__(self, seed: int, tier: int):
        self.rng = random.Random(seed)
        self.tier = tier
        self.hashes = [f"{self.rng.getrandbits(32):08x}" for _ in range(4)]
        self.ids = 0
        self.renames: dict[str, str | None] = {}

    def rename(self, name: str) -> str | None:
        """Tier 2: the styling class's new name for this seed (None: dropped)."""
        if name not in self.renames:
            roll = self.rng.random()
            self.renames[name] = (None if roll < 0.3 else f"tw-{name}" if roll < 0.7
                                  else f"c{self.rng.getrandbits(24):06x}")
        return self.renames[name]

    def attrs(self, node: Node) -> str:
        rng = self.rng
        out = []
        for name, value in node.attrs:
            if name == "class":
                tokens = (value or "").split()
                if self.tier >= 2:
                    tokens = [t if not is_styling(t) else self.rename(t) for t in tokens]
                    tokens = [t for t in tokens if t]
                if rng.random() < 0.5:
                    rng.shuffle(tokens)
                if rng.random() < 0.3:
                    tokens.append(f"zz-{rng.getrandbits(16):04x}")
                value = " ".join(tokens)
            out.append((name, value))
        if rng.random() < 0.6:
            out.insert(rng.randrange(len(out) + 1), (f"data-v-{rng.choice(self.hashes)}", ""))
        if rng.random() < 0.1 and not any(name == "id" for name, _ in out):
            self.ids += 1
            out.append(("id", f"zz-id-{self.ids}"))
        return "".join(f" {name}" if value is None else f' {name}="{value}"' for name, value in out)

    def whitespace(self, text: str, before: Node | None, after: Node | None, parent: Node) -> str:
        """A whitespace-only text between tags: another whitespace; none only where a
        block element (or the block parent's edge) stands on both sides."""
        rng = self.rng
        def blockish(node: Node | None) -> bool:
            return (node is None and parent.tag in BLOCK) or (
                node is not None and node.kind == "element" and node.tag in BLOCK)
        if blockish(before) and blockish(after) and rng.random() < 0.4:
            return ""
        return rng.choice([" ", "\n", "\n        ", "  ", text])

    def children(self, parent: Node, out: list[str], raw: bool) -> None:
        rng = self.rng
        kids = parent.children
        for i, child in enumerate(kids):
            if raw:
                out.append(child.text if child.kind == "text" else "")  # kept raw at parse
                continue
            if child.kind == "text":
                if not child.text.strip() and parent.tag not in ("pre", "textarea"):
                    before = next((k for k in reversed(kids[:i]) if k.kind == "element"), None)
                    after = next((k for k in kids[i + 1:] if k.kind == "element"), None)
                    out.append(self.whitespace(child.text, before, after, parent))
                else:
                    out.append(child.text)  # escaped at parse
            elif child.kind == "comment":
                if child.text == "" and rng.random() < 0.3:
                    continue  # a Vue placeholder removed
                out.append(f"<!--{child.text}-->")
            elif child.kind == "decl":
                out.append(f"<!{child.text}>")
            else:
                self.element(child, parent, out)
            if rng.random() < 0.08 and parent.tag not in RAW_TEXT:
                out.append("<!---->")

    def element(self, node: Node, parent: Node, out: list[str]) -> None:
        rng = self.rng
        inside_svg = node.tag in ("svg", "path", "title") and parent.tag in ("svg", "path")
        if node.tag == "div" and _styling_only(node) and _sole_element(node, parent) \
                and rng.random() < 0.5:
            self.children(node, out, False)  # the wrapper removed, its content kept
            return
        wraps = 0
        if node.tag == "div" and parent.tag in BLOCK | {"a", "#root", "body", "label"} and rng.random() < 0.15:
            wraps = 1 + (rng.random() < 0.2)
            for _ in range(wraps):
                out.append(f'<div data-v-{rng.choice(self.hashes)}="" class="zz-wrap">')
        out.append(f"<{node.tag}{self.attrs(node) if not inside_svg else self._plain(node)}"
                   f"{' /' if node.text == '/' else ''}>")
        if node.tag not in VOID and node.text != "/":
            self.children(node, out, node.tag in RAW_TEXT)
            out.append(f"</{node.tag}>")
        out.append("</div>" * wraps)

    @staticmethod
    def _plain(node: Node) -> str:
        return "".join(f" {n}" if v is None else f' {n}="{v}"' for n, v in node.attrs)


def mutate(page: str, seed: int, tier: int = 1) -> str:
    """Given a page's (or fragment's) HTML, a seed and the tier (1: markup only; 2: also every
    styling utility class renamed or dropped), return the mutated HTML, the same for the same
    seed."""
    out: list[str] = []
    _Mutator(seed, tier).children(_tree(page), out, False)
    return "".join(out)


# --- scoring: how many fields of a capture's variants read exactly -------------------------

LIST_CAPTURES = ("work-list-length-aware.html", "rows-2025-04.html")
EQUIPMENT_CAPTURES = ("equipment-dispensers.html",)
CAPTURE_BASE = "https://app.workfossa.com"


def read_capture(name: str, page: str):
    """Given a capture's name and (a variant of) its HTML, return what wosync reads from it:
    the orders of a list capture, the dispensers of an Equipment capture."""
    from wosync.workfossa.equipment import parse_dispensers
    from wosync.workfossa.parse import parse_rows

    if name in EQUIPMENT_CAPTURES:
        return parse_dispensers(page)
    return parse_rows(page, CAPTURE_BASE)


def fields_exact(got, expected: list[dict]) -> tuple[int, int]:
    """Given what was read (a list of dicts, or an exception) and the expected list, return
    (fields read exactly, fields expected): every key of every expected record is one field."""
    total = sum(len(record) for record in expected)
    if isinstance(got, BaseException) or len(got) != len(expected):
        return 0, total
    exact = sum(1 for g, e in zip(got, expected) for key in e if g.get(key) == e[key])
    return exact, total
