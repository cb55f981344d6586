"""What every test receiver on 127.0.0.1 shares: a threaded server on a free port, started and
stopped (also as a context manager), its port and the Apprise URL that POSTs JSON to it.

A receiver subclasses LoopbackReceiver and sets `server_class` (a socketserver server class
whose handler reads `self.server.receiver`) and `thread_name`. Standard library only.
"""

from __future__ import annotations

import socketserver
import threading
from typing import Any


class LoopbackReceiver:
    """Given nothing (subclasses say which server), serve on a free loopback port until stop()."""

    server_class: type[socketserver.BaseServer]
    thread_name = "loopback-receiver"

    def __init__(self) -> None:
        self._server: Any = None

    def start(self):
        """Listen on a free port and answer in a daemon thread; return self."""
        self._server = self.server_class(("127.0.0.1", 0), self.server_class.handler_class)
        self._server.receiver = self
        threading.Thread(target=self._server.serve_forever, name=self.thread_name, daemon=True).start()
        return self

    def _before_stop(self) -> None:
        """Hook: what a receiver must do before its server shuts down (say, end open answers)."""

    def stop(self) -> None:
        """Stop listening and close the socket (again: nothing)."""
        self._before_stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the receiver first"
        return self._server.server_address[1]

    @property
    def apprise_url(self) -> str:
        """The Apprise URL that POSTs a JSON message (title, message, type) here."""
        return f"json://127.0.0.1:{self.port}/"
