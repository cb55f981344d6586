"""Benchmark: the start-up of `wosync status --line` and `wosync status` against their floors
(a status bar starts `status --line` every few seconds).

Run it as a script (pytest does not collect it):

    python tests/benchmarks/bench_startup.py [--orders 250] [--runs 30]

Goals, each against a floor timed in the same run, in CPU time:

- `wosync status --line` (what a status bar runs every few seconds) within 1.5 x
  `python -c "import sqlite3"`: the interpreter and the one library the line needs;
- `wosync status` within 1.1 x a minimal Typer app (`typer.Typer()`, one `@app.command()`,
  `app()`): the framework every command of wosync is built on.

What is measured is the install users get: `bash scripts/install.sh` installs wosync as a
regular package (a copy in .venv). An editable install (`pip install -e`, what
`install.sh --test` makes for the tests) costs every start of its Python pip's import hook,
about 45 ms: so when this Python's wosync is editable, the benchmark first installs this tree
the README's way into a temporary venv (`python -m venv`, `pip install .`: a minute the first
time, pip's cache after) and measures that. `--wosync PATH` measures the console script PATH
(say a clone's `.venv/bin/wosync`) instead. Each floor runs the Python of the same venv.

The store is what a technician has: --orders orders from two syncs, one account, one schedule.
Each command runs --runs times, interleaved with its floor so both meet the same machine load;
the best run of each counts, in wall time and in CPU time (user + system of the child: what a
busy machine disturbs least).
Byte code is cached in a private folder (PYTHONPYCACHEPREFIX) as an installed wosync's would
be, even where PYTHONDONTWRITEBYTECODE is set; one warm-up run of each fills it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, when run as a script
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _orders import generate_orders  # noqa: E402

from wosync.store import Store  # noqa: E402

ACCOUNT = "tech@example.com"
REPO = Path(__file__).resolve().parents[2]
MINIMAL_TYPER_APP = """\
import typer

app = typer.Typer()


@app.command()
def main() -> None:
    print("ok")


app()
"""


def editable_install() -> bool:
    """Return whether this Python's wosync is an editable install (pip's direct_url.json says so)."""
    from importlib import metadata

    # Only the venv's site-packages: the repo root on sys.path holds a wosync.egg-info of its own.
    for dist in metadata.distributions(name="wosync", path=[sysconfig.get_path("purelib")]):
        direct = dist.read_text("direct_url.json")
        return bool(direct and json.loads(direct).get("dir_info", {}).get("editable"))
    return False


def regular_install(folder: Path) -> Path:
    """Given a scratch folder, install this tree into a new venv there as scripts/install.sh
    does for users (`pip install .`, not editable); return its `wosync` console script."""
    venv = folder / "venv"
    print(f"installing this tree the README's way into {venv} (pip install .) ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    with tempfile.TemporaryDirectory(prefix="wosync-bench-build-") as build:
        # Built from a copy: setuptools leaves build/ and *.egg-info beside the sources it builds.
        source = Path(build) / "wosync"
        shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info",
                                                                    "__pycache__", ".pytest_cache"))
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        str(source)], check=True, stdout=subprocess.DEVNULL)
    return venv / "bin" / "wosync"


def this_wosync() -> Path | None:
    """Return this Python's `wosync` console script when it is a regular install, else None."""
    script = Path(sysconfig.get_path("scripts")) / "wosync"
    return script if script.exists() and not editable_install() else None


def build_store(home: Path, count: int) -> None:
    """Given an empty data folder, store `count` orders as two syncs of one schedule would."""
    orders, _ = generate_orders(count)
    now = datetime.now(timezone.utc) - timedelta(hours=2)
    with Store(home / "wosync.db") as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", now)
        schedule = store.create_schedule(ACCOUNT, 1.0, 6, 22, "UTC", True, now + timedelta(hours=3), now)
        for step, batch in enumerate((orders, orders[:-3])):
            at = now + timedelta(hours=step)
            run_id = store.start_run(ACCOUNT, "scheduled", schedule["id"], os.getpid(), at)
            store.apply_sync(run_id, ACCOUNT, batch, [o["number"] for o in batch] if step == 0 else [], {}, {},
                             [o["number"] for o in orders[-3:]] if step else [], at + timedelta(seconds=6),
                             {"status": "success", "items_processed": len(batch)}, schedule["id"],
                             {"last_run": at, "last_success": at})


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command once (output to /dev/null); return its (wall, CPU) seconds."""
    start, cpu = time.perf_counter(), child_cpu()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start, child_cpu() - cpu


def compare(command: list[str], floor: list[str], env: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    """Time `command` and `floor` alternately `runs` times each; return the best (wall, CPU) of each."""
    timed(command, env), timed(floor, env)  # warm-up: byte code cached, the store's pages in memory
    best = {"command": (float("inf"), float("inf")), "floor": (float("inf"), float("inf"))}
    for _ in range(runs):
        for key, argv in (("floor", floor), ("command", command)):
            wall, cpu = timed(argv, env)
            best[key] = (min(best[key][0], wall), min(best[key][1], cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=250)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--wosync", type=Path, default=None,
                        help="the console script to measure (default: this Python's, if not editable)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wosync-bench-startup-") as folder:
        script = args.wosync or this_wosync() or regular_install(Path(folder))
        wosync, python = [str(script)], str(Path(script).parent / "python")
        installed = "editable" if args.wosync is None and script.parent != Path(sysconfig.get_path("scripts")) \
            else "as found"
        home = Path(folder) / "home"
        build_store(home, args.orders)
        minimal = Path(folder) / "minimal_typer_app.py"
        minimal.write_text(MINIMAL_TYPER_APP)
        env = {k: v for k, v in os.environ.items() if not k.startswith("WOSYNC_") and k != "PYTHONDONTWRITEBYTECODE"}
        env.update(WOSYNC_HOME=str(home), PYTHONPYCACHEPREFIX=str(Path(folder) / "pycache"), COLUMNS="120")
        line = subprocess.run([*wosync, "status", "--line"], env=env, capture_output=True, text=True)
        status = subprocess.run([*wosync, "status"], env=env, capture_output=True, text=True)
        mini = subprocess.run([python, str(minimal)], env=env, capture_output=True, text=True)
        # The line: one line whatever the state (no daemon runs here, which it may say).
        if line.returncode or len(line.stdout.splitlines()) != 1 or status.returncode or "Daemon:" not in status.stdout \
                or mini.stdout != "ok\n":
            raise SystemExit(f"a command misbehaved:\n{line.stdout}{line.stderr}{status.stdout}{status.stderr}{mini.stderr}")
        cases = [
            ("`wosync status --line`", "`python -c \"import sqlite3\"`", 1.5,
             compare([*wosync, "status", "--line"], [python, "-c", "import sqlite3"], env, args.runs)),
            ("`wosync status`", "minimal Typer app (one command)", 1.1,
             compare([*wosync, "status"], [python, str(minimal)], env, args.runs)),
        ]

    print(f"\nStart-up on a {args.orders}-order store (best of {args.runs}, interleaved with the floor)")
    print(f"wosync measured: {script}" + (" (a regular install of this tree, made for this run: this Python's "
                                            "is editable)" if installed == "editable" else "") + "\n")
    print(f"status --line prints: {line.stdout.strip()}\n")
    print("| command | floor | floor wall / CPU | wosync wall / CPU | ratio wall | ratio CPU | goal |")
    print("|---|---|---:|---:|---:|---:|---:|")
    verdicts = []
    for label, floor_label, goal, best in cases:
        (fw, fc), (cw, cc) = best["floor"], best["command"]
        verdicts.append((label, cc / fc <= goal, cw / fw <= goal))
        print(f"| {label} | {floor_label} | {fw:.3f} s / {fc:.3f} s | {cw:.3f} s / {cc:.3f} s | "
              f"{cw / fw:.2f} | {cc / fc:.2f} | <= {goal:g} |")
    print()
    for label, cpu_ok, wall_ok in verdicts:
        print(f"{label}: {'within' if cpu_ok else 'ABOVE'} the goal in CPU time, "
              f"{'within' if wall_ok else 'above'} it in wall time")


if __name__ == "__main__":
    main()
