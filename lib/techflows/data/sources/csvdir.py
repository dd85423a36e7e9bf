"""Bring-your-own CSV folder, laid out like ../shared/market-data (see README).

Every file is validated by its schema as it is read (techflows.data.validate): a bad cell
stops with one message naming the file, the row and the column.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import IO

import pandas as pd

from techflows import config
from techflows.data import schemas, validate
from techflows.data.sources.base import (
    AUM_PROVIDER,
    CONSTITUENTS_PROVIDER,
    FLOWS_PROVIDER,
    SHARES_PROVIDER,
    Adapter,
)
from techflows.errors import DataError, DataUnavailable

FRED_MISSING = (".",)  # FRED's CSV download marks a day without a value with '.' (or a blank)


def read_bars(source: Path | IO[str], name: str = "", rate: bool = False) -> pd.DataFrame:
    """A Date,[Open,High,Low,]Close[,Adj Close][,Volume] file, validated, indexed by date.

    rate: the file quotes a yield index (^TNX), where zero or negative values are real.
    """
    schema = schemas.RATE_BARS if rate else schemas.BARS
    return validate.read_csv(source, schema, name or str(source)).set_index("Date")


def read_fred(source: Path | IO[str], name: str = "", series: str = "") -> pd.Series:
    """FRED's CSV download (observation_date,<ID>) by position; '.' or a blank = missing day.

    series: the FRED id, for its declared unit (schemas.series); by default the file's header.
    """
    name = name or str(source)
    raw = validate.read_text(source, name)
    if raw.shape[1] < 2:
        found = ", ".join(raw.columns)
        raise DataError(f"{name}: expected two columns (date, value); found {found}")
    header = raw.columns[1]
    raw = raw.iloc[:, :2].set_axis(["Date", "value"], axis=1)
    schema = schemas.series(series or str(header).strip())
    try:
        frame = validate.check(raw, schema, name, csv=True, missing=FRED_MISSING)
    except DataError as exc:  # name the column as the file does (DGS10), not as read
        raise DataError(str(exc).replace(", column value:", f", column {header}:")) from None
    return frame.set_index("Date")["value"].astype(float).dropna().rename(None)


class CsvAdapter(Adapter):
    """Reads prices/, prices_quoted/, fred/, flows/ and constituents/ from one folder."""

    name = "csv"
    validated = True  # every file is validated as it is read

    def __init__(self, folder: Path) -> None:
        if not isinstance(folder, str | Path):
            raise DataError(f"data_dir {folder!r}: not a folder path")
        self.folder = Path(folder).expanduser()
        if not self.folder.is_dir():
            raise DataError(f"data_dir '{folder}': folder not found")
        self.description = f"csv: analyst folder {self.folder}"

    @cache  # noqa: B019 - one adapter per Source; a folder's listing is read once
    def _listing(self, sub: str) -> dict[str, list[Path]]:
        """sub's csv files by symbol (the name in upper case); two files for one are a clash."""
        folder = self.folder / sub
        files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
        listing: dict[str, list[Path]] = {}
        for path in files:
            listing.setdefault(path.stem.upper(), []).append(path)
        return listing

    def _file(self, sub: str, symbol: str) -> Path | None:
        """sub/<SYMBOL>.csv, its name matched without regard to case; None when absent.

        Two files whose names differ only in case (XLK.csv, xlk.csv) are refused: which one
        holds the ticker's data cannot be told, and a case-insensitive disk keeps only one.
        """
        validate.check_symbol(symbol)
        found = self._listing(sub).get(symbol.upper(), [])
        if len(found) > 1:
            names = " and ".join(p.name for p in found)
            raise DataError(
                f"{self.folder / sub}: {names} differ only in case; keep one file per ticker"
            )
        return found[0] if found else None

    def origin(self, kind: str, key: str) -> str:
        """The file that holds key's data of kind; '' when the folder has none."""
        tables = {"flows": "flows/etf_flows.csv", "shares": "flows/etf_shares.csv"}
        if kind in tables:
            path = self.folder / tables[kind]
            return str(path) if path.exists() else ""
        subs = {
            "prices": ("prices", "prices_quoted", "constituents/prices"),
            "prices_quoted": ("prices_quoted",),
            "constituent_prices": ("constituents/prices",),
            "fred": ("fred",),
        }
        for sub in subs.get(kind, ()):
            if path := self._file(sub, key):
                return str(path)
        return ""

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """prices/<T>.csv (adjusted; else prices_quoted/ Adj Close, else constituents/prices/).

        With quoted, prices_quoted/<T>.csv only: Close as quoted in the press.
        """
        found: dict[str, pd.DataFrame] = {}
        for ticker in tickers:
            rate = ticker in config.YIELD_INDICES
            if quoted:
                if path := self._file("prices_quoted", ticker):
                    bars = read_bars(path, rate=rate)
                    found[ticker] = bars.drop(columns="Adj Close", errors="ignore")
                continue
            if path := self._file("prices", ticker):
                found[ticker] = read_bars(path, rate=rate)
            elif alt := self._file("prices_quoted", ticker):
                bars = read_bars(alt, rate=rate)
                if "Adj Close" in bars:
                    keep = [c for c in ("Adj Close", "Volume") if c in bars]
                    found[ticker] = bars[keep].rename(columns={"Adj Close": "Close"})
            elif stock := self._file("constituents/prices", ticker):
                found[ticker] = read_bars(stock)
        return found

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """fred/<ID>.csv for each id present."""
        return {
            sid: read_fred(path, series=sid).rename(sid)
            for sid in ids
            if (path := self._file("fred", sid))
        }

    def flows(self) -> pd.DataFrame:
        """flows/etf_flows.csv."""
        return self._table("flows/etf_flows.csv", schemas.FLOWS, "Fund flows", FLOWS_PROVIDER)

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        """flows/etf_shares.csv, restricted to tickers when given."""
        relative = "flows/etf_shares.csv"
        table = self._table(relative, schemas.SHARES, "Shares outstanding", SHARES_PROVIDER)
        return table[table["ticker"].isin(tickers)] if tickers else table

    def aum(self) -> pd.DataFrame:
        """flows/etf_aum.csv."""
        relative, what = "flows/etf_aum.csv", "Fund assets under management"
        return self._table(relative, schemas.AUM, what, AUM_PROVIDER)

    def constituents(self) -> pd.DataFrame:
        """constituents/sp500_constituents.csv."""
        relative = "constituents/sp500_constituents.csv"
        return self._table(
            relative, schemas.CONSTITUENTS, "Index constituents", CONSTITUENTS_PROVIDER
        )

    def constituent_prices(self, symbols: list[str]) -> dict[str, pd.DataFrame]:
        """constituents/prices/<SYM>.csv for each symbol present."""
        sub = "constituents/prices"
        if not (self.folder / sub).is_dir():
            raise DataUnavailable("Constituent prices", self.name, CONSTITUENTS_PROVIDER)
        wanted = symbols or list(self._listing(sub))
        return {s: read_bars(path) for s in wanted if (path := self._file(sub, s))}

    def _table(self, relative: str, schema, what: str, provider: str) -> pd.DataFrame:
        path = self.folder / relative
        if not path.exists():
            raise DataUnavailable(what, f"{self.name} ({self.folder})", provider)
        return validate.read_csv(path, schema, str(path))
