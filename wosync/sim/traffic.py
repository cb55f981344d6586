"""Count the bytes the simulated site sends: in total, per client session and per kind
(the build's files, the pages and their data requests, anything else such as images), so a
benchmark can set what a browser received against what the pages alone would cost."""

from __future__ import annotations

import threading
from http.cookies import SimpleCookie

KINDS = ("assets", "pages", "other")


def kind_of(path: str) -> str | None:
    """Given a request path, return what it counts as: "assets" (the build's JS and CSS),
    "other" (images, the favicon), "pages" (pages and data requests); None for the control
    endpoints, which no browser asks for."""
    if path.startswith("/__sim__/"):
        return None
    if path.startswith("/build/") and not path.startswith("/build/images/"):
        return "assets"
    if path == "/favicon.ico" or path.endswith((".png", ".ico", ".svg", ".jpg", ".woff2")):
        return "other"
    return "pages"


def _empty() -> dict:
    return {"bytes": 0, "requests": 0, **{kind: 0 for kind in KINDS}}


class Traffic:
    """Given nothing, hold byte counts: total and by session cookie (thread-safe)."""

    def __init__(self, cookie_name: str):
        self._cookie_name = cookie_name
        self._lock = threading.Lock()
        self._total = _empty()
        self._sessions: dict[str, dict] = {}

    def session_of(self, cookie_header: str | None) -> str:
        """Given a request's Cookie header, return the session it names ("" for none)."""
        cookie = SimpleCookie()
        try:
            cookie.load(cookie_header or "")
        except Exception:  # a malformed header is a client without a session
            return ""
        morsel = cookie.get(self._cookie_name)
        return morsel.value if morsel else ""

    def add(self, path: str, sent: int, session: str, user: str | None) -> None:
        """Count `sent` bytes (headers and body) answering `path` for a session."""
        kind = kind_of(path)
        if kind is None or sent <= 0:
            return
        with self._lock:
            entry = self._sessions.setdefault(session, {**_empty(), "user": None})
            for counts in (self._total, entry):
                counts["bytes"] += sent
                counts["requests"] += 1
                counts[kind] += sent
            if user and not entry["user"]:
                entry["user"] = user

    def snapshot(self) -> dict:
        """Return {"total": counts, "sessions": {session id prefix: counts and user}}, each
        counts {"bytes", "requests", "assets", "pages", "other"}."""
        with self._lock:
            return {"total": dict(self._total),
                    "sessions": {(sid[:12] or "none"): dict(c) for sid, c in self._sessions.items()}}

    def reset(self) -> None:
        """Forget every count."""
        with self._lock:
            self._total = _empty()
            self._sessions.clear()


class CountingWriter:
    """Given a handler's output stream, pass writes through and count their bytes."""

    def __init__(self, stream):
        self._stream = stream
        self.count = 0

    def write(self, data) -> int:
        self.count += len(data)
        return self._stream.write(data)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)
