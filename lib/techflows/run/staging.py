"""Staging folders: each notebook runs into its own, locked while in use, removed after.

A run killed before it could clean up leaves its folder behind; the next run into the same
output folder removes every staging folder whose lock no live process holds.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

STAGING = ".staging"
LOCK = ".lock"
GRACE_S = 60.0  # a folder without a lock this young may be one being set up right now


def _age(folder: Path) -> float:
    try:
        return time.time() - folder.stat().st_mtime
    except OSError:
        return float("inf")


@contextlib.contextmanager
def staging_folder(output_dir: Path, name: str) -> Iterator[Path]:
    """A fresh folder under output_dir/.staging, locked while the block runs, then removed."""
    root = Path(output_dir) / STAGING
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=root))
    try:
        with open(folder / LOCK, "w") as handle:
            with contextlib.suppress(ImportError):  # Windows: no advisory locks
                import fcntl

                fcntl.flock(handle, fcntl.LOCK_EX)
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def in_use(folder: Path) -> bool:
    """True while a live run holds the folder's lock (or it is too young to have one yet)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; a day-old folder is stale
        return _age(folder) < 86_400
    try:
        handle = open(folder / LOCK, "r+")  # noqa: SIM115 - closed by the with below
    except OSError:  # no lock: a folder being set up right now, or left by an older version
        return _age(folder) < GRACE_S
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False


def remove_stale(output_dir: Path) -> list[str]:
    """Remove the staging folders of killed runs; returns their names."""
    root = Path(output_dir) / STAGING
    if not root.is_dir():
        return []
    removed = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not in_use(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    with contextlib.suppress(OSError):
        root.rmdir()  # only when empty
    return removed
