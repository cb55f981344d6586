"""Markup mutations of the saved WorkFossa pages (tests/support/mutations.py): a new build of the
site's Vue app re-wraps blocks, adds data-v-* attributes and ids, shuffles and adds classes,
adds and drops <!----> comments and changes whitespace, without changing what a page shows.
Tier 1: every variant reads exactly as the capture's expected JSON (200 seeds a capture).
Tier 2: every styling utility class also renamed or dropped; at least 99 % of the fields read
exactly (the full figure is printed by tests/benchmarks/mutation_tier2.py).
"""

from __future__ import annotations

import pytest

from support.captures import capture_expected, capture_html
from support.mutations import (EQUIPMENT_CAPTURES, LIST_CAPTURES, fields_exact, is_styling,
                               mutate, read_capture)
from wosync.workfossa.strategies import FieldStrategies

SEEDS = 200
CAPTURES = LIST_CAPTURES + EQUIPMENT_CAPTURES


@pytest.mark.parametrize("name", CAPTURES)
def test_every_tier_1_variant_reads_exactly_as_the_capture(name):
    page, expected = capture_html(name), capture_expected(name)
    wrong = []
    for seed in range(SEEDS):
        variant = mutate(page, seed)
        try:
            got = read_capture(name, variant)
        except Exception as exc:  # noqa: BLE001 - named in the failure below
            got = exc
        if got != expected:
            wrong.append((seed, got if isinstance(got, Exception) else fields_exact(got, expected)))
    assert not wrong, f"{len(wrong)} of {SEEDS} variants misread (seed, what): {wrong[:5]}"


@pytest.mark.parametrize("name", CAPTURES)
def test_the_variants_really_change_the_markup(name):
    page = capture_html(name)
    variants = {mutate(page, seed) for seed in range(5)}
    assert len(variants) == 5 and page not in variants
    assert all("data-v-" in v and "zz-wrap" in v for v in variants)
    assert mutate(page, 3) == mutate(page, 3), "the same seed, the same variant"


def test_tier_2_renames_or_drops_every_styling_class_and_keeps_the_semantic_ones():
    variant = mutate(capture_html("rows-2025-04.html"), 7, tier=2)
    for kept in ("work-list-item", "address-info", "contact-name", "work-creator", "ks-tooltip",
                 "wo-category-show", "work-status-badge"):
        assert kept in variant
    for name in ("mb-2", "text-xs", "muted", "pre-wrap", "py-2"):
        assert is_styling(name)
        assert f'"{name}"' not in variant and f" {name} " not in variant and f'"{name} ' not in variant
    assert "Reason:" in variant and "Project:" in variant and "PO #:" in variant


@pytest.mark.parametrize("name", CAPTURES)
def test_tier_2_reads_at_least_99_percent_of_the_fields(name):
    page, expected = capture_html(name), capture_expected(name)
    seeds = 20 if name == "work-list-length-aware.html" else 60
    exact = total = 0
    for seed in range(seeds):
        try:
            got = read_capture(name, mutate(page, 1000 + seed, tier=2))
        except Exception as exc:  # noqa: BLE001 - counted as every field wrong
            got = exc
        found, of = fields_exact(got, expected)
        exact, total = exact + found, total + of
    assert exact / total >= 0.99, f"{exact} / {total}"


def test_tier_2_variants_are_read_by_the_fallbacks_and_counted():
    from wosync.workfossa.equipment import parse_dispensers
    from wosync.workfossa.parse import parse_rows

    rows = FieldStrategies()
    orders = parse_rows(mutate(capture_html("rows-2025-04.html"), 5, tier=2), "https://app.workfossa.com", rows)
    assert orders == capture_expected("rows-2025-04.html")
    assert rows.read == 7
    counts = rows.fallback_fields()
    assert counts["items"] == 7 and counts["reason"] == 7 and counts["instructions"] == 7
    clean = FieldStrategies()
    parse_rows(capture_html("rows-2025-04.html"), "https://app.workfossa.com", clean)
    assert clean.read == 7 and clean.fallback_fields() == {}

    dispensers = FieldStrategies()
    got = parse_dispensers(mutate(capture_html("equipment-dispensers.html"), 5, tier=2), dispensers)
    assert got == capture_expected("equipment-dispensers.html")
    assert dispensers.read == 8
    assert {"block", "group", "serial", "make", "fields"} <= set(dispensers.fallback_fields())
