"""The live source: Yahoo Finance for market data, FRED for series, both through the cache."""

from __future__ import annotations

import pandas as pd

from techflows.data.sources.base import Adapter
from techflows.data.sources.fred import FredAdapter
from techflows.data.sources.yahoo import YahooAdapter
from techflows.data.store import Store


class OnlineAdapter(Adapter):
    """Yahoo for prices, shares and fundamentals; FRED for rate and macro series.

    offline: the network is down, so only the cache is served (with a warning where stale).
    """

    name = "yahoo"
    series_name = "fred"
    validated = True  # the cache validates every frame it writes and every file it reads

    def __init__(self, store: Store, offline: bool = False) -> None:
        self.yahoo = YahooAdapter(store, offline=offline)
        self.fred = FredAdapter(store, offline=offline)
        where = f"cached in {store.root}"
        self.description = (
            f"yahoo+fred: live Yahoo Finance (yfinance) and FRED, {where}"
            if not offline
            else f"yahoo+fred: the cache of earlier live Yahoo Finance and FRED downloads ({where})"
        )

    def failure(self, key: str) -> str:
        """Why Yahoo or FRED could not deliver key this session."""
        return self.yahoo.failure(key) or self.fred.failure(key)

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """Daily bars from Yahoo."""
        return self.yahoo.prices(tickers, quoted=quoted)

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """Series from FRED."""
        return self.fred.series(ids)

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        """Shares outstanding from Yahoo."""
        return self.yahoo.shares(tickers)

    def cashflow(self, ticker: str) -> pd.DataFrame:
        """Cash-flow statement from Yahoo."""
        return self.yahoo.cashflow(ticker)

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        """EPS trend from Yahoo."""
        return self.yahoo.eps_trend(ticker)

    def top_holdings(self, ticker: str) -> pd.DataFrame:
        """Fund holdings from Yahoo."""
        return self.yahoo.top_holdings(ticker)
