"""`wosync doctor --site`: check a real account against the site contract, step by step,
without syncing (nothing is stored but the browser session).

`run_site_checks` is the action: it picks the account and its password source. Given those,
`check_site` logs in (or reuses the saved session),
opens the work list, chooses Show 100 and reads page 1, and returns one (name, status,
detail) line per step, so a user sees at once which part of the contract their site breaks,
then one warning line per field page 1 read only by its text fallback.
A failing step ends the check there, with its saved artefacts named in the detail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from wosync import config
from wosync.actions import stale_runs
from wosync.actions.doctor import BROWSER_TIMEOUT_MS, FAILED, OK, WARNING, Check
from wosync.errors import WosyncError
from wosync.fields import SCRAPED_FIELDS

CheckLine = tuple[str, str, str]

# Fields every row of the saved real list page has (tests/fixtures/workfossa): on a page of
# rows where one of them is never filled, the markup that holds it has probably moved.
ALWAYS_FILLED = (
    "number", "work_id", "status", "category", "customer", "store_number", "street", "city",
    "state", "zip", "county", "contact", "items", "visits_done", "visits_planned",
    "created_by", "created_at", "url", "location_id",
)


def run_site_checks(username: str | None, now: datetime) -> list[Check]:
    """Given an account name (None: the one account) and the time, log in and read page 1 of
    its work list step by step; return one Check per step (a FAILED one ends the list)."""
    from wosync.accounts import resolve_account
    from wosync.sync import default_password_source

    with stale_runs.open_store(now) as store:
        account = resolve_account(store, now, username, True)
    return [Check(*line) for line in check_site(account, default_password_source(account.username),
                                                 timeout_ms=BROWSER_TIMEOUT_MS)]


def check_site(account, password: Callable, browser_executable: str | None = None,
               timeout_ms: int = 30000) -> list[CheckLine]:
    """Given an Account, a zero-argument password source (called only if a login is needed),
    an optional Chromium and a timeout per wait, run the steps; return their lines."""
    from wosync.workfossa import WorkFossa, paging, site

    lines: list[CheckLine] = []
    step = "browser"
    try:
        with WorkFossa(account.base_url, account.username, password,
                       state_path=config.session_state_path(account.username),
                       artefacts_dir=config.artefacts_dir(),
                       browser_executable=browser_executable, timeout_ms=timeout_ms) as wf:
            step = "logged in"
            fresh = wf.ensure_session()
            lines.append((step, OK, f"as {account.username} at {account.base_url} "
                                    f"({'fresh login' if fresh else 'saved session reused'})"))
            step = "match count or simple pager"
            state = wf.open_work_list()
            lines.append((step, OK, _pager_line(state)))
            step = "page size chosen"
            if paging.wants_page_size(state):
                before = state.row_count
                state = wf.choose_page_size(state)
                lines.append((step, OK, f"\"{state.size_label}\": the list reloaded at page 1 "
                                        f"with {state.row_count} rows ({before} before)"))
            elif state.size_label == site.PAGE_SIZE_LABEL:
                lines.append((step, OK, f"\"{state.size_label}\" already: the site kept the "
                                        f"choice ({state.row_count} rows)"))
            else:
                lines.append((step, OK, f"not needed: every order fits one page "
                                        f"(the selection shows {state.size_label!r})"))
            step = "rows on page 1"
            state, orders, _ = wf.read_shown_page()
            if state.row_count == 0 and state.matches != 0:
                lines.append((step, FAILED, "page 1 shows no rows"))
                return lines
            lines.append((step, OK, f"{state.row_count} rows"))
            step = "every row parsed"
            numbers = {o["number"] for o in orders}
            status = OK if len(numbers) == state.row_count else WARNING
            lines.append((step, status, f"{len(orders)} of {state.row_count} rows read into work "
                                        f"orders ({len(numbers)} distinct numbers)"))
            lines.append(("fields filled", *_fields_line(orders)))
            lines.extend(_fallback_lines(wf.field_strategies))
    except WosyncError as exc:
        lines.append((step, FAILED, exc.message))
    return lines


def _pager_line(state) -> str:
    """Given the list's state, return what it shows of its pager and count."""
    if state.matches is not None:
        return f"{state.matches} matches beside the {state.pager_kind or 'missing'} pager"
    return ("simple pager, no match count: a read is complete when it reaches the last page "
            "(next-page disabled) with no page empty")


def _fallback_lines(strategies) -> list[CheckLine]:
    """Given page 1's FieldStrategies, return one warning line per field read by its text
    fallback: the field, the selector that found nothing and the pattern that did (site.py)."""
    from wosync.workfossa.site import fallback_of

    lines = []
    for name, rows in strategies.fallback_fields().items():
        found = fallback_of(name)
        how = (f"the selector `{found[0]}` found nothing; read by the fallback `{found[1]}`"
               if found else "its selector found nothing; read by its text fallback")
        lines.append((f"found by fallback: {name}", WARNING,
                      f"{rows} of {strategies.read} rows: {how} (the site's markup moved here)"))
    return lines


def _fields_line(orders: list[dict]) -> tuple[str, str]:
    """Given page 1's orders, return (status, detail) of how the fields are filled: a
    warning naming any field that every saved real row has but no row here has."""
    if not orders:
        return OK, "no rows to judge"
    filled = {name: sum(1 for o in orders if o.get(name) not in (None, "", [])) for name in SCRAPED_FIELDS}
    never = [name for name in ALWAYS_FILLED if filled[name] == 0]
    summary = f"{sum(1 for n in filled.values() if n)} of {len(SCRAPED_FIELDS)} fields filled on some row"
    if never:
        return WARNING, (f"{summary}; never filled: {', '.join(never)} (every row of the saved real "
                         "pages has them: the site's markup may have changed)")
    return OK, summary
