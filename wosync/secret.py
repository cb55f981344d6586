"""A password wrapper that never shows its value by accident.

`repr`, `str`, f-strings and tracebacks with locals all print `Secret('***')`; only
`reveal()` gives the value, and only where it is typed into the login form.
"""

from __future__ import annotations


class Secret:
    """Given a password string, hold it; `reveal()` returns it, everything else hides it."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        """Return the password itself: call this only where it is typed into the site."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self):  # pickling would write the value somewhere: refuse
        raise TypeError("a Secret cannot be pickled")
