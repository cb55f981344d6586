"""Escaping and templating shared by the simulated site's pages (wosync.sim.render and the
modules it draws on): every value from the data goes through `esc`, so "Smith & Sons <Fuel>"
reaches the browser as text, not markup."""

from __future__ import annotations

import json
import re
from html import escape


def esc(value: object) -> str:
    """Given any value, return it HTML-escaped (quotes too, so it is safe in attributes)."""
    return escape(str(value), quote=True)


def fill(template: str, **slots: str) -> str:
    """Given a markup template and its slot values, return it with every @@NAME@@ replaced.

    Raises KeyError naming a slot left unfilled, so a re-cut template cannot go out half done.
    """
    for name, value in slots.items():
        template = template.replace(f"@@{name}@@", value)
    left = re.search(r"@@[A-Z_]+@@", template)
    if left:
        raise KeyError(f"markup slot {left.group(0)} left unfilled")
    return template


def script_data(value) -> str:
    """Given a JSON-able value, return it as JSON safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
