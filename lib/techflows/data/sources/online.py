"""The live source: Yahoo Finance for market data, FRED for series, both through the cache.

Yahoo and FRED fail apart. A site the network probe could not reach is served from the cache
only (with the reason); when Yahoo cannot be reached and nothing of it is cached, another
adapter (the embedded snapshot) stands in for everything Yahoo provides, while FRED stays
live.
"""

from __future__ import annotations

import pandas as pd

from techflows.data import implied
from techflows.data.sources.base import Adapter
from techflows.data.sources.fred import FredAdapter
from techflows.data.sources.yahoo import YahooAdapter
from techflows.data.store import Store

YAHOO_SHARES = "yfinance"  # where live share counts come from, as flow labels name it


class OnlineAdapter(Adapter):
    """Yahoo for prices, shares and fundamentals; FRED for rate and macro series.

    offline: the network is down, so only the cache is served (with a warning where stale).
    down: why a site cannot be reached ({"yahoo": ..., "fred": ...}): that part serves its
    cache only. market: the adapter standing in for Yahoo (the snapshot) when it cannot be
    reached and nothing is cached.
    """

    series_name = "fred"
    validated = True  # the cache validates every frame it writes and every file it reads

    def __init__(
        self,
        store: Store,
        offline: bool = False,
        down: dict[str, str] | None = None,
        market: Adapter | None = None,
    ) -> None:
        down = down or {}
        yahoo, fred = down.get("yahoo"), down.get("fred")
        self.yahoo = YahooAdapter(
            store,
            offline=offline or yahoo is not None,
            offline_reason=f"Yahoo Finance cannot be reached: {yahoo}" if yahoo else "",
        )
        self.fred = FredAdapter(
            store,
            offline=offline or fred is not None,
            offline_reason=f"FRED cannot be reached: {fred}" if fred else "",
        )
        self.market = market
        self.name = "yahoo" if market is None else f"{market.name}+fred"
        self.validated = market is None or market.validated
        where = f"cached in {store.root}"
        if market is not None:
            self.description = (
                f"{self.name}: prices and everything else Yahoo Finance provides: "
                f"{market.description} (Yahoo Finance cannot be reached: {down.get('yahoo')}) "
                f"· series: live FRED, {where}"
            )
        elif offline:
            self.description = (
                f"yahoo+fred: the cache of earlier live Yahoo Finance and FRED downloads ({where})"
            )
        else:
            self.description = f"yahoo+fred: live Yahoo Finance (yfinance) and FRED, {where}"
        if market is None:
            self.description += (
                f" · fund flows: {implied.label(YAHOO_SHARES)} · fund assets: shares "
                "outstanding × close (yfinance)"
            )

    @property
    def _market(self) -> Adapter:
        return self.market if self.market is not None else self.yahoo

    @property
    def shares_origin(self) -> str:  # type: ignore[override]
        """Where share counts come from."""
        return YAHOO_SHARES if self.market is None else self.market.shares_origin

    @property
    def flows_origin(self) -> str:  # type: ignore[override]
        """Where a flow table comes from (the stand-in's, if any)."""
        return self._market.flows_origin

    def has_flows(self) -> bool:
        """Only a stand-in has a flow table; Yahoo's flows are implied from its share counts."""
        return self.market is not None and self.market.has_flows()

    def failure(self, key: str) -> str:
        """Why Yahoo or FRED could not deliver key this session."""
        return self.yahoo.failure(key) or self.fred.failure(key)

    def origin(self, kind: str, key: str) -> str:
        """Where one key's data came from: the stand-in's name for what it serves."""
        if self.market is not None and kind != "fred":
            return self.market.origin(kind, key)
        return super().origin(kind, key)

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """Daily bars from Yahoo (or the stand-in)."""
        return self._market.prices(tickers, quoted=quoted)

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """Series from FRED."""
        return self.fred.series(ids)

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        """Shares outstanding from Yahoo (or the stand-in)."""
        return self._market.shares(tickers)

    def flows(self) -> pd.DataFrame:
        """A flow table: only a stand-in has one (Yahoo's flows are implied by the Source)."""
        return self._market.flows()

    def aum(self) -> pd.DataFrame:
        """Fund assets: the stand-in's table, or Yahoo's share counts x closes (cached)."""
        return self._market.aum()

    def constituents(self) -> pd.DataFrame:
        """Index members: only a stand-in has them."""
        return self._market.constituents()

    def constituent_prices(self, symbols: list[str]) -> dict[str, pd.DataFrame]:
        """Constituent bars: only a stand-in has them."""
        return self._market.constituent_prices(symbols)

    def cashflow(self, ticker: str) -> pd.DataFrame:
        """Cash-flow statement from Yahoo."""
        return self._market.cashflow(ticker)

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        """EPS trend from Yahoo."""
        return self._market.eps_trend(ticker)

    def top_holdings(self, ticker: str) -> pd.DataFrame:
        """Fund holdings from Yahoo."""
        return self._market.top_holdings(ticker)
