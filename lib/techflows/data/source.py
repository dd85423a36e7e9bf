"""The public load API: one Source object per run, whatever the data comes from."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from techflows import config
from techflows.config import resolve_folder
from techflows.data import freshness, implied, market_calendar, quality, schemas, validate
from techflows.data.sources.base import (
    FLOWS_PROVIDER,
    PRICES_PROVIDER,
    SERIES_PROVIDER,
    SHARES_PROVIDER,
    Adapter,
)
from techflows.data.sources.composite import CompositeAdapter
from techflows.data.sources.csvdir import CsvAdapter
from techflows.data.sources.network import unreachable
from techflows.data.sources.sample import SampleAdapter
from techflows.data.sources.snapshot import SnapshotAdapter
from techflows.data.store import Store
from techflows.data.universe import load_universe
from techflows.errors import DataError, DataUnavailable, OfflineFallbackWarning, StaleDataWarning

# Where `auto` turns when Yahoo and FRED cannot be used (no network and nothing cached).
OFFLINE_FALLBACK = "snapshot"
MEMBERS_INPUT = "index members (today's list)"
# The host each live site is probed at.
SITES = dict(zip(("yahoo", "fred"), config.NETWORK_PROBE_HOSTS, strict=True))


def parse_as_of(as_of: object) -> pd.Timestamp | None:
    """None/''/'latest' mean the latest data; anything else must be a YYYY-MM-DD date."""
    if as_of is None or (isinstance(as_of, str) and as_of.strip().lower() in ("", "latest")):
        return None
    try:
        return validate.parse_date(as_of, "as_of")
    except DataError:
        raise DataError(f"as_of {as_of!r}: not a date (use YYYY-MM-DD or 'latest')") from None


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
    """Prices, series, flows and fundamentals from one adapter, cut at as_of.

    Adapters hand out validated frames (techflows.data.validate, at the input's edge); the
    Source cuts them at as_of, says "Not available" for what the cut leaves nothing of, and
    screens what it reads for implausible values (data-quality flags, see `quality`).
    """

    def __init__(
        self,
        adapter: Adapter,
        as_of: object = None,
        universe: str | Path | None = None,
        fallback_reason: str = "",
    ) -> None:
        if universe is not None and not isinstance(universe, str | Path):
            raise DataError(f"universe {universe!r}: not a file path")
        self.adapter = adapter
        self.as_of = parse_as_of(as_of)
        self.universe_path = universe
        self.fallback_reason = fallback_reason
        # Everything read from the adapter is kept, uncut, for the life of the Source; keys it
        # was asked for but lacks are remembered too, so nothing is read or downloaded twice.
        self._prices: dict[tuple[str, bool], pd.DataFrame] = {}
        self._series: dict[str, pd.Series] = {}
        self._asked: set[tuple[str, ...]] = set()
        self._flags: list[quality.Flag] = []
        # The input ledger: every input handed out, with its last date up to as_of (None:
        # undated, such as today's index members).
        self._inputs: dict[str, pd.Timestamp | None] = {}
        self._gaps: dict[str, pd.DatetimeIndex] = {}  # sessions a ticker's bars lack

    @property
    def name(self) -> str:
        """Short source name: yahoo, csv, snapshot, sample, or yahoo+csv when composed."""
        return self.adapter.name

    @property
    def description(self) -> str:
        """One line naming the source and where its data comes from."""
        return self.adapter.description

    @property
    def quality(self) -> pd.DataFrame:
        """Data-quality flags of what was read so far, up to as_of: input, date, column, ..."""
        return quality.table(self._flags, self.as_of)

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

    def _valid(self, frame: pd.DataFrame, schema, what: str, dated: bool = True) -> pd.DataFrame:
        """The adapter's frame, validated by its schema unless the adapter already did."""
        if self.adapter.validated:
            return frame
        name = f"{self.name} {what}"
        return (
            validate.check_dated(frame, schema, name)
            if dated
            else validate.check(frame, schema, name)
        )

    def _screen(self, frame: pd.DataFrame, schema, where: str, **context) -> pd.DataFrame:
        """The frame in date order, its flags recorded: its schema's plausibility declarations
        (quality.screen) and, for a listed security's bars, split-like moves, splits listed but
        not applied, and exchange sessions the bars lack (kept: weekly figures skip them)."""
        frame, flags = quality.screen(frame, schema, where, until=self.as_of, **context)
        ticker = context.get("symbol", "")
        marked: list[quality.Flag] = []
        if "Close" in frame and listed_security(ticker) and len(frame):
            marked += quality.split_like_jumps(frame["Close"], where, "Close")
            marked += quality.applied_splits(frame.attrs.get("splits"), where)
            gaps = market_calendar.missing_sessions(frame.index)
            if len(gaps):
                self._gaps[ticker] = self._gaps.get(ticker, gaps).union(gaps)
                span = market_calendar.sessions(gaps.min(), gaps.max())
                self._flags += quality.missing_sessions(gaps, span, where)
        said = {f.date for f in marked}  # a split-like move is flagged once, as such
        prices = ("Close", "Adj Close")
        self._flags += [f for f in flags if f.date not in said or f.column not in prices]
        self._flags += marked
        return frame

    def missing_sessions(self, tickers: object) -> pd.DatetimeIndex:
        """The exchange sessions the bars read so far of any of tickers lack (flagged).

        Weekly figures are not computed across them.
        """
        missing = pd.DatetimeIndex([], dtype="datetime64[ns]")
        for ticker in validate.tickers(tickers):
            missing = missing.union(self._gaps.get(ticker, missing))
        return missing

    def bars(self, tickers: object, quoted: bool = False) -> dict[str, pd.DataFrame]:
        """Daily bars per available ticker; tickers the source lacks are left out."""
        wanted = validate.tickers(tickers)
        kind = "quoted" if quoted else "prices"
        todo = [t for t in wanted if (kind, t) not in self._asked]
        if todo:
            for ticker, frame in self.adapter.prices(todo, quoted=quoted).items():
                rate = ticker in config.YIELD_INDICES
                schema = schemas.RATE_BARS if rate else schemas.BARS
                frame = self._valid(frame, schema, f"{kind} for {ticker}")
                where = self.adapter.origin("prices_quoted" if quoted else "prices", ticker)
                self._prices[(ticker, quoted)] = self._screen(frame, schema, where, symbol=ticker)
            self._asked.update((kind, t) for t in todo)
        found = {
            t: cut
            for t in wanted
            if (t, quoted) in self._prices
            and not (cut := self._cut(self._prices[(t, quoted)])).empty
        }
        for ticker, frame in found.items():
            self.note_input(f"{ticker} {'quoted prices' if quoted else 'prices'}", frame.index[-1])
        return found

    def _why(self, keys: Iterable[str]) -> str:
        """Why the adapter failed to deliver keys this session ('' when it simply lacks them)."""
        return "; ".join(dict.fromkeys(r for k in keys if (r := self.adapter.failure(k))))

    def _later(self, keys: Iterable[str], quoted: bool = False) -> str:
        """A note on keys the source has only after as_of (which, and from when), else ''."""
        if self.as_of is None:
            return ""
        starts = {
            k: frame.index.min()
            for k in keys
            if (frame := self._prices.get((k, quoted))) is not None and not frame.empty
        }
        starts |= {k: s.index.min() for k in keys if (s := self._series.get(k)) is not None}
        if not starts:
            return ""
        first = ", ".join(f"{k} from {d.date()}" for k, d in starts.items())
        return f"nothing up to the as-of date {self.as_of.date()}: {first}"

    def close(self, tickers: object, quoted: bool = False) -> pd.DataFrame:
        """Wide frame of closes (adjusted unless quoted); raises if none of the tickers exist."""
        tickers = validate.tickers(tickers)
        found = self.bars(tickers, quoted=quoted)
        if not found:
            what = f"{'Quoted' if quoted else 'Adjusted'} prices for {', '.join(tickers)}"
            raise DataUnavailable(
                what, self.name, PRICES_PROVIDER, self._why(tickers), self._later(tickers, quoted)
            )
        wide = side_by_side({t: f["Close"] for t, f in found.items()})
        return wide.rename_axis("Date").rename_axis(columns="ticker")

    def ohlcv(self, ticker: str, quoted: bool = False) -> pd.DataFrame:
        """One ticker's bars; raises DataUnavailable when the source lacks it."""
        ticker = validate.ticker(ticker)
        found = self.bars([ticker], quoted=quoted)
        if ticker not in found:
            kind = "Quoted prices" if quoted else "Prices"
            what = f"{kind} for {ticker}"
            note = self._later([ticker], quoted)
            raise DataUnavailable(what, self.name, PRICES_PROVIDER, self._why([ticker]), note)
        return found[ticker]

    def available(self, tickers: object, quoted: bool = False) -> list[str]:
        """The tickers the source has, in the given order."""
        return list(self.bars(tickers, quoted=quoted))

    def first_available(self, candidates: object) -> str:
        """First candidate ticker the source has (e.g. the tech and market proxies)."""
        candidates = validate.tickers(candidates)
        for ticker in candidates:
            if self.bars([ticker]):
                return ticker
        raise DataUnavailable(
            f"Prices for any of {', '.join(candidates)}",
            self.name,
            PRICES_PROVIDER,
            note=self._later(candidates),
        )

    @cached_property
    def tech_ticker(self) -> str:
        """The tech-sector proxy this source has (XLK, IYW, ... or ^IXIC)."""
        return self.first_available(config.TECH_PROXIES)

    @cached_property
    def market_ticker(self) -> str:
        """The broad-market proxy this source has (SPY, VOO or ^GSPC)."""
        return self.first_available(config.MARKET_PROXIES)

    def preferred(self, candidates: object) -> str:
        """Of alternative funds (SMH or SOXX), the one every section uses: the first whose
        prices reach within the freshness limit of the freshest one's (freshness.preferred)."""
        found = self.bars(validate.tickers(candidates))
        if not found:
            return self.first_available(candidates)  # raises, naming the candidates
        return str(freshness.preferred(pd.Series({t: f.index[-1] for t, f in found.items()})))

    def note_input(self, name: str, last: object) -> None:
        """Record an input in the run's ledger with its last date (None: undated)."""
        self._inputs[name] = None if last is None else pd.Timestamp(last)

    def inputs(self) -> pd.DataFrame:
        """The input ledger: each input read so far, its last date, its age in days against the
        as-of date and whether it is stale (freshness.is_stale); oldest first."""
        end = self.end
        rows = [
            {
                "input": name,
                "last": last,
                "age_days": None if last is None else freshness.age_days(last, end),
                "stale": False if last is None else freshness.is_stale(last, end),
            }
            for name, last in self._inputs.items()
        ]
        table = pd.DataFrame(rows, columns=["input", "last", "age_days", "stale"])
        return table.sort_values(["last", "input"], na_position="last").reset_index(drop=True)

    def series(self, ids: object) -> pd.DataFrame:
        """Wide frame of FRED-style series; raises if none of the ids exist (up to as_of)."""
        ids = validate.tickers(ids)
        todo = [i for i in ids if ("series", i) not in self._asked]
        if todo:
            for sid, values in self.adapter.series(todo).items():
                schema = schemas.series(sid)
                frame = self._valid(values.to_frame("value"), schema, f"series {sid}")
                where = self.adapter.origin("fred", sid)
                frame = self._screen(frame, schema, where, names={"value": sid})
                self._series[sid] = frame["value"].rename(sid)
            self._asked.update(("series", i) for i in todo)
        found = [i for i in ids if i in self._series]
        wide = side_by_side({i: self._series[i] for i in found}) if found else None
        if wide is None or (wide := self._cut(wide.rename_axis("Date"))).empty:
            what = f"Series {', '.join(ids)}"
            note = self._later(found)
            source = getattr(self.adapter, "series_name", self.name)
            raise DataUnavailable(what, source, SERIES_PROVIDER, self._why(ids), note)
        for sid in wide.columns:
            if (last := wide[sid].last_valid_index()) is not None:
                self.note_input(f"{sid} series", last)
        return wide

    @cached_property
    def _flow_table(self) -> tuple[pd.DataFrame, str]:
        try:
            table = self.adapter.flows()
        except DataUnavailable as gap:
            table, origin = self._implied_flow_table(gap)
        else:
            table = self._valid(table, schemas.FLOWS, "fund flows", dated=False)
            origin = self.adapter.flows_origin
        table = table[["date", "ticker", "flow_usd"]]
        table = table.sort_values(["date", "ticker"]).reset_index(drop=True)
        try:
            aum = self._aum
        except DataUnavailable:
            aum = None
        self._flags += quality.flows_over_assets(table, aum, self.adapter.origin("flows", ""))
        return table, origin

    def _implied_flow_table(self, gap: DataUnavailable) -> tuple[pd.DataFrame, str]:
        """Flows implied by the source's share counts, for a source without a flow table."""
        try:
            flagged = self._implied(implied.JUMP)
        except DataUnavailable as lacking:
            if not lacking.why:  # no share counts either: the source has no flows
                raise gap from None
            what = "Fund flows (implied from shares outstanding × price)"
            raise DataUnavailable(what, self.name, FLOWS_PROVIDER, reason=lacking.why) from None
        return implied.daily_flows(flagged), implied.label(self.adapter.shares_origin)

    @property
    def flows_origin(self) -> str:
        """Where flows() come from: 'reported (...)' or 'implied from shares outstanding x
        price (yfinance)' (a source without a flow table); reports label flows with it."""
        return self._flow_table[1]

    def flows(self, blank: bool = False) -> pd.DataFrame:
        """Daily net fund flows: date, ticker, flow_usd; with blank, also the days listed empty.

        A source without a flow table serves the flows its share counts imply (change in
        shares x price; days flagged there are blank): flows_origin says which, and so does
        the table's attrs["origin"]. DataUnavailable when the source has flows, but none up
        to as_of.
        """
        table, origin = self._flow_table
        rows = self._cut_rows(table)
        if rows.empty:
            first = table["date"].min()
            note = f"its flows start {first.date()}, after the as-of date {self.as_of.date()}"
            raise DataUnavailable(
                f"Fund flows up to {self.as_of.date()}", self.name, FLOWS_PROVIDER, note=note
            )
        reported = rows.dropna(subset=["flow_usd"])
        if len(reported):
            self.note_input("fund flows", reported["date"].max())
        rows = rows if blank else reported.reset_index(drop=True)
        rows.attrs["origin"] = origin
        return rows

    @cache  # noqa: B019 - one Source per run; its lifetime bounds the cache
    def _implied(self, jump: float) -> pd.DataFrame:
        names = implied.funds(self.universe)
        shares = self._shares(tuple(names))
        if shares.empty:
            what = f"Shares outstanding of {', '.join(names)}"
            raise DataUnavailable(what, self.name, SHARES_PROVIDER)
        bars = self.bars(list(shares["ticker"].unique()))  # uncut: read once, cut below
        closes = {t: self._prices[(t, False)]["Close"] for t in bars}
        return implied.implied_flows(shares, side_by_side(closes) if closes else None, jump)

    def implied_flows(self, jump: float = implied.JUMP) -> pd.DataFrame:
        """Flows implied by the universe funds' share counts, every day flagged (see
        techflows.data.implied), up to as_of; prices are the source's adjusted closes."""
        rows = self._cut_rows(self._implied(jump))
        if rows.empty:  # the source has counts, none of these funds' up to as_of
            what = f"Shares outstanding of the universe funds up to {self.end.date()}"
            raise DataUnavailable(what, self.name, SHARES_PROVIDER)
        return rows

    @cached_property
    def _aum(self) -> pd.DataFrame:
        table = self._valid(self.adapter.aum(), schemas.AUM, "fund assets", dated=False)
        table = table[["ticker", "aum_usd", "updated_date"]]
        return table.set_index("ticker").sort_index()

    def aum(self) -> pd.DataFrame:
        """Fund assets by ticker, as known on the as-of date: aum_usd, updated_date, basis,
        point_in_time.

        A file holds one snapshot of assets. Where it is dated after as_of, a fund's assets are
        its last share count up to as_of times its price that day (basis 'shares x price');
        without a share count the later snapshot stays the fund's size scale, with
        point_in_time False, and whatever uses it says so.
        """
        table = self._aum.assign(basis="reported", point_in_time=True)
        if self.as_of is not None and (table["updated_date"] > self.as_of).any():
            table = self._assets_from_shares(table)
        self.note_input("fund assets", table["updated_date"].max())
        return table

    def _assets_from_shares(self, table: pd.DataFrame) -> pd.DataFrame:
        """Assets dated after as_of replaced by shares x price up to as_of where possible."""
        later = table.index[table["updated_date"] > self.as_of]
        table.loc[later, "point_in_time"] = False
        try:
            shares = self.shares(list(later))
        except DataUnavailable:
            return table
        for ticker, rows in shares.groupby("ticker"):
            last = rows.sort_values("date").iloc[-1]
            price = last.get("price", np.nan)
            if not np.isfinite(price):
                price = self._close_on(ticker, last["date"])
            if np.isfinite(price):
                table.loc[ticker, ["aum_usd", "updated_date"]] = [
                    last["shares"] * price,
                    last["date"],
                ]
                table.loc[ticker, ["basis", "point_in_time"]] = ["shares x price", True]
        return table

    def _close_on(self, ticker: str, day: pd.Timestamp) -> float:
        """A fund's close on a day (as quoted, else adjusted), NaN when the source lacks it."""
        for quoted in (True, False):
            found = self.bars([ticker], quoted=quoted)
            if ticker in found:
                close = found[ticker]["Close"].loc[:day]
                if len(close):
                    return float(close.iloc[-1])
        return float("nan")

    @cache  # noqa: B019 - one Source per run; its lifetime bounds the cache
    def _shares(self, tickers: tuple[str, ...]) -> pd.DataFrame:
        raw = self.adapter.shares(list(tickers))
        raw = self._valid(raw, schemas.SHARES, "shares outstanding", dated=False)
        columns = [c for c in ("date", "ticker", "shares", "price", "jump") if c in raw.columns]
        table = raw[columns].sort_values(["ticker", "date"]).reset_index(drop=True)
        where = self.adapter.origin("shares", "")
        for ticker, rows in table.groupby("ticker", sort=False):
            history = rows.set_index("date")[["shares"]]
            self._screen(history, schemas.SHARES, where, names={"shares": f"{ticker} shares"})
        return table

    def shares(self, tickers: object = ()) -> pd.DataFrame:
        """Shares outstanding: date, ticker, shares[, price][, jump: suspicious change (yahoo)]."""
        table = self._cut_rows(self._shares(tuple(validate.tickers(tickers))))
        if len(table):
            self.note_input("shares outstanding", table["date"].max())
        return table

    @cached_property
    def _constituents(self) -> pd.DataFrame:
        members = self.adapter.constituents()
        return self._valid(members, schemas.CONSTITUENTS, "constituents", dated=False)

    @property
    def has_members(self) -> bool:
        """True when the source has index members (without reading them into the ledger)."""
        try:
            return not self._constituents.empty
        except DataUnavailable:
            return False

    def constituents(self) -> pd.DataFrame:
        """Index members with GICS sector: the source's current list, whatever the as-of date."""
        self.note_input(MEMBERS_INPUT, None)
        return self._constituents.copy(deep=False)

    def sector_members(self, sector: str) -> list[str]:
        """Symbols of the index members in one GICS sector (current membership)."""
        members = self.constituents()
        return members.loc[members["GICS Sector"] == sector, "Symbol"].astype(str).tolist()

    def constituent_close(self, symbols: object = ()) -> pd.DataFrame:
        """Wide closes of constituent stocks (all the source has when symbols is empty)."""
        return self._constituent_field(symbols, "Close")

    def constituent_volume(self, symbols: object = ()) -> pd.DataFrame:
        """Wide volumes of constituent stocks."""
        return self._constituent_field(symbols, "Volume")

    @cached_property
    def _constituent_bars(self) -> dict[str, pd.DataFrame]:
        bars = {}
        for symbol, frame in self.adapter.constituent_prices([]).items():
            frame = self._valid(frame, schemas.BARS, f"constituent prices for {symbol}")
            where = self.adapter.origin("constituent_prices", symbol)
            bars[symbol] = self._screen(frame, schemas.BARS, where, symbol=symbol)
        return bars

    def _constituent_field(self, symbols: object, field: str) -> pd.DataFrame:
        wanted = validate.tickers(symbols) or list(self._constituent_bars)
        frames = {
            s: self._constituent_bars[s][field] for s in wanted if s in self._constituent_bars
        }
        wide = side_by_side(frames).rename_axis("Date").rename_axis(columns="ticker")
        wide = self._cut(wide.sort_index())
        if len(wide):
            self.note_input("index member prices", wide.index[-1])
        return wide

    def cashflow(self, ticker: str) -> pd.DataFrame:
        """Annual cash-flow statement (live only)."""
        ticker = validate.ticker(ticker)
        table = self.adapter.cashflow(ticker)
        return self._valid(table, schemas.CASHFLOW, f"cash flows of {ticker}", dated=False)

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        """EPS estimate trend (live only)."""
        ticker = validate.ticker(ticker)
        table = self.adapter.eps_trend(ticker)
        return self._valid(table, schemas.EPS_TREND, f"EPS trend of {ticker}", dated=False)

    def top_holdings(self, ticker: str) -> pd.DataFrame:
        """Fund top holdings (live only)."""
        ticker = validate.ticker(ticker)
        table = self.adapter.top_holdings(ticker)
        return self._valid(table, schemas.HOLDINGS, f"holdings of {ticker}", dated=False)

    @cache  # noqa: B019 - one Source per run; its lifetime bounds the cache
    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last date of the tech and market proxies, for the banner.

        DataError when as_of is before all of the source's market data.
        """
        try:
            wide = self.close([self.tech_ticker, self.market_ticker]).dropna(how="all")
        except DataUnavailable as gap:
            if self.as_of is None:
                raise
            starts = []
            for group in (config.TECH_PROXIES, config.MARKET_PROXIES):
                self.bars(group)  # reads each proxy's whole history, to say where it starts
                firsts = {t: f.index.min() for (t, q), f in self._prices.items() if t in group}
                if firsts and self.as_of < min(firsts.values()):
                    first = min(firsts, key=firsts.__getitem__)
                    starts.append(f"{first} from {firsts[first].date()}")
            if starts:
                raise DataError(
                    f"as_of {self.as_of.date()}: before the {self.name} source's tech and market "
                    f"prices ({', '.join(starts)})"
                ) from gap
            raise
        return wide.index.min(), wide.index.max()

    @property
    def end(self) -> pd.Timestamp:
        """The effective as-of date: as_of if given, else the last market date."""
        return self.date_range()[1]


def listed_security(ticker: str) -> bool:
    """True for a US-listed fund or stock (splits and the NYSE calendar apply), not an index,
    a rate, a currency or a future (schemas.US_LISTED)."""
    return bool(re.match(schemas.US_LISTED, ticker or ""))


def offline_adapter(name: str = OFFLINE_FALLBACK) -> Adapter:
    """The embedded offline data by source name: the snapshot, or arch's sample."""
    if name == "snapshot":
        return SnapshotAdapter()
    if name == "sample":
        return SampleAdapter()
    raise DataError(f"source {name!r}: not an offline source")


def sites_down(store: Store) -> dict[str, str]:
    """Why Yahoo ("yahoo") or FRED ("fred") cannot be reached; an empty dict when both can.

    The outage memory first (a site another notebook or the runner found down lately is not
    probed again), then one quick probe of the others, each on its own; what it finds down
    is remembered for the other notebooks.
    """
    from techflows.data.sources.outages import Outages

    outages = Outages(store)
    down, todo = {}, []
    for name, (host, port) in SITES.items():
        if known := outages.site_down(host):
            down[name] = known
        else:
            todo.append((host, port))
    if todo:
        found = unreachable(tuple(todo))
        for name, (host, _) in SITES.items():
            if host in found:
                down[name] = found[host]
                outages.record(f"https://{host}/", found[host], whole_site=True)
    return down


def open_live(store: Store, fallback: bool = True) -> tuple[Adapter | None, str]:
    """Yahoo+FRED through the cache, cache first; None when neither network nor cache serve.

    A cache fetched after the latest market close is used without probing the network;
    otherwise a quick probe of each site decides. A site that cannot be reached serves its
    cache (second value: the note saying so); when Yahoo cannot be reached and nothing is
    cached, with fallback the embedded snapshot stands in for it while FRED stays live.
    None when neither site serves.
    """
    from techflows.data.sources.online import OnlineAdapter

    newest = store.newest_fetch("prices")
    if market_calendar.is_current(newest):
        return OnlineAdapter(store), ""
    down = sites_down(store)
    yahoo, fred = down.get("yahoo", ""), down.get("fred", "")
    if not yahoo:
        note = (
            f"FRED cannot be reached ({fred}): rate and macro series come from the cache of "
            "earlier runs where there is one"
            if fred
            else ""
        )
        if note:
            warnings.warn(f"techflows: {note}.", StaleDataWarning, stacklevel=3)
        return OnlineAdapter(store, down=down), note
    who = "Yahoo Finance and FRED cannot be reached" if fred else "Yahoo Finance cannot be reached"
    why = f"{who} ({'; '.join(dict.fromkeys(down.values()))})"
    if newest is not None:
        reason = f"{why}, so the data cached by earlier runs (last fetched {newest.date()}) is used"
        warnings.warn(f"techflows: {reason}.", StaleDataWarning, stacklevel=3)
        return OnlineAdapter(store, offline=bool(fred), down=down), reason
    if fred:
        return None, why
    if not fallback:  # FRED answers: Yahoo's part says why, call by call
        return OnlineAdapter(store, down=down), why
    from techflows.data.snapshot.manifest import read_manifest

    market = offline_adapter()
    through = read_manifest(config.SNAPSHOT_DIR).get("through", "")
    reason = (
        f"{why} and nothing is cached, so prices and the other market data come from the "
        f"embedded {OFFLINE_FALLBACK} of real market data through {through}; FRED is live"
    )
    warnings.warn(f"techflows: {reason}.", OfflineFallbackWarning, stacklevel=3)
    return OnlineAdapter(store, down=down, market=market), reason


def live_usable(cache_dir: str | Path | None = None) -> bool:
    """True if `auto` will use Yahoo+FRED (live, or their cache offline), not the fallback."""
    store = Store(Path(cache_dir) if cache_dir else config.CACHE_DIR)
    return store.newest_fetch("prices") is not None or len(sites_down(store)) < len(SITES)


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
    if source is not None and not isinstance(source, str):
        raise DataError(f"source {source!r}: not a source name ({', '.join(config.SOURCES)})")
    source = (source or "auto").strip().lower()
    if source not in config.SOURCES:
        raise DataError(f"source {source!r}: unknown (choose one of {', '.join(config.SOURCES)})")
    for what, value in (("data_dir", data_dir), ("cache_dir", cache_dir)):
        if value is not None and not isinstance(value, str | Path):
            raise DataError(f"{what} {value!r}: not a folder path")
    parse_as_of(as_of)  # a bad date stops here, before any network probe
    if source == "csv":
        if not data_dir:
            raise DataError("source 'csv' needs data_dir: the folder with prices/, fred/, flows/")
        return Source(CsvAdapter(resolve_folder(data_dir)), as_of=as_of, universe=universe)
    if source in ("snapshot", "sample"):
        return Source(offline_adapter(source), as_of=as_of, universe=universe)
    local = CsvAdapter(resolve_folder(data_dir)) if data_dir else None
    store = Store(Path(cache_dir) if cache_dir else config.CACHE_DIR)
    adapter, reason = open_live(store, fallback=source == "auto")
    if adapter is None:
        if source == "yahoo":
            raise DataError(f"source 'yahoo': {reason}; nothing is cached")
        where = f"the csv folder {local.folder} first, then " if local is not None else ""
        reason += f" and nothing is cached, so {where}the embedded {OFFLINE_FALLBACK} is used"
        warnings.warn(f"techflows: {reason}.", OfflineFallbackWarning, stacklevel=2)
        adapter = offline_adapter()
    if local is not None:
        adapter = CompositeAdapter(local, adapter)
    return Source(adapter, as_of=as_of, universe=universe, fallback_reason=reason)
