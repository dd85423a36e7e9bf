"""The public load API: one Source object per run, whatever the data comes from."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from techflows import config
from techflows.config import resolve_folder
from techflows.data import market_calendar
from techflows.data.sources.base import PRICES_PROVIDER, SERIES_PROVIDER, Adapter
from techflows.data.sources.composite import CompositeAdapter
from techflows.data.sources.csvdir import CsvAdapter
from techflows.data.sources.network import network_available
from techflows.data.sources.sample import SampleAdapter
from techflows.data.sources.snapshot import SnapshotAdapter
from techflows.data.store import Store
from techflows.data.universe import load_universe
from techflows.data.validate import (
    check_aum,
    check_columns,
    check_flows,
    check_prices,
    check_shares,
    check_symbols,
)
from techflows.errors import DataError, DataUnavailable, OfflineFallbackWarning, StaleDataWarning

# Where `auto` turns when Yahoo and FRED cannot be used (no network and nothing cached).
OFFLINE_FALLBACK = "snapshot"


def parse_as_of(as_of: object) -> pd.Timestamp | None:
    """None/''/'latest' mean the latest data; anything else must be a date."""
    if as_of is None or (isinstance(as_of, str) and as_of.strip().lower() in ("", "latest")):
        return None
    try:
        return pd.Timestamp(as_of).normalize()
    except (ValueError, TypeError) as exc:
        raise DataError(f"as_of {as_of!r}: not a date (use YYYY-MM-DD or 'latest')") from exc


def side_by_side(columns: dict[str, pd.Series]) -> pd.DataFrame:
    """Date-indexed series as the columns of one frame, on the union of their dates.

    pd.DataFrame(dict) gives the same frame, but unions the indexes pairwise (slow for 100).
    """
    if not columns:
        return pd.DataFrame(columns)
    dates = np.unique(np.concatenate([s.index.to_numpy() for s in columns.values()]))
    index = pd.DatetimeIndex(dates)
    return pd.DataFrame({name: s.reindex(index) for name, s in columns.items()}, index=index)


class Source:
    """Prices, series, flows and fundamentals from one adapter, validated and cut at as_of."""

    def __init__(
        self,
        adapter: Adapter,
        as_of: object = None,
        universe: str | Path | None = None,
        fallback_reason: str = "",
    ) -> None:
        self.adapter = adapter
        self.as_of = parse_as_of(as_of)
        self.universe_path = universe
        self.fallback_reason = fallback_reason
        # Everything read from the adapter is kept, uncut, for the life of the Source; keys it
        # was asked for but lacks are remembered too, so nothing is read or downloaded twice.
        self._prices: dict[tuple[str, bool], pd.DataFrame] = {}
        self._series: dict[str, pd.Series] = {}
        self._asked: set[tuple[str, ...]] = set()

    @property
    def name(self) -> str:
        """Short source name: yahoo, csv, snapshot, sample, or yahoo+csv when composed."""
        return self.adapter.name

    @property
    def description(self) -> str:
        """One line naming the source and where its data comes from."""
        return self.adapter.description

    @cached_property
    def universe(self) -> pd.DataFrame:
        """Tickers with name, group and segment."""
        return load_universe(self.universe_path)

    def _cut(self, frame: pd.DataFrame) -> pd.DataFrame:
        # A shallow copy under copy-on-write: callers may change it, the cache stays intact.
        return frame.copy(deep=False) if self.as_of is None else frame.loc[: self.as_of]

    def _cut_rows(self, table: pd.DataFrame) -> pd.DataFrame:
        if self.as_of is None:
            return table.copy(deep=False)
        return table[table["date"] <= self.as_of]

    def bars(self, tickers: Iterable[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """Validated daily bars per available ticker; tickers the source lacks are left out."""
        wanted = check_symbols(tickers)
        kind = "quoted" if quoted else "prices"
        todo = [t for t in wanted if (kind, t) not in self._asked]
        if todo:
            for ticker, frame in self.adapter.prices(todo, quoted=quoted).items():
                name = f"{self.name} prices for {ticker}"
                is_rate = ticker in config.YIELD_INDICES
                self._prices[(ticker, quoted)] = check_prices(frame, name, is_rate=is_rate)
            self._asked.update((kind, t) for t in todo)
        return {
            t: cut
            for t in wanted
            if (t, quoted) in self._prices
            and not (cut := self._cut(self._prices[(t, quoted)])).empty
        }

    def _why(self, keys: Iterable[str]) -> str:
        """Why the adapter failed to deliver keys this session ('' when it simply lacks them)."""
        return "; ".join(dict.fromkeys(r for k in keys if (r := self.adapter.failure(k))))

    def close(self, tickers: Iterable[str], quoted: bool = False) -> pd.DataFrame:
        """Wide frame of closes (adjusted unless quoted); raises if none of the tickers exist."""
        tickers = list(tickers)
        found = self.bars(tickers, quoted=quoted)
        if not found:
            what = f"{'Quoted' if quoted else 'Adjusted'} prices for {', '.join(tickers)}"
            raise DataUnavailable(what, self.name, PRICES_PROVIDER, self._why(tickers))
        wide = side_by_side({t: f["Close"] for t, f in found.items()})
        return wide.rename_axis("Date").rename_axis(columns="ticker")

    def ohlcv(self, ticker: str, quoted: bool = False) -> pd.DataFrame:
        """One ticker's bars; raises DataUnavailable when the source lacks it."""
        found = self.bars([ticker], quoted=quoted)
        if ticker not in found:
            kind = "Quoted prices" if quoted else "Prices"
            what = f"{kind} for {ticker}"
            raise DataUnavailable(what, self.name, PRICES_PROVIDER, self._why([ticker]))
        return found[ticker]

    def available(self, tickers: Iterable[str], quoted: bool = False) -> list[str]:
        """The tickers the source has, in the given order."""
        return list(self.bars(tickers, quoted=quoted))

    def first_available(self, candidates: Iterable[str]) -> str:
        """First candidate ticker the source has (e.g. the tech and market proxies)."""
        candidates = list(candidates)
        for ticker in candidates:
            if self.bars([ticker]):
                return ticker
        raise DataUnavailable(
            f"Prices for any of {', '.join(candidates)}", self.name, PRICES_PROVIDER
        )

    @cached_property
    def tech_ticker(self) -> str:
        """The tech-sector proxy this source has (XLK, IYW, ... or ^IXIC)."""
        return self.first_available(config.TECH_PROXIES)

    @cached_property
    def market_ticker(self) -> str:
        """The broad-market proxy this source has (SPY, VOO or ^GSPC)."""
        return self.first_available(config.MARKET_PROXIES)

    def series(self, ids: Iterable[str]) -> pd.DataFrame:
        """Wide frame of FRED-style series; raises if none of the ids exist."""
        ids = check_symbols(ids)
        todo = [i for i in ids if ("series", i) not in self._asked]
        if todo:
            self._series.update(self.adapter.series(todo))
            self._asked.update(("series", i) for i in todo)
        found = [i for i in ids if i in self._series]
        if not found:
            what = f"Series {', '.join(ids)}"
            raise DataUnavailable(what, self.name, SERIES_PROVIDER, self._why(ids))
        wide = side_by_side({i: self._series[i] for i in found})
        return self._cut(wide.rename_axis("Date"))

    @cached_property
    def _flows(self) -> pd.DataFrame:
        return check_flows(self.adapter.flows(), f"{self.name} fund flows")

    def flows(self, blank: bool = False) -> pd.DataFrame:
        """Daily net fund flows: date, ticker, flow_usd; with blank, also the days listed empty."""
        rows = self._cut_rows(self._flows)
        return rows if blank else rows.dropna(subset=["flow_usd"]).reset_index(drop=True)

    @cached_property
    def _aum(self) -> pd.DataFrame:
        return check_aum(self.adapter.aum(), f"{self.name} fund assets")

    def aum(self) -> pd.DataFrame:
        """Fund assets under management by ticker: aum_usd, updated_date.

        Not cut at as_of: a file holds one snapshot, used as the size scale of each fund; its
        date is shown wherever it is used.
        """
        return self._aum.copy(deep=False)

    @cache  # noqa: B019 - one Source per run; its lifetime bounds the cache
    def _shares(self, tickers: tuple[str, ...]) -> pd.DataFrame:
        raw = self.adapter.shares(list(tickers))
        return check_shares(raw, f"{self.name} shares outstanding")

    def shares(self, tickers: Iterable[str] = ()) -> pd.DataFrame:
        """Shares outstanding: date, ticker, shares[, price][, jump: suspicious change (yahoo)]."""
        return self._cut_rows(self._shares(tuple(check_symbols(tickers))))

    @cached_property
    def _constituents(self) -> pd.DataFrame:
        members = self.adapter.constituents()
        check_columns(members, ["Symbol", "GICS Sector"], f"{self.name} constituents")
        return members

    def constituents(self) -> pd.DataFrame:
        """Index members with GICS sector."""
        return self._constituents.copy(deep=False)

    def sector_members(self, sector: str) -> list[str]:
        """Symbols of the index members in one GICS sector (current membership)."""
        members = self.constituents()
        return members.loc[members["GICS Sector"] == sector, "Symbol"].astype(str).tolist()

    def constituent_close(self, symbols: Iterable[str] = ()) -> pd.DataFrame:
        """Wide closes of constituent stocks (all the source has when symbols is empty)."""
        return self._constituent_field(symbols, "Close")

    def constituent_volume(self, symbols: Iterable[str] = ()) -> pd.DataFrame:
        """Wide volumes of constituent stocks."""
        return self._constituent_field(symbols, "Volume")

    @cached_property
    def _constituent_bars(self) -> dict[str, pd.DataFrame]:
        raw = self.adapter.constituent_prices([])
        return {
            s: check_prices(f, f"{self.name} constituent prices for {s}") for s, f in raw.items()
        }

    def _constituent_field(self, symbols: Iterable[str], field: str) -> pd.DataFrame:
        wanted = check_symbols(symbols) or list(self._constituent_bars)
        frames = {
            s: self._constituent_bars[s][field] for s in wanted if s in self._constituent_bars
        }
        wide = side_by_side(frames).rename_axis("Date").rename_axis(columns="ticker")
        return self._cut(wide.sort_index())

    def cashflow(self, ticker: str) -> pd.DataFrame:
        """Annual cash-flow statement (live only)."""
        return self.adapter.cashflow(check_symbols([ticker])[0])

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        """EPS estimate trend (live only)."""
        return self.adapter.eps_trend(check_symbols([ticker])[0])

    def top_holdings(self, ticker: str) -> pd.DataFrame:
        """Fund top holdings (live only)."""
        return self.adapter.top_holdings(check_symbols([ticker])[0])

    @cache  # noqa: B019 - one Source per run; its lifetime bounds the cache
    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last date of the tech and market proxies, for the banner."""
        wide = self.close([self.tech_ticker, self.market_ticker]).dropna(how="all")
        return wide.index.min(), wide.index.max()

    @property
    def end(self) -> pd.Timestamp:
        """The effective as-of date: as_of if given, else the last market date."""
        return self.date_range()[1]


def offline_adapter(name: str = OFFLINE_FALLBACK) -> Adapter:
    """The embedded offline data by source name: the snapshot, or arch's sample."""
    if name == "snapshot":
        return SnapshotAdapter()
    if name == "sample":
        return SampleAdapter()
    raise DataError(f"source {name!r}: not an offline source")


def open_live(store: Store) -> tuple[Adapter | None, str]:
    """Yahoo+FRED through the cache, cache first; None when neither network nor cache serve.

    A cache fetched after the latest market close is used without probing the network;
    otherwise a quick probe decides. Offline with an older cache, that cache is served
    (second value: the note saying so); offline with none, None.
    """
    from techflows.data.sources.online import OnlineAdapter

    newest = store.newest_fetch("prices")
    if market_calendar.is_current(newest) or network_available():
        return OnlineAdapter(store), ""
    if newest is None:
        return None, ""
    reason = (
        "Yahoo Finance and FRED cannot be reached, so the data cached by earlier runs "
        f"(last fetched {newest.date()}) is used"
    )
    warnings.warn(f"techflows: {reason}.", StaleDataWarning, stacklevel=3)
    return OnlineAdapter(store, offline=True), reason


def live_usable(cache_dir: str | Path | None = None) -> bool:
    """True if `auto` will use Yahoo+FRED (live, or their cache offline), not the fallback."""
    store = Store(Path(cache_dir) if cache_dir else config.CACHE_DIR)
    return store.newest_fetch("prices") is not None or network_available()


def open_source(
    source: str = "auto",
    data_dir: str | Path | None = None,
    as_of: object = None,
    universe: str | Path | None = None,
    cache_dir: str | Path | None = None,
) -> Source:
    """Open a data source by name: auto, yahoo, csv, snapshot or sample.

    auto is Yahoo+FRED through the cache when online (or cached), else the embedded snapshot of
    real market data, with a warning and a note for the banner. With data_dir, yahoo and auto
    compose: the folder's data first, live (or, offline, snapshot) data for the rest.
    """
    source = (source or "auto").strip().lower()
    if source not in config.SOURCES:
        raise DataError(f"source {source!r}: unknown (choose one of {', '.join(config.SOURCES)})")
    if source == "csv":
        if not data_dir:
            raise DataError("source 'csv' needs data_dir: the folder with prices/, fred/, flows/")
        return Source(CsvAdapter(resolve_folder(data_dir)), as_of=as_of, universe=universe)
    if source in ("snapshot", "sample"):
        return Source(offline_adapter(source), as_of=as_of, universe=universe)
    local = CsvAdapter(resolve_folder(data_dir)) if data_dir else None
    adapter, reason = open_live(Store(Path(cache_dir) if cache_dir else config.CACHE_DIR))
    if adapter is None:
        if source == "yahoo":
            raise DataError(
                "source 'yahoo': Yahoo Finance and FRED cannot be reached from this machine "
                "and nothing is cached"
            )
        where = f"the csv folder {local.folder} first, then " if local is not None else ""
        reason = (
            "Yahoo Finance and FRED cannot be reached and nothing is cached, "
            f"so {where}the embedded {OFFLINE_FALLBACK} is used"
        )
        warnings.warn(f"techflows: {reason}.", OfflineFallbackWarning, stacklevel=2)
        adapter = offline_adapter()
    if local is not None:
        adapter = CompositeAdapter(local, adapter)
    return Source(adapter, as_of=as_of, universe=universe, fallback_reason=reason)
