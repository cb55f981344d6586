"""The simulated site's front-end build: the `/build/` JavaScript chunks and stylesheets every
page of the real site loads (docs/workfossa-site.md, "What a page costs"), with their tags.

Build 1 carries the names the captures show (tests/fixtures/workfossa/*.html); a later build
renames every file (new content hashes, as a new Vite build does). The content is filler of
a fixed, stated size, the same bytes for the same build every time: valid JavaScript that
defines unused functions and CSS rules for class names no page uses, so that loading it costs
what loading a real build costs (bytes, parsing) and changes nothing on the page. It is served
uncompressed: the sizes below are the bytes on the wire.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

# The captured names, build 1: (path under /build/, size in bytes). A Vue build of this kind
# is 1-2 MB of JavaScript in about 15 chunks and a few hundred KB of CSS: here 1.5 MB of
# JavaScript (an app entry of 480 KB and 14 chunks of 75 KB) and 300 KB of CSS.
JS_ENTRY = ("js/app.ibo895en.js", 480_000)
JS_CHUNKS = tuple((f"js/{name}.js", 75_000) for name in (
    "b1xvm5kvh1", "c4mtlqe7d6", "dek24p6r7m", "e7teb61vri", "ecvmv6kome", "fbd6qnrd4a",
    "gk2ul1k22n", "gqesqu8ava", "hdbb8pzt8s", "itwm1rmk5t", "k0fgvq6eg6", "ktyc24sut5",
    "l50uxpmf3c", "o7wezoazyb"))
STYLESHEETS = (
    ("assets/app-c2r5u15h.css", 80_000), ("assets/app-d54a3wfc.css", 60_000),
    ("assets/vendor/other-lp9ip9iw.css", 50_000), ("assets/CustomerForms-gh96l0fa.css", 20_000),
    ("assets/home-ohz172l6.css", 20_000), ("assets/ContactInfoBlock-hniue72x.css", 10_000),
    ("assets/CustomField-byq2rbg0.css", 10_000), ("assets/FileListDisplay-fm06ef6d.css", 10_000),
    ("assets/NoteEditor-gnegb5jz.css", 10_000), ("assets/Paginator-b851b1vt.css", 10_000),
    ("assets/TextEditor-oszhixi6.css", 10_000), ("assets/WorkOrderList-lizmqv9l.css", 10_000),
)
# What a production Laravel/Vite build's files are sent with: cacheable for good (the name
# changes when the content does).
IMMUTABLE = "public, max-age=31536000, immutable"
# With the asset cache switched off (a server misconfigured, or a test of the worst case).
NO_CACHE = "no-store, no-cache, must-revalidate"
CONTENT_TYPES = {".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def _hashed(path: str, build: int) -> str:
    """Given a build-1 path and a build number, return the file's path in that build (the
    captured one for build 1, else the same stem with a new content hash)."""
    if build == 1:
        return path
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    digest = hashlib.sha1(f"{path}@{build}".encode()).hexdigest()
    if path.startswith("js/app."):
        new = f"app.{_base36(digest, 8)}.js"
    elif folder == "js":
        new = f"{_base36(digest, 10)}.js"
    else:
        new = f"{stem.rsplit('-', 1)[0]}-{_base36(digest, 8)}{dot}{ext}"
    return f"{folder}/{new}"


def _base36(hex_digest: str, length: int) -> str:
    """Given a hex digest, return `length` lowercase base-36 characters of it (Vite's look)."""
    number, digits = int(hex_digest, 16), "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    for _ in range(length):
        number, rest = divmod(number, 36)
        out.append(digits[rest])
    return "".join(out)


def _filler_js(path: str, size: int, build: int) -> bytes:
    """Return `size` bytes of valid, inert JavaScript for one chunk: functions nobody calls."""
    head = f"/*! wosync sim build {build}: {path} (filler; defines only unused functions) */\n"
    seed = int(hashlib.sha1(f"{path}@{build}".encode()).hexdigest()[:8], 16)
    parts, total, i = [head], len(head), 0
    while total < size:
        line = (f"function _wf{seed:x}_{i}(a,b){{var c=(a|0)*{(seed + i * 7919) % 65521}+(b|0);"
                f"return c^{(i * 2654435761) % 4294967291};}}\n")
        parts.append(line)
        total += len(line)
        i += 1
    return _fit("".join(parts), size, "//")


def _filler_css(path: str, size: int, build: int) -> bytes:
    """Return `size` bytes of valid CSS for one stylesheet: rules for classes no page uses."""
    head = f"/* wosync sim build {build}: {path} (filler; no page uses these classes) */\n"
    seed = int(hashlib.sha1(f"{path}@{build}".encode()).hexdigest()[:8], 16)
    parts, total, i = [head], len(head), 0
    while total < size:
        line = f".wfsim-{seed:x}-{i}{{margin:{i % 13}px {(seed + i) % 17}px;color:#{(seed * i) % 0xFFFFFF:06x}}}\n"
        parts.append(line)
        total += len(line)
        i += 1
    return _fit("".join(parts), size, "/*")


def _fit(text: str, size: int, comment: str) -> bytes:
    """Given filler text at least `size` long, cut it to whole lines and pad with a comment
    to exactly `size` bytes (ASCII throughout)."""
    cut = text[: text.rfind("\n", 0, size - 8) + 1]
    pad = size - len(cut)
    if comment == "//":
        tail = "//" + "x" * (pad - 3) + "\n"
    else:
        tail = "/*" + "x" * (pad - 5) + "*/\n"
    return (cut + tail).encode("ascii")


@dataclass(frozen=True)
class Asset:
    """One built file: its path under /build/, content, content type and ETag."""

    path: str
    body: bytes
    content_type: str
    etag: str


class SiteAssets:
    """The site's current front-end build and how its files are cached; thread-safe.

    Given a build number (1: the captured names) and whether the files are sent cacheable
    (`cache`; False: no-store, no ETag). bump() deploys a new build: every name changes.
    """

    def __init__(self, build: int = 1, cache: bool = True):
        self._lock = threading.Lock()
        self.cache = bool(cache)
        self._build = 0
        self._files: dict[str, Asset] = {}
        self.set_build(build)

    @property
    def build(self) -> int:
        return self._build

    def set_build(self, build: int) -> int:
        """Given a build number (>= 1), make it the served build; return it."""
        build = int(build)
        if build < 1:
            raise ValueError(f"build must be 1 or more, not {build}")
        files = {}
        for path, size in (JS_ENTRY, *JS_CHUNKS, *STYLESHEETS):
            name = _hashed(path, build)
            ext = name[name.rfind("."):]
            body = _filler_js(name, size, build) if ext == ".js" else _filler_css(name, size, build)
            files[name] = Asset(name, body, CONTENT_TYPES[ext],
                                '"' + hashlib.sha1(body).hexdigest()[:20] + '"')
        with self._lock:
            self._build, self._files = build, files
        return build

    def bump(self) -> int:
        """Deploy the next build (new names); return its number."""
        return self.set_build(self._build + 1)

    def get(self, path: str) -> Asset | None:
        """Given a path under /build/ ("js/app.ibo895en.js"), return its file in the current
        build (None for a name of another build: the real site answers 404 then)."""
        with self._lock:
            return self._files.get(path)

    def total_bytes(self) -> int:
        """Return the size of every file of the build."""
        with self._lock:
            return sum(len(a.body) for a in self._files.values())

    def headers(self, asset: Asset) -> dict[str, str]:
        """Return the caching headers of a file as the switch stands."""
        if not self.cache:
            return {"Cache-Control": NO_CACHE}
        return {"Cache-Control": IMMUTABLE, "ETag": asset.etag}

    def tags(self) -> str:
        """Return the <head> tags that load the build, as the captured pages have them:
        a modulepreload per chunk, a stylesheet per CSS file, the entry as a module script."""
        with self._lock:
            names = list(self._files)
        js = [n for n in names if n.endswith(".js")]
        css = [n for n in names if n.endswith(".css")]
        entry = next(n for n in js if n.startswith("js/app."))
        return ("".join(f'<link rel="modulepreload" href="/build/{n}">' for n in js)
                + "".join(f'<link rel="stylesheet" href="/build/{n}">' for n in css)
                + f'<script type="module" src="/build/{entry}"></script>')

    def with_tags(self, html: str) -> str:
        """Given a page's HTML, return it with the build's tags at the end of its <head>
        (unchanged when it has no </head>)."""
        at = html.find("</head>")
        return html if at < 0 else html[:at] + self.tags() + html[at:]
