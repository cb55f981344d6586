"""The kept browser profile: a repeat sync does not fetch the site's build again (its
bytes_received is a small part of the first's, and history shows both), each account and site
has a profile of its own, logout removes it, and a broken one is moved aside while the sync
goes on. Real Chromium against the simulated site (which serves the build: wosync/sim/assets.py).
The launch-failure and size-cap rules are checked without a browser at the end."""

from __future__ import annotations

import json
import stat
import urllib.request
from pathlib import Path

import pytest

from wosync.clock import system_clock
from wosync.secret import Secret
from wosync.sim import SimulatedWorkFossa
from wosync.store import Store
from wosync.sync import SyncOptions, run_sync
from wosync.workfossa import profile

USERNAME = "tech@example.com"
OTHER = "second@example.com"
PASSWORD = "correct-horse-42"


@pytest.fixture
def sim():
    with SimulatedWorkFossa(count=20, seed=4, username=USERNAME, password=PASSWORD) as site:
        yield site


def sync(store: Store, sim: SimulatedWorkFossa, username: str = USERNAME) -> dict:
    account = store.ensure_account(username, sim.base_url, system_clock())
    run = run_sync(store, account, system_clock, SyncOptions(notify=False), password=lambda: Secret(PASSWORD))
    assert run["status"] == "success", (run["error_kind"], run["error_message"])
    return run


def sim_bytes(sim: SimulatedWorkFossa) -> dict:
    with urllib.request.urlopen(sim.base_url + "/__sim__/bytes") as response:
        return json.loads(response.read())["total"]


@pytest.mark.browser
def test_a_repeat_sync_receives_a_small_part_of_the_first_and_history_shows_it(wosync_home, sim, cli):
    build = sim.assets.total_bytes()
    with Store() as store:
        first = sync(store, sim)
        sent = sim_bytes(sim)
        second = sync(store, sim)
    # The browser's count agrees with what the site sent (headers included), within a little.
    assert abs(first["bytes_received"] - sent["bytes"]) < 0.01 * sent["bytes"]
    assert first["bytes_received"] > build  # the first sync fetched the whole build
    assert second["bytes_received"] < 0.35 * first["bytes_received"]
    assert first["bytes_received"] - second["bytes_received"] > 0.95 * build
    assert sim_bytes(sim)["assets"] == sent["assets"]  # not one byte of the build again

    table = cli("history")
    assert table.exit_code == 0, table.output
    assert "Received" in table.stdout
    assert f"{first['bytes_received'] / 1e6:.1f} MB" in table.stdout
    as_json = json.loads(cli("history", "--json").stdout)
    assert [r["bytes_received"] for r in as_json] == [second["bytes_received"], first["bytes_received"]]
    report = json.loads(cli("history", "--report", "--json").stdout)
    assert report["total"]["bytes_received"] == first["bytes_received"] + second["bytes_received"]
    assert "received" in cli("history", "--report").stdout


@pytest.mark.browser
def test_two_accounts_get_two_profiles_and_logout_removes_its_own(wosync_home, sim):
    with SimulatedWorkFossa(count=5, seed=6, username=OTHER, password=PASSWORD) as other_site, Store() as store:
        sync(store, sim)
        sync(store, other_site, OTHER)
        other_url = other_site.base_url
    mine = profile.profile_dir(USERNAME, sim.base_url)
    theirs = profile.profile_dir(OTHER, other_url)
    root = wosync_home / "profiles"
    assert sorted(root.iterdir()) == sorted([mine, theirs])
    assert profile.profile_dir(USERNAME, other_url) != mine  # another site, another profile
    for folder in (root, mine, theirs):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (mine / "Default").is_dir()

    from wosync.actions.login import logout

    logout(system_clock(), USERNAME)
    assert not mine.exists() and theirs.exists()
    assert not (wosync_home / "sessions" / f"{USERNAME}.json").exists()


@pytest.mark.browser
def test_a_profile_with_garbage_in_its_start_up_files_is_moved_aside_and_the_sync_goes_on(wosync_home, sim):
    with Store() as store:
        sync(store, sim)
        folder = profile.profile_dir(USERNAME, sim.base_url)
        (folder / "Local State").write_bytes(b"\x00garbage{{{")
        (folder / "Default" / "Preferences").write_text("not json at all")
        again = sync(store, sim)
    aside = [p for p in folder.parent.iterdir() if p.name.startswith(folder.name + ".bad-")]
    assert len(aside) == 1 and (aside[0] / "Local State").read_bytes() == b"\x00garbage{{{"
    assert json.loads((folder / "Local State").read_text())  # a fresh profile, Chromium's own
    assert again["bytes_received"] > sim.assets.total_bytes()  # fresh: it fetched the build again


# --- without a browser ----------------------------------------------------------------------

class _FakeChromium:
    """Given how many launches fail (naming the profile), stand in for Playwright's chromium."""

    def __init__(self, failures: int):
        self.failures = failures
        self.launches: list[str] = []

    def launch_persistent_context(self, user_data_dir, **options):
        from playwright.sync_api import Error

        self.launches.append(user_data_dir)
        if len(self.launches) <= self.failures:
            raise Error(f"Browser closed.\n<launching> chromium --user-data-dir={user_data_dir}\nFATAL")
        return "context"


def test_a_launch_failing_on_the_profile_moves_it_aside_and_launches_fresh_once(tmp_path):
    folder = tmp_path / "profiles" / "me-0123456789"
    (folder / "Default").mkdir(parents=True)
    (folder / "Default" / "Cookies").write_bytes(b"kept for a look")
    chromium = _FakeChromium(failures=1)
    assert profile.launch(chromium, folder) == "context"
    assert chromium.launches == [str(folder), str(folder)]
    aside = list(folder.parent.glob("me-0123456789.bad-*"))
    assert len(aside) == 1 and (aside[0] / "Default" / "Cookies").read_bytes() == b"kept for a look"
    assert folder.is_dir() and not (folder / "Default").exists()


def test_when_a_fresh_profile_fails_too_the_old_one_is_put_back_and_the_error_raised(tmp_path):
    from playwright.sync_api import Error

    folder = tmp_path / "me-0123456789"
    (folder / "Default").mkdir(parents=True)
    with pytest.raises(Error):
        profile.launch(_FakeChromium(failures=2), folder)
    assert (folder / "Default").is_dir() and not list(tmp_path.glob("*.bad-*"))


def test_a_profile_over_its_cap_loses_its_caches_and_keeps_its_cookies(tmp_path):
    folder = tmp_path / "me-0123456789"
    for cache in ("Default/Cache/Cache_Data", "Default/Code Cache/js", "GrShaderCache"):
        (folder / cache).mkdir(parents=True)
        (folder / cache / "blob").write_bytes(b"x" * 4000)
    (folder / "Default" / "Cookies").write_bytes(b"c" * 100)
    assert not profile.prune(folder, cap_bytes=20_000)
    assert profile.prune(folder, cap_bytes=10_000)
    assert not (folder / "Default" / "Cache").exists() and not (folder / "GrShaderCache").exists()
    assert (folder / "Default" / "Cookies").read_bytes() == b"c" * 100
    assert profile.size_of(folder) == 100


def test_profiles_are_named_by_account_and_site_and_never_match_another_account(tmp_path):
    one = profile.profile_dir("a@x.com", "https://app.workfossa.com/", root=tmp_path)
    assert one == profile.profile_dir("a@x.com", "HTTPS://app.workfossa.com", root=tmp_path)
    assert one.name == "a@x.com-" + profile.site_hash("https://app.workfossa.com")
    similar = profile.profile_dir("a@x.com-0123456789", "https://app.workfossa.com", root=tmp_path)
    for path in (one, similar, Path(f"{one}.bad-20261206T101010")):
        path.mkdir(parents=True)
    assert profile.account_profiles("a@x.com", root=tmp_path) == sorted([one, Path(f"{one}.bad-20261206T101010")])


def test_a_lock_left_by_a_browser_that_is_gone_does_not_hold_the_profile(tmp_path):
    import os
    import socket

    folder = tmp_path / "me-0123456789"
    folder.mkdir()
    assert profile.in_use_by(folder) is None
    # This process is alive but no Chromium: the lock's pid was reused, the lock is stale.
    os.symlink(f"{socket.gethostname()}-{os.getpid()}", folder / "SingletonLock")
    assert profile.in_use_by(folder) is None
