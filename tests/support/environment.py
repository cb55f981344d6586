"""The clean environment every test runs wosync in, in-process or as a subprocess.

One rule, so a test never depends on the machine it runs on: every `WOSYNC_*` setting of the
developer's shell is dropped (the account, the password, the site, the test intervals) except
WOSYNC_BROWSER, which only says where Chromium is; so are the variables systemd hands a service
(credentials, notify socket, watchdog, journal) and the ones that change how Python or keyring
behave. The test's own folder then provides the data folder (WOSYNC_HOME) and the keyring's
folder (XDG_DATA_HOME), and the repository comes first on PYTHONPATH so a subprocess imports
this tree.

    folder = DataFolder(tmp_path)      # or the `data_folder` fixture of tests/conftest.py
    folder.home                        # the data folder (not created yet)
    wosync("status", env=folder.env)   # a subprocess in the same clean environment
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

REPO = Path(__file__).resolve().parents[2]

# Kept although it starts with WOSYNC_: where this machine's Chromium is, not a user setting.
KEPT_WOSYNC = frozenset({"WOSYNC_BROWSER"})

# Dropped: what systemd gives a service, and what changes keyring's or Python's behaviour.
CLEARED = frozenset({
    "CREDENTIALS_DIRECTORY", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM",
    "PYTHON_KEYRING_BACKEND", "PYTHONPROFILEIMPORTTIME",
})


def is_cleared(name: str) -> bool:
    """Given a variable's name, return True when the clean environment drops it."""
    return (name.startswith("WOSYNC_") and name not in KEPT_WOSYNC) or name in CLEARED


class DataFolder:
    """Given a test's own folder, the data folder and keyring folder wosync uses there.

    `home` is the data folder (WOSYNC_HOME, not created yet; root/wosync-home unless given),
    `keyring_home` the folder a file keyring writes to (XDG_DATA_HOME), `settings` the two
    variables, and `env` the environment of a subprocess. `apply(monkeypatch)` makes this
    process's own environment the clean one.
    """

    def __init__(self, root: Path, home: Path | None = None):
        self.root = root
        self.home = home or root / "wosync-home"
        self.keyring_home = root / "xdg-data"
        self._applied = False

    @property
    def settings(self) -> dict[str, str]:
        """The variables that point wosync at this folder."""
        return {"WOSYNC_HOME": str(self.home), "XDG_DATA_HOME": str(self.keyring_home)}

    def apply(self, monkeypatch) -> "DataFolder":
        """Given pytest's monkeypatch, clean this process's environment and point it here; return self."""
        for name in [name for name in os.environ if is_cleared(name)]:
            monkeypatch.delenv(name)
        for name, value in self.settings.items():
            monkeypatch.setenv(name, value)
        self._applied = True
        return self

    @property
    def env(self) -> dict[str, str]:
        """Return a new dict: the environment of a `wosync` subprocess using this folder.

        Once `apply` cleaned this process, that is this process's environment as it is now (a
        variable the test set since, WOSYNC_* or not, is passed on); otherwise this process's
        environment cleaned. Copy it (`dict(folder.env, NAME=value)`) to add settings.
        """
        base = dict(os.environ) if self._applied else clean_environment(os.environ)
        base.update(self.settings)
        return with_repository(base)


def subprocess_env() -> dict[str, str]:
    """Return the environment of a subprocess of a test whose `data_folder` fixture already made
    this process's environment the clean one: a copy of it, the repository first on PYTHONPATH."""
    assert "WOSYNC_HOME" in os.environ, "use the data_folder (or wosync_home) fixture first"
    return with_repository(dict(os.environ))


def clean_environment(base: Mapping[str, str]) -> dict[str, str]:
    """Given an environment, return a copy without the variables the clean rule drops."""
    return {name: value for name, value in base.items() if not is_cleared(name)}


def with_repository(env: dict[str, str]) -> dict[str, str]:
    """Given an environment, put this repository first on its PYTHONPATH; return it."""
    parts = [part for part in env.get("PYTHONPATH", "").split(os.pathsep) if part and part != str(REPO)]
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *parts])
    return env


def sim_cli_env(home: Path, sim, username: str, password: str, **extra: str) -> dict[str, str]:
    """Given the test's data folder (the data_folder fixture's, which this process points at),
    a running simulated site and its login, return the environment of a `wosync` subprocess that
    syncs that site the automation way (WOSYNC_BASE_URL, _USERNAME, _PASSWORD), plus `extra`."""
    assert os.environ["WOSYNC_HOME"] == str(home), "the data_folder fixture points this process here"
    return dict(subprocess_env(), WOSYNC_BASE_URL=sim.base_url, WOSYNC_USERNAME=username,
                WOSYNC_PASSWORD=password, **extra)
