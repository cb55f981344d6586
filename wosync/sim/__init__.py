"""A simulated WorkFossa site on 127.0.0.1, for the scraper's tests, benchmarks and `wosync demo`.

    from wosync.sim import SimulatedWorkFossa
    with SimulatedWorkFossa(count=250, seed=1, pager="simple") as sim:
        sim.base_url, sim.faults.slow_ms = 200, sim.expected_orders()
        sim.expected_dispensers(sim.location_ids()[0])

Standard library only. Its pages follow the saved pages of the real site
(tests/fixtures/workfossa/): the list page's chrome
and rows are the captured markup with the simulated data filled in, and the versions the
captures show or the contract leaves open are switches (pager, page_size_options,
tooltip_class, equipment_collapsed, page_size_remembered, markup; hostile for the data). See SimulatedWorkFossa and Faults.
"""

from wosync.sim.server import DEFAULT_PASSWORD, DEFAULT_USERNAME, SWITCHES, Faults, SimulatedWorkFossa

__all__ = ["SimulatedWorkFossa", "Faults", "SWITCHES", "DEFAULT_USERNAME", "DEFAULT_PASSWORD"]
