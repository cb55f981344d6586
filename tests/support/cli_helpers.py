"""Small helpers the CLI tests share."""

from __future__ import annotations

import json


def cli_json(cli, *args: str):
    """Run `wosync ARGS` through the `cli` fixture, check it succeeded, return its parsed JSON output."""
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def status_json(cli) -> dict:
    """Return `wosync status --json`, parsed."""
    return cli_json(cli, "status", "--json")
