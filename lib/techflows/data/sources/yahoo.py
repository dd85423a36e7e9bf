"""Yahoo Finance through yfinance: cache first, one batched refresh per kind, final bars only."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd

from techflows.data.market_calendar import final_bars
from techflows.data.sources.retry import FetchFailed, LiveAdapter, warn_failed
from techflows.data.sources.yahoo_client import TRIES, YahooClient, permanent
from techflows.data.sources.yahoo_tidy import (
    apply_splits,
    flag_jumps,
    rebased,
    tidy_cashflow,
    tidy_eps,
    tidy_holdings,
    tidy_shares,
)
from techflows.data.store import Store, fetched_at, is_current
from techflows.errors import DataError, DataUnavailable, SourceWarning

ADJUSTED, QUOTED, SHARES = "prices", "prices_quoted", "shares"
SHARES_START = pd.Timestamp("2010-01-01")
# Share-count refreshes re-read two weeks: Yahoo fills in late reports.
SHARES_OVERLAP = pd.Timedelta(days=14)
# Bar refreshes re-read two weeks too: a dividend Yahoo records days after its ex-date
# re-bases the adjusted closes before that date, which a one-day overlap (the ex-date's own
# bar, which it does not change) would never show.
BARS_OVERLAP = pd.Timedelta(days=14)
CSV_SHARES = "a csv folder with flows/etf_shares.csv"
AUM_PROVIDER = "a csv folder with flows/etf_aum.csv (issuer or vendor fund assets)"
OFFLINE = "Yahoo Finance cannot be reached"
FAILURE = "failure"  # attrs key of an empty cache file: why Yahoo had nothing (until the close)
NO_BARS = pd.DataFrame({"Close": pd.Series(dtype=float)}, index=pd.DatetimeIndex([], name="Date"))


def _last_date(frame: pd.DataFrame | None) -> str | None:
    return None if frame is None or frame.empty else str(frame.index.max().date())


def _has_rows(frame: pd.DataFrame | None) -> bool:
    return frame is not None and not frame.empty


def _start(frame: pd.DataFrame) -> str:
    """Where a refresh of cached bars starts: BARS_OVERLAP before the last cached day."""
    return f"{frame.index.max() - BARS_OVERLAP:%Y-%m-%d}"


class YahooAdapter(LiveAdapter):
    """Daily bars, shares outstanding and fundamentals from Yahoo Finance.

    Everything is served from the cache while it is current (fetched after the latest NYSE
    close); otherwise every stale file of that kind is refreshed in one batch. Offline, or
    when Yahoo fails, the cache is served with a warning saying how old it is.
    """

    name = "yahoo"
    description = "yahoo: live Yahoo Finance (yfinance), cached in data/cache/"

    def __init__(
        self, store: Store, tries: int = TRIES, offline_reason: str = "", **options: object
    ) -> None:
        super().__init__(store, tries=tries, **options)  # type: ignore[arg-type]
        self.client = YahooClient(self.outages, wait=self.wait, tries=self.tries)
        self.offline_reason = offline_reason or OFFLINE

    def _none(self, kind: str, ticker: str, why: str) -> None:
        """Remember until the next close that Yahoo has nothing for ticker, and why."""
        empty = NO_BARS if kind in (ADJUSTED, QUOTED) else tidy_shares(None)
        empty = empty.copy()
        empty.attrs[FAILURE] = why
        self.store.write(kind, ticker, empty)

    # --- daily bars ----------------------------------------------------------------------

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """Daily bars: adjusted closes, or with quoted the closes as quoted (plus Adj Close)."""
        kind = QUOTED if quoted else ADJUSTED
        frames = {t: self.store.read(kind, t) for t in tickers}  # each cache file read once
        if any(self._stale(kind, t, frames[t]) for t in tickers):
            self._refresh_kind(kind, frames)
        for ticker in tickers:  # nothing today, and why (remembered from an earlier notebook)
            frame = frames[ticker]
            if frame is not None and frame.empty and frame.attrs.get(FAILURE):
                self.failures.setdefault(ticker, str(frame.attrs[FAILURE]))
        return {t: f for t in tickers if (f := frames[t]) is not None and not f.empty}

    def _stale(self, kind: str, ticker: str, frame: pd.DataFrame | None) -> bool:
        return (kind, ticker) not in self.tried and not is_current(frame)

    def _refresh_kind(self, kind: str, frames: dict[str, pd.DataFrame | None]) -> None:
        """Refresh the stale asked tickers and every other stale file of kind, in one batch."""
        if self.offline:
            stale = [t for t, f in frames.items() if self._stale(kind, t, f)]
            self.tried.update((kind, t) for t in stale)
            self._failed(kind, dict.fromkeys(stale, self.offline_reason), frames)
            return
        with self.store.lock(kind):
            # Another notebook may have refreshed them while this one waited for the lock.
            stale = [t for t, f in frames.items() if not is_current(f)]
            frames.update({t: self.store.read(kind, t) for t in stale})
            for other in self.store.symbols(kind):
                if other not in frames and (kind, other) not in self.tried:
                    cached = self.store.read(kind, other)
                    if not is_current(cached):
                        frames[other] = cached
            stale = [t for t, f in frames.items() if self._stale(kind, t, f)]
            self.tried.update((kind, t) for t in stale)
            if stale:
                self._refresh(kind, stale, frames)

    def _refresh(
        self, kind: str, tickers: list[str], frames: dict[str, pd.DataFrame | None]
    ) -> None:
        """Fetch what the cache lacks (from two weeks before its last day on, or all); update
        frames in place."""
        cached = [t for t in tickers if frames[t] is not None and not frames[t].empty]
        full = [t for t in tickers if t not in cached]
        failed: dict[str, str] = {}
        starts = {t: _start(frames[t]) for t in cached}
        for start in sorted(set(starts.values())):
            group = [t for t in cached if starts[t] == start]
            fresh, errors = self._fetch(kind, group, start=start)
            failed.update(errors)
            for ticker, bars in fresh.items():
                if rebased(frames[ticker], bars):  # a dividend or split since: fetch all again
                    full.append(ticker)
                else:  # the splits applied so far travel with the file
                    bars.attrs["splits"] = {
                        **frames[ticker].attrs.get("splits", {}),
                        **bars.attrs["splits"],
                    }
                    frames[ticker] = self.store.merge(kind, ticker, frames[ticker], bars)
        if full:
            fresh, errors = self._fetch(kind, full, period="max")
            failed.update(errors)
            for ticker, bars in fresh.items():
                frames[ticker] = self.store.write(kind, ticker, bars)
            for ticker in full:
                why = failed.get(ticker, "")
                if ticker not in fresh and permanent(why) and not _has_rows(frames[ticker]):
                    self._none(kind, ticker, why)  # not asked again before the next close
        self._failed(kind, failed, frames)

    def _fetch(
        self, kind: str, tickers: list[str], **span: str
    ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
        found, failed = self.client.download(tickers, auto_adjust=kind == ADJUSTED, **span)
        fresh = {}
        for ticker, bars in found.items():
            # A session still trading gives a partial bar: it is never cached as a close.
            bars, applied = apply_splits(final_bars(bars))
            bars.attrs = {"splits": applied} if applied else {}
            fresh[ticker] = bars
        for bars in fresh.values():
            bars.attrs.setdefault("splits", {})
        return fresh, failed

    def _failed(
        self, kind: str, failed: dict[str, str], frames: dict[str, pd.DataFrame | None]
    ) -> None:
        if not failed:
            return
        self.failed(failed)
        what = f"yahoo {'quoted' if kind == QUOTED else 'adjusted'} prices"
        warn_failed(what, failed, lambda t: _last_date(frames.get(t)))

    # --- shares outstanding --------------------------------------------------------------

    @contextmanager
    def _due(self, kind: str, ticker: str) -> Iterator[tuple[pd.DataFrame | None, bool]]:
        """The cached frame, and whether to fetch it; a fetch happens under kind's lock.

        A notebook that waited for the lock re-reads the file another one just fetched.
        """
        cached = self.store.read(kind, ticker)
        if not self._stale(kind, ticker, cached):
            yield cached, False
            return
        with self.store.lock(kind):
            cached = self.store.read(kind, ticker)
            self.tried.add((kind, ticker))
            yield cached, not is_current(cached)

    def _shares_daily(self, ticker: str) -> pd.DataFrame:
        """Cached daily share counts of one ticker, refreshed incrementally."""
        with self._due(SHARES, ticker) as (cached, due):
            if not due and cached is None and self.failure(ticker):  # failed earlier today
                what = f"Shares outstanding for {ticker}"
                raise DataUnavailable(what, self.name, CSV_SHARES, self.failure(ticker))
            if not due:
                if cached is not None and cached.empty and cached.attrs.get(FAILURE):
                    why = str(cached.attrs[FAILURE])
                    self.failures[ticker] = why
                    raise DataUnavailable(
                        f"Shares outstanding for {ticker}", self.name, CSV_SHARES, why
                    )
                return cached if cached is not None else tidy_shares(None)
            if cached is not None and cached.empty:
                cached = None  # an earlier day's "nothing": ask again
            last = None if cached is None else cached.index.max()
            start = f"{SHARES_START if last is None else last - SHARES_OVERLAP:%Y-%m-%d}"
            try:
                if self.offline:
                    raise FetchFailed(self.offline_reason)
                raw = self.client.ask(ticker, lambda t: t.get_shares_full(start=start))
            except FetchFailed as exc:
                self.failed({ticker: str(exc)})
                if cached is None:
                    if permanent(str(exc)):
                        self._none(SHARES, ticker, str(exc))
                    what = f"Shares outstanding for {ticker}"
                    raise DataUnavailable(what, self.name, CSV_SHARES, reason=str(exc)) from exc
                reach = _last_date(cached)
                warn_failed("yahoo shares outstanding", {ticker: str(exc)}, lambda _: reach)
                return cached
            return self.store.merge(SHARES, ticker, cached, tidy_shares(raw))

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        """Daily shares outstanding (last report of each day), jump-flagged.

        price is left blank: the Source values counts at its own closes, so the same data
        give the same flows whatever this run happened to cache first.
        """
        if not tickers:
            raise DataError("yahoo shares outstanding: name the fund tickers, e.g. ['XLK']")
        found, failed, none = [], {}, []
        for ticker in tickers:
            try:
                daily = self._shares_daily(ticker)
            except DataUnavailable as gap:
                failed[ticker] = gap.reason
                continue
            if daily.empty:
                none.append(ticker)
                continue
            frame = daily.rename_axis("date").reset_index().assign(ticker=ticker)
            frame["jump"] = flag_jumps(daily["shares"]).to_numpy()
            found.append(frame.assign(price=np.nan))
        if failed:
            warn_failed("yahoo shares outstanding", failed, lambda _: None)
        if not found:
            reason = "; ".join(dict.fromkeys(failed.values()))
            named = ", ".join(tickers[:3]) + (
                f" and {len(tickers) - 3} more" if len(tickers) > 3 else ""
            )
            what = f"Shares outstanding for {named}"
            raise DataUnavailable(what, self.name, CSV_SHARES, reason=reason)
        table = pd.concat(found, ignore_index=True)
        return table[["date", "ticker", "shares", "price", "jump"]]

    def aum(self) -> pd.DataFrame:
        """Each fund's assets as its latest share count times that day's close (cached data).

        ticker, aum_usd, updated_date: for the funds whose share counts and closes this cache
        holds (a fund's assets are its shares outstanding times their price).
        """
        rows = []
        for ticker in self.store.symbols(SHARES):
            counts = self.store.read(SHARES, ticker)
            bars = self.store.read(ADJUSTED, ticker)
            if counts is None or counts.empty or bars is None or bars.empty:
                continue
            day = counts.index.max()
            close = bars["Close"].loc[:day]
            if close.empty or day - close.index[-1] > pd.Timedelta(days=7):
                continue
            size = float(counts["shares"].iloc[-1] * close.iloc[-1])
            if size > 0:
                rows.append({"ticker": ticker, "aum_usd": size, "updated_date": day})
        if not rows:
            what = "Fund assets under management (share counts x price)"
            raise DataUnavailable(what, self.name, AUM_PROVIDER)
        return pd.DataFrame(rows)

    # --- statements, estimates, holdings ---------------------------------------------------

    def _cached(
        self, kind: str, ticker: str, what: str, provider: str, fetch: Callable[[], pd.DataFrame]
    ) -> pd.DataFrame:
        """The cached table while current; else fetched, or the cached copy with a warning."""
        with self._due(kind, ticker) as (cached, due):
            if not due:
                if cached is None:
                    raise DataUnavailable(what, self.name, provider, reason=self.failure(ticker))
                return cached
            try:
                if self.offline:
                    raise FetchFailed(self.offline_reason)
                return self.store.write(kind, ticker, fetch())
            except FetchFailed as exc:
                self.failed({ticker: str(exc)})
                if cached is None:
                    raise DataUnavailable(what, self.name, provider, reason=str(exc)) from exc
                fetched = fetched_at(cached)
                when = str(fetched.date()) if fetched is not None else "an earlier run"
                warn_failed(f"yahoo {what}", {ticker: str(exc)}, lambda _: f"the copy of {when}")
                return cached

    def cashflow(self, ticker: str) -> pd.DataFrame:
        """Yearly capex (spent, positive), operating and free cash flow in USD."""
        what = f"Cash-flow statements for {ticker}"
        provider = "a US-listed company's ticker (funds and indices file no statements)"

        def fetch() -> pd.DataFrame:
            table = self.client.ask(ticker, lambda t: t.cashflow)
            if table is None or "Capital Expenditure" not in table.index:
                raise DataUnavailable(f"{what} with capital expenditure", self.name, provider)
            currency = self._reporting_currency(ticker)
            if currency != "USD":
                what_usd = f"{what} in USD (it reports in {currency})"
                raise DataUnavailable(what_usd, self.name, provider)
            return tidy_cashflow(table, ticker)

        return self._cached("cashflow", ticker, what, provider, fetch)

    def _reporting_currency(self, ticker: str) -> str:
        """Currency of the statements; assumed USD (with a warning) when Yahoo will not say."""
        try:
            info = self.client.ask(ticker, lambda t: t.info)
        except FetchFailed as exc:
            warnings.warn(
                f"techflows: the yahoo profile of {ticker} could not be fetched ({exc}); its "
                "statements are assumed to be in USD",
                SourceWarning,
                stacklevel=3,
            )
            return "USD"
        return str((info or {}).get("financialCurrency") or "USD")

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        """Consensus EPS now and 7-90 days ago, and revision counts, per estimate period."""
        what = f"EPS estimate revisions for {ticker}"
        provider = "a company ticker with analyst coverage"

        def fetch() -> pd.DataFrame:
            # One Ticker: trend and revisions come from the same quoteSummary answer.
            trend, revisions = self.client.ask(ticker, lambda t: (t.eps_trend, t.eps_revisions))
            if trend is None or trend.empty:
                raise DataUnavailable(what, self.name, provider)
            return tidy_eps(trend, revisions, ticker)

        return self._cached("eps_trend", ticker, what, provider, fetch)

    def top_holdings(self, ticker: str) -> pd.DataFrame:
        """A fund's top holdings: fund, symbol, name, weight (fraction)."""
        what = f"Fund holdings for {ticker}"
        provider = "a fund ticker (stocks and indices have no holdings)"

        def fetch() -> pd.DataFrame:
            table = self.client.ask(ticker, lambda t: t.funds_data.top_holdings)
            if table is None or table.empty:
                raise DataUnavailable(what, self.name, provider)
            return tidy_holdings(table, ticker)

        return self._cached("holdings", ticker, what, provider, fetch)
