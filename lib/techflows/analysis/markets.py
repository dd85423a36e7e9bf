"""Where prices stand: period returns, segment table and one fund's price/volume status."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

from techflows.data.source import Source
from techflows.errors import DataError

WINDOWS = {
    "1w": pd.DateOffset(weeks=1),
    "1m": pd.DateOffset(months=1),
    "3m": pd.DateOffset(months=3),
    "6m": pd.DateOffset(months=6),
    "1y": pd.DateOffset(years=1),
}
PERIODS = ("1w", "1m", "3m", "YTD")  # the return columns of period_returns
HIGH_WINDOW = pd.Timedelta(weeks=52)  # a "52-week high" is the highest close of this window
REBOUND_BASE_SESSIONS = 20  # "volume expanding": rebound sessions vs this many before the low
SEGMENT_GROUPS = ("tech_etf", "sector_etf", "benchmark")


Frame = TypeVar("Frame", pd.DataFrame, pd.Series)


def last_years(frame: Frame, years: int | None) -> Frame:
    """The rows within `years` of the last row (all rows when years is None or 0)."""
    if not years or frame.empty:
        return frame
    return frame.loc[frame.index > frame.index[-1] - pd.DateOffset(years=int(years))]


def resolve_date(index: pd.DatetimeIndex, requested: object = None) -> pd.Timestamp:
    """Last date in index on or before requested (the last date if none or later than data)."""
    index = index.sort_values()
    if requested is None or (isinstance(requested, str) and not requested.strip()):
        return index[-1]
    requested = pd.Timestamp(requested)
    if requested < index[0]:
        raise DataError(f"date {requested.date()}: before the data start ({index[0].date()})")
    return index[index <= requested][-1]


def coverage_date(close: pd.DataFrame, share: float = 0.5) -> pd.Timestamp:
    """Latest date through which at least `share` of the tickers have closes."""
    last = close.apply(lambda s: s.last_valid_index()).dropna().sort_values(ascending=False)
    if last.empty:
        raise DataError("coverage_date: no closes")
    return pd.Timestamp(last.iloc[max(int(np.ceil(share * len(last))) - 1, 0)])


def window_words(window: str) -> str:
    """A trailing window in words, as method texts say it: '3m' -> '3 calendar months'."""
    if window.upper() == "YTD":
        return "the year to date"
    if window not in WINDOWS:
        raise DataError(f"window {window!r}: use one of {', '.join(WINDOWS)} or YTD")
    count, unit = int(window[:-1]), {"w": "week", "m": "calendar month", "y": "year"}[window[-1]]
    return f"{count} {unit}{'s' if count != 1 else ''}"


def window_start(end: pd.Timestamp, window: str) -> pd.Timestamp:
    """Base date of a trailing window: 1w, 1m, 3m, 6m, 1y or YTD (last close of the prior year)."""
    return window_starts(pd.DatetimeIndex([pd.Timestamp(end)]), window)[0]


def window_starts(ends: pd.DatetimeIndex, window: str) -> pd.DatetimeIndex:
    """window_start of every date at once (one calendar shift of the whole index)."""
    ends = pd.DatetimeIndex(ends)
    if window.upper() == "YTD":
        return pd.DatetimeIndex(pd.to_datetime({"year": ends.year - 1, "month": 12, "day": 31}))
    if window not in WINDOWS:
        raise DataError(f"window {window!r}: use one of {', '.join(WINDOWS)} or YTD")
    return ends - WINDOWS[window]


def period_return(close: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Return from the last close on or before start to the last close on or before end."""
    close = close.dropna()
    base, last = close.loc[:start], close.loc[:end]
    if base.empty or last.empty:
        return float("nan")
    return float(last.iloc[-1] / base.iloc[-1] - 1)


def relative_return(a: pd.Series, b: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """a's return minus b's (decimal) between the same two dates (period_return of each)."""
    return period_return(a, start, end) - period_return(b, start, end)


def trailing_relative(a: pd.Series, b: pd.Series, window: str = "3m") -> pd.Series:
    """relative_return over the trailing window (window_start) at each date both have a close.

    NaN until the window reaches back to the first common close.
    """
    both = pd.concat([a, b], axis=1, join="inner").dropna()
    starts = window_starts(both.index, window)
    # The base is the last common close on or before each start, as in period_return.
    at = both.index.searchsorted(starts, side="right") - 1
    values = both.to_numpy()
    moves = values / values[at.clip(min=0)] - 1
    out = pd.Series(moves[:, 0] - moves[:, 1], index=both.index)
    return out.where(at >= 0)


def high_52w(close: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """Highest close of the 52 weeks to each date (HIGH_WINDOW), NaN until a full window."""
    high = close.rolling(HIGH_WINDOW).max()
    frame = close.to_frame() if isinstance(close, pd.Series) else close
    first = pd.to_datetime(frame.apply(lambda s: s.first_valid_index()))
    since = frame.index.to_numpy()[:, None] - first.to_numpy()[None, :]
    full = since >= (HIGH_WINDOW - pd.Timedelta(days=1)).to_timedelta64()
    if isinstance(close, pd.Series):
        return high.where(full[:, 0])
    return high.where(full & close.notna().to_numpy())


def rebound_volume(
    volume: pd.Series, low: object, end: object, sessions: int = REBOUND_BASE_SESSIONS
) -> dict[str, object]:
    """Is volume expanding in a rebound: mean volume after the low through end vs before it.

    before: the `sessions` sessions up to and including the low; after: the sessions after the
    low through end. ratio > 1 means expanding. The one definition of "volume expanding". With no
    session after the low (the low is the last one) or none before it, the ratio is NaN.
    """
    volume = volume.dropna()
    volume = volume[volume > 0]
    low, end = pd.Timestamp(low), pd.Timestamp(end)
    after = volume.loc[low + pd.Timedelta(days=1) : end]
    before = volume.loc[:low].iloc[-int(sessions) :]
    after_mean = float(after.mean()) if len(after) else np.nan
    before_mean = float(before.mean()) if len(before) else np.nan
    return {
        "after": after,
        "after_mean": after_mean,
        "before_mean": before_mean,
        "before_sessions": len(before),
        "ratio": after_mean / before_mean,
    }


def period_returns(close: pd.DataFrame, at: object = None, stale_days: int = 5) -> pd.DataFrame:
    """1w / 1m / 3m / YTD total returns per ticker up to `at` (from adjusted closes).

    Tickers whose last close is more than stale_days before `at` are left out.
    """
    at = resolve_date(close.index, at)
    rows = {}
    for ticker in close.columns:
        series = close[ticker].loc[:at].dropna()
        if series.empty or series.index[-1] < at - pd.Timedelta(days=stale_days):
            continue
        rows[ticker] = {k: period_return(series, window_start(at, k), at) for k in PERIODS}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(PERIODS)).rename_axis("ticker")


def segment_closes(src: Source) -> pd.DataFrame:
    """Adjusted closes of every fund and index in the segment table's universe groups."""
    return src.close(src.universe.index[src.universe["group"].isin(SEGMENT_GROUPS)])


def segment_returns(
    close: pd.DataFrame, universe: pd.DataFrame, market: str, at: object = None
) -> pd.DataFrame:
    """Equal-weighted fund returns per universe segment, and the same minus the market's."""
    returns = period_returns(close, resolve_date(close[market].dropna().index, at))
    if market not in returns.index:
        raise DataError(f"segment_returns: no closes for the market proxy {market}")
    members = universe[universe["group"].isin(SEGMENT_GROUPS)]
    members = members[members.index.isin(returns.index)]
    columns = list(returns.columns)
    table = (
        returns.join(members[["group", "segment"]], how="inner")
        .groupby(["group", "segment"], sort=False)
        .agg(
            funds=("1w", "size"),
            tickers=("1w", lambda s: ", ".join(s.index)),
            **{c: (c, "mean") for c in columns},
        )
    )
    relative = table[columns] - returns.loc[market, columns]
    table[[f"{c} vs market" for c in columns]] = relative.to_numpy()
    order = {g: i for i, g in enumerate(SEGMENT_GROUPS)}
    table = table.reset_index()
    table = table.sort_values("group", key=lambda g: g.map(order), kind="stable")
    return table.reset_index(drop=True)


def price_status(bars: pd.DataFrame, at: object = None, window: int = 10) -> dict[str, object]:
    """Close at `at`, move from the low/high of the last `window` sessions and 52-week high.

    Volume trend: average volume of the last 5 sessions against the last 20 and 50.
    """
    at = resolve_date(bars.index, at)
    close = bars["Close"].loc[:at].dropna()
    phase = close.iloc[-window:]
    year = close.loc[at - HIGH_WINDOW + pd.Timedelta(days=1) :]
    last = float(close.iloc[-1])
    status: dict[str, object] = {
        "date": at,
        "close": last,
        "phase_start": phase.index[0],
        "phase_low": float(phase.min()),
        "phase_low_date": phase.idxmin(),
        "from_phase_low": last / phase.min() - 1.0,
        "phase_high": float(phase.max()),
        "phase_high_date": phase.idxmax(),
        "from_phase_high": last / phase.max() - 1.0,
        "high_52w": float(year.max()),
        "high_52w_date": year.idxmax(),
        "from_52w_high": last / year.max() - 1.0,
    }
    volume = bars["Volume"].loc[:at] if "Volume" in bars else pd.Series(dtype=float)
    volume = volume[volume > 0]
    averages = {n: volume.iloc[-n:].mean() if len(volume) >= n else np.nan for n in (5, 20, 50)}
    status.update(
        {
            "volume_day": float(volume.iloc[-1]) if len(volume) else np.nan,
            "volume_5d": averages[5],
            "volume_20d": averages[20],
            "volume_50d": averages[50],
            "volume_5d_vs_20d": averages[5] / averages[20] - 1.0,
            "volume_5d_vs_50d": averages[5] / averages[50] - 1.0,
        }
    )
    return status


def status_table(
    bars: dict[str, pd.DataFrame], at: object = None, window: int = 10
) -> pd.DataFrame:
    """price_status for several tickers, one row each."""
    rows = {ticker: price_status(frame, at, window) for ticker, frame in bars.items()}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("ticker")


def rebased(close: pd.DataFrame, sessions: int) -> pd.DataFrame:
    """The last `sessions` dates on which every ticker has a close, first one = 100."""
    recent = close.dropna().iloc[-sessions:]
    return recent / recent.iloc[0] * 100


def left_out(close: pd.DataFrame, segments: pd.DataFrame) -> list[str]:
    """Tickers of close that no segment of segment_returns uses (their data end earlier)."""
    used = ", ".join(segments["tickers"]).split(", ")
    return [t for t in close.columns if t not in used]


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def monthly_relative(a: pd.Series, b: pd.Series, years: int | None = None) -> pd.DataFrame:
    """a's return minus b's (decimal) in each calendar month, one row per year (Jan..Dec), and
    'year': the same over the calendar year (relative_return between year ends).

    Months run from the last common close of the month before to the last of the month (as
    relative_return does), so the latest month may be partial: attrs['through'] is the last
    common close. years keeps the last `years` calendar years.
    """
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    if len(both) < 2:
        raise DataError(f"monthly relative returns: {a.name} and {b.name} share under two closes")
    month_end = both.groupby(both.index.to_period("M")).last()
    moves = month_end.pct_change()
    relative = (moves["a"] - moves["b"]).iloc[1:]
    table = relative.to_frame("relative").assign(
        year=relative.index.year, month=[MONTHS[m - 1] for m in relative.index.month]
    )
    wide = table.pivot(index="year", columns="month", values="relative")
    wide = wide.reindex(columns=[m for m in MONTHS if m in wide.columns])
    year_end = both.groupby(both.index.year).last()
    yearly = year_end.pct_change()
    wide["year"] = (yearly["a"] - yearly["b"]).reindex(wide.index)
    if years is not None:
        wide = wide.loc[wide.index.max() - years + 1 :]
    wide.attrs.update(through=both.index[-1], tech=a.name, market=b.name)
    return wide.rename_axis(index="year", columns=None)
