"""Dispensers per location end to end: the simulated site on loopback, real Chromium, real
SQLite files, the real CLI: the whole path a technician's dispensers take.

What a user checks: after a sync of 120 orders (67 locations, two pages of the list),
`wosync dispensers --json` lists every location's dispensers exactly as the site shows them; a
second sync within the week opens no location page again; a dispenser changed on the site is recorded as a change; an Equipment
tab that cannot be found is recorded on the run while the sync succeeds with its orders saved.
And the browser step itself: a collapsed Dispenser group, a group of another type before it,
a location with no equipment, a session that ends between two locations.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from wosync.clock import system_clock
from wosync.secret import Secret
from wosync.sim import SimulatedWorkFossa
from wosync.store import Store
from wosync.sync import SyncOptions, WorkFossaSource, run_sync
from wosync.workfossa import WorkFossa, find_browser
from wosync.workfossa.errors import LayoutNotRecognised
from wosync.workfossa.locations import read_location_equipment
from support.environment import DataFolder, sim_cli_env
from support.run import wosync

USER = "tech@example.com"
PASSWORD = "correct-horse-42"

pytestmark = pytest.mark.browser


@pytest.fixture
def home(data_folder: DataFolder) -> Path:
    """A fresh data folder, used by in-process code and by subprocesses (the clean environment)."""
    return data_folder.home


def cli_env(home: Path, sim: SimulatedWorkFossa, **extra: str) -> dict[str, str]:
    """The environment of a `wosync` subprocess syncing the simulated site (automation style)."""
    return sim_cli_env(home, sim, USER, PASSWORD, **extra)


def page_loads(sim: SimulatedWorkFossa) -> int:
    return sum(sim.state()["location_page_loads"].values())


def without_seen(locations: list[dict]) -> dict[int, list[dict]]:
    """`dispensers --json` as {location id: dispensers in the site's shape}."""
    return {loc["location_id"]: [{k: v for k, v in d.items() if not k.endswith("_seen_at")} for d in loc["dispensers"]]
            for loc in locations}


@pytest.mark.slow  # several full syncs: over 20 s on a busy machine
def test_a_sync_of_120_orders_keeps_every_locations_dispensers_as_the_site_shows_them(home):
    # 120 orders: 67 locations, well past the per-run 25, and two pages of the list (250 took
    # 132 location pages and 48 s of CI for the same checks).
    with SimulatedWorkFossa(count=120, seed=4, username=USER, password=PASSWORD) as sim:
        env = cli_env(home, sim)
        first = wosync("sync-now", "--equipment", "--json", env=env)
        assert first.returncode == 0, first.stderr
        run = json.loads(first.stdout)
        assert run["status"] == "success" and run["items_processed"] == 120 and run["equipment_error"] is None
        ids = sim.location_ids()
        assert page_loads(sim) == len(ids) > 25, "--equipment reads every due location, past the per-run 25"

        listed = json.loads(wosync("dispensers", "--json", env=env).stdout)
        assert sorted(loc["location_id"] for loc in listed) == sorted(ids)
        assert without_seen(listed) == {i: sim.expected_dispensers(i) for i in ids}
        assert any(not loc["dispensers"] for loc in listed), "the site has locations without dispensers"
        assert any(d["model"] is None for loc in listed for d in loc["dispensers"])

        second = wosync("sync-now", "--quiet", env=env)
        assert second.returncode == 0, second.stderr
        assert page_loads(sim) == len(ids), "read within the week: no location page opened again"

        # Equipment changes on the site, and a week later for that location (only).
        changed = next(i for i in ids if len(sim.expected_dispensers(i)) >= 3)
        before = sim.expected_dispensers(changed)
        edited, removed = before[0]["position"], before[1]["position"]
        sim.edit_dispenser(changed, edited, model="Model-X9", serial="SN00001")
        sim.remove_dispenser(changed, removed)
        added = sim.add_dispenser(changed, serial="SN77777")
        with Store(home / "wosync.db") as store:
            store.conn.execute("UPDATE locations SET equipment_checked_at = '2026-01-01T00:00:00Z' "
                               "WHERE location_id = ?", (changed,))
        third = wosync("sync-now", "--json", env=env)
        assert third.returncode == 0, third.stderr
        assert page_loads(sim) == len(ids) + 1, "only the location read more than a week ago"
        third_id = str(json.loads(third.stdout)["id"])
        changes = json.loads(wosync("changes", "--run", third_id, "--json", env=env).stdout)
        mine = [c for c in changes if c["kind"].startswith("dispenser_")]
        assert [(c["number"], c["kind"]) for c in mine] == [
            (f"L-{changed}", "dispenser_removed"), (f"L-{changed}", "dispenser_updated"), (f"L-{changed}", "dispenser_added")
        ], "exactly these, and no other location changed"
        gone, updated, new = (c["fields"] for c in mine)
        assert list(gone) == [removed] and gone[removed][1] is None and before[1]["serial"] in gone[removed][0]
        assert updated == {f"{edited} model": [before[0]["model"], "Model-X9"],
                           f"{edited} serial": [before[0]["serial"], "SN00001"]}
        assert list(new) == [added] and new[added][0] is None and "SN77777" in new[added][1]
        table = wosync("changes", "--run", third_id, env=dict(env, WOSYNC_FORCE_TERMINAL="1")).stdout  # the table
        assert f"L-{changed}" in table and f"{edited} model: " in table and "dispenser added" in table
        again = json.loads(wosync("dispensers", "--location", str(changed), "--json", env=env).stdout)
        assert without_seen(again) == {changed: sim.expected_dispensers(changed)}


class NoEquipmentTab(WorkFossaSource):
    """The real source, on a site whose location pages have lost their Equipment tab."""

    def __call__(self, *args):
        outcome = super().__call__(*args)

        def rename_tab(route):
            response = route.fetch()
            body = response.text().replace('<a href="#">Equipment</a>', '<a href="#">Assets</a>')
            route.fulfill(response=response, body=body)

        self.site.page.route(re.compile(r"/app/customers/locations/\d+/$"), rename_tab)
        return outcome


def test_an_equipment_tab_that_cannot_be_found_is_recorded_and_the_sync_still_succeeds(home):
    with SimulatedWorkFossa(count=30, seed=6, username=USER, password=PASSWORD) as sim, Store() as store:
        account = store.ensure_account(USER, sim.base_url, system_clock())
        phases = []
        run = run_sync(store, account, system_clock, SyncOptions(notify=False), source=NoEquipmentTab(),
                       password=lambda: Secret(PASSWORD), on_progress=lambda r: phases.append(r["phase"]))
        assert run["status"] == "success" and run["items_processed"] == 30
        assert len(store.list_orders()) == 30, "the orders are saved"
        error = run["equipment_error"]
        assert "has no Equipment tab (looked for a link, button or tab whose text is \"Equipment\")" in error
        assert "stopped after 3 failed locations in a row" in error and "(saved: " in error
        assert store.dispenser_counts(USER) == {}
        assert phases.index("saving") < phases.index("equipment") < phases.index("completed") == len(phases) - 1
        assert store.get_progress(USER)[0]["phase"] == "completed"


def test_an_hourly_sync_reads_at_most_the_per_run_allowance(home, monkeypatch):
    monkeypatch.setenv("WOSYNC_EQUIPMENT_PER_RUN", "4")
    with SimulatedWorkFossa(count=30, seed=6, username=USER, password=PASSWORD) as sim, Store() as store:
        account = store.ensure_account(USER, sim.base_url, system_clock())
        messages = []
        run = run_sync(store, account, system_clock, SyncOptions(notify=False), password=lambda: Secret(PASSWORD),
                       on_progress=lambda r: messages.append((r["phase"], r["message"])))
        assert run["status"] == "success" and run["equipment_error"] is None
        assert page_loads(sim) == 4
        assert [m for p, m in messages if p == "equipment"] == [f"Reading equipment {i} of 4..." for i in (1, 2, 3, 4)]
        read = store.list_dispensers(USER)
        for (_, location_id), dispensers in read.items():
            assert [{k: d[k] for k in ("position", "grades", "make", "model", "serial", "fields")}
                    for d in dispensers] == sim.expected_dispensers(location_id)


# --- the browser step on its own ---------------------------------------------------------------


@pytest.fixture
def site_and_browser(tmp_path):
    with SimulatedWorkFossa(count=120, seed=9, username=USER, password=PASSWORD) as sim:
        with WorkFossa(sim.base_url, USER, Secret(PASSWORD), state_path=tmp_path / "session.json",
                       artefacts_dir=tmp_path / "artefacts", browser_executable=find_browser(),
                       timeout_ms=15000) as wf:
            wf.ensure_session()
            yield sim, wf


def test_the_browser_step_reads_collapsed_groups_other_groups_and_empty_locations(site_and_browser):
    sim, wf = site_and_browser
    ids = sim.location_ids()
    kinds = {"empty": [], "tank monitor first": [], "plain": []}
    for location_id in ids:
        equipment = sim.equipment.snapshot(location_id)
        key = "empty" if not equipment.dispensers else "tank monitor first" if equipment.tank_monitors else "plain"
        kinds[key].append(location_id)
    chosen = [group[0] for group in kinds.values() if group]
    assert len(chosen) == 3, kinds
    for collapsed in (False, True):
        sim.equipment_collapsed = collapsed
        for location_id in chosen:
            assert read_location_equipment(wf, location_id) == sim.expected_dispensers(location_id), (collapsed, location_id)


def test_a_session_that_ends_between_locations_is_logged_in_again_once(site_and_browser):
    sim, wf = site_and_browser
    location_id = sim.location_ids()[0]
    logins = sim.login_count
    sim.faults.expire_once = True
    sim.faults.expire_session_after = 0  # the next /app page finds the session ended (once)
    assert read_location_equipment(wf, location_id) == sim.expected_dispensers(location_id)
    assert sim.login_count == logins + 1


def test_a_missing_tab_names_what_was_looked_for_and_saves_the_page(site_and_browser, tmp_path):
    sim, wf = site_and_browser
    wf.page.route(re.compile(r"/app/customers/locations/\d+/$"), lambda route: route.fulfill(
        status=200, content_type="text/html", body="<html><body><div class='top-bar'></div><p>Location</p></body></html>"))
    with pytest.raises(LayoutNotRecognised) as caught:
        read_location_equipment(wf, sim.location_ids()[0])
    assert 'has no Equipment tab (looked for a link, button or tab whose text is "Equipment")' in caught.value.message
    assert sorted("".join(p.suffixes) for p in caught.value.artefacts) == [".html.gz", ".png"]


def test_the_demo_ends_with_one_order_and_its_dispensers(tmp_path, data_folder):
    result = wosync("demo", "--orders", "30", "--home", str(tmp_path / "demo"), env=data_folder.env, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Equipment read at" in out
    tail = out[out.index("One stop: the next visit at a location whose dispensers were read"):]
    assert re.search(r"W-\d+ · ", tail) and "Location " in tail and " · S/N " in tail
    count_line = re.search(r"\d+ dispensers?, read [^\n]*\n", tail)
    assert count_line and tail[count_line.end():].strip().startswith("Look around:"), "then only the hint"
