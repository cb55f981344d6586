"""The systemd notification protocol (sd_notify) without a dependency: datagrams to $NOTIFY_SOCKET.

Under `Type=notify` systemd passes the address of a datagram socket in $NOTIFY_SOCKET; the
service sends newline-separated `KEY=value` lines to it: READY=1 once started, STATUS=... for
`systemctl status`, WATCHDOG=1 as a keep-alive when WatchdogSec= is set (systemd then passes
$WATCHDOG_USEC), STOPPING=1 when shutting down. Outside systemd there is no $NOTIFY_SOCKET and
every send is a no-op, so the daemon calls these unconditionally.

Addresses starting with "@" are abstract-namespace sockets (the "@" stands for a leading NUL
byte); others are file paths. Other address kinds (vsock:) are not supported and disable
notifications. A failed send never raises: a service must not die because its supervisor is gone.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Mapping, MutableMapping

log = logging.getLogger(__name__)


def socket_address(value: str | None) -> str | bytes | None:
    """Given the text of $NOTIFY_SOCKET, return the address to send to, or None when unusable.

    "@name" becomes the abstract address b"\\0name"; an absolute path stays a path.
    """
    if not value:
        return None
    if value.startswith("@"):
        return b"\0" + value[1:].encode()
    if value.startswith("/"):
        return value
    return None


def watchdog_interval(environ: Mapping[str, str], pid: int) -> float | None:
    """Given the environment and this process's pid, return the seconds between WATCHDOG=1 pings.

    That is half of $WATCHDOG_USEC (the usual advice: ping at least twice per timeout), or None
    when no watchdog is asked for, the value is not a positive number, or $WATCHDOG_PID names
    another process (the variables were inherited from a parent).
    """
    usec_text = environ.get("WATCHDOG_USEC")
    if not usec_text:
        return None
    watchdog_pid = environ.get("WATCHDOG_PID")
    if watchdog_pid and watchdog_pid.strip() != str(pid):
        return None
    try:
        usec = int(usec_text)
    except ValueError:
        return None
    if usec <= 0:
        return None
    return usec / 2 / 1_000_000


def _one_line(text: str) -> str:
    """Return text without line breaks (a STATUS value must be one line)."""
    return " ".join(text.split())


class Notifier:
    """Given the environment (default: os.environ), send sd_notify messages to systemd.

    With ``unset_environment`` (the default) the NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID
    variables are removed from ``environ`` after reading, so child processes (the browser) do
    not inherit them and cannot talk to systemd in our name.
    """

    def __init__(self, environ: MutableMapping[str, str] | None = None, unset_environment: bool = True):
        env = os.environ if environ is None else environ
        self.address = socket_address(env.get("NOTIFY_SOCKET"))
        if env.get("NOTIFY_SOCKET") and self.address is None:
            log.debug("NOTIFY_SOCKET %r is not a supported address; not notifying", env.get("NOTIFY_SOCKET"))
        self.watchdog_seconds = watchdog_interval(env, os.getpid())
        if unset_environment:
            for name in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
                env.pop(name, None)
        self._socket: socket.socket | None = None

    @property
    def enabled(self) -> bool:
        """Return True when there is a supervisor to notify."""
        return self.address is not None

    def send(self, *fields: str) -> bool:
        """Given `KEY=value` fields, send them as one datagram; return True when it was sent."""
        if self.address is None:
            return False
        payload = "\n".join(fields).encode()
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._socket.sendto(payload, self.address)
        except OSError as exc:
            log.debug("sd_notify failed: %s", exc.strerror or exc)
            return False
        return True

    def ready(self, status: str | None = None) -> bool:
        """Tell systemd that start-up is finished (and optionally the first status line)."""
        fields = ["READY=1", f"MAINPID={os.getpid()}"]
        if status:
            fields.append(f"STATUS={_one_line(status)}")
        return self.send(*fields)

    def status(self, text: str) -> bool:
        """Set the one-line status shown by `systemctl --user status wosync`."""
        return self.send(f"STATUS={_one_line(text)}")

    def watchdog(self) -> bool:
        """Send the watchdog keep-alive (only when systemd asked for one)."""
        if self.watchdog_seconds is None:
            return False
        return self.send("WATCHDOG=1")

    def stopping(self, status: str | None = None) -> bool:
        """Tell systemd the service is shutting down."""
        fields = ["STOPPING=1"]
        if status:
            fields.append(f"STATUS={_one_line(status)}")
        return self.send(*fields)

    def close(self) -> None:
        """Close the socket (sending again reopens it)."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None
