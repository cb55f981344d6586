"""What a user reads from the command line itself: every `--help` in one style (flags without a
value, values with a capital word, usage arguments as `ID`, `NUMBER`, `URL`, `[FILE]`),
`--version`, a typo's hint in one sentence, counted words ("1 failure", "2 failures"),
intervals as "15 min" and "1 h 30 min", `sync-now --quiet` and `--silent`, doctor's colours,
a second schedule of one account, and the simulated site's own help.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from wosync import __version__
from wosync.cli.root import COMMANDS, load_module_commands
from wosync.errors import ExitCode
from wosync.text import hours_text, plural

REPO = Path(__file__).resolve().parents[2]


def every_command_path() -> list[list[str]]:
    """Return the argument lists of every command and sub-command ("schedule create", ...)."""
    paths = []
    for name, spec in COMMANDS.items():
        command = load_module_commands(spec.module, name)[name]
        subcommands = getattr(command, "commands", None)
        paths.append([name])
        if subcommands:
            paths += [[name, sub] for sub in subcommands]
    return paths


@pytest.mark.parametrize("path", every_command_path(), ids=" ".join)
def test_every_help_shows_flags_bare_and_values_and_arguments_in_capitals(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<bool>" not in text and "<str>" not in text and "<int>" not in text and "<path>" not in text
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "[[" not in usage and "{" not in usage, usage
    arguments = usage.split("[OPTIONS]", 1)[1].split()
    for word in arguments:
        assert re.fullmatch(r"\[?[A-Z][A-Z-]*\]?(\.\.\.)?|COMMAND|\[ARGS\]\.\.\.", word), usage
    # Each flag is alone on its line: its help text follows, never a type word.
    for line in text.splitlines():
        found = re.search(r"│ (--[a-z-]+)(?:\s+-[a-z])?\s{2,}(\S+)", line)
        if found and found.group(1) in ("--json", "--csv", "--help", "--force", "--silent", "--quiet", "--follow"):
            assert not found.group(2).isupper() or found.group(2) in ("JSON", "CSV"), line


def test_usage_lines_name_arguments_one_way(cli):
    usages = {" ".join(path): next(line for line in cli(*path, "--help").stdout.splitlines() if "Usage:" in line)
              for path in (["backup"], ["restore"], ["orders", "show"], ["schedule", "pause"], ["notify", "add"])}
    assert usages["backup"].rstrip().endswith("[OPTIONS] [FILE]")
    assert usages["restore"].rstrip().endswith("[OPTIONS] FILE")
    assert usages["orders show"].rstrip().endswith("[OPTIONS] NUMBER")
    assert usages["schedule pause"].rstrip().endswith("[OPTIONS] ID")
    assert usages["notify add"].rstrip().endswith("[OPTIONS] URL")


def test_a_flag_given_a_value_is_one_counted_error(cli, error_line):
    message = error_line(cli("login", "--no-verify", "true"), ExitCode.USAGE)
    assert message.startswith("Error: Got unexpected extra argument (true); see ")


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"wosync {__version__}\n"


def test_doctor_names_its_version_and_colours_its_verdicts(cli, monkeypatch):
    monkeypatch.setenv("WOSYNC_BROWSER", "/nonexistent/chromium")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = cli("doctor")
    assert result.stderr.startswith(f"wosync {__version__} (Python ")
    assert "\x1b[31mFAILED\x1b[0m  browser: " in result.stdout
    assert "\x1b[33mwarning\x1b[0m " in result.stdout
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in cli("doctor").stdout


def test_a_typo_gets_a_one_sentence_hint(cli, error_line):
    message = error_line(cli("statu"), ExitCode.USAGE)
    assert re.fullmatch(r"Error: No such command 'statu' \(did you mean 'status'\?\); see `\S+ --help`", message)


def test_counted_words_and_hours():
    assert (plural(1, "failure"), plural(2, "failure"), plural(0, "time")) == ("1 failure", "2 failures", "0 times")
    assert [hours_text(h) for h in (0.25, 0.5, 1, 1.5, 2.75, 24)] == [
        "15 min", "30 min", "1 h", "1 h 30 min", "2 h 45 min", "24 h"]


def test_intervals_read_in_minutes_and_hours(cli):
    created = cli("schedule", "create", "--interval", "0.25", "--timezone", "UTC")
    assert created.exit_code == 0 and "every 15 min," in created.stdout
    updated = cli("schedule", "update", "1", "--interval", "1.5")
    assert "every 1 h 30 min," in updated.stdout
    assert "1 h 30 min" in cli("status").stdout and "1 h 30 min" in cli("schedule", "list").stdout


def test_a_second_schedule_of_one_account_asks_for_force(cli, error_line):
    assert cli("schedule", "create", "--username", "tech@example.com").exit_code == 0
    message = error_line(cli("schedule", "create", "--username", "tech@example.com", "--interval", "2"),
                         ExitCode.USAGE)
    assert message == ("Error: tech@example.com already has schedule 1; change it with `wosync schedule update 1`, "
                       "or add --force to create a second one (both then sync it)")
    assert cli("schedule", "create", "--username", "tech@example.com", "--force").exit_code == 0
    assert cli("schedule", "create", "--username", "other@example.com").exit_code == 0


@pytest.fixture
def a_finished_sync(monkeypatch):
    """`sync-now` without a site: the action returns a successful run with its equipment note."""
    from wosync.actions import sync_now as action

    run = {"id": 7, "status": "success", "items_processed": 237, "added": 3, "updated": 1, "reopened": 0,
           "removed": 2, "dispensers_changed": 0, "duration_seconds": 6.1, "error_message": None,
           "equipment_error": "1 location not read this time"}
    monkeypatch.setattr(action, "sync_now", lambda *args, **kwargs: action.SyncOutcome(run, 0))


def test_sync_now_quiet_keeps_the_result_line_and_silent_hides_it(cli, a_finished_sync):
    quiet = cli("sync-now", "--quiet")
    assert quiet.exit_code == 0
    assert quiet.stdout == "237 work orders: 3 new, 1 updated, 2 completed in 6.1 s\n"
    assert "Note: equipment: 1 location not read" in quiet.stderr
    silent = cli("sync-now", "--silent")
    assert silent.exit_code == 0 and silent.stdout == "" and silent.stderr == ""


def test_the_simulated_sites_help_lists_its_login_and_every_control_endpoint():
    result = subprocess.run([sys.executable, "-m", "wosync.sim", "--help"], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0
    from wosync.sim.server import DEFAULT_PASSWORD, DEFAULT_USERNAME

    assert DEFAULT_USERNAME in result.stdout and DEFAULT_PASSWORD in result.stdout
    code = "".join(path.read_text() for path in (REPO / "wosync" / "sim").glob("*.py"))  # every route's module
    endpoints = set(re.findall(r'"(/__sim__/[a-z_/]+)"', code))
    assert len(endpoints) >= 14
    assert [e for e in sorted(endpoints) if e not in result.stdout] == []
    readme = (REPO / "README.md").read_text()
    assert [e for e in sorted(endpoints) if e not in readme] == []
