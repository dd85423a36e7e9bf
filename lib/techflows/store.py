"""The parquet cache under data/cache/: one file per (kind, symbol), written atomically."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from techflows import atomic
from techflows.validate import check_symbol


class Store:
    """A folder of parquet files keyed by kind ("prices", "fred", ...) and symbol."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, kind: str, symbol: str) -> Path:
        """File for one symbol; symbols are checked so they cannot escape the folder."""
        return self.root / check_symbol(kind) / f"{check_symbol(symbol)}.parquet"

    def read(self, kind: str, symbol: str) -> pd.DataFrame | None:
        """Cached frame, or None when nothing is cached."""
        path = self.path(kind, symbol)
        return pd.read_parquet(path) if path.exists() else None

    def write(self, kind: str, symbol: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Replace the cached frame."""
        atomic.write_parquet(self.path(kind, symbol), frame)
        return frame

    def is_fresh(self, kind: str, symbol: str, max_age: pd.Timedelta) -> bool:
        """True if the frame was written less than max_age ago."""
        path = self.path(kind, symbol)
        if not path.exists():
            return False
        return time.time() - path.stat().st_mtime < pd.Timedelta(max_age).total_seconds()

    def last_date(self, kind: str, symbol: str) -> pd.Timestamp | None:
        """Last cached date, or None."""
        cached = self.read(kind, symbol)
        return None if cached is None or cached.empty else cached.index.max()

    def merge(self, kind: str, symbol: str, new: pd.DataFrame) -> pd.DataFrame:
        """Add new rows to the cache (new rows win on overlapping dates) and return the whole."""
        cached = self.read(kind, symbol)
        if cached is not None and not cached.empty:
            new = pd.concat([cached[~cached.index.isin(new.index)], new]).sort_index()
        atomic.write_parquet(self.path(kind, symbol), new)
        return new
