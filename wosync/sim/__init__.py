"""A simulated WorkFossa site on 127.0.0.1, for the scraper's tests, benchmarks and `wosync demo`.

    from wosync.sim import SimulatedWorkFossa
    with SimulatedWorkFossa(count=250, seed=1) as sim:
        sim.base_url, sim.faults.slow_ms = 200, sim.expected_orders()

Standard library only. It implements /work/shared/WORKFOSSA_SITE.md, traps included.
"""

from wosync.sim.server import DEFAULT_PASSWORD, DEFAULT_USERNAME, Faults, SimulatedWorkFossa

__all__ = ["SimulatedWorkFossa", "Faults", "DEFAULT_USERNAME", "DEFAULT_PASSWORD"]
