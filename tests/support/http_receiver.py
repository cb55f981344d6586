"""A small real HTTP receiver on 127.0.0.1 that records what is POSTed to it, for tests.

    with HttpReceiver() as receiver:
        url = receiver.apprise_url          # "json://127.0.0.1:PORT/" for Apprise
        ... send notifications ...
        assert [m["title"] for m in receiver.messages] == ["wosync: 1 new, 0 updated, 0 completed"]

Each request is recorded BEFORE the response is written, so once a synchronous sender (Apprise)
returns, its messages are already in `messages`: no waiting needed. `wait_for(n)` is there for
senders in another process or thread. Setting `status` (say 500) makes it refuse deliveries
while still recording them, to test what happens when a notification cannot be delivered.
Standard library only, so any test module can use it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from support.loopback import LoopbackReceiver


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_POST(self) -> None:  # noqa: N802 - the http.server naming
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            body = None
        self.server.receiver._record(
            {"path": self.path, "headers": dict(self.headers.items()), "raw": raw, "json": body}
        )
        status = self.server.receiver.status
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:  # keep test output clean
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    handler_class = _Handler
    receiver: "HttpReceiver"


class HttpReceiver(LoopbackReceiver):
    """Given nothing, listen on a free loopback port; record every POST (path, headers, raw, json)."""

    server_class = _Server
    thread_name = "http-receiver"

    def __init__(self) -> None:
        super().__init__()
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        self._changed = threading.Condition()

    @property
    def url(self) -> str:
        """The plain http:// address (for webhooks)."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The JSON bodies received, in order (Apprise json://: version, title, message, type)."""
        with self._changed:
            return [r["json"] for r in self.requests]

    def clear(self) -> None:
        """Forget what was received so far."""
        with self._changed:
            self.requests.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Return the messages once at least `count` arrived; raise TimeoutError after `timeout` s."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.requests) >= count, timeout):
                raise TimeoutError(f"expected {count} requests, received {len(self.requests)}")
            return [r["json"] for r in self.requests]

    def _record(self, request: dict[str, Any]) -> None:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()
