"""Tier 2 of the markup mutations: every styling utility class of the saved WorkFossa pages
renamed (a tw- prefix, or a hashed name) or dropped, semantic classes and label texts kept
(tests/support/mutations.py). Prints, per capture and in all, the fields read exactly / the
fields expected, and which fields needed their fallback.

    python tests/benchmarks/mutation_tier2.py [--seeds 200]

Not collected by pytest (tests/unit/test_markup_mutations.py asserts >= 99 % on fewer seeds).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support.captures import capture_expected, capture_html  # noqa: E402
from support.mutations import (CAPTURE_BASE, EQUIPMENT_CAPTURES, LIST_CAPTURES,  # noqa: E402
                               fields_exact, mutate)
from wosync.workfossa.equipment import parse_dispensers  # noqa: E402
from wosync.workfossa.parse import parse_rows  # noqa: E402
from wosync.workfossa.strategies import FieldStrategies  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    args = parser.parse_args()
    all_exact = all_total = 0
    for name in LIST_CAPTURES + EQUIPMENT_CAPTURES:
        page, expected = capture_html(name), capture_expected(name)
        exact = total = failures = 0
        strategies = FieldStrategies()
        started = time.perf_counter()
        for seed in range(args.seeds):
            variant = mutate(page, seed, tier=2)
            try:
                got = (parse_dispensers(variant, strategies) if name in EQUIPMENT_CAPTURES
                       else parse_rows(variant, CAPTURE_BASE, strategies))
            except Exception as exc:  # noqa: BLE001 - counted as every field wrong
                got, failures = exc, failures + 1
            found, of = fields_exact(got, expected)
            exact, total = exact + found, total + of
        all_exact, all_total = all_exact + exact, all_total + total
        print(f"{name}: {exact} / {total} fields exact ({100 * exact / total:.2f} %), "
              f"{failures} variants failed to parse, {time.perf_counter() - started:.1f} s")
        print(f"  needed the fallback (records): {strategies.fallback_fields()} of {strategies.read}")
    print(f"all: {all_exact} / {all_total} fields exact ({100 * all_exact / all_total:.2f} %) "
          f"over {args.seeds} seeds a capture")


if __name__ == "__main__":
    main()
