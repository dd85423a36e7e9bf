"""Reshape what yfinance returns into the tidy frames the data layer hands on."""

from __future__ import annotations

import numpy as np
import pandas as pd

BAR_FIELDS = ("Open", "High", "Low", "Close", "Adj Close", "Volume")
SPLITS = "Stock Splits"  # yfinance's column of split ratios (actions=True)

# Day-over-day change in reported shares outstanding above which a row is flagged:
# Yahoo's ETF share counts sometimes jump to another share class or a stale figure.
SHARES_JUMP = 0.25

CASHFLOW_ROWS = {
    "Capital Expenditure": "capex",
    "Operating Cash Flow": "operating_cash_flow",
    "Free Cash Flow": "free_cash_flow",
}
EPS_TREND_COLUMNS = {
    "current": "eps_current",
    "7daysAgo": "eps_7d_ago",
    "30daysAgo": "eps_30d_ago",
    "60daysAgo": "eps_60d_ago",
    "90daysAgo": "eps_90d_ago",
}
EPS_REVISION_COLUMNS = {
    "upLast7days": "up_7d",
    "upLast30days": "up_30d",
    "downLast7days": "down_7d",
    "downLast7Days": "down_7d",
    "downLast30days": "down_30d",
}


def _naive_dates(index: pd.Index) -> pd.DatetimeIndex:
    dates = pd.DatetimeIndex(index)
    if dates.tz is not None:
        dates = dates.tz_localize(None)
    return dates.astype("datetime64[ns]").rename("Date")


def tidy_history(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """yf.Ticker.history's frame as naive-dated bars, with a 'Stock Splits' column (ratio, 0
    on days without a split) when Yahoo listed any; None when it has no bars."""
    if frame is None or frame.empty or "Close" not in frame.columns:
        return None
    columns = [c for c in (*BAR_FIELDS, SPLITS) if c in frame.columns]
    bars = frame[columns].rename_axis(columns=None).copy()
    bars.index = _naive_dates(bars.index)
    bars = bars.apply(pd.to_numeric, errors="coerce").dropna(subset=["Close"])
    bars = bars[~bars.index.duplicated(keep="last")].sort_index()
    if SPLITS in bars and not bars[SPLITS].fillna(0).gt(0).any():
        bars = bars.drop(columns=SPLITS)
    return bars if not bars.empty else None


def apply_splits(bars: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """Bars with the listed splits the prices before them did not reflect, applied.

    Yahoo lists a split in its events on the day it takes effect; usually its history is
    re-based at once, but not always: then the close falls by the split's ratio that day (a
    4:1 split: to a quarter). Such a split divides every price before it by its ratio (and
    multiplies volume). Returns the bars without the 'Stock Splits' column and the splits
    applied here ({date: ratio}).
    """
    if SPLITS not in bars:
        return bars, {}
    splits = bars[SPLITS].fillna(0.0)
    bars = bars.drop(columns=SPLITS)
    applied: dict[str, float] = {}
    for day, ratio in splits[splits > 0].items():
        where = bars.index.get_loc(day)
        if where == 0 or ratio == 1:
            continue
        move = float(bars["Close"].iloc[where - 1] / bars["Close"].iloc[where])
        # unapplied when the day's move is nearer the split's ratio than no move at all
        if abs(np.log(move) - np.log(ratio)) >= abs(np.log(move)):
            continue
        before = bars.index < day
        prices = [c for c in BAR_FIELDS if c != "Volume" and c in bars]
        bars.loc[before, prices] = bars.loc[before, prices] / ratio
        if "Volume" in bars:
            bars.loc[before, "Volume"] = bars.loc[before, "Volume"] * ratio
        applied[str(day.date())] = float(ratio)
    return bars, applied


def rebased(cached: pd.DataFrame, fresh: pd.DataFrame, tolerance: float = 1e-4) -> bool:
    """True if fresh closes disagree with the cache on the days both have.

    Yahoo re-bases the whole adjusted history after each dividend or split, so a cache
    that disagrees on overlapping days must be fetched again in full. Cached bars are final
    (see market_calendar.final_bars), so every overlapping day is comparable.
    """
    common = cached.index.intersection(fresh.index)
    columns = [c for c in ("Close", "Adj Close") if c in cached and c in fresh]
    if common.empty or not columns:
        return False
    ratio = fresh.loc[common, columns] / cached.loc[common, columns]
    return bool((ratio - 1).abs().max().max() > tolerance)


def tidy_shares(raw: pd.Series | None) -> pd.DataFrame:
    """get_shares_full output as date, shares: one value per day (the last reported)."""
    if raw is None or len(raw) == 0:
        return pd.DataFrame({"shares": pd.Series(dtype=float)}, index=_naive_dates([]))
    series = pd.to_numeric(pd.Series(raw), errors="coerce").dropna().sort_index()
    days = _naive_dates(series.index).normalize()
    daily = series.groupby(days).last().astype(float)
    return daily.rename("shares").to_frame().rename_axis("Date")


def flag_jumps(shares: pd.Series, threshold: float = SHARES_JUMP) -> pd.Series:
    """True where the share count moved more than threshold from the previous report."""
    change = shares.astype(float).pct_change().abs()
    return change.gt(threshold).rename("jump")


def attach_price(shares: pd.DataFrame, close: pd.Series | None) -> pd.DataFrame:
    """Add the last close on or before each share date (within a week), NaN without one."""
    if close is None or close.dropna().empty:
        return shares.assign(price=np.nan)
    prices = close.dropna().rename("price").rename_axis("date").reset_index()
    prices["date"] = prices["date"].astype("datetime64[ns]")
    return pd.merge_asof(
        shares.sort_values("date"),
        prices.sort_values("date"),
        on="date",
        direction="backward",
        tolerance=pd.Timedelta(days=7),
    )


def tidy_cashflow(table: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """Yahoo's yearly cash-flow rows as fiscal_year, period_end, capex (spent, positive), ..."""
    rows = table.reindex(list(CASHFLOW_ROWS)).T.rename(columns=CASHFLOW_ROWS)
    rows = rows.apply(pd.to_numeric, errors="coerce").dropna(how="all")
    rows["capex"] = -rows["capex"]
    ends = pd.DatetimeIndex(rows.index).astype("datetime64[ns]")
    out = rows.reset_index(drop=True).assign(ticker=ticker, fiscal_year=ends.year, period_end=ends)
    cols = ["ticker", "fiscal_year", "period_end", *CASHFLOW_ROWS.values()]
    return out[cols].sort_values("period_end").reset_index(drop=True)


def tidy_eps(trend: pd.DataFrame, revisions: pd.DataFrame | None, ticker: str) -> pd.DataFrame:
    """EPS trend (now, 7-90 days ago) and revision counts per estimate period (0q, +1q, ...)."""
    out = trend.rename(columns=EPS_TREND_COLUMNS)
    out = out[[c for c in EPS_TREND_COLUMNS.values() if c in out]]
    if revisions is not None and not revisions.empty:
        counts = revisions.rename(columns=EPS_REVISION_COLUMNS)
        counts = counts[[c for c in dict.fromkeys(EPS_REVISION_COLUMNS.values()) if c in counts]]
        out = out.join(counts, how="left")
    out = out.apply(pd.to_numeric, errors="coerce").rename_axis("period").reset_index()
    return out.assign(ticker=ticker)[["ticker", *out.columns]]


def tidy_holdings(table: pd.DataFrame, ticker: str) -> pd.DataFrame:
    """funds_data.top_holdings as fund, symbol, name, weight (fraction of the fund)."""
    out = table.rename_axis("symbol").reset_index()
    out = out.rename(columns={"Name": "name", "Holding Percent": "weight"})
    out["weight"] = pd.to_numeric(out["weight"], errors="coerce")
    out = out.assign(fund=ticker)[["fund", "symbol", "name", "weight"]]
    return out.sort_values("weight", ascending=False).reset_index(drop=True)
