"""The kept browser profile of one account on one site: where it lives, its size cap, how a
broken one is moved aside, and launching Chromium on it.

A technician syncs over a phone's data plan: a browser started with an empty profile fetches the
site's whole front-end build (about 2 MB, docs/workfossa-site.md "What a page costs") on every
sync. A profile kept between syncs keeps Chromium's HTTP cache (the build's files are sent
cacheable for good) and its code cache, so a repeat sync fetches only the pages and their data.

Each profile is `profiles/<account>-<hash of the base URL>/` in the data folder (mode 0700),
never shared between accounts or sites: its cookies and local storage belong to one account on
one site. The saved session file (session_file.py) stays the authority on cookies: the
session drops the profile's cookies at start and loads the file's (browser.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import socket
import time
from pathlib import Path

from wosync import config

log = logging.getLogger("wosync.profile")

# The cap on a profile's size; over it, the caches are removed before the next launch.
DEFAULT_CAP_BYTES = 100 * 1024 * 1024
# What may be removed to get under the cap (caches Chromium rebuilds); cookies, local storage
# and preferences stay.
CACHE_FOLDERS = (
    "Default/Cache", "Default/Code Cache", "Default/GPUCache", "Default/DawnGraphiteCache",
    "Default/DawnWebGPUCache", "Default/Service Worker/CacheStorage",
    "Default/Service Worker/ScriptCache", "GrShaderCache", "GraphiteDawnCache", "ShaderCache",
    "component_crx_cache",
)
# Files Chromium reads at start; garbage in them is a broken profile, moved aside.
JSON_FILES = ("Local State", "Default/Preferences")
_HASH_LENGTH = 10


def profiles_root() -> Path:
    """Return the folder holding every account's profile (created, 0700)."""
    return config.ensure_private_dir(config.home_dir() / "profiles")


def site_hash(base_url: str) -> str:
    """Given a base URL, return a short hash of it (letter case and a trailing / ignored)."""
    normal = base_url.strip().rstrip("/").lower()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:_HASH_LENGTH]


def profile_dir(account: str, base_url: str, root: Path | None = None) -> Path:
    """Given an account and a base URL, return the path of their profile (not created)."""
    return (root or profiles_root()) / f"{config.file_safe(account)}-{site_hash(base_url)}"


def account_profiles(account: str, root: Path | None = None) -> list[Path]:
    """Given an account, return its profiles on every site, and any moved aside, that exist."""
    root = root or config.data_home() / "profiles"
    if not root.is_dir():
        return []
    pattern = f"{config.file_safe(account)}-" + "[0-9a-f]" * _HASH_LENGTH
    return sorted(set(root.glob(pattern)) | set(root.glob(pattern + ".bad-*")))


def remove_account_profiles(account: str) -> int:
    """Given an account, remove its profiles (every site, and the ones moved aside); return
    how many were removed."""
    found = account_profiles(account)
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    return len(found)


def size_of(path: Path) -> int:
    """Return the bytes of the files under `path` (0 when it does not exist)."""
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:  # a file Chromium removed meanwhile
                pass
    return total


def prune(path: Path, cap_bytes: int = DEFAULT_CAP_BYTES) -> bool:
    """Given a profile and its cap, remove its cache folders when it is over the cap; return
    True when it was pruned."""
    if size_of(path) <= cap_bytes:
        return False
    for name in CACHE_FOLDERS:
        shutil.rmtree(path / name, ignore_errors=True)
    log.info("the browser profile %s was over %d MB: its caches were removed", path, cap_bytes // 2**20)
    return True


def broken_reason(path: Path) -> str | None:
    """Given a profile, return why Chromium cannot be trusted to load it (a start-up file that
    is not JSON), else None."""
    for name in JSON_FILES:
        file = path / name
        if not file.exists():
            continue
        try:
            json.loads(file.read_bytes())
        except (OSError, ValueError):
            return f"its {name} file is not valid"
    return None


def move_aside(path: Path, reason: str) -> Path:
    """Given a profile and why it failed, rename it `<dir>.bad-<time>` (kept for a look, and
    for the account's logout to remove) and log it; return the new path."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bad-{stamp}-{n}")
    path.rename(target)
    log.warning("the browser profile %s failed to load (%s): moved aside as %s; a fresh one is made",
                path, reason, target.name)
    return target


def in_use_by(path: Path) -> int | None:
    """Given a profile, return the id of a live Chromium on this machine that holds it (its
    SingletonLock names host-pid), else None."""
    try:
        target = os.readlink(path / "SingletonLock")
    except OSError:
        return None
    host, _, pid = target.rpartition("-")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        command = Path(f"/proc/{int(pid)}/cmdline").read_bytes()
    except OSError:  # no such process: a lock left by a browser that crashed
        return None
    # A lock whose process id now belongs to another program is stale too.
    return int(pid) if b"chrom" in command.lower() else None


def prepare(path: Path, cap_bytes: int = DEFAULT_CAP_BYTES) -> Path:
    """Given a profile's path, make it ready to launch on: moved aside when a start-up file is
    garbage, pruned when over the cap, created (0700); return it."""
    if path.exists():
        reason = broken_reason(path)
        if reason:
            move_aside(path, reason)
        else:
            prune(path, cap_bytes)
    config.ensure_private_dir(path)
    return path


def launch(chromium, path: Path, *, cap_bytes: int = DEFAULT_CAP_BYTES, **options):
    """Given Playwright's chromium, a profile's path and launch options, launch a persistent
    context on the profile; return it.

    A launch that fails naming the profile (Chromium refused what it found there) moves the
    profile aside and launches once more on a fresh one; any other failure is raised as it is.
    Chromium's own disk cache is held to half the cap, so the cap holds between prunes.
    """
    from playwright.sync_api import Error as PlaywrightError

    prepare(path, cap_bytes)
    args = list(options.pop("args", [])) + [f"--disk-cache-size={cap_bytes // 2}"]
    try:
        return chromium.launch_persistent_context(str(path), args=args, **options)
    except PlaywrightError as exc:
        if str(path) not in str(exc) or in_use_by(path) is not None:
            raise
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    aside = move_aside(path, reason)
    prepare(path, cap_bytes)
    try:
        return chromium.launch_persistent_context(str(path), args=args, **options)
    except PlaywrightError:
        # A fresh profile fails the same way: the profile was not the cause, put it back.
        shutil.rmtree(path, ignore_errors=True)
        aside.rename(path)
        raise


def open_context(chromium, path: Path, saved_state, *, cap_bytes: int = DEFAULT_CAP_BYTES, **options):
    """Given Playwright's chromium, a profile's path, a zero-argument callable returning the
    saved session's storage state (or None) and launch options, launch on the profile and
    give it the saved session's cookies, and only those; return the context.

    The session file stays the one authority on the session (its reuse, expiry and binding to
    account and site: session_file.py): the profile's own cookies never log in by themselves.
    """
    context = launch(chromium, path, cap_bytes=cap_bytes, **options)
    try:
        context.clear_cookies()
        state = saved_state()
        if state and state.get("cookies"):
            context.add_cookies(state["cookies"])
    except BaseException:
        context.close()
        raise
    return context
