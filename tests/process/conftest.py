"""Fixtures shared by the process tests."""

from __future__ import annotations

import pytest

from support.environment import DataFolder


@pytest.fixture
def sim():
    """A small simulated WorkFossa (5 orders, seed 1) on 127.0.0.1, stopped after the test."""
    from wosync.sim import SimulatedWorkFossa

    site = SimulatedWorkFossa(count=5, seed=1).start()
    yield site
    site.stop()


@pytest.fixture
def site_env(data_folder: DataFolder, sim) -> dict[str, str]:
    """The environment of a `wosync` subprocess that syncs `sim` the automation way
    (WOSYNC_BASE_URL, _USERNAME, _PASSWORD in the test's data folder), output unbuffered."""
    from wosync.sim import DEFAULT_PASSWORD, DEFAULT_USERNAME

    return dict(data_folder.env, WOSYNC_BASE_URL=sim.base_url, WOSYNC_USERNAME=DEFAULT_USERNAME,
                WOSYNC_PASSWORD=DEFAULT_PASSWORD, PYTHONUNBUFFERED="1")
