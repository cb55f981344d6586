"""The saved session file: bound to its account and site, and replaced when it is no session.

The simulated site on loopback, real Chromium, the real `wosync sync-now` (automation style:
WOSYNC_USERNAME / WOSYNC_PASSWORD). A file that is valid JSON but no session is moved aside
and the sync logs in afresh; a file saved for account A is never used for account B (its
cookies would read A's orders and store them under B).
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from wosync.sim import SimulatedWorkFossa
from wosync.store import Store
from support.environment import DataFolder
from support.run import wosync

USERNAME = "tech@example.com"
OTHER = "other@example.com"
PASSWORD = "correct-horse-42"

pytestmark = pytest.mark.browser


@pytest.fixture
def sim():
    with SimulatedWorkFossa(count=6, seed=3, username=USERNAME, password=PASSWORD) as site:
        yield site


def sync_env(data_folder: DataFolder, sim: SimulatedWorkFossa, username: str = USERNAME,
             password: str = PASSWORD) -> dict[str, str]:
    return dict(data_folder.env, WOSYNC_BASE_URL=sim.base_url, WOSYNC_USERNAME=username, WOSYNC_PASSWORD=password)


def session_path(home: Path, username: str) -> Path:
    return home / "sessions" / f"{username}.json"


def test_a_json_file_that_is_no_session_is_set_aside_and_the_sync_logs_in_afresh(data_folder, sim):
    path = session_path(data_folder.home, USERNAME)
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_text('{"cookies": 5}')

    result = wosync("sync-now", "--quiet", env=sync_env(data_folder, sim), timeout=180)

    assert result.returncode == 0, result.stderr
    assert sim.login_count == 1
    aside = list(path.parent.glob(f"{path.name}.bad-*"))
    assert len(aside) == 1 and aside[0].read_text() == '{"cookies": 5}'
    assert stat.S_IMODE(aside[0].stat().st_mode) == 0o600
    assert str(aside[0]) in result.stderr, "the log note names where the file went"
    saved = json.loads(path.read_text())
    assert saved["wosync_session"]["account"] == USERNAME and saved["cookies"]

    # The next sync reuses the good session: no second login.
    again = wosync("sync-now", "--quiet", env=sync_env(data_folder, sim), timeout=180)
    assert again.returncode == 0, again.stderr
    assert sim.login_count == 1


def test_a_session_saved_for_one_account_is_not_used_for_another(data_folder, sim):
    first = wosync("sync-now", "--quiet", env=sync_env(data_folder, sim), timeout=180)
    assert first.returncode == 0, first.stderr
    assert sim.login_count == 1
    # The other account's file is the first one's (copied over, or a name that maps to it).
    shutil.copy(session_path(data_folder.home, USERNAME), session_path(data_folder.home, OTHER))

    other = wosync("sync-now", "--quiet", env=sync_env(data_folder, sim, OTHER, "not-the-password"), timeout=180)

    # A fresh login as the other account was tried (and refused by this site, which knows only
    # the first): nothing of the first account's orders was read or stored under the other name.
    assert other.returncode == 3, other.stdout + other.stderr
    assert "belongs to" in other.stderr and USERNAME in other.stderr
    assert sim.login_count == 1
    with Store(data_folder.home / "wosync.db") as store:
        assert store.load_orders(OTHER) == {}
        assert len(store.load_orders(USERNAME)) == len(sim.expected_orders())


def test_a_session_of_another_site_is_not_used_either(data_folder, sim):
    first = wosync("sync-now", "--quiet", env=sync_env(data_folder, sim), timeout=180)
    assert first.returncode == 0, first.stderr
    path = session_path(data_folder.home, USERNAME)
    saved = json.loads(path.read_text())
    saved["wosync_session"]["base_url"] = "https://elsewhere.example.com"
    path.write_text(json.dumps(saved))

    again = wosync("sync-now", "--quiet", env=sync_env(data_folder, sim), timeout=180)

    assert again.returncode == 0, again.stderr
    assert sim.login_count == 2
    assert json.loads(path.read_text())["wosync_session"]["base_url"] == sim.base_url
