"""Sources compose: the analyst's csv folder first, another source for everything it lacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from techflows.data import implied
from techflows.data.sources.base import Adapter
from techflows.data.sources.csvdir import CsvAdapter
from techflows.errors import DataUnavailable

T = TypeVar("T")


def inventory(folder: CsvAdapter) -> dict[str, str]:
    """What a csv folder provides, per kind of data, as it will read in the banner."""
    root = folder.folder

    def count(sub: str) -> int:
        return len(list((root / sub).glob("*.csv"))) if (root / sub).is_dir() else 0

    def has(relative: str) -> str:
        return "yes" if (root / relative).exists() else ""

    tickers = {p.stem for sub in ("prices", "prices_quoted") for p in (root / sub).glob("*.csv")}
    found = {
        "prices": f"{len(tickers)} tickers" if tickers else "",
        "series": f"{count('fred')} series" if count("fred") else "",
        "fund flows": has("flows/etf_flows.csv"),
        "shares outstanding": has("flows/etf_shares.csv"),
        "constituents": has("constituents/sp500_constituents.csv"),
    }
    return {kind: what for kind, what in found.items() if what}


class CompositeAdapter(Adapter):
    """Reads what the csv folder has and takes the rest from `rest` (live, or offline data).

    Keyed data (prices, series, shares) is merged per ticker or series, the folder winning;
    whole tables (flows, constituents) and fundamentals come from the first part that has them.
    """

    def __init__(self, local: CsvAdapter, rest: Adapter) -> None:
        self.local = local
        self.rest = rest
        self.name = f"{rest.name}+csv"
        self.validated = local.validated and rest.validated
        self.description = self._describe()

    def _describe(self) -> str:
        have = inventory(self.local)
        rest = self.rest.name
        series_from = getattr(self.rest, "series_name", rest)
        folder = f"csv {self.local.folder}"

        def part(kind: str, other: str) -> str:
            if kind not in have:
                return f"{kind}: {other}"
            detail = "" if have[kind] == "yes" else f" ({have[kind]})"
            return f"{kind}: {folder}{detail}" + (f", else {other}" if other else "")

        parts = [
            part("prices", rest),
            part("series", series_from),
            part("fund flows", "" if "fund flows" in have else self._flows_elsewhere()),
            part("shares outstanding", rest),
            part("constituents", ""),
            f"statements, EPS, holdings: {rest}",
        ]
        lines = [p for p in parts if not p.endswith(": ")]
        return f"{self.name}: {self.rest.description} · " + " · ".join(lines)

    def _flows_elsewhere(self) -> str:
        """Where flows come from when the folder has none: the other part's table, or implied."""
        return self.rest.name if self.rest.has_flows() else implied.label(self.shares_origin)

    def has_flows(self) -> bool:
        """True when either part has a flow table."""
        return "fund flows" in inventory(self.local) or self.rest.has_flows()

    def failure(self, key: str) -> str:
        """Why the other part could not deliver key (the folder never fails, it lacks)."""
        return self.rest.failure(key)

    @property
    def series_name(self) -> str:
        """Who serves the series the folder lacks."""
        return getattr(self.rest, "series_name", self.rest.name)

    @property
    def flows_origin(self) -> str:  # type: ignore[override]
        """The folder's flow file where it has one, else the other part's table."""
        if (self.local.folder / "flows" / "etf_flows.csv").exists():
            return "reported (the csv folder's flows/etf_flows.csv)"
        return self.rest.flows_origin

    @property
    def shares_origin(self) -> str:  # type: ignore[override]
        """The folder's share counts first, the other part's for the funds it lacks."""
        rest = self.rest.shares_origin
        if (self.local.folder / "flows" / "etf_shares.csv").exists():
            return f"csv flows/etf_shares.csv, else {rest}"
        return rest

    def origin(self, kind: str, key: str) -> str:
        """The folder's file where it has the key, else the other part's name for it."""
        return self.local.origin(kind, key) or self.rest.origin(kind, key)

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """Bars from the folder where it has the ticker, else from the other part."""
        found = self.local.prices(tickers, quoted=quoted)
        missing = [t for t in tickers if t not in found]
        if missing:
            found.update(_or(lambda: self.rest.prices(missing, quoted=quoted), {}))
        return {t: found[t] for t in tickers if t in found}

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """Series from the folder's fred/ where it has them, else from the other part."""
        found = self.local.series(ids)
        missing = [i for i in ids if i not in found]
        if missing:
            found.update(_or(lambda: self.rest.series(missing), {}))
        return {i: found[i] for i in ids if i in found}

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        """The folder's share counts for the funds it has, the other part's for the rest."""
        local = _or(lambda: self.local.shares(tickers), None)
        have = set() if local is None else set(local["ticker"].astype(str))
        missing = [t for t in tickers if t not in have]
        if not missing:
            if local is None:
                return self.local.shares(tickers)  # raises: the folder has none
            return local
        try:
            other = self.rest.shares(missing)
        except DataUnavailable:
            if local is None or local.empty:
                raise
            return local
        return other if local is None else pd.concat([local, other], ignore_index=True)

    def flows(self) -> pd.DataFrame:
        """Fund flows: only an analyst's folder has them."""
        return _first(self.local, self.rest, lambda a: a.flows(), blame=self.local)

    def aum(self) -> pd.DataFrame:
        """Fund assets from the folder (flows/etf_aum.csv), the only source that has them."""
        return _first(self.local, self.rest, lambda a: a.aum(), blame=self.local)

    def constituents(self) -> pd.DataFrame:
        """Index members from the folder."""
        return _first(self.local, self.rest, lambda a: a.constituents(), blame=self.local)

    def constituent_prices(self, symbols: list[str]) -> dict[str, pd.DataFrame]:
        """Constituent bars from the folder."""
        return _first(
            self.local, self.rest, lambda a: a.constituent_prices(symbols), blame=self.local
        )

    def cashflow(self, ticker: str) -> pd.DataFrame:
        """Cash-flow statements from the other part (a folder has none)."""
        return _first(self.local, self.rest, lambda a: a.cashflow(ticker), blame=self.rest)

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        """EPS trend from the other part."""
        return _first(self.local, self.rest, lambda a: a.eps_trend(ticker), blame=self.rest)

    def top_holdings(self, ticker: str) -> pd.DataFrame:
        """Fund holdings from the other part."""
        return _first(self.local, self.rest, lambda a: a.top_holdings(ticker), blame=self.rest)


def _or(call: Callable[[], T], default: T) -> T:
    try:
        return call()
    except DataUnavailable:
        return default


def _first(local: Adapter, rest: Adapter, call: Callable[[Adapter], T], blame: Adapter) -> T:
    """The first part's answer; if neither has it, the error of the part expected to."""
    errors = {}
    for part in (local, rest):
        try:
            return call(part)
        except DataUnavailable as gap:
            errors[id(part)] = gap
    raise errors[id(blame)]
