"""`wosync notify add URL | list | remove ID | test`: where digests and failure alerts go (Apprise URLs)."""

from __future__ import annotations

import typer

from wosync.cli import common
from wosync.text import clean
from wosync.errors import ExitCode

app = typer.Typer(
    help="Where digests and failure alerts go: Apprise URLs (ntfy, e-mail, Slack, Telegram, webhooks...).",
    no_args_is_help=True,
)


@app.command("add")
def add(url: str = typer.Argument(..., help="An Apprise URL, e.g. ntfys://my-topic or mailto://user:pass@example.com.")) -> None:
    """Add a notification target (checked with Apprise; an unknown format is refused)."""
    from wosync.actions import notify

    target_id, shown = notify.add(url, common.clock())
    typer.echo(f"Added notification target {target_id}: {shown}. Try it with `wosync notify test`.")


@app.command("list")
def list_targets(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the notification targets (passwords and tokens in URLs are masked)."""
    from wosync.actions import notify

    targets = notify.list_targets(common.clock())
    if json_out:
        common.print_json(targets)
        return
    if not targets:
        typer.echo("No notification targets. Add one with `wosync notify add URL`.")
        return
    for target in targets:
        typer.echo(f"{target['id']}  {clean(target['url'])}")  # stored text: no escape sequences (the columns keep their spaces)


@app.command("remove", context_settings=common.ID_COMMAND_SETTINGS)
def remove(target: str = typer.Argument(..., metavar="ID", help="The id shown by `wosync notify list`.")) -> None:
    """Remove a notification target."""
    target_id = common.whole_number(target, "notification target id", hint="; see `wosync notify list`")
    from wosync.actions import notify

    notify.remove(target_id, common.clock())
    typer.echo(f"Removed notification target {target_id}.")


@app.command("test")
def test() -> None:
    """Send a test message to every target; exit 1 naming the ones that failed."""
    from wosync.actions import notify

    deliveries = notify.send_test(common.clock())
    if not deliveries:
        typer.echo("No notification targets. Add one with `wosync notify add URL`.")
        return
    failed = 0
    for delivery in deliveries:
        if delivery.error:
            failed += 1
            typer.echo(f"FAILED  {delivery.target_id}  {clean(delivery.shown_url)}: {clean(delivery.error)}", err=True)
        else:
            typer.echo(f"sent    {delivery.target_id}  {clean(delivery.shown_url)}")
    if failed:
        typer.echo(f"Error: {failed} of {len(deliveries)} notification targets failed", err=True)
        raise typer.Exit(int(ExitCode.SYNC_FAILED))


def register(root: typer.Typer) -> None:
    """Attach `notify` to the root app."""
    root.add_typer(app, name="notify")
