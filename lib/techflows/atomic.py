"""Atomic file writes: a temp file in the target folder, then os.replace."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas only for the hints: the runner's start-up stays light
    import pandas as pd


def write_with(path: Path, writer: Callable[[Path], None]) -> Path:
    """Call writer on a temp path next to path, then move it into place in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp makes files private; outputs are meant to be read
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    """Write text atomically (UTF-8, LF line ends)."""
    return write_with(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))


def write_bytes(path: Path, data: bytes) -> Path:
    """Write bytes atomically."""
    return write_with(path, lambda tmp: tmp.write_bytes(data))


def write_csv(path: Path, frame: pd.DataFrame, **kwargs: object) -> Path:
    """Write a CSV atomically."""
    return write_with(path, lambda tmp: frame.to_csv(tmp, lineterminator="\n", **kwargs))


def write_parquet(path: Path, frame: pd.DataFrame) -> Path:
    """Write a parquet file atomically."""
    return write_with(path, lambda tmp: frame.to_parquet(tmp))
