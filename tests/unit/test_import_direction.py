"""Imports flow one way: cli -> actions -> core -> store/workfossa -> pure helpers.

Read from the source with ast (nothing is imported), every `import` and `from ... import` of
every wosync/**/*.py, also those inside functions (a lazy import is still a dependency). Only
the imports under `if TYPE_CHECKING:` are left out: they name a type for the reader and are
never run. Each failure lists every offending import as `file:line (module) imports NAME`, so the fix
is plain from the message alone.

The layers, lowest first (a module may import its own layer and the ones below it):

    pure helpers   clock, config, errors, fields, secret, text, diff, schedules, schedule_rules,
                   model, progress, locks, logs, sdnotify, busy, error_text (and the package's
                   own __init__): PURE_HELPERS below
    store/site     wosync.store, wosync.workfossa, wosync.sim (the site wosync reads, simulated)
    core           every other module of wosync/ itself, and wosync.daemon
    actions        wosync.actions: what a command does, without drawing it
    render         wosync.render: Rich tables and views, drawn for the cli
    cli            wosync.cli and wosync/__main__.py
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "wosync"

PURE_HELPERS = {
    "wosync", "wosync.clock", "wosync.config", "wosync.errors", "wosync.fields", "wosync.secret",
    "wosync.text", "wosync.diff", "wosync.schedules", "wosync.schedule_rules", "wosync.model",
    "wosync.progress", "wosync.locks", "wosync.logs", "wosync.sdnotify", "wosync.busy", "wosync.error_text",
    "wosync.fallbacks", "wosync.instants", "wosync.pids", "wosync.status_read", "wosync.file_watch",
}
LAYERS = ["pure helpers", "store/site", "core", "actions", "render", "cli"]
SUBPACKAGE_LAYERS = {
    "store": "store/site", "workfossa": "store/site", "sim": "store/site", "daemon": "core",
    "actions": "actions", "render": "render", "cli": "cli",
}


@dataclass(frozen=True)
class Import:
    """One import statement's target, as written in `path` at `line`."""

    module: str       # the importing module, "wosync.actions.login"
    path: str         # "wosync/actions/login.py"
    line: int
    name: str         # the module imported, "wosync.cli.common" or "rich.console"

    def __str__(self) -> str:
        return f"{self.path}:{self.line} ({self.module}) imports {self.name}"


def module_name(path: Path) -> str:
    """Given a file under wosync/, return its dotted module name (a package's __init__ is the package)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _statements(tree: ast.AST):
    """Yield every import statement of the tree, skipping the bodies of `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            yield from (n for child in node.orelse for n in _statements_of(child))
            continue
        yield from _statements_of(node)


def _statements_of(node: ast.AST):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    else:
        yield from _statements(node)


def imports_of(path: Path) -> list[Import]:
    """Given a file under wosync/, return every module its import statements name, resolved
    (relative imports made absolute; `from wosync import config` names wosync.config)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    relative = path.relative_to(PACKAGE.parent).as_posix()
    found = []
    for node in _statements(ast.parse(path.read_text(encoding="utf-8"), filename=relative)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from wosync import config` imports the module wosync.config; `from x import name`
            # of anything else counts as importing x.
            names = [f"{source}.{alias.name}" if is_submodule(f"{source}.{alias.name}") else source
                     for alias in node.names]
        found.extend(Import(module, relative, node.lineno, name) for name in dict.fromkeys(names))
    return found


def is_submodule(name: str) -> bool:
    """Given a dotted name under wosync, return True when it is a module or package of wosync/."""
    if not name.startswith("wosync."):
        return False
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer_of(module: str) -> str:
    """Given a wosync module's name, return its layer's name (see the module docstring)."""
    if module == "wosync.__main__":
        return "cli"
    if module in PURE_HELPERS:
        return "pure helpers"
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in SUBPACKAGE_LAYERS:
        return SUBPACKAGE_LAYERS[parts[1]]
    return "core"


def within(module: str, *packages: str) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


ALL_IMPORTS = [found for path in sorted(PACKAGE.rglob("*.py")) for found in imports_of(path)]


def offending(predicate) -> list[Import]:
    return [found for found in ALL_IMPORTS if predicate(found)]


def report(rule: str, found: list[Import]) -> str:
    return f"{rule}: {len(found)} offending import(s)\n" + "\n".join(f"  {item}" for item in found)


# --- the rules ---------------------------------------------------------------------------------


def test_imports_flow_from_cli_down_to_the_pure_helpers():
    def upward(found: Import) -> bool:
        if not within(found.name, "wosync"):
            return False
        return LAYERS.index(layer_of(found.name)) > LAYERS.index(layer_of(found.module))

    found = offending(upward)
    lines = [f"{item} ({layer_of(item.module)} may not import {layer_of(item.name)})" for item in found]
    hint = ("\n(a module of wosync/ itself is core unless PURE_HELPERS in this test lists it: list a new"
            " helper there when it imports pure helpers only)")
    assert not found, (f"imports against the direction {' -> '.join(reversed(LAYERS))}: {len(found)}\n"
                       + "\n".join(f"  {line}" for line in lines) + hint)


def test_nothing_imports_the_cli_but_main_and_the_cli_itself():
    found = offending(lambda i: within(i.name, "wosync.cli")
                      and not within(i.module, "wosync.cli") and i.module != "wosync.__main__")
    assert not found, report("only wosync/__main__.py and wosync/cli/ may import wosync.cli", found)


def test_only_render_and_cli_import_rich():
    found = offending(lambda i: within(i.name, "rich") and not within(i.module, "wosync.render", "wosync.cli"))
    assert not found, report("only wosync/render/ and wosync/cli/ may import rich", found)


def test_only_workfossa_and_sim_import_playwright():
    found = offending(lambda i: within(i.name, "playwright")
                      and not within(i.module, "wosync.workfossa", "wosync.sim"))
    assert not found, report("only wosync/workfossa/ and wosync/sim/ may import playwright", found)


def test_actions_import_neither_rich_nor_the_cli():
    found = offending(lambda i: within(i.module, "wosync.actions") and within(i.name, "rich", "wosync.cli"))
    assert not found, report("wosync/actions/ may import neither rich nor wosync.cli", found)


def test_core_modules_do_not_import_actions():
    found = offending(lambda i: layer_of(i.module) in ("core", "store/site", "pure helpers")
                      and within(i.name, "wosync.actions"))
    assert not found, report("core modules (and those below them) may not import wosync.actions", found)


def test_text_imports_no_rich():
    found = offending(lambda i: i.module == "wosync.text" and within(i.name, "rich"))
    assert not found, report("wosync/text.py may not import rich", found)


# --- the reader itself -------------------------------------------------------------------------


def test_the_reader_resolves_each_form_of_import(tmp_path, monkeypatch):
    package = tmp_path / "wosync"
    (package / "actions").mkdir(parents=True)
    for name in ("__init__.py", "config.py", "actions/__init__.py", "actions/helper.py"):
        (package / name).write_text("")
    (package / "actions" / "login.py").write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "import rich.console\n"
        "from wosync import config\n"
        "from . import helper\n"
        "from ..config import thing\n"
        "if TYPE_CHECKING:\n"
        "    from wosync.cli import app\n"
        "def later():\n"
        "    from wosync.cli.common import console\n"
    )
    monkeypatch.setitem(globals(), "PACKAGE", package)  # the functions read it from here
    found = [(i.line, i.name) for i in imports_of(package / "actions" / "login.py")]
    assert found == [(1, "__future__"), (2, "typing"), (3, "rich.console"), (4, "wosync.config"),
                     (5, "wosync.actions.helper"), (6, "wosync.config"), (10, "wosync.cli.common")]
    assert str(imports_of(package / "actions" / "login.py")[2]) == \
        "wosync/actions/login.py:3 (wosync.actions.login) imports rich.console"


def test_the_rules_read_the_real_imports():
    # Guards against rules that pass because nothing was read.
    names = {(i.module, i.name) for i in ALL_IMPORTS}
    assert ("wosync.__main__", "wosync.cli") in names
    assert any(within(i.module, "wosync.render") and within(i.name, "rich") for i in ALL_IMPORTS)
    assert any(within(i.module, "wosync.workfossa") and within(i.name, "playwright") for i in ALL_IMPORTS)
    assert len({i.path for i in ALL_IMPORTS}) > len(list(PACKAGE.rglob("*.py"))) * 0.9  # a few files import nothing


@pytest.mark.parametrize("module, layer", [
    ("wosync.cli.root", "cli"), ("wosync.__main__", "cli"), ("wosync.render.table", "render"),
    ("wosync.actions.login", "actions"), ("wosync.sync", "core"), ("wosync.daemon.loop", "core"),
    ("wosync.store.runs", "store/site"), ("wosync.workfossa.site", "store/site"), ("wosync.text", "pure helpers"),
])
def test_each_module_has_its_layer(module, layer):
    assert layer_of(module) == layer
