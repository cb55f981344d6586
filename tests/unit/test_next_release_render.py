"""The simulated site's next-release markup (wosync/sim/next_release.py) without a browser: the
same content as the classic rows and Equipment tab in other markup, read back exactly by the
parsers (their fallbacks counted), and the switch that chooses it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from wosync.fields import SCRAPED_FIELDS
from wosync.sim import SWITCHES, SimulatedWorkFossa, next_release, render
from wosync.sim.data import generate_orders
from wosync.sim.equipment import EquipmentStore
from wosync.sim.location_page import equipment_tab
from wosync.workfossa.equipment import dispenser_group_state, parse_dispensers
from wosync.workfossa.parse import parse_rows
from wosync.workfossa.strategies import FieldStrategies

BASE = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def orders():
    made, _ = generate_orders(200, seed=21, today=dt.date(2026, 4, 10))
    return made


def expected(order) -> dict:
    return {key: {"location_id": order.location_id, **order.expected(BASE)}[key] for key in SCRAPED_FIELDS}


def test_next_release_rows_read_back_as_the_orders(orders):
    strategies = FieldStrategies()
    assert parse_rows(next_release.rows_html(orders), BASE, strategies) == [expected(o) for o in orders]
    assert strategies.read == len(orders) and strategies.fallback_fields()["items"] == len(orders)


def test_next_release_rows_are_other_markup_with_the_semantic_classes_kept(orders):
    html = next_release.rows_html(orders[:5])
    classic = render.rows_html(orders[:5])
    assert html != classic
    classes = {c for found in re.findall(r'class="([^"]*)"', html) for c in found.split()}
    assert {"mb-2", "text-xs", "muted", "py-2", "pre-wrap", "row"}.isdisjoint(classes)
    assert {"tw-mb-2", "tw-text-xs", "tw-muted", "work-list-item", "address-info", "contact-name",
            "work-creator", "ks-tooltip", "wo-category-show", "work-status-badge"} <= classes
    assert next_release.ROW_SCOPE in html and "data-v-a381df7b" not in html
    assert "Reason:" in html and "nx-shell" in html


@pytest.mark.parametrize("collapsed", [False, True])
def test_next_release_equipment_tabs_read_back_as_the_dispensers(collapsed):
    store = EquipmentStore(seed=4)
    for location_id in range(5000, 5060):
        tab = equipment_tab(location_id, store.snapshot(location_id), collapsed, "next-release")
        html = tab["html"]
        if collapsed and tab["groups"]:
            html = html.replace('<div data-v-c04d2a18="" class="" style="opacity: 1;"></div>', "{}").format(*tab["groups"])
            html = html.replace('title="Show equipment"', 'title="Hide equipment"')
        assert parse_dispensers(html) == store.expected_dispensers(location_id), location_id
    assert "py-1.5" not in tab["html"] or "tw-py-1.5" in tab["html"]


def test_a_collapsed_next_release_group_says_so():
    store = EquipmentStore(seed=4)
    location_id = next(lid for lid in range(5000, 5060) if store.snapshot(lid).dispensers)
    state = dispenser_group_state(equipment_tab(location_id, store.snapshot(location_id), True, "next-release")["html"])
    assert (state.present, state.expanded, state.items) == (True, False, 0)
    assert state.count == len(store.expected_dispensers(location_id))


def test_the_markup_switch_is_checked_and_collapsed_is_the_default():
    assert SWITCHES["markup"] == ("classic", "next-release")
    sim = SimulatedWorkFossa(count=1)
    assert sim.markup == "classic" and sim.equipment_collapsed is True
    assert sim.set_switches(markup="next-release")["markup"] == "next-release"
    with pytest.raises(ValueError, match="markup"):
        sim.set_switches(markup="vue4")


def test_the_command_line_takes_the_markup_and_the_expanded_switch(monkeypatch):
    from wosync.sim import __main__ as sim_main

    seen = {}

    class Stop(Exception):
        pass

    def fake(**kwargs):
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(sim_main, "SimulatedWorkFossa", fake)
    monkeypatch.setattr(sim_main.signal, "signal", lambda *args: None)  # keep pytest's handlers
    with pytest.raises(Stop):
        sim_main.main(["--markup", "next-release", "--equipment-expanded"])
    assert seen["markup"] == "next-release" and seen["equipment_collapsed"] is False
    with pytest.raises(Stop):
        sim_main.main([])
    assert seen["markup"] == "classic" and seen["equipment_collapsed"] is True
