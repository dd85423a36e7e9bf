"""One week calendar for every section and claim: weeks end on `week_end` (W-FRI, W-WED, ...).

A week is labelled by its last calendar day. It is *complete* for a data set when the data
reach its first expected trading day and its last calendar day; every weekly figure uses
complete weeks only, so a week still running on the as-of date (or cut by the start of a
file) is never shown. Expected trading days come from a session calendar when one is given
(the market proxy's dates), else from weekdays.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from techflows.errors import DataError

DEFAULT = "W-FRI"
_DAY_NAMES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
DAYS = 7
Frame = TypeVar("Frame", pd.DataFrame, pd.Series)


def weekday(week_end: str) -> int:
    """The weekday (Monday = 0) weeks end on; DataError for anything but W-MON .. W-SUN."""
    try:
        offset = to_offset(week_end)
    except (ValueError, TypeError):
        offset = None
    if not isinstance(offset, pd.offsets.Week) or offset.weekday is None or offset.n != 1:
        raise DataError(f"week_end {week_end!r}: use W-MON .. W-SUN (W-WED for EPFR/BofA weeks)")
    return int(offset.weekday)


def label(dates: pd.DatetimeIndex | pd.Series, week_end: str) -> pd.DatetimeIndex:
    """The end of the week each date falls in."""
    days = pd.DatetimeIndex(dates).normalize()
    ahead = (weekday(week_end) - days.day_of_week) % DAYS
    return pd.DatetimeIndex(days + pd.to_timedelta(ahead, unit="D"), name="week_end")


def containing(date: object, week_end: str) -> pd.Timestamp:
    """The end of the week (anchored as week_end) that contains date."""
    return label(pd.DatetimeIndex([pd.Timestamp(date)]), week_end)[0]


def first_day(week: object) -> pd.Timestamp:
    """The first calendar day of the week ending on `week`."""
    return pd.Timestamp(week) - pd.Timedelta(days=DAYS - 1)


def span_text(first: object, last: object | None = None, week_end: str = DEFAULT) -> str:
    """The exact window of one week or a run of weeks, with its dates.

    'week ending Wed 2026-02-11 (2026-02-05 to 2026-02-11)', or for several weeks
    'weeks ending Wed 2026-01-07 to 2026-02-04 (2026-01-01 to 2026-02-04)'.
    """
    first = pd.Timestamp(first)
    last = first if last is None else pd.Timestamp(last)
    day = last.day_name()[:3]
    days = f"({first_day(first).date()} to {last.date()})"
    if first == last:
        return f"week ending {day} {last.date()} {days}"
    return f"weeks ending {day} {first.date()} to {last.date()} {days}"


def _expected_first(
    weeks: pd.DatetimeIndex, week_end: str, sessions: pd.DatetimeIndex | None
) -> pd.Series:
    """The first expected trading day of each week: its first session, else its first weekday."""
    starts = pd.Series(weeks - pd.Timedelta(days=DAYS - 1), index=weeks)
    # Saturday or Sunday first days move to the Monday after.
    shift = np.where(starts.dt.day_of_week >= 5, DAYS - starts.dt.day_of_week, 0)
    starts = starts + pd.to_timedelta(shift, unit="D")
    if sessions is not None and len(sessions):
        sessions = pd.DatetimeIndex(sessions)
        firsts = pd.Series(sessions, index=label(sessions, week_end)).groupby(level=0).min()
        # Inside the calendar's range a week's first session wins (a holiday Monday is skipped).
        inside = firsts.reindex(weeks).dropna()
        starts.loc[inside.index] = inside
    return starts


def _expected_last(
    weeks: pd.DatetimeIndex, week_end: str, sessions: pd.DatetimeIndex | None
) -> pd.Series:
    """The last expected trading day of each week: its last session, else its last weekday."""
    ends = pd.Series(weeks, index=weeks)
    # Saturday or Sunday ends move back to the Friday before.
    ends = ends - pd.to_timedelta(np.maximum(ends.dt.day_of_week - 4, 0), unit="D")
    if sessions is not None and len(sessions):
        sessions = pd.DatetimeIndex(sessions)
        lasts = pd.Series(sessions, index=label(sessions, week_end)).groupby(level=0).max()
        # Only a week the calendar covers to its end can end early (a holiday Friday);
        # the calendar of a running week stops at the as-of date.
        covered = lasts.reindex(weeks[weeks <= sessions.max()]).dropna()
        ends.loc[covered.index] = covered
    return ends


def complete(
    weeks: pd.DatetimeIndex,
    first: object,
    last: object,
    week_end: str,
    sessions: pd.DatetimeIndex | None = None,
) -> np.ndarray:
    """Which weeks the data from `first` to `last` cover entirely (boolean array).

    A week is complete when its last expected trading day is on or before `last` and its
    first expected trading day is on or after `first` (expected days come from `sessions`,
    else weekdays).
    """
    weeks = pd.DatetimeIndex(weeks)
    if weeks.empty:
        return np.zeros(0, dtype=bool)
    ends_in = _expected_last(weeks, week_end, sessions).to_numpy() <= np.datetime64(
        pd.Timestamp(last)
    )
    expected = _expected_first(weeks, week_end, sessions).to_numpy()
    starts_in = expected >= np.datetime64(pd.Timestamp(first))
    return np.asarray(ends_in & starts_in)


def complete_weeks(
    weekly: Frame,
    first: object,
    last: object,
    week_end: str,
    sessions: pd.DatetimeIndex | None = None,
) -> Frame:
    """Rows of a frame indexed by week end that the data from first to last cover entirely."""
    return weekly.loc[complete(weekly.index, first, last, week_end, sessions)]


def last_complete(last: object, week_end: str) -> pd.Timestamp:
    """The latest week end on or before `last` (the last complete week on that date)."""
    week = containing(last, week_end)
    return week if week <= pd.Timestamp(last) else week - pd.Timedelta(days=DAYS)


def bucket(
    values: Frame,
    week_end: str,
    how: str = "sum",
    sessions: pd.DatetimeIndex | None = None,
) -> Frame:
    """Daily values (date index) per complete week: sum, last, mean or count.

    The index is every week from the first to the last complete one; a week without any value
    is NaN (a sum needs at least one value), as with pandas' resample.
    """
    values = values.sort_index()
    if values.empty:
        return values.rename_axis("week_end")
    grouped = values.groupby(label(values.index, week_end))
    if how == "sum":
        weekly = grouped.sum(min_count=1)
    elif how in ("last", "mean", "count"):
        weekly = getattr(grouped, how)()
    else:
        raise DataError(f"weekly bucket {how!r}: use sum, last, mean or count")
    every = pd.date_range(
        weekly.index[0], weekly.index[-1], freq=f"W-{_DAY_NAMES[weekday(week_end)]}"
    )
    weekly = weekly.reindex(every)
    weekly = complete_weeks(weekly, values.index[0], values.index[-1], week_end, sessions)
    return weekly.rename_axis("week_end")


def sessions_per_week(sessions: pd.DatetimeIndex, week_end: str) -> pd.Series:
    """How many trading sessions each week has (weeks labelled by their end)."""
    sessions = pd.DatetimeIndex(sessions)
    return pd.Series(1, index=sessions).groupby(label(sessions, week_end)).sum()


def expected_days(
    ends: pd.DatetimeIndex, week_end: str, sessions: pd.DatetimeIndex | None = None
) -> pd.Series:
    """Trading days expected in each week: its sessions inside the calendar, else its weekdays."""
    ends = pd.DatetimeIndex(ends)
    if ends.empty:
        return pd.Series(dtype=int)
    weekdays = sessions_per_week(pd.bdate_range(first_day(ends.min()), ends.max()), week_end)
    counts = weekdays.reindex(ends).fillna(0)
    if sessions is not None and len(sessions):
        listed = sessions_per_week(sessions, week_end)
        inside = ends[(ends >= listed.index.min()) & (ends <= listed.index.max())]
        counts.loc[inside] = listed.reindex(inside).fillna(0)
    return counts.astype(int)
