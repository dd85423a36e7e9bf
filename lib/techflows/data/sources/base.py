"""The adapter interface; every method a source lacks raises DataUnavailable naming who has it."""

from __future__ import annotations

import pandas as pd

from techflows.errors import DataUnavailable

FLOWS_PROVIDER = "a csv folder with flows/etf_flows.csv (EPFR, ICI or issuer exports)"
AUM_PROVIDER = "a csv folder with flows/etf_aum.csv (issuer or vendor fund assets)"
SHARES_PROVIDER = "yahoo (yfinance shares outstanding) or a csv folder with flows/etf_shares.csv"
CONSTITUENTS_PROVIDER = (
    "a csv folder with constituents/sp500_constituents.csv and constituents/prices/"
)
YAHOO_PROVIDER = "the yahoo source (yfinance, online)"
PRICES_PROVIDER = "yahoo (online) or a csv folder with prices/<TICKER>.csv"
SERIES_PROVIDER = "fred (online) or a csv folder with fred/<SERIES>.csv"
# What provides a history that is too short on the as-of date: later data, or an older start.
LATER_PROVIDER = "a run with a later as-of date"
LONGER_PRICES_PROVIDER = (
    f"{LATER_PROVIDER}, or a csv folder with longer price histories (prices/<TICKER>.csv)"
)


class Adapter:
    """Base adapter: subclasses override what their source provides."""

    name = "base"
    description = ""
    # True when every frame the adapter hands out has passed its schema already (a csv folder
    # as it is read, the snapshot when it was built); otherwise the Source validates them.
    validated = False

    def failure(self, key: str) -> str:
        """Why key (ticker, series id) could not be fetched this session; '' if it did not."""
        return ""

    def has_flows(self) -> bool:
        """True when the source has a table of fund flows (else flows may be implied)."""
        return type(self).flows is not Adapter.flows

    @property
    def flows_origin(self) -> str:
        """Where the flow table comes from, as reports label the flows."""
        return f"reported ({self.name})"

    @property
    def shares_origin(self) -> str:
        """Where share counts come from, as implied flows are labelled."""
        return self.name

    def origin(self, kind: str, key: str) -> str:
        """Where one key's data of a kind came from, as data-quality flags name it."""
        return " ".join(p for p in (self.name, kind.replace("_", " "), key) if p)

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """Daily bars per ticker (Close required; Open/High/Low/Volume when the source has them)."""
        raise DataUnavailable("Prices", self.name, PRICES_PROVIDER)

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """FRED-style series per id, indexed by date."""
        raise DataUnavailable("Rate and macro series", self.name, SERIES_PROVIDER)

    def flows(self) -> pd.DataFrame:
        """Daily net fund flows: date, ticker, flow_usd."""
        raise DataUnavailable("Fund flows", self.name, FLOWS_PROVIDER)

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        """Shares outstanding: date, ticker, shares[, price]."""
        raise DataUnavailable("Shares outstanding", self.name, SHARES_PROVIDER)

    def aum(self) -> pd.DataFrame:
        """Fund assets under management: ticker, aum_usd, updated_date."""
        raise DataUnavailable("Fund assets under management", self.name, AUM_PROVIDER)

    def constituents(self) -> pd.DataFrame:
        """Index members: Symbol, Security, GICS Sector, GICS Sub-Industry."""
        raise DataUnavailable("Index constituents", self.name, CONSTITUENTS_PROVIDER)

    def constituent_prices(self, symbols: list[str]) -> dict[str, pd.DataFrame]:
        """Daily bars per constituent stock."""
        raise DataUnavailable("Constituent prices", self.name, CONSTITUENTS_PROVIDER)

    def cashflow(self, ticker: str) -> pd.DataFrame:
        """Annual cash-flow statement rows (capex, operating cash flow) by fiscal year."""
        raise DataUnavailable("Cash-flow statements", self.name, YAHOO_PROVIDER)

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        """Analyst EPS estimate trend and revisions."""
        raise DataUnavailable("EPS estimate revisions", self.name, YAHOO_PROVIDER)

    def top_holdings(self, ticker: str) -> pd.DataFrame:
        """A fund's top holdings with weights."""
        raise DataUnavailable("Fund holdings", self.name, YAHOO_PROVIDER)
