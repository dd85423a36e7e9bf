"""Bring-your-own CSV folder, laid out like ../shared/market-data (see README)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pandas as pd

from techflows.data.sources.base import (
    AUM_PROVIDER,
    CONSTITUENTS_PROVIDER,
    FLOWS_PROVIDER,
    SHARES_PROVIDER,
    Adapter,
)
from techflows.data.validate import check_columns, check_symbol
from techflows.errors import DataError, DataUnavailable

BAR_COLUMNS = {
    c.lower(): c for c in ("Date", "Open", "High", "Low", "Close", "Adj Close", "Volume")
}


def _read_csv(source: Path | IO[str], name: str, **kwargs: object) -> pd.DataFrame:
    try:
        return pd.read_csv(source, **kwargs)
    except (OSError, ValueError) as exc:
        raise DataError(f"{name}: cannot be read as CSV ({exc})") from exc


def _parse_date_column(values: pd.Series, name: str) -> pd.DatetimeIndex:
    dates = pd.to_datetime(values, errors="coerce", format="mixed")
    if dates.isna().any():
        row = int(dates.isna().argmax())
        raise DataError(f"{name}: unreadable date {values.iloc[row]!r} in row {row + 2}")
    return pd.DatetimeIndex(dates, name="Date").astype("datetime64[ns]")


def read_bars(source: Path | IO[str], name: str = "") -> pd.DataFrame:
    """Read a Date,[Open,High,Low,]Close[,Adj Close][,Volume] file into a date-indexed frame."""
    name = name or str(source)
    raw = _read_csv(source, name)
    raw = raw.rename(columns=lambda c: BAR_COLUMNS.get(str(c).strip().lower(), str(c).strip()))
    check_columns(raw, ["Date", "Close"], name)
    raw.index = _parse_date_column(raw.pop("Date"), name)
    keep = [c for c in BAR_COLUMNS.values() if c in raw.columns]
    return raw[keep].apply(pd.to_numeric, errors="coerce").dropna(subset=["Close"])


def read_fred(source: Path | IO[str], name: str = "") -> pd.Series:
    """Read FRED's CSV download layout (observation_date,<ID>); '.' or empty marks a missing day."""
    name = name or str(source)
    raw = _read_csv(source, name, na_values=["."])
    if raw.shape[1] < 2:
        raise DataError(f"{name}: expected two columns (date, value); found {list(raw.columns)}")
    values = pd.to_numeric(raw.iloc[:, 1], errors="coerce")
    series = pd.Series(values.to_numpy(), index=_parse_date_column(raw.iloc[:, 0], name))
    return series.astype(float).dropna()


class CsvAdapter(Adapter):
    """Reads prices/, prices_quoted/, fred/, flows/ and constituents/ from one folder."""

    name = "csv"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).expanduser()
        if not self.folder.is_dir():
            raise DataError(f"data_dir '{folder}': folder not found")
        self.description = f"csv: analyst folder {self.folder}"

    def _file(self, sub: str, symbol: str) -> Path:
        return self.folder / sub / f"{check_symbol(symbol)}.csv"

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        """prices/<T>.csv (adjusted; else prices_quoted/ Adj Close, else constituents/prices/).

        With quoted, prices_quoted/<T>.csv only: Close as quoted in the press.
        """
        found: dict[str, pd.DataFrame] = {}
        for ticker in tickers:
            if quoted:
                path = self._file("prices_quoted", ticker)
                if path.exists():
                    found[ticker] = read_bars(path).drop(columns="Adj Close", errors="ignore")
                continue
            path = self._file("prices", ticker)
            if path.exists():
                found[ticker] = read_bars(path)
            elif (alt := self._file("prices_quoted", ticker)).exists():
                bars = read_bars(alt)
                if "Adj Close" in bars:
                    keep = [c for c in ("Adj Close", "Volume") if c in bars]
                    found[ticker] = bars[keep].rename(columns={"Adj Close": "Close"})
            elif (stock := self.folder / "constituents" / "prices" / f"{ticker}.csv").exists():
                found[ticker] = read_bars(stock)
        return found

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """fred/<ID>.csv for each id present."""
        return {
            sid: read_fred(path).rename(sid)
            for sid in ids
            if (path := self._file("fred", sid)).exists()
        }

    def flows(self) -> pd.DataFrame:
        """flows/etf_flows.csv."""
        return self._table("flows/etf_flows.csv", "Fund flows", FLOWS_PROVIDER)

    def shares(self, tickers: list[str]) -> pd.DataFrame:
        """flows/etf_shares.csv, restricted to tickers when given."""
        table = self._table("flows/etf_shares.csv", "Shares outstanding", SHARES_PROVIDER)
        return table[table["ticker"].isin(tickers)] if tickers else table

    def aum(self) -> pd.DataFrame:
        """flows/etf_aum.csv."""
        return self._table("flows/etf_aum.csv", "Fund assets under management", AUM_PROVIDER)

    def constituents(self) -> pd.DataFrame:
        """constituents/sp500_constituents.csv."""
        path = "constituents/sp500_constituents.csv"
        return self._table(path, "Index constituents", CONSTITUENTS_PROVIDER)

    def constituent_prices(self, symbols: list[str]) -> dict[str, pd.DataFrame]:
        """constituents/prices/<SYM>.csv for each symbol present."""
        folder = self.folder / "constituents" / "prices"
        if not folder.is_dir():
            raise DataUnavailable("Constituent prices", self.name, CONSTITUENTS_PROVIDER)
        wanted = symbols or sorted(p.stem for p in folder.glob("*.csv"))
        return {
            s: read_bars(path)
            for s in wanted
            if (path := folder / f"{check_symbol(s)}.csv").exists()
        }

    def _table(self, relative: str, what: str, provider: str) -> pd.DataFrame:
        path = self.folder / relative
        if not path.exists():
            raise DataUnavailable(what, f"{self.name} ({self.folder})", provider)
        try:
            return pd.read_csv(path)
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: cannot be read as CSV ({exc})") from exc
