"""`wosync backup [FILE]` (SQLite's online backup of the database) and `wosync restore FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from wosync.cli import common


def _size(path: Path) -> str:
    """Return a file's size as "1.4 MB" / "220 kB"."""
    size = path.stat().st_size
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(size // 1000, 1)} kB"


def backup(
    file: Optional[str] = typer.Argument(
        None, metavar="[FILE]",
        help="Where to write it (default: wosync-backup-<date>-<time>.db beside the database). Never overwritten."),
) -> None:
    """Back up the database with SQLite's online backup API (safe while a sync runs); mode 0600."""
    from wosync.actions import backup as backups

    from wosync.safe_paths import output_target

    target = output_target(file, "the backup", new_only=True) if file is not None else None
    done = backups.backup(common.clock(), target)
    typer.echo(f"Backed up {done.db_path} to {done.target} ({_size(done.target)}). "
               f"Put it back with `wosync restore {done.target}`.")


def restore(
    file: Path = typer.Argument(..., metavar="FILE", help="A backup made by `wosync backup` or the daemon (wosync-daily-*.db)."),
) -> None:
    """Put a backup in place of the database, after checking it; the current one is kept beside it.

    Refused (exit 4) while the daemon or a sync runs: stop them first.
    """
    from wosync.actions import backup as backups
    from wosync.clock import local_text

    source = common.readable_file(file, "FILE")
    done = backups.restore(common.clock(), source)
    last = f"its last sync started {local_text(done.last_run_at)}" if done.last_run_at else "it records no sync"
    typer.echo(f"Restored {source} as {done.db_path}: {done.active_orders} active work orders; {last}.")
    if done.kept_as is not None:
        typer.echo(f"The database it replaced is kept as {done.kept_as}.")


def register(app: typer.Typer) -> None:
    """Attach `backup` and `restore` to the root app."""
    app.command("backup")(backup)
    app.command("restore")(restore)
