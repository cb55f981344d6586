"""docs/design.md's "Where each rule lives" names, for each rule of the sync and the schedule, the
function that holds it: every name there must exist in the module named beside it, so the table
cannot drift from the code unseen (a rename or a move fails here until the table follows)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DESIGN = REPO / "docs" / "design.md"


def table_rows() -> list[tuple[str, list[str], list[str]]]:
    """Return (rule, functions, modules) for each row of the rule tables in docs/design.md."""
    text = DESIGN.read_text()
    start, end = text.index("<!-- rules-table:start -->"), text.index("<!-- rules-table:end -->")
    rows = []
    for line in text[start:end].splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("rule", "---"):
            continue
        names = re.findall(r"`([^`]+)`", cells[1])
        modules = re.findall(r"`([^`]+)`", cells[2])
        rows.append((cells[0], names, modules))
    return rows


def defined_names(path: Path) -> set[str]:
    """Given a Python file, return its top-level names and Class.method names."""
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            if isinstance(node, ast.ClassDef):
                names.update(f"{node.name}.{item.name}" for item in node.body
                             if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def test_the_table_covers_the_sync_and_the_schedule():
    rows = table_rows()
    rules = " ".join(rule for rule, _, _ in rows)
    for rule in ("mass-removal guard", "retry after 1, 2, 4, 8", "one catch-up", "SIGHUP", "completeness"):
        assert rule in rules, f"docs/design.md's rule table lost the rule {rule!r}"
    assert len(rows) >= 40


def test_every_function_the_table_names_is_in_its_module():
    missing = []
    for rule, names, modules in table_rows():
        assert len(names) == len(modules) and names, f"row {rule!r}: one module per function"
        for name, module in zip(names, modules):
            path = REPO / module
            if not path.is_file() or name not in defined_names(path):
                missing.append(f"{name} in {module} ({rule})")
    assert not missing, "docs/design.md names functions that are not there:\n" + "\n".join(missing)
