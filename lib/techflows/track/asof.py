"""Point in time: what a report dated d shows of a series computed over the whole history.

A series whose value at each date depends only on the data up to that date (a trailing window,
a rolling rank) is computed once; a report dated d shows its last value on or before d. Weekly
series count complete weeks only (analysis.weeks), so a report dated d shows the last week
that is complete on the data up to d: on a holiday Friday, the week before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from techflows.analysis import weeks
from techflows.data import freshness
from techflows.data.source import Source


def _positions(index: pd.DatetimeIndex, dates: pd.DatetimeIndex) -> np.ndarray:
    """Position in a sorted index of the last entry on or before each date (-1: none, or no
    date)."""
    dates = pd.DatetimeIndex(dates)
    at = np.full(len(dates), -1)
    known = dates.notna()
    at[known] = index.searchsorted(dates[known], side="right") - 1
    return at


def positions(index: pd.DatetimeIndex, dates: pd.DatetimeIndex) -> np.ndarray:
    """Position in a sorted index of the last entry on or before each date (-1: none, or no
    date)."""
    return _positions(pd.DatetimeIndex(index), dates)


def _pick(index: pd.DatetimeIndex, at: np.ndarray) -> pd.DatetimeIndex:
    """index[at], NaT where at is -1."""
    if not len(index):
        return pd.DatetimeIndex([pd.NaT] * len(at))
    return pd.DatetimeIndex(index[at.clip(min=0)]).where(at >= 0)


def last_dates(index: pd.DatetimeIndex, dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The last date of a sorted index on or before each date (NaT before it starts)."""
    index = pd.DatetimeIndex(index)
    at = _positions(index, pd.DatetimeIndex(dates))
    return _pick(index, at)


def last_values(series: pd.Series | None, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Each date's view of a series: its last non-missing value on or before the date and the
    date of that value (value NaN, date NaT where it has none). Indexed by the dates."""
    dates = pd.DatetimeIndex(dates)
    out = pd.DataFrame({"date": pd.NaT, "value": np.nan}, index=dates)
    if series is None:
        return out
    known = series.dropna().sort_index()
    if known.empty:
        return out
    at = _positions(pd.DatetimeIndex(known.index), dates)
    found = at >= 0
    out.loc[found, "date"] = known.index[at[found]]
    out.loc[found, "value"] = known.to_numpy(dtype=float)[at[found]]
    return out


def report_ends(src: Source, dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Source.end of a report dated at each date: the last date of the tech or market proxy on
    or before it (staleness is judged against it)."""
    closes = src.close([src.tech_ticker, src.market_ticker]).dropna(how="all")
    return last_dates(closes.index, dates)


def stale(last: pd.DatetimeIndex, ends: pd.DatetimeIndex) -> np.ndarray:
    """freshness.is_stale of each value's date against its report's end (False where no date)."""
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(freshness.ages(last, ends), nan=-1) > freshness.STALE_DAYS


def seen_weeks(
    weekly: pd.DatetimeIndex,
    daily: pd.DatetimeIndex,
    dates: pd.DatetimeIndex,
    week_end: str,
    sessions: pd.DatetimeIndex | None = None,
) -> pd.DatetimeIndex:
    """The last week of a weekly series a report dated at each date shows (NaT: none yet).

    weekly: the series' weeks (weeks.bucket of daily values over the whole history); daily:
    the dates of those values; sessions: the calendar bucket was given, if any. The week
    containing the date counts only when it is complete on the data up to the date.
    """
    weekly, daily = pd.DatetimeIndex(weekly).sort_values(), pd.DatetimeIndex(daily).sort_values()
    dates = pd.DatetimeIndex(dates)
    if weekly.empty:  # days of data but no whole week yet (flows that start on the as-of week)
        return pd.DatetimeIndex([pd.NaT] * len(dates))
    at = _positions(weekly, dates)
    last = last_dates(daily, dates)
    for i in np.flatnonzero((at >= 0) & (weekly[at.clip(min=0)] > last)):
        # The data up to this date stop inside the week: is it complete on them?
        calendar = None if sessions is None else sessions[sessions <= dates[i]]
        week = weekly[at[i] : at[i] + 1]
        if pd.isna(last[i]) or not weeks.complete(week, daily[0], last[i], week_end, calendar)[0]:
            at[i] -= 1
    return _pick(weekly, at)
