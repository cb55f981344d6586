"""`python -m wosync.sim --orders 250 --seed 1 [--port 0] [--username U] [--password P]
[--pager length-aware|simple] [--page-size-options at-rest|open-only] [--tooltip-class NAME]
[--equipment-collapsed | --equipment-expanded] [--page-size-remembered]
[--markup classic|next-release] [--hostile] [--asset-cache on|off] [--build N]`

Runs the simulated site in the foreground and prints exactly one line, its base URL, once
it is listening. The version switches choose which version of the real site's pages it
serves (see SimulatedWorkFossa); they can be changed later through POST /__sim__/switches. The password comes from --password, else $WOSYNC_SIM_PASSWORD, else the
default: prefer the environment, since process arguments are visible to other users.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from wosync.sim.next_release import MARKUPS
from wosync.sim.render import PAGE_SIZE_OPTION_MODES, PAGERS
from wosync.sim.server import DEFAULT_PASSWORD, DEFAULT_USERNAME, SimulatedWorkFossa


CONTROL_HELP = """\
log in:
  username  {username} (--username)
  password  {password} (--password or $WOSYNC_SIM_PASSWORD)
  e.g.      WOSYNC_BASE_URL=<the printed URL> WOSYNC_USERNAME={username} \\
            WOSYNC_PASSWORD={password} wosync sync-now

control endpoints (JSON; curl -d '{{"number": "W-110229"}}' URL/__sim__/complete):
  GET  /__sim__/state                      what the site holds (orders, logins, requests)
  GET  /__sim__/expected[?include_completed=1]  the orders a full sync must store
  GET  /__sim__/switches                   the version switches as they stand
  GET  /__sim__/locations                  every location id
  GET  /__sim__/dispensers?location_id=ID  the dispensers a read of that location must store
  GET  /__sim__/bytes                      bytes sent: total and per client session
  GET  /__sim__/assets                     the front-end build served and its caching
  POST /__sim__/faults          {{"NAME": value, ...}}: {faults}
  POST /__sim__/switches        {{"NAME": value, ...}}: {switches}
  POST /__sim__/add             {{"n": 3}}: add n new orders
  POST /__sim__/complete        {{"number": "W-..."}}: every visit done: the order leaves the
                                active list, shown struck through under the "all" filter
  POST /__sim__/reassign        {{"number": "W-..."}}: given to another technician: off both lists
  POST /__sim__/cancel          {{"number": "W-..."}}: cancelled: off both lists
  POST /__sim__/reschedule      {{"number": "W-...", "next_visit_date": "2026-12-01"}}
  POST /__sim__/edit            {{"number": "W-...", FIELD: value, ...}}
  POST /__sim__/delete_location {{"location_id": ID}}
  POST /__sim__/add_dispenser   {{"location_id": ID, FIELD: value, ...}}
  POST /__sim__/edit_dispenser  {{"location_id": ID, "position": P, FIELD: value, ...}}
  POST /__sim__/remove_dispenser {{"location_id": ID, "position": P}}
  POST /__sim__/bytes/reset     {{}}: forget the byte counts
  POST /__sim__/assets          {{"bump": true}} (a new build), {{"build": N}}, {{"cache": false}}
"""


def control_help() -> str:
    """Return the epilog of --help: how to log in, and every control endpoint with its fields."""
    from dataclasses import fields

    from wosync.sim.server import SWITCHES, Faults

    return CONTROL_HELP.format(username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD,
                               faults=", ".join(f.name for f in fields(Faults)), switches=", ".join(SWITCHES))


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments, serve until SIGINT/SIGTERM; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m wosync.sim", description=__doc__.split("\n\n")[1],
                                     epilog=control_help(), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=250, help="active work orders (default 250)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--username", default=DEFAULT_USERNAME)
    parser.add_argument("--password", default=None,
                        help="better: set WOSYNC_SIM_PASSWORD (default %s)" % DEFAULT_PASSWORD)
    parser.add_argument("--pager", choices=PAGERS, default="length-aware",
                        help="the list's paginator: length-aware (with 'N matches') or simple (no count)")
    parser.add_argument("--page-size-options", choices=PAGE_SIZE_OPTION_MODES, default="at-rest",
                        help="page-size menu items in the DOM at rest, or only while the menu is open")
    parser.add_argument("--tooltip-class", default="ks-tooltip",
                        help="class of the instructions' hidden full-text tooltip (default ks-tooltip)")
    folding = parser.add_mutually_exclusive_group()
    folding.add_argument("--equipment-collapsed", dest="equipment_collapsed", action="store_true", default=True,
                         help="equipment groups start collapsed ('Show equipment'; the default, as on the real site)")
    folding.add_argument("--equipment-expanded", dest="equipment_collapsed", action="store_false",
                         help="equipment groups start expanded ('Hide equipment')")
    parser.add_argument("--markup", choices=MARKUPS, default="classic",
                        help="rows and dispensers as captured (classic) or re-wrapped and re-classed (next-release)")
    parser.add_argument("--page-size-remembered", action="store_true",
                        help="each user's list opens at the page size last chosen")
    parser.add_argument("--hostile", action="store_true",
                        help="some orders carry hostile text (markup, escapes, bidi, formulas) in every text field")
    parser.add_argument("--asset-cache", choices=("on", "off"), default="on",
                        help="send the /build/ files cacheable for good (on, as a production build) or no-store")
    parser.add_argument("--build", type=int, default=1,
                        help="the front-end build served (1: the captured names; another: new names)")
    args = parser.parse_args(argv)
    password = args.password or os.environ.get("WOSYNC_SIM_PASSWORD") or DEFAULT_PASSWORD

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        sim = SimulatedWorkFossa(count=args.orders, seed=args.seed, username=args.username,
                                 password=password, port=args.port, pager=args.pager,
                                 page_size_options=args.page_size_options,
                                 tooltip_class=args.tooltip_class,
                                 equipment_collapsed=args.equipment_collapsed,
                                 page_size_remembered=args.page_size_remembered, markup=args.markup,
                                 hostile=args.hostile)
    except ValueError as error:
        parser.error(str(error))
    sim.assets.cache = args.asset_cache == "on"
    try:
        sim.assets.set_build(args.build)
    except ValueError as error:
        parser.error(str(error))
    sim.start()
    try:
        print(sim.base_url, flush=True)
        stop.wait()
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
