"""Ways to damage a SQLite file for tests that a damaged database is refused and left untouched."""

from __future__ import annotations

import os
import random
from pathlib import Path


def overwrite_middle_pages(path: Path, seed: int = 7) -> None:
    """Write random bytes (from `seed`) over the pages from 40 % to 60 % of the file; page 1,
    the header, stays, so the file still opens as a database."""
    pages = path.stat().st_size // 4096
    rnd = random.Random(seed)
    with open(path, "r+b") as handle:
        for page in range(int(pages * 0.4), int(pages * 0.6)):
            handle.seek(page * 4096)
            handle.write(rnd.randbytes(4096))


def cut_to_99_percent(path: Path) -> None:
    """Cut the file's last 1 %, as a copy or a disk that ran out would."""
    os.truncate(path, int(path.stat().st_size * 0.99))
