"""When a daily bar is final: the NYSE calendar (exchange-calendars), not a fixed cache age."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import numpy as np
import pandas as pd

EXCHANGE = "XNYS"
# Yahoo's daily bar carries the official closing-auction price a few minutes after the bell.
SETTLE = pd.Timedelta(minutes=20)
CALENDAR_START = "2015-01-01"
HISTORY_START = "1885-01-01"  # how far back exchange-calendars knows NYSE sessions


def now() -> pd.Timestamp:
    """The current time in UTC (the one clock the cache's freshness is judged by)."""
    return pd.Timestamp.now(tz="UTC")


@contextmanager
def _quiet() -> Iterator[None]:
    # exchange-calendars 4.13 reads .values of tz-aware data, deprecated in pandas 3.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", getattr(pd.errors, "Pandas4Warning", DeprecationWarning))
        yield


@cache
def _calendar():  # exchange_calendars.ExchangeCalendar; imported on first use (0.5 s)
    import exchange_calendars

    with _quiet():
        return exchange_calendars.get_calendar(EXCHANGE, start=CALENDAR_START)


@cache
def _all_sessions() -> pd.DatetimeIndex:
    """Every NYSE session from HISTORY_START to the calendar's end (about a year ahead)."""
    import exchange_calendars

    with _quiet():
        calendar = exchange_calendars.get_calendar(EXCHANGE, start=HISTORY_START)
        known = pd.DatetimeIndex(calendar.sessions).tz_localize(None)
    return known.astype("datetime64[ns]")


def _utc(at: pd.Timestamp | None) -> pd.Timestamp:
    at = now() if at is None else pd.Timestamp(at)
    return at.tz_localize("UTC") if at.tz is None else at.tz_convert("UTC")


def last_final_session(at: pd.Timestamp | None = None) -> pd.Timestamp:
    """The date of the latest session whose close has settled at `at` (default: now)."""
    calendar = _calendar()
    with _quiet():
        moment = min(_utc(at) - SETTLE, calendar.closes.iloc[-1])
        return pd.Timestamp(calendar.minute_to_past_session(moment)).normalize()


def last_close(at: pd.Timestamp | None = None) -> pd.Timestamp:
    """When the latest settled session closed (UTC); data fetched after it is up to date."""
    session = last_final_session(at)
    with _quiet():
        return pd.Timestamp(_calendar().session_close(session)).tz_convert("UTC")


def final_bars(bars: pd.DataFrame, at: pd.Timestamp | None = None) -> pd.DataFrame:
    """Bars of sessions that have closed: a bar of a session still trading is a partial bar."""
    return bars.loc[bars.index <= last_final_session(at)]


def sessions(first: object = None, last: object = None) -> pd.DatetimeIndex:
    """The NYSE sessions from first to last (dates; by default every one the calendar knows,
    from HISTORY_START to about a year ahead). Past the calendar's end weekdays stand in."""
    known = _all_sessions()
    if first is None and last is None:
        return known
    first = known[0] if first is None else pd.Timestamp(first).normalize()
    last = known[-1] if last is None else pd.Timestamp(last).normalize()
    days = known[(known >= first) & (known <= last)]
    if last > known[-1]:
        ahead = pd.bdate_range(max(first, known[-1] + pd.Timedelta(days=1)), last)
        days = days.union(ahead)
    return pd.DatetimeIndex(days).astype("datetime64[ns]")


def sessions_between(before: pd.Series, after: pd.Series) -> np.ndarray:
    """How many sessions fall strictly between each pair of dates (0: consecutive sessions)."""
    before = pd.DatetimeIndex(before).normalize()
    after = pd.DatetimeIndex(after).normalize()
    if len(before) == 0:
        return np.zeros(0, dtype=int)
    calendar = sessions(min(before.min(), after.min()), max(before.max(), after.max()))
    values = calendar.to_numpy()
    return np.maximum(
        np.searchsorted(values, after.to_numpy(), "left")
        - np.searchsorted(values, before.to_numpy(), "right"),
        0,
    )


def missing_sessions(dates: pd.DatetimeIndex, since: object = CALENDAR_START) -> pd.DatetimeIndex:
    """The sessions between a series' first and last date (from `since` on) it has no row for."""
    dates = pd.DatetimeIndex(dates).normalize()
    if dates.empty:
        return dates
    with _quiet():
        opened = _calendar().first_session.tz_localize(None)
    first = max(dates.min(), pd.Timestamp(since), opened)
    expected = sessions(first, dates.max())
    return expected.difference(dates)


def is_current(fetched: pd.Timestamp | None, at: pd.Timestamp | None = None) -> bool:
    """True if data fetched at `fetched` already holds every session that has closed by `at`."""
    return fetched is not None and _utc(fetched) >= last_close(at)
