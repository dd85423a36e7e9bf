"""The embedded offline default: real market data the project built into data/snapshot/.

It answers like the csv folder it was built from (same tickers, fallbacks and tables), so a
report on the snapshot shows the same figures as one on that folder.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from techflows import config
from techflows.data.snapshot import layout
from techflows.data.snapshot.manifest import REBUILD, describe, read_manifest
from techflows.data.sources.base import Adapter
from techflows.errors import DataError, DataUnavailable

AUM_PROVIDER = "a csv folder with flows/etf_aum.csv (issuer or vendor fund assets)"


class Keyed:
    """A long table (rows sorted by key, then date) handing out one date-indexed frame per key.

    Frames are built when first asked for. Columns a name never had (a close-only file's
    volume) are left out, and whole-number volumes come back as integers, as csv reads them.
    """

    def __init__(self, long: pd.DataFrame, key: str, names: dict[str, str]) -> None:
        keys = long[key].astype("category")
        codes = keys.cat.codes.to_numpy()
        changes = np.flatnonzero(codes[1:] != codes[:-1]) + 1
        bounds = [0, *changes.tolist(), len(codes)] if len(codes) else []
        self._rows = {str(keys.iloc[a]): slice(a, b) for a, b in itertools.pairwise(bounds)}
        self._dates = long[layout.DATE].to_numpy()
        self._columns = {
            names.get(c, c): long[c].to_numpy(dtype=float)
            for c in long.columns
            if c not in (key, layout.DATE)
        }
        self._frames: dict[str, pd.DataFrame] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._rows

    def names(self) -> list[str]:
        """Every key value, sorted."""
        return sorted(self._rows)

    def among(self, names: list[str]) -> list[str]:
        """The names this table has, in the given order."""
        return [n for n in names if n in self._rows]

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            rows = self._rows[name]
            data = {}
            for column, values in self._columns.items():
                part = values[rows]
                if np.isnan(part).all():
                    continue
                whole = column == "Volume" and not np.isnan(part).any() and (part % 1 == 0).all()
                data[column] = part.astype("int64") if whole else part
            index = pd.DatetimeIndex(self._dates[rows], name="Date")
            self._frames[name] = pd.DataFrame(data, index=index)
        return self._frames[name]


EMPTY = Keyed(pd.DataFrame({layout.DATE: [], "key": []}), "key", {})


class SnapshotAdapter(Adapter):
    """Adjusted and quoted bars, FRED series, fund flows, shares, AUM and constituents."""

    name = "snapshot"
    # Validated once, when the builder read the csv folder; the sha256 of every file is
    # checked against the manifest on read, which proves the bytes are those validated.
    validated = True

    def __init__(self, folder: str | Path = config.SNAPSHOT_DIR) -> None:
        self.folder = Path(folder)
        self.manifest = read_manifest(self.folder)
        self.description = describe(self.manifest)
        self._tables: dict[str, pd.DataFrame | None] = {}
        self._bars: dict[str, Keyed] = {}

    def _table(self, dataset: str) -> pd.DataFrame | None:
        """A dataset's long table (read once, checked against its manifest hash), or None."""
        if dataset not in self._tables:
            entry = self.manifest["datasets"].get(dataset)
            self._tables[dataset] = None if entry is None else self._read(dataset, entry)
        return self._tables[dataset]

    def _read(self, dataset: str, entry: dict[str, Any]) -> pd.DataFrame:
        path = self.folder / entry["file"]
        # The key of a long table comes back as a categorical: Keyed splits on its codes.
        keys = [layout.TICKER] if dataset in layout.BARS else []
        keys += [layout.SERIES] if dataset == layout.FRED else []
        try:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
                raise DataError(f"snapshot {path}: does not match its manifest; {REBUILD}")
            table = pq.read_table(pa.BufferReader(data), read_dictionary=keys or None)
            return table.to_pandas()
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"snapshot {path}: unreadable ({exc}); {REBUILD}") from exc

    def keyed(self, dataset: str) -> Keyed:
        """The bars of one dataset (prices, prices_quoted, constituent_prices), by ticker."""
        if dataset not in self._bars:
            long = self._table(dataset)
            names = {layout.column(c): c for c in layout.BARS[dataset][1]}
            self._bars[dataset] = EMPTY if long is None else Keyed(long, layout.TICKER, names)
        return self._bars[dataset]

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """Adjusted bars; else the quoted Adj Close, else a constituent's bars (as csv does).

        With quoted, the prices as quoted in the press only.
        """
        if quoted:
            have = self.keyed("prices_quoted")
            return {
                t: have[t].drop(columns="Adj Close", errors="ignore") for t in have.among(tickers)
            }
        found: dict[str, pd.DataFrame] = {}
        for ticker in tickers:
            if ticker in (adjusted := self.keyed("prices")):
                found[ticker] = adjusted[ticker]
            elif ticker in (as_quoted := self.keyed("prices_quoted")):
                bars = as_quoted[ticker]
                if "Adj Close" in bars:
                    keep = [c for c in ("Adj Close", "Volume") if c in bars]
                    found[ticker] = bars[keep].rename(columns={"Adj Close": "Close"})
            elif ticker in (stocks := self.keyed("constituent_prices")):
                found[ticker] = stocks[ticker]
        return found

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """FRED series by id."""
        long = self._table(layout.FRED)
        if long is None:
            return super().series(ids)
        frames = Keyed(long[long[layout.SERIES].isin(ids)], layout.SERIES, {})
        return {sid: frames[sid][layout.VALUE].rename(sid) for sid in ids if sid in frames}

    def table(self, dataset: str) -> pd.DataFrame | None:
        """A copy of one dataset's whole table, or None when the snapshot lacks it."""
        table = self._table(dataset)
        return None if table is None else table.copy()

    def flows(self) -> pd.DataFrame:
        """Daily net fund flows (flows/etf_flows.csv), blank days included."""
        table = self.table("etf_flows")
        return super().flows() if table is None else table

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        """Shares outstanding (flows/etf_shares.csv), restricted to tickers when given."""
        table = self.table("etf_shares")
        if table is None:
            return super().shares(tickers)
        return table[table["ticker"].isin(tickers)] if tickers else table

    def aum(self) -> pd.DataFrame:
        """Fund assets under management (flows/etf_aum.csv)."""
        table = self.table("etf_aum")
        if table is None:
            raise DataUnavailable("Fund assets under management", self.name, AUM_PROVIDER)
        return table

    def constituents(self) -> pd.DataFrame:
        """S&P 500 members (constituents/sp500_constituents.csv)."""
        table = self.table("sp500_constituents")
        return super().constituents() if table is None else table

    def constituent_prices(self, symbols: list[str]) -> dict[str, pd.DataFrame]:
        """Constituent bars (Close, Volume), all of them when symbols is empty."""
        have = self.keyed("constituent_prices")
        if not have.names():
            return super().constituent_prices(symbols)
        return {s: have[s] for s in have.among(symbols or have.names())}
