"""The parquet cache under data/cache/: one file per (kind, symbol), written atomically.

Each file records when it was fetched (in the frame's attrs, kept by parquet), so freshness is
judged against the market calendar rather than the file's age. A cache file is an input like
any other: read back, it must pass its schema; one that does not (or cannot be read) is moved
aside with a warning and fetched again. A cache folder that cannot be written to is replaced,
for the session, by a temporary one (with a warning); its files are still read.
"""

from __future__ import annotations

import contextlib
import errno
import json
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pandas as pd

from techflows import atomic, config
from techflows.data import market_calendar, schemas, validate
from techflows.data.validate import check_symbol
from techflows.errors import CacheWarning, DataError

FETCHED = "fetched"  # attrs key: ISO time (UTC) the data was fetched
ATTRS_KEY = b"PANDAS_ATTRS"  # where pandas keeps a frame's attrs in the parquet schema
CORRUPT = ".corrupt"  # suffix of a cache file moved aside
READ_ONLY = (errno.EACCES, errno.EPERM, errno.EROFS)
T = TypeVar("T")

# The schema of each kind of cache file; dated kinds are indexed by date.
DATED = {
    "prices": schemas.CACHED_BARS,
    "prices_quoted": schemas.CACHED_BARS,
    "fred": schemas.CACHED_SERIES,
    "shares": schemas.CACHED_SHARES,
}
FLAT = {
    "cashflow": schemas.CASHFLOW,
    "eps_trend": schemas.EPS_TREND,
    "holdings": schemas.HOLDINGS,
}


def combine(cached: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Cached rows plus new ones, new rows winning on overlapping dates, sorted by date."""
    if cached is None or cached.empty:
        return new
    combined = pd.concat([cached[~cached.index.isin(new.index)], new]).sort_index()
    combined.attrs = {**cached.attrs, **new.attrs}  # notes on the data (splits applied)
    return combined


def fetched_at(frame: pd.DataFrame | None) -> pd.Timestamp | None:
    """When a cached frame was fetched, or None if unknown."""
    stamp = None if frame is None else frame.attrs.get(FETCHED)
    return pd.Timestamp(stamp) if stamp else None


def is_current(frame: pd.DataFrame | None) -> bool:
    """True if the frame was fetched after the latest session close (nothing newer exists)."""
    return market_calendar.is_current(fetched_at(frame))


def check_cached(kind: str, symbol: str, frame: pd.DataFrame, name: str) -> None:
    """Raise DataError unless a cached frame passes its kind's schema."""
    if kind in DATED:
        schema = DATED[kind]
        if kind.startswith("prices") and symbol in config.YIELD_INDICES:
            schema = schemas.CACHED_RATE_BARS
        validate.check_dated(frame, schema, name)
    elif kind in FLAT:
        validate.check(frame, FLAT[kind], name)


class Store:
    """A folder of parquet files keyed by kind ("prices", "fred", ...) and symbol."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.spill: Path | None = None  # the temporary cache, once root proved read-only

    @property
    def writable(self) -> Path:
        """Where files are written: the cache folder, or the temporary one that replaced it."""
        return self.spill or self.root

    def _file(self, root: Path, kind: str, name: str) -> Path:
        return root / check_symbol(kind) / name

    def path(self, kind: str, symbol: str) -> Path:
        """File for one symbol (the temporary cache's copy first); names cannot escape."""
        name = f"{check_symbol(symbol)}.parquet"
        if self.spill is not None and (spilled := self._file(self.spill, kind, name)).exists():
            return spilled
        return self._file(self.root, kind, name)

    def read(self, kind: str, symbol: str) -> pd.DataFrame | None:
        """Cached frame, or None when nothing (valid) is cached."""
        path = self.path(kind, symbol)
        if not path.exists():
            return None
        try:
            frame = pd.read_parquet(path)
            check_cached(kind, symbol, frame, f"cache file {path}")
        except (OSError, ValueError, DataError) as exc:  # pyarrow's errors are ValueErrors
            self._move_aside(path, exc)
            return None
        return frame

    def _move_aside(self, path: Path, exc: BaseException) -> None:
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        target = path.with_name(path.name + CORRUPT)
        try:
            path.replace(target)
            done = f"moved to {target.name}; it is fetched again"
        except OSError:
            done = "left in place and ignored; it is fetched again"
        message = f"techflows: cache file {path} is unreadable ({reason}); {done}."
        warnings.warn(message, CacheWarning, stacklevel=4)

    def symbols(self, kind: str) -> list[str]:
        """Every symbol cached under kind."""
        roots = [self.root, *([self.spill] if self.spill else [])]
        folders = [r / check_symbol(kind) for r in roots]
        return sorted({p.stem for f in folders if f.is_dir() for p in f.glob("*.parquet")})

    def _writing(self, write: Callable[[Path], T]) -> T:
        """Run write(root) on the writable root; on a read-only cache, once more on a temp one."""
        try:
            return write(self.writable)
        except OSError as exc:
            if exc.errno not in READ_ONLY or self.spill is not None:
                raise
            self.spill = Path(tempfile.mkdtemp(prefix="techflows-cache-"))
            warnings.warn(
                f"techflows: the cache folder {self.root} is not writable ({exc.strerror}); "
                f"this session caches in {self.spill} instead.",
                CacheWarning,
                stacklevel=4,
            )
            return write(self.spill)

    def write(self, kind: str, symbol: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Replace the cached frame, stamped as fetched now; a frame failing its schema raises."""
        check_cached(kind, symbol, frame, f"downloaded {kind.replace('_', ' ')} for {symbol}")
        frame = frame.copy(deep=False)
        frame.attrs = {**frame.attrs, FETCHED: market_calendar.now().isoformat()}
        name = f"{check_symbol(symbol)}.parquet"
        self._writing(lambda root: atomic.write_parquet(self._file(root, kind, name), frame))
        return frame

    def merge(
        self, kind: str, symbol: str, cached: pd.DataFrame | None, new: pd.DataFrame
    ) -> pd.DataFrame:
        """Write cached (as already read) combined with new rows, and return the whole."""
        return self.write(kind, symbol, combine(cached, new))

    def write_note(self, kind: str, name: str, text: str) -> None:
        """A small text file next to kind's data (e.g. FRED's last outage)."""
        self._writing(lambda root: atomic.write_text(self._file(root, kind, name), text))

    def read_note(self, kind: str, name: str) -> str | None:
        """A note written by write_note, or None."""
        for root in (self.spill, self.root):
            with contextlib.suppress(OSError, TypeError):
                return self._file(root, kind, name).read_text()  # type: ignore[arg-type]
        return None

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

        def open_lock(root: Path) -> Path:
            root.mkdir(parents=True, exist_ok=True)
            lock = root / f".{check_symbol(kind)}.lock"
            lock.touch()
            return lock

        with open(self._writing(open_lock), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
