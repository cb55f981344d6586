"""`wosync notify add URL | list | remove ID | test`: where digests and failure alerts go (Apprise URLs)."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from wosync.cli import common
from wosync.text import clean
from wosync.errors import ExitCode

app = typer.Typer(
    help="Where digests and failure alerts go: Apprise URLs (ntfy, e-mail, Slack, Telegram, webhooks...).",
    no_args_is_help=True,
)


ONLY_HELP = ("Send only these, a comma list or repeated: new, removed, completed, rescheduled, swapped, "
             "replaced, visit_added, visit_removed, details, failures (default: everything).")


@app.command("add")
def add(
    url: str = typer.Argument(..., help="An Apprise URL, e.g. ntfys://my-topic or mailto://user:pass@example.com."),
    only: Optional[List[str]] = typer.Option(None, "--only", metavar="KINDS", help=ONLY_HELP),
    store: Optional[List[str]] = typer.Option(None, "--store", metavar="PATTERN",
                                              help="Only changes at these store numbers: glob patterns, any case (e.g. 12*)."),
    customer: Optional[List[str]] = typer.Option(None, "--customer", metavar="PATTERN",
                                                 help="Only changes for these customers: glob patterns, any case."),
    digest: str = typer.Option("immediate", "--digest", metavar="WHEN",
                               help="immediate (one message per sync with changes) or daily@HH:MM (one a day)."),
    timezone: Optional[str] = typer.Option(None, "--timezone", metavar="TZ",
                                           help="IANA time zone of a daily digest (default: this machine's)."),
    urgent_now: bool = typer.Option(False, "--urgent-now", help="Send urgent changes at once, even on a daily digest."),
    max_length: Optional[str] = typer.Option(None, "--max-length", metavar="N",
                                             help="Cap each body at N characters (0: none; default: the service's)."),
) -> None:
    """Add a notification target (checked with Apprise; an unknown format is refused) and what it gets."""
    from wosync.actions import notify
    from wosync.notify_rules import TargetRules, describe, make_rules
    from wosync.schedules import local_timezone

    cap = common.whole_number(max_length, "--max-length", minimum=0) if max_length is not None else None
    rules = make_rules(only, store, customer, digest, timezone, urgent_now, cap, local_zone=local_timezone)
    target_id, shown = notify.add(url, common.clock(), rules)
    typer.echo(f"Added notification target {target_id}: {shown}. Try it with `wosync notify test`.")
    if rules != TargetRules():
        typer.echo(f"It gets: {describe(rules)}.")


@app.command("list")
def list_targets(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the notification targets and their rules (passwords and tokens in URLs are masked)."""
    from wosync.actions import notify

    targets = notify.list_targets(common.clock())
    if json_out:
        common.print_json(targets)
        return
    if not targets:
        typer.echo("No notification targets. Add one with `wosync notify add URL`.")
        return
    from wosync.render.plain import terminal_wanted

    if not terminal_wanted(sys.stdout):  # piped: tab-separated rows with a header
        from wosync.render.plain import write_tsv
        from wosync.render.plain_listings import targets_plain

        write_tsv(*targets_plain(targets))
        return
    for target in targets:
        # stored text: no escape sequences (the columns keep their spaces)
        cap = f"; bodies up to {target['max_length']:,} characters" if target["max_length"] else ""
        typer.echo(f"{target['id']}  {clean(target['url'])}  ({clean(target['summary'])}{cap})")


@app.command("remove", context_settings=common.ID_COMMAND_SETTINGS)
def remove(target: str = typer.Argument(..., metavar="ID", help="The id shown by `wosync notify list`.")) -> None:
    """Remove a notification target."""
    target_id = common.whole_number(target, "notification target id", hint="; see `wosync notify list`")
    from wosync.actions import notify

    notify.remove(target_id, common.clock())
    typer.echo(f"Removed notification target {target_id}.")


@app.command("test")
def test() -> None:
    """Send every target a sample digest of what it gets; exit 1 naming the ones that failed."""
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
