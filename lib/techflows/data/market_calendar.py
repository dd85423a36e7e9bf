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


def sessions(first: object, last: object) -> pd.DatetimeIndex:
    """The exchange's sessions from first to last (dates), within the calendar's years.

    Outside the calendar (before CALENDAR_START, or past its end) weekdays stand in.
    """
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    if last < first:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    calendar = _calendar()
    with _quiet():
        start, end = calendar.first_session, calendar.last_session
    days = pd.bdate_range(first, last)
    inside = days[(days >= start.tz_localize(None)) & (days <= end.tz_localize(None))]
    if len(inside):
        with _quiet():
            listed = calendar.sessions_in_range(inside[0], inside[-1])
        listed = pd.DatetimeIndex(listed).tz_localize(None) if listed.tz else listed
        days = days[(days < inside[0]) | (days > inside[-1])].union(listed)
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
