"""Yahoo Finance through yfinance: one batched download per refresh, cached as parquet."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import pandas as pd

from techflows.data.sources.base import Adapter
from techflows.data.sources.yahoo_client import TRIES, YahooClient
from techflows.data.sources.yahoo_tidy import (
    attach_price,
    flag_jumps,
    rebased,
    split_download,
    tidy_cashflow,
    tidy_eps,
    tidy_holdings,
    tidy_shares,
)
from techflows.data.store import Store
from techflows.errors import DataError, DataUnavailable

ADJUSTED, QUOTED, SHARES = "prices", "prices_quoted", "shares"
MAX_AGE = pd.Timedelta(hours=12)  # a cache file younger than this is not refreshed
# Refreshes re-read a week the cache already has: it replaces a partial last day and
# shows whether Yahoo re-based the adjusted history (dividend or split) since.
OVERLAP = pd.Timedelta(days=7)
SHARES_START = pd.Timestamp("2010-01-01")
CSV_SHARES = "a csv folder with flows/etf_shares.csv"


class YahooAdapter(Adapter):
    """Daily bars, shares outstanding and fundamentals from Yahoo Finance."""

    name = "yahoo"
    description = "yahoo: live Yahoo Finance (yfinance), cached in data/cache/"

    def __init__(
        self,
        store: Store,
        sleep: Callable[[float], None] = time.sleep,
        max_age: pd.Timedelta = MAX_AGE,
        tries: int = TRIES,
    ) -> None:
        self.store = store
        self.max_age = max_age
        self.client = YahooClient(sleep=sleep, tries=tries)
        self._tried: set[tuple[str, str]] = set()  # refreshed this session, found or not

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """Daily bars: adjusted closes, or with quoted the closes as quoted (plus Adj Close)."""
        kind = QUOTED if quoted else ADJUSTED
        frames = {t: self.store.read(kind, t) for t in tickers}  # each cache file read once
        stale = [
            t
            for t in tickers
            if (kind, t) not in self._tried and not self.store.is_fresh(kind, t, self.max_age)
        ]
        if stale:
            try:
                self._refresh(kind, stale, frames)
            except DataError as exc:
                if any(frames[t] is None for t in stale):
                    raise
                warnings.warn(f"techflows: {exc}; using cached prices", stacklevel=2)
            self._tried.update((kind, t) for t in stale)
        return {t: f for t, f in frames.items() if f is not None and not f.empty}

    def _refresh(
        self, kind: str, tickers: list[str], frames: dict[str, pd.DataFrame | None]
    ) -> None:
        """Fetch what the cache lacks (a week's overlap onward, or all); update frames in place."""
        cached = [t for t in tickers if frames[t] is not None and not frames[t].empty]
        full = [t for t in tickers if t not in cached]
        errors: list[str] = []
        if cached:
            start = min(frames[t].index.max() for t in cached) - OVERLAP
            fresh, errors = self._fetch(kind, cached, start=start.strftime("%Y-%m-%d"))
            for ticker, bars in fresh.items():
                if rebased(frames[ticker], bars):
                    full.append(ticker)
                else:
                    frames[ticker] = self.store.merge(kind, ticker, frames[ticker], bars)
        if full:
            fresh, more = self._fetch(kind, full, period="max")
            errors += more
            for ticker, bars in fresh.items():
                frames[ticker] = self.store.write(kind, ticker, bars)
        absent = [t for t in tickers if frames[t] is None]
        if absent:
            why = f" ({'; '.join(errors)})" if errors else ""
            message = f"techflows: Yahoo Finance has no prices for {', '.join(absent)}{why}"
            warnings.warn(message, stacklevel=3)

    def _fetch(
        self, kind: str, tickers: list[str], **span: str
    ) -> tuple[dict[str, pd.DataFrame], list[str]]:
        what = f"{'quoted' if kind == QUOTED else 'adjusted'} prices for {', '.join(tickers)}"
        frame, errors = self.client.download(tickers, what, auto_adjust=kind == ADJUSTED, **span)
        # yf.download ends with one "[tickers]: error" line per distinct error
        summary = [m for m in errors if m.startswith("[")] or errors
        return split_download(frame, tickers), list(dict.fromkeys(summary))

    def _cached(self, kind: str, ticker: str, fetch: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        if self.store.is_fresh(kind, ticker, self.max_age):
            return self.store.read(kind, ticker)  # type: ignore[return-value]
        return self.store.write(kind, ticker, fetch())

    def _shares_daily(self, ticker: str) -> pd.DataFrame:
        """Cached daily share counts of one ticker, refreshed incrementally."""
        cached = self.store.read(SHARES, ticker)
        if cached is not None and self.store.is_fresh(SHARES, ticker, self.max_age):
            return cached
        last = None if cached is None or cached.empty else cached.index.max()
        start = (SHARES_START if last is None else last - OVERLAP).strftime("%Y-%m-%d")
        raw = self.client.ask(
            ticker,
            lambda t: t.get_shares_full(start=start),
            f"Shares outstanding for {ticker}",
            CSV_SHARES,
            required=False,  # nothing new since the cached days is not a failure
        )
        return self.store.merge(SHARES, ticker, cached, tidy_shares(raw))

    def _close(self, ticker: str) -> pd.Series | None:
        """Cached close (quoted if cached, else adjusted) without a download."""
        for kind in (QUOTED, ADJUSTED):
            bars = self.store.read(kind, ticker)
            if bars is not None and not bars.empty:
                return bars["Close"]
        return None

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        """Daily shares outstanding (last report of each day), jump-flagged, priced from cache."""
        if not tickers:
            raise DataError("yahoo shares outstanding: name the fund tickers, e.g. ['XLK']")
        found, failed = [], []
        for ticker in tickers:
            try:
                daily = self._shares_daily(ticker)
            except DataUnavailable as gap:
                failed.append(gap.what)
                continue
            if daily.empty:
                failed.append(f"none reported for {ticker}")
                continue
            frame = daily.rename_axis("date").reset_index().assign(ticker=ticker)
            frame["jump"] = flag_jumps(daily["shares"]).to_numpy()
            found.append(attach_price(frame, self._close(ticker)))
        if not found:
            what = f"Shares outstanding for {', '.join(tickers)} ({'; '.join(failed)})"
            raise DataUnavailable(what, self.name, CSV_SHARES)
        if failed:
            warnings.warn(f"techflows: yahoo shares: {'; '.join(failed)}", stacklevel=2)
        table = pd.concat(found, ignore_index=True)
        return table[["date", "ticker", "shares", "price", "jump"]]

    def cashflow(self, ticker: str) -> pd.DataFrame:
        """Yearly capex (spent, positive), operating and free cash flow in USD."""
        what = f"Cash-flow statements for {ticker}"
        provider = "a US-listed company's ticker (funds and indices file no statements)"

        def fetch() -> pd.DataFrame:
            table = self.client.ask(ticker, lambda t: t.cashflow, what, provider)
            if "Capital Expenditure" not in table.index:
                raise DataUnavailable(f"{what} with capital expenditure", self.name, provider)
            currency = self._reporting_currency(ticker)
            if currency != "USD":
                what_usd = f"{what} in USD (it reports in {currency})"
                raise DataUnavailable(what_usd, self.name, provider)
            return tidy_cashflow(table, ticker)

        return self._cached("cashflow", ticker, fetch)

    def _reporting_currency(self, ticker: str) -> str:
        """Currency of the statements; assumed USD (with a warning) when Yahoo will not say."""
        try:
            info = self.client.ask(ticker, lambda t: t.info, f"Profile of {ticker}", "", False)
        except DataUnavailable as gap:
            warnings.warn(f"techflows: {gap.what}; assuming statements in USD", stacklevel=4)
            return "USD"
        return str((info or {}).get("financialCurrency") or "USD")

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        """Consensus EPS now and 7-90 days ago, and revision counts, per estimate period."""
        what = f"EPS estimate revisions for {ticker}"
        provider = "a company ticker with analyst coverage"

        def fetch() -> pd.DataFrame:
            trend = self.client.ask(ticker, lambda t: t.eps_trend, what, provider)
            try:
                revisions = self.client.ask(
                    ticker, lambda t: t.eps_revisions, what, provider, False
                )
            except DataUnavailable:
                revisions = None  # the trend alone still answers the question
            return tidy_eps(trend, revisions, ticker)

        return self._cached("eps_trend", ticker, fetch)

    def top_holdings(self, ticker: str) -> pd.DataFrame:
        """A fund's top holdings: fund, symbol, name, weight (fraction)."""
        what = f"Fund holdings for {ticker}"
        provider = "a fund ticker (stocks and indices have no holdings)"

        def fetch() -> pd.DataFrame:
            table = self.client.ask(ticker, lambda t: t.funds_data.top_holdings, what, provider)
            return tidy_holdings(table, ticker)

        return self._cached("holdings", ticker, fetch)
