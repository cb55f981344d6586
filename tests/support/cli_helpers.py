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


def daemon_alive(now=None) -> None:
    """Record a live daemon in the store of the current data folder: this test's own process,
    with a heartbeat at `now` (default: the real time), as a running daemon leaves it."""
    import os
    from datetime import datetime, timezone

    from wosync.store import Store

    now = now or datetime.now(timezone.utc)
    with Store() as store:
        store.set_daemon_state(os.getpid(), "waiting", now, started_at=now)
