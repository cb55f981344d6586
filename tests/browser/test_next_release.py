"""The scraper against the simulated site in its `markup="next-release"` form (wosync/sim/
next_release.py: rows and dispensers re-wrapped, data-v-* scopes, `tw-` utilities, semantic
classes and labels kept), driving real Chromium, in both versions of the pager.

What a user checks: a scrape of 250 orders equals what the site shows, every field, with the
fields read by their fallback counted; the Equipment step reads every dispenser of every
location, its group collapsed as the real site usually starts it; a location the site says
may have been deleted is that location's own error; a dispenser without S/N or Model reads
null; the tab is found by `[dusk="equipment-tab"]` when no element reads "Equipment".
"""

from __future__ import annotations

import pytest

from wosync.secret import Secret
from wosync.sim import SimulatedWorkFossa
from wosync.workfossa import WorkFossa, find_browser
from wosync.workfossa.errors import LayoutNotRecognised, LocationNotFound, SiteHttpError
from wosync.workfossa.locations import read_location_equipment
from wosync.workfossa.strategies import FieldStrategies

USER = "tech@example.com"
PASSWORD = "correct-horse-42"

pytestmark = pytest.mark.browser


def scraper(sim: SimulatedWorkFossa, folder) -> WorkFossa:
    return WorkFossa(sim.base_url, USER, Secret(PASSWORD), state_path=folder / "session.json",
                     artefacts_dir=folder / "artefacts", browser_executable=find_browser(), timeout_ms=15000)


@pytest.mark.parametrize("pager", ["length-aware", "simple"])
def test_a_scrape_of_the_next_release_equals_the_site_s_data(tmp_path, pager):
    with SimulatedWorkFossa(count=250, seed=12, username=USER, password=PASSWORD, pager=pager,
                            markup="next-release") as sim:
        with scraper(sim, tmp_path) as wf:
            result = wf.read_work_orders(require_fields=True)
        assert result.orders == sim.expected_orders()
        assert result.rows_read == 250 and result.complete
        # The utilities renamed: the item groups, the labels and the instructions' copy were
        # found by their text, on every row.
        assert result.fallback_fields["items"] == 250 and result.fallback_fields["reason"] == 250
        assert "number" not in result.fallback_fields and "city" not in result.fallback_fields


def test_the_classic_site_needs_no_fallback(tmp_path):
    with SimulatedWorkFossa(count=120, seed=12, username=USER, password=PASSWORD) as sim:
        with scraper(sim, tmp_path) as wf:
            result = wf.read_work_orders(require_fields=True)
        assert result.orders == sim.expected_orders() and result.fallback_fields == {}


# 61 locations with 257 dispensers: every make, field label and missing S/N or Model the 250
# orders (125 locations) this module used before have, in half the location pages.
EQUIPMENT_ORDERS = 120


@pytest.fixture(scope="module")
def next_release(tmp_path_factory):
    """A next-release site (collapsed groups, the default) and a logged-in scraper."""
    folder = tmp_path_factory.mktemp("next-release")
    with SimulatedWorkFossa(count=EQUIPMENT_ORDERS, seed=12, username=USER, password=PASSWORD,
                            markup="next-release") as sim:
        assert sim.equipment_collapsed, "the Dispenser group starts collapsed, as on the real site"
        with scraper(sim, folder) as wf:
            wf.ensure_session()
            yield sim, wf


def test_the_equipment_step_reads_every_dispenser_of_every_location(next_release):
    sim, wf = next_release
    strategies = FieldStrategies()
    read = 0
    for location_id in sim.location_ids():
        assert read_location_equipment(wf, location_id, strategies) == sim.expected_dispensers(location_id), location_id
        read += len(sim.expected_dispensers(location_id))
    assert read > 100 and strategies.read == read
    assert strategies.fallback_fields()["block"] == read  # py-1.5 renamed: blocks by their title lines
    makes = {d["make"] for lid in sim.location_ids() for d in sim.expected_dispensers(lid)}
    assert "Dresser Wayne" in makes
    assert any("NTEP / COC #" in d["fields"] for lid in sim.location_ids() for d in sim.expected_dispensers(lid))


def test_a_dispenser_without_s_n_or_model_reads_null(next_release):
    sim, wf = next_release
    location_id = next(lid for lid in sim.location_ids() if sim.expected_dispensers(lid))
    sim.edit_dispenser(location_id, "1/2", serial=None, model=None)
    first = read_location_equipment(wf, location_id)[0]
    assert (first["serial"], first["model"]) == (None, None)
    assert read_location_equipment(wf, location_id) == sim.expected_dispensers(location_id)


def test_a_deleted_location_is_its_own_error_not_a_layout_failure(next_release):
    sim, wf = next_release
    location_id = sim.location_ids()[-1]
    sim.delete_location(location_id)
    with pytest.raises(LocationNotFound) as caught:
        read_location_equipment(wf, location_id)
    assert "Could not find this location. It may have been deleted." in caught.value.message
    assert isinstance(caught.value, SiteHttpError) and not isinstance(caught.value, LayoutNotRecognised)
    assert caught.value.kind == "location_not_found" and caught.value.location_id == location_id
    # The next location reads as ever.
    other = sim.location_ids()[0]
    assert read_location_equipment(wf, other) == sim.expected_dispensers(other)


def test_the_tab_is_found_by_its_dusk_attribute_when_no_element_reads_equipment(next_release):
    sim, wf = next_release
    location_id = next(lid for lid in sim.location_ids() if sim.expected_dispensers(lid))

    def relabel(route):
        response = route.fetch()
        # The tab shows an icon only: no element reads "Equipment"; its dusk attribute remains.
        body = response.text().replace('<a href="#">Equipment</a>', '<a href="#" dusk="equipment-tab">&#9881;</a>')
        route.fulfill(response=response, body=body)

    pattern = f"**/app/customers/locations/{location_id}/"
    wf.page.route(pattern, relabel)
    try:
        assert read_location_equipment(wf, location_id) == sim.expected_dispensers(location_id)
    finally:
        wf.page.unroute(pattern)
