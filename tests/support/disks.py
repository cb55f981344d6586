"""A small real disk for tests of a full disk: a tmpfs of a given size, mounted in a test's folder.

    with tmpfs(tmp_path / "tiny-disk", "2m") as folder:
        ... write until it is full ...

Mounting needs root (or CAP_SYS_ADMIN): where it is refused, the test is skipped, saying why.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from typing import Iterator

import pytest


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """Given a folder to create and a size ("2m"), mount a tmpfs there and yield the folder;
    unmount it afterwards. Skips the test where mount is not allowed."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
