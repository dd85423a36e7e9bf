"""Boundary checks: every frame and name entering the data layer passes through here."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from techflows.errors import DataError

# Yahoo symbols (^GSPC, DX-Y.NYB, BRK-B) and FRED ids (DGS10): no path separators, no "..".
_SYMBOL = re.compile(r"^\^?[A-Za-z0-9][A-Za-z0-9.=\-_]{0,23}$")


def check_symbol(symbol: str) -> str:
    """Return the symbol if it is safe to use as a file name and query key, else raise."""
    if not isinstance(symbol, str) or not _SYMBOL.match(symbol) or ".." in symbol:
        raise DataError(f"ticker {symbol!r}: not a valid symbol (letters, digits, ^ . - = _ only)")
    return symbol


def check_symbols(symbols: Iterable[str]) -> list[str]:
    """Check each symbol; return them de-duplicated in their given order."""
    return list(dict.fromkeys(check_symbol(s) for s in symbols))


def check_columns(frame: pd.DataFrame, required: Iterable[str], name: str) -> None:
    """Raise if any required column is missing."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(
            f"{name}: missing column(s) {', '.join(missing)}; found {list(frame.columns)}"
        )


def check_time_index(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Require a DatetimeIndex with unique dates; return it sorted ascending."""
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataError(f"{name}: dates could not be read as dates")
    if frame.index.hasnans:
        raise DataError(f"{name}: has rows with a missing date")
    duplicated = frame.index[frame.index.duplicated()]
    if len(duplicated):
        raise DataError(f"{name}: duplicate date {duplicated[0].date()}")
    return frame.sort_index()


def check_prices(frame: pd.DataFrame, name: str, is_rate: bool = False) -> pd.DataFrame:
    """Validate a price frame: dated, unique, sorted, with positive prices (rates may be <= 0)."""
    check_columns(frame, ["Close"], name)
    frame = check_time_index(frame, name)
    if is_rate:
        return frame
    price_cols = [c for c in ("Open", "High", "Low", "Close", "Adj Close") if c in frame.columns]
    bad = (frame[price_cols].to_numpy() <= 0).any(axis=1)
    if bad.any():
        raise DataError(f"{name}: non-positive price on {frame.index[bad][0].date()}")
    return frame


def check_flows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Validate long fund flows (date, ticker, flow_usd); a blank flow is a day not reported."""
    check_columns(frame, ["date", "ticker", "flow_usd"], name)
    out = frame[["date", "ticker", "flow_usd"]].copy()
    out["date"] = _parse_dates(out["date"], name)
    out["ticker"] = out["ticker"].astype(str)
    out["flow_usd"] = pd.to_numeric(out["flow_usd"], errors="coerce")
    dupes = out.duplicated(["date", "ticker"])
    if dupes.any():
        row = out[dupes].iloc[0]
        raise DataError(f"{name}: duplicate row for {row['ticker']} on {row['date'].date()}")
    return out.sort_values(["date", "ticker"]).reset_index(drop=True)


def check_aum(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Validate fund assets (ticker, aum_usd, updated_date): one positive value per ticker."""
    check_columns(frame, ["ticker", "aum_usd", "updated_date"], name)
    out = frame[["ticker", "aum_usd", "updated_date"]].copy()
    out["ticker"] = out["ticker"].astype(str)
    out["aum_usd"] = pd.to_numeric(out["aum_usd"], errors="coerce")
    out["updated_date"] = _parse_dates(out["updated_date"], name)
    bad = out[~(out["aum_usd"] > 0)]
    if len(bad):
        raise DataError(f"{name}: assets of {bad['ticker'].iloc[0]} not a positive number")
    repeated = out["ticker"][out["ticker"].duplicated()]
    if len(repeated):
        raise DataError(f"{name}: ticker {repeated.iloc[0]} listed twice")
    return out.set_index("ticker").sort_index()


def check_shares(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Validate long shares outstanding (date, ticker, shares[, price][, jump])."""
    check_columns(frame, ["date", "ticker", "shares"], name)
    cols = [c for c in ("date", "ticker", "shares", "price", "jump") if c in frame.columns]
    out = frame[cols].copy()
    out["date"] = _parse_dates(out["date"], name)
    out["ticker"] = out["ticker"].astype(str)
    out["shares"] = pd.to_numeric(out["shares"], errors="coerce")
    if "price" in out:
        out["price"] = pd.to_numeric(out["price"], errors="coerce")
    if (out["shares"] < 0).any():
        raise DataError(f"{name}: negative share count")
    return out.sort_values(["ticker", "date"]).reset_index(drop=True)


def _parse_dates(values: pd.Series, name: str) -> pd.Series:
    parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    if parsed.isna().any():
        raise DataError(f"{name}: unreadable date {values[parsed.isna()].iloc[0]!r}")
    return parsed.astype("datetime64[ns]")
