"""Start-up stays light: `wosync status` and `wosync --help` never import playwright, keyring or apprise.

Each check runs a fresh interpreter (an already-warm test process would hide imports), with
its own data folder. Wall times are printed (`pytest -s` shows them) and held to a bound no
user would wait past, generous enough for a busy 2-core machine (the benchmarks measure closely).
"""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest

from support import run
from support.environment import DataFolder

HEAVY = ("playwright", "keyring", "apprise")


@pytest.fixture
def env(data_folder: DataFolder) -> dict[str, str]:
    """The environment of a fresh `python -m wosync`: this repo importable, a private data folder."""
    return data_folder.env


def run_python(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    """Given interpreter arguments, run them in a fresh Python; return the result and its wall time."""
    started = time.perf_counter()
    completed = run.run_python(args, env=env)
    return completed, time.perf_counter() - started


def imported_modules(importtime_log: str) -> set[str]:
    """Given `-X importtime` output, return the names of every module imported."""
    names = set()
    for line in importtime_log.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.add(name)
    return names


def heavy_among(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("command", [["status"], ["--help"], ["schedule", "list", "--json"], ["history", "--json"]])
def test_commands_import_no_heavy_library(env, command):
    completed, _ = run_python(["-X", "importtime", "-m", "wosync", *command], env)
    assert completed.returncode == 0, completed.stderr[-2000:]
    modules = imported_modules(completed.stderr)
    assert {"wosync.cli", "typer"} <= modules  # the log is real and complete
    assert heavy_among(modules) == []


def test_status_imports_only_its_own_command_module_and_no_rich(env):
    # Commands are loaded on use (wosync.cli.root): `status` builds no other command, and draws
    # its table without Rich, whose import alone would be most of its start-up.
    script = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: sys.stderr.write('MODULES ' + json.dumps(sorted(sys.modules)) + '\\n'))\n"
        "sys.argv = ['wosync', 'status']\n"
        "from wosync.cli import main\n"
        "main()\n"
    )
    # A command that writes creates the database (with sqlite_utils); `status` only reads, and
    # with no database it creates none (an empty store in memory, built with sqlite_utils).
    run_python(["-m", "wosync", "notify", "list"], env)
    completed, _ = run_python(["-c", script], env)
    assert completed.returncode == 0, completed.stderr[-2000:]
    modules = set(json.loads(completed.stderr.rsplit("MODULES ", 1)[1]))
    assert "Daemon:" in completed.stdout
    commands = sorted(m for m in modules if m.startswith("wosync.cli."))
    assert commands == ["wosync.cli.common", "wosync.cli.root", "wosync.cli.status"]
    assert sorted(m for m in modules if m.split(".")[0] in ("rich", "sqlite_utils", "icalendar")) == []


def test_help_imports_no_command_module(env):
    completed, _ = run_python(["-X", "importtime", "-m", "wosync", "--help"], env)
    modules = imported_modules(completed.stderr)
    assert [m for m in modules if m.startswith("wosync.cli.") and m != "wosync.cli.root"] == []


def test_status_in_process_leaves_no_heavy_module_loaded(env):
    # CliRunner in a fresh interpreter, then a look at sys.modules: catches imports done any way.
    script = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from wosync.cli import app\n"
        "result = CliRunner().invoke(app, ['status'])\n"
        "print(json.dumps({'exit_code': result.exit_code, 'output': result.output,\n"
        "                  'modules': sorted(sys.modules)}))\n"
    )
    completed, _ = run_python(["-c", script], env)
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout)
    assert report["exit_code"] == 0 and "Daemon:" in report["output"]
    assert "wosync.status" in report["modules"]
    assert heavy_among(set(report["modules"])) == []


def test_help_lists_the_commands(env):
    env = dict(env, COLUMNS="250")  # one line per command: its whole help text
    completed, _ = run_python(["-m", "wosync", "--help"], env)
    assert completed.returncode == 0
    from wosync.cli.root import COMMANDS

    listed = {}
    for line in completed.stdout.splitlines():
        match = re.match(r"^│ (\S+) +(.+?) *│$", line)
        if match and match.group(1) in COMMANDS:
            listed[match.group(1)] = match.group(2)
    assert listed == {name: spec.help for name, spec in COMMANDS.items()}


def test_the_command_table_agrees_with_the_modules():
    # What `--help` shows (COMMANDS) is what each module registers, with the same help text.
    from wosync.cli.root import COMMANDS, load_module_commands

    for module in sorted({spec.module for spec in COMMANDS.values()}):
        names = [name for name, spec in COMMANDS.items() if spec.module == module]
        loaded = load_module_commands(module, names[0])
        assert sorted(loaded) == sorted(names), module
        for name, command in loaded.items():
            assert (command.help or "").strip().split("\n")[0] == COMMANDS[name].help, name


def test_an_unknown_command_is_one_error_line_with_a_suggestion(cli, error_line):
    message = error_line(cli("statsu"), 2)
    assert "No such command 'statsu'" in message and "'status'" in message


@pytest.mark.parametrize("command", [[], ["schedule"]])
def test_a_bare_command_shows_its_help_and_no_empty_error_line(env, command):
    completed, _ = run_python(["-m", "wosync", *command], env)
    assert "Usage:" in completed.stdout + completed.stderr
    assert "Error:" not in completed.stderr, completed.stderr


# What the user reads first from each command, and how long they would wait at most (best of 3,
# wall time; README's benchmark has 0.17 s for `status` on the same machine).
STARTUP_SECONDS = 2.0


def test_start_up_wall_time(env):
    """`wosync status` and `wosync --help` answer with what the user asked for, within STARTUP_SECONDS."""
    run_python(["-m", "wosync", "status"], env)  # first run creates the database: not what is measured
    figures = {}
    for command in (["status"], ["--help"]):
        times = []
        for _ in range(3):
            completed, seconds = run_python(["-m", "wosync", *command], env)
            assert completed.returncode == 0, completed.stderr[-2000:]
            assert completed.stderr == "", completed.stderr[-2000:]
            times.append(seconds)
        if command == ["status"]:
            assert completed.stdout.splitlines() == [
                "No schedules. Create one with `wosync schedule create --interval 1`.",
                "Work orders stored: 0 active, 0 completed.",
                "Daemon: not running (start it with `wosync daemon`, or see `wosync install-service`).",
            ]
        else:
            assert re.search(r"Usage: (python -m )?wosync \[OPTIONS\] COMMAND", completed.stdout), completed.stdout[:300]
            assert "sync-now" in completed.stdout and "status" in completed.stdout
        figures[" ".join(command)] = min(times)
    print("\nstart-up wall time (best of 3): " + ", ".join(f"wosync {c}: {s:.2f} s" for c, s in figures.items()))
    slow = {c: round(s, 2) for c, s in figures.items() if s > STARTUP_SECONDS}
    assert slow == {}, f"a user waits more than {STARTUP_SECONDS} s for {slow}"
