"""The parquet cache under data/cache/: one file per (kind, symbol), written atomically."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from techflows import atomic
from techflows.data.validate import check_symbol


def combine(cached: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Cached rows plus new ones, new rows winning on overlapping dates, sorted by date."""
    if cached is None or cached.empty:
        return new
    return pd.concat([cached[~cached.index.isin(new.index)], new]).sort_index()


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

    def merge(
        self, kind: str, symbol: str, cached: pd.DataFrame | None, new: pd.DataFrame
    ) -> pd.DataFrame:
        """Write cached (as already read) combined with new rows, and return the whole."""
        return self.write(kind, symbol, combine(cached, new))
