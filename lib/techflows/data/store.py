"""The parquet cache under data/cache/: one file per (kind, symbol), written atomically.

Each file records when it was fetched (in the frame's attrs, kept by parquet), so freshness is
judged against the market calendar rather than the file's age.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from techflows import atomic
from techflows.data import market_calendar
from techflows.data.validate import check_symbol

FETCHED = "fetched"  # attrs key: ISO time (UTC) the data was fetched
ATTRS_KEY = b"PANDAS_ATTRS"  # where pandas keeps a frame's attrs in the parquet schema


def combine(cached: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Cached rows plus new ones, new rows winning on overlapping dates, sorted by date."""
    if cached is None or cached.empty:
        return new
    return pd.concat([cached[~cached.index.isin(new.index)], new]).sort_index()


def fetched_at(frame: pd.DataFrame | None) -> pd.Timestamp | None:
    """When a cached frame was fetched, or None if unknown."""
    stamp = None if frame is None else frame.attrs.get(FETCHED)
    return pd.Timestamp(stamp) if stamp else None


def is_current(frame: pd.DataFrame | None) -> bool:
    """True if the frame was fetched after the latest session close (nothing newer exists)."""
    return market_calendar.is_current(fetched_at(frame))


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

    def symbols(self, kind: str) -> list[str]:
        """Every symbol cached under kind."""
        folder = self.root / check_symbol(kind)
        return sorted(p.stem for p in folder.glob("*.parquet")) if folder.is_dir() else []

    def write(self, kind: str, symbol: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Replace the cached frame, stamped as fetched now."""
        frame = frame.copy(deep=False)
        frame.attrs = {**frame.attrs, FETCHED: market_calendar.now().isoformat()}
        atomic.write_parquet(self.path(kind, symbol), frame)
        return frame

    def merge(
        self, kind: str, symbol: str, cached: pd.DataFrame | None, new: pd.DataFrame
    ) -> pd.DataFrame:
        """Write cached (as already read) combined with new rows, and return the whole."""
        return self.write(kind, symbol, combine(cached, new))

    def newest_fetch(self, kind: str) -> pd.Timestamp | None:
        """When anything of kind was last fetched (read from the files' metadata only)."""
        import pyarrow.parquet as pq

        stamps = []
        for symbol in self.symbols(kind):
            with contextlib.suppress(OSError, ValueError):
                meta = pq.read_schema(self.path(kind, symbol)).metadata or {}
                stamp = json.loads(meta.get(ATTRS_KEY, b"{}")).get(FETCHED)
                if stamp:
                    stamps.append(pd.Timestamp(stamp))
        return max(stamps) if stamps else None

    @contextlib.contextmanager
    def lock(self, kind: str) -> Iterator[None]:
        """Hold kind's lock: notebooks run in parallel refresh a kind once, not once each."""
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; parallel refreshes only repeat work
            yield
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f".{check_symbol(kind)}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
