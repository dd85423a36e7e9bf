"""A source over hand-made frames: each test states the data its numbers come from."""

from __future__ import annotations

import numpy as np
import pandas as pd

from techflows.data import market_calendar
from techflows.data.source import Source
from techflows.data.sources.base import Adapter
from techflows.errors import DataUnavailable


def sessions(start: str, end: str) -> pd.DatetimeIndex:
    """The NYSE sessions from start to end: the only days prices and flows are dated on."""
    days = market_calendar.sessions()
    return days[(days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))]


def closes(start: str, end: str, level: float = 100.0, weekly: float = 0.0) -> pd.DataFrame:
    """Bars on sessions from start to end: Close growing `weekly` (decimal) a week, Volume 1e6."""
    days = sessions(start, end)
    growth = (1 + weekly) ** (np.arange(len(days)) / 5)
    return pd.DataFrame({"Close": level * growth, "Volume": 1e6}, index=days.rename("Date"))


class FrameAdapter(Adapter):
    """Prices, series, flows, assets, shares and members from the frames it is given."""

    name = "handmade"
    description = "handmade: frames written by the test"

    def __init__(
        self,
        prices: dict[str, pd.DataFrame] | None = None,
        quoted: dict[str, pd.DataFrame] | None = None,
        series: dict[str, pd.Series] | None = None,
        flows: pd.DataFrame | None = None,
        aum: pd.DataFrame | None = None,
        shares: pd.DataFrame | None = None,
        members: dict[str, str] | None = None,
        member_prices: dict[str, pd.DataFrame] | None = None,
    ) -> None:
        self._prices = prices or {}
        self._quoted = quoted or {}
        self._series = series or {}
        self._flows = flows
        self._aum = aum
        self._shares = shares
        self._members = members
        self._member_prices = member_prices or {}

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        table = self._quoted if quoted else self._prices
        return {t: table[t] for t in tickers if t in table}

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        return {i: self._series[i] for i in ids if i in self._series}

    def flows(self) -> pd.DataFrame:
        if self._flows is None:
            return super().flows()
        return self._flows

    def aum(self) -> pd.DataFrame:
        if self._aum is None:
            return super().aum()
        return self._aum

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        if self._shares is None:
            return super().shares(tickers)
        wanted = self._shares["ticker"].isin(tickers) if tickers else True
        return self._shares[wanted].reset_index(drop=True)

    def constituents(self) -> pd.DataFrame:
        if self._members is None:
            raise DataUnavailable("Index constituents", self.name, "a test")
        return pd.DataFrame(
            {"Symbol": list(self._members), "GICS Sector": list(self._members.values())}
        )

    def constituent_prices(self, symbols: list[str]) -> dict[str, pd.DataFrame]:
        return dict(self._member_prices)


def source(as_of: object = None, **frames: object) -> Source:
    """A real Source over a FrameAdapter."""
    return Source(FrameAdapter(**frames), as_of=as_of)
