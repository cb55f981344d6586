"""Cookie sessions of the simulated site: a pre-login session carries the CSRF token, a
successful login replaces it with a new authenticated one (as Laravel does)."""

from __future__ import annotations

import secrets
import string
import threading
from dataclasses import dataclass

COOKIE_NAME = "workfossa_session"
_TOKEN_ALPHABET = string.ascii_letters + string.digits


@dataclass
class Session:
    """One browser's session: its CSRF token, the logged-in user (None before login) and
    how many list requests it has made (for the session-expiry fault)."""

    id: str
    csrf_token: str
    user: str | None = None
    list_requests: int = 0


class SessionStore:
    """Given nothing, hold sessions by id; thread-safe."""

    def __init__(self):
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self, user: str | None = None) -> Session:
        """Return a new session with a fresh 40-character CSRF token."""
        session = Session(
            id=secrets.token_hex(20),
            csrf_token="".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(40)),
            user=user,
        )
        with self._lock:
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        """Given a cookie value, return its session, or None when unknown or invalidated."""
        if not session_id:
            return None
        with self._lock:
            return self._sessions.get(session_id)

    def drop(self, session_id: str) -> None:
        """Invalidate a session: its cookie no longer opens anything."""
        with self._lock:
            self._sessions.pop(session_id, None)
