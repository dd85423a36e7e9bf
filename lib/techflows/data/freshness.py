"""The one freshness rule: how old an input may be against the as-of date, and which of
alternative funds (SMH or SOXX, XLK or IYW) a signal uses.

Every section judges staleness here: a checklist signal, a verdict, the input ledger. An input
whose last date is more than STALE_DAYS calendar days before the as-of date is stale: it does
not vote, and a verdict resting on it says since when it is unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from techflows import config

STALE_DAYS = config.STALE_DAYS  # calendar days: six weeks, a month-end report plus its lag


def age_days(last: object, as_of: object) -> int:
    """Whole calendar days from an input's last date to the as-of date."""
    return int(ages([last], [as_of])[0])


def ages(last: object, as_of: object) -> np.ndarray:
    """age_days of many inputs at once (pairs of dates; NaN where a last date is missing)."""
    last, as_of = pd.DatetimeIndex(last).normalize(), pd.DatetimeIndex(as_of).normalize()
    return np.asarray((as_of - last).days, dtype=float)


def is_stale(last: object, as_of: object, limit: int = STALE_DAYS) -> bool:
    """True when the last date is more than `limit` days before the as-of date."""
    return age_days(last, as_of) > limit


def unknown_since(last: object) -> str:
    """The verdict a stale answer gives: 'Unknown since 2026-03-27'."""
    return f"Unknown since {pd.Timestamp(last).date()}"


def stale_words(last: object, as_of: object) -> str:
    """'147 days before 2026-08-21, older than the 45-day limit' (for a sentence)."""
    return (
        f"{age_days(last, as_of)} days before {pd.Timestamp(as_of).date()}, older than the "
        f"{STALE_DAYS}-day limit"
    )


def preferred(last_dates: pd.Series, limit: int = STALE_DAYS) -> object:
    """Of alternative inputs (index: their names, in order of preference; values: last dates),
    the first whose data reach within `limit` days of the freshest one.

    A stale first choice gives way to a fresher alternative; alternatives ending days apart
    keep the first, so a one-day gap never switches the fund a section reads.
    """
    choice = preferred_each(pd.DataFrame([last_dates]), limit).iloc[0]
    if choice is None:
        raise ValueError("preferred: no alternative has a date")
    return choice


def preferred_each(last_dates: pd.DataFrame, limit: int = STALE_DAYS) -> pd.Series:
    """preferred for each row of last dates (columns: the alternatives in order of preference;
    a missing date: the alternative has no data); None where no alternative has a date."""
    dates = pd.DataFrame({c: pd.to_datetime(last_dates[c]) for c in last_dates.columns})
    newest = dates.max(axis=1)
    within = np.column_stack(
        [ages(dates[c], newest) <= limit for c in dates.columns] or [np.zeros(len(dates), bool)]
    )
    first = within.argmax(axis=1)
    names = np.asarray(list(dates.columns), dtype=object)[first] if len(dates.columns) else None
    chosen = np.where(within.any(axis=1), names, None)
    return pd.Series(chosen, index=last_dates.index, dtype=object)
