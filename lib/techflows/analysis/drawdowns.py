"""Drawdowns and recoveries of a price series: depth, peak, trough, recovery date."""

from __future__ import annotations

import pandas as pd


def drawdown(close: pd.Series) -> pd.Series:
    """Fraction below the running peak at each date (0 at a new high, negative below it)."""
    close = close.dropna()
    return close / close.cummax() - 1.0


def episodes(close: pd.Series, min_depth: float = 0.10) -> pd.DataFrame:
    """Every peak-to-recovery episode at least min_depth deep, oldest first.

    Columns: peak, peak_close, trough, trough_close, depth (negative fraction), recovery (first
    close at or above the peak, NaT if not yet), days_to_trough, days_to_recover (calendar days
    from trough to recovery), recovered.
    """
    close = close.dropna()
    under = close < close.cummax()
    # Each run of dates below the running peak is one episode; it starts after its peak date.
    episode_id = (~under).cumsum()
    rows = []
    for _, dates in close[under].groupby(episode_id[under]):
        peak_date = close.index[close.index.get_loc(dates.index[0]) - 1]
        trough_date = dates.idxmin()
        depth = dates.min() / close[peak_date] - 1.0
        if depth > -min_depth:
            continue
        after = close.index.get_loc(dates.index[-1]) + 1
        recovery = close.index[after] if after < len(close) else pd.NaT
        rows.append(
            {
                "peak": peak_date,
                "peak_close": close[peak_date],
                "trough": trough_date,
                "trough_close": close[trough_date],
                "depth": depth,
                "recovery": recovery,
                "days_to_trough": (trough_date - peak_date).days,
                "days_to_recover": (recovery - trough_date).days if pd.notna(recovery) else None,
                "recovered": pd.notna(recovery),
            }
        )
    columns = [
        "peak",
        "peak_close",
        "trough",
        "trough_close",
        "depth",
        "recovery",
        "days_to_trough",
        "days_to_recover",
        "recovered",
    ]
    return pd.DataFrame(rows, columns=columns)


def current(close: pd.Series) -> dict[str, object]:
    """Today's position: last close, running peak and its date, depth below it."""
    close = close.dropna()
    peak_date = close.loc[: close.index[-1]].idxmax()
    return {
        "date": close.index[-1],
        "close": float(close.iloc[-1]),
        "peak": peak_date,
        "peak_close": float(close[peak_date]),
        "depth": float(close.iloc[-1] / close[peak_date] - 1.0),
    }
