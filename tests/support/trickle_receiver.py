"""A real HTTP receiver on 127.0.0.1 that never finishes answering, for notification deadlines.

    with TrickleReceiver() as target:            # answers one byte every 2 s, forever
        url = target.apprise_url                 # "json://127.0.0.1:PORT/"
        ... send a notification: it must give up at its deadline ...
        target.wait_for_requests(1)              # the request did arrive

    with TrickleReceiver(silent=True) as target: # reads the request, then says nothing

A trickling answer defeats a per-read socket timeout (each read gets a byte in time); a silent
one is what a per-read timeout catches. Each request is counted once its body was read, before
the answer starts. stop() closes every open connection, so an abandoned sender's thread ends.
Standard library only.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from typing import Any

from support.loopback import LoopbackReceiver

# The status line and then one header that never ends: every byte is a valid answer so far.
_ANSWER_START = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Trickle: "


class _Handler(socketserver.BaseRequestHandler):
    server: "_Server"

    def handle(self) -> None:
        receiver = self.server.receiver
        connection: socket.socket = self.request
        connection.settimeout(5.0)
        try:
            _read_request(connection)
        except OSError:
            return
        receiver._count()
        position = 0
        while not receiver._stopped.wait(receiver.interval):
            if receiver.silent:
                continue
            byte = _ANSWER_START[position:position + 1] or b"a"
            position += 1
            try:
                connection.sendall(byte)
            except OSError:
                return

    def finish(self) -> None:
        try:
            self.request.close()
        except OSError:
            pass


def _read_request(connection: socket.socket) -> bytes:
    """Read one request's head and its Content-Length body; return them."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    while len(body) < length:
        chunk = connection.recv(4096)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    handler_class = _Handler
    receiver: "TrickleReceiver"


class TrickleReceiver(LoopbackReceiver):
    """Given the seconds between bytes (2) and whether to stay silent, listen on a free loopback
    port and answer every request one byte at a time (or never), until stop()."""

    server_class = _Server
    thread_name = "trickle-receiver"

    def __init__(self, interval: float = 2.0, silent: bool = False) -> None:
        super().__init__()
        self.interval = interval
        self.silent = silent
        self.requests = 0
        self._changed = threading.Condition()
        self._stopped = threading.Event()

    def _before_stop(self) -> None:
        self._stopped.set()  # every handler stops trickling and closes its connection

    def wait_for_requests(self, count: int, timeout: float = 30.0) -> int:
        """Return the number of requests once at least `count` arrived; TimeoutError after `timeout` s."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.requests >= count, timeout):
                raise TimeoutError(f"expected {count} requests, received {self.requests}")
            return self.requests

    def _count(self) -> None:
        with self._changed:
            self.requests += 1
            self._changed.notify_all()
