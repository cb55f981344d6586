"""An error's short form and long form.

A stored error message (runs.error_message) is the long form: its first line says what went
wrong in a few words ("cannot reach WorkFossa (connection refused)"); the lines after it hold
the details (the URL, the hint, the saved screenshot and HTML). The short form, the summary,
is that first line cut at SUMMARY_CHARS: `history`, `history --report` and `--json`'s
`error_summary` show it; `history show ID` and `error_message` keep the whole text.

Messages stored before errors were written this way are one long line; for those the summary
drops what belongs to the details (the saved artefacts, URLs, the browser's error code) so
old runs read as short as new ones.
"""

from __future__ import annotations

import re

from wosync.text import clean, ellipsis

# Long enough for "what failed (why)", short enough for one line of an 80-column terminal
# after a table's first columns, or of a notification's title.
SUMMARY_CHARS = 100

# Chromium's network error codes, as a person would say them.
NETWORK_REASONS = {
    "ERR_CONNECTION_REFUSED": "connection refused",
    "ERR_CONNECTION_RESET": "connection reset",
    "ERR_CONNECTION_CLOSED": "connection closed",
    "ERR_CONNECTION_TIMED_OUT": "connection timed out",
    "ERR_TIMED_OUT": "timed out",
    "ERR_NAME_NOT_RESOLVED": "unknown host",
    "ERR_NAME_RESOLUTION_FAILED": "unknown host",
    "ERR_ADDRESS_UNREACHABLE": "address unreachable",
    "ERR_INTERNET_DISCONNECTED": "no network",
    "ERR_NETWORK_CHANGED": "the network changed",
    "ERR_EMPTY_RESPONSE": "empty response",
    "ERR_CERT_AUTHORITY_INVALID": "untrusted certificate",
    "ERR_CERT_COMMON_NAME_INVALID": "certificate for another host",
    "ERR_CERT_DATE_INVALID": "expired certificate",
    "ERR_SSL_PROTOCOL_ERROR": "TLS error",
    "ERR_UNSAFE_PORT": "port refused by the browser",
}

_ERROR_CODE = re.compile(r"net::(ERR_[A-Z_]+)")
_SAVED = re.compile(r"\s*\(saved: [^)]*\)")
# A remark in parentheses that ends with a URL: "(http://...)", "(Timeout 30000ms exceeded.; page http://...)".
_URL_GROUP = re.compile(r"\s*\((?:[^()]*[;:] )?(?:page )?https?://[^()\s\",']*\)")
_AT_URL = re.compile(r" at https?://\S+")


def network_reason(text: str) -> str:
    """Given a browser's error text ("Page.goto: net::ERR_CONNECTION_REFUSED at http://..."),
    return the reason in words ("connection refused"), else the error code, else the text."""
    found = _ERROR_CODE.search(text or "")
    if found is None:
        return clean(text)
    return NETWORK_REASONS.get(found.group(1), found.group(1))


def _shortened(line: str) -> str:
    """Given a one-line message of the older form, return it without the details: saved
    artefacts, URLs, and a browser error in parentheses said in words."""
    line = _SAVED.sub("", line)
    line = re.sub(r"\(([^()]*net::ERR_[A-Z_]+[^()]*)\)", lambda m: f"({network_reason(m.group(1))})", line)
    line = _URL_GROUP.sub("", line)
    return _AT_URL.sub("", line)


def error_summary(message: str | None, limit: int = SUMMARY_CHARS) -> str | None:
    """Given a stored error message (None: no error), return its one-line summary: the first
    line (an older one-line message without its details), cleaned and cut at `limit` with "…"."""
    if not message or not message.strip():
        return None
    lines = message.strip().splitlines()
    first = lines[0] if len(lines) > 1 else _shortened(lines[0])
    return ellipsis(clean(first), limit)


def error_details(message: str | None) -> list[str]:
    """Given a stored error message, return its detail lines (those after the first), cleaned;
    an older one-line message has none apart from itself: then [] when the summary says all."""
    if not message or not message.strip():
        return []
    lines = message.strip().splitlines()
    if len(lines) > 1:
        return [clean(line) for line in lines[1:] if line.strip()]
    whole = clean(lines[0])
    return [] if error_summary(message, len(whole) + 1) == whole else [whole]
