"""What a user can do, one module per action: the layer between the CLI and the core.

Each action is a function documented "Given ..., do ...; return ..." that opens what it needs
(the store, a browser through wosync.workfossa), applies the rules of the core modules and
returns plain data. The CLI parses options, calls one action and renders what it returns;
actions never print and never import Rich, so the daemon and tests can call them too.

    stale_runs  the first step of every command that shows or starts runs
    doctor      the local checks (doctor_site: the `--site` check against the real site)
    watch       the running sync, followed poll by poll
    sync_now    one sync in the foreground
    schedule    create, update, pause, resume and delete schedules
    demo        the whole flow against the simulated site
    service     the systemd user unit and its installation
    login       check a password with a real login and keep it; logout
    backup      back up and restore the database
    calendar    the iCalendar feed of the next visits
    notify      notification targets: add, list, remove, test

This package imports nothing at import time: `wosync status --line` goes through stale_runs
and must not pay for the others.
"""
