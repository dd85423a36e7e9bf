"""Plausibility bounds: values that pass their schema but are hard to believe, as flags.

A flag is not an error: the value may be real (a fund can take in more than its assets in a
day), so the report runs and shows the flag, and figures.json records it. Bounds:

- a price, or a share count, that moves by a factor of 10 or more in a day;
- a rate (FRED series, yield indices) that moves by a factor of 10 or more and by 10 points
  or more in a day (rates near zero move by large factors, by small amounts);
- a day's fund flow larger than the fund's assets, where the assets are known.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

FACTOR = 10.0  # a move by this factor or more in one day
RATE_POINTS = 10.0  # ... and, for rates, by this many points or more
COLUMNS = ["input", "date", "column", "value", "problem"]


@dataclass(frozen=True)
class Flag:
    """One implausible value: where it is, what it is, and why it is flagged."""

    input: str
    date: pd.Timestamp
    column: str
    value: float
    problem: str

    def record(self) -> dict[str, object]:
        """The flag as figures.json stores it."""
        return {**asdict(self), "date": str(self.date.date())}

    def sentence(self) -> str:
        """One line for the report."""
        return f"{self.input}, {self.column} on {self.date.date()}: {self.problem}"


def _number(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:.3g}"


def jumps(values: pd.Series, where: str, column: str, rate: bool = False) -> list[Flag]:
    """Days whose value moved by FACTOR or more from the previous one (rates: and by points)."""
    values = values.dropna()
    if len(values) < 2:
        return []
    now, before = values.to_numpy(dtype=float)[1:], values.to_numpy(dtype=float)[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        big, small = np.maximum(abs(now), abs(before)), np.minimum(abs(now), abs(before))
        factor = np.where(small > 0, big / small, np.where(big > 0, np.inf, 1.0))
    hit = factor >= FACTOR
    if rate:
        hit &= abs(now - before) >= RATE_POINTS
    flags = []
    for i in np.flatnonzero(hit):
        times = "a factor of more than 1000" if factor[i] > 1000 else f"{factor[i]:.1f}x"
        problem = (
            f"{_number(now[i])} after {_number(before[i])} the day before: a move of {times} "
            "in one day"
        )
        flags.append(Flag(where, values.index[i + 1], column, float(now[i]), problem))
    return flags


def flows_over_assets(flows: pd.DataFrame, aum: pd.DataFrame | None, where: str) -> list[Flag]:
    """Days a fund's flow exceeded its assets (aum indexed by ticker: aum_usd, updated_date)."""
    if aum is None or flows.empty:
        return []
    assets = flows["ticker"].map(aum["aum_usd"])
    over = flows[flows["flow_usd"].abs() > assets]
    flags = []
    for row in over.itertuples():
        size, when = aum.at[row.ticker, "aum_usd"], aum.at[row.ticker, "updated_date"]
        problem = (
            f"{row.ticker} flow of {_number(row.flow_usd)} USD is larger than the fund's assets "
            f"({_number(size)} USD on {pd.Timestamp(when).date()})"
        )
        flags.append(Flag(where, row.date, "flow_usd", float(row.flow_usd), problem))
    return flags


def table(flags: list[Flag], as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The flags dated on or before as_of, in date order, one row each."""
    rows = [asdict(f) for f in flags if as_of is None or f.date <= as_of]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["date", "input"], kind="stable").reset_index(drop=True)


# --- splits and missing sessions (issue 19) ------------------------------------------------

# A one-day move by one of these factors (or its inverse), within SPLIT_TOLERANCE in log
# terms, is what a split the history has not absorbed looks like: a 10-for-1 split on a day
# the fund rose 0.7% moves the price 9.93x, under the 10x screen above.
SPLIT_RATIOS = (2, 3, 4, 5, 10, 20)
SPLIT_TOLERANCE = 0.08


def split_name(ratio: float) -> str:
    """'4:1' for a 4-for-1 split, '1:5' for a 1-for-5 reverse split."""
    return f"{ratio:g}:1" if ratio >= 1 else f"1:{1 / ratio:g}"


def split_like_jumps(values: pd.Series, where: str, column: str) -> list[Flag]:
    """Days whose price moved by a common split ratio (2, 3, 4, 5, 10, 20 or the inverse)."""
    values = values.dropna()
    if len(values) < 2:
        return []
    now, before = values.to_numpy(dtype=float)[1:], values.to_numpy(dtype=float)[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        move = np.log(before / now)  # log of the split ratio a move would be
    flags = []
    for ratio in (*SPLIT_RATIOS, *(1 / r for r in SPLIT_RATIOS)):
        for i in np.flatnonzero(np.abs(move - np.log(ratio)) < SPLIT_TOLERANCE):
            problem = (
                f"{_number(now[i])} after {_number(before[i])} the day before: a move of "
                f"{before[i] / now[i]:.2f}x in one day, as a {split_name(ratio)} split the "
                "prices before it do not reflect would make"
            )
            flags.append(Flag(where, values.index[i + 1], column, float(now[i]), problem))
    return flags


def applied_splits(splits: dict[str, float] | None, where: str) -> list[Flag]:
    """Splits the source listed but its prices did not reflect, adjusted by us (date: ratio)."""
    return [
        Flag(
            where,
            pd.Timestamp(day),
            "Close",
            float(ratio),
            f"a {split_name(ratio)} split on {pd.Timestamp(day).date()} (listed in Yahoo "
            "Finance's events) that its prices before that day did not reflect; they are "
            f"divided by {ratio:g} here",
        )
        for day, ratio in sorted((splits or {}).items())
    ]


def missing_sessions(gaps: pd.DatetimeIndex, sessions: pd.DatetimeIndex, where: str) -> list[Flag]:
    """One flag per run of consecutive exchange sessions a series lacks.

    gaps: the missing sessions; sessions: every session over the series' span (to find runs).
    """
    if len(gaps) == 0:
        return []
    position = pd.Series(np.arange(len(sessions)), index=sessions).reindex(gaps).to_numpy()
    runs = np.split(np.asarray(gaps), np.flatnonzero(np.diff(position) != 1) + 1)
    flags = []
    for run in runs:
        first, last = pd.Timestamp(run[0]), pd.Timestamp(run[-1])
        span = f"{first.date()}" if first == last else f"{first.date()} to {last.date()}"
        count = f"{len(run)} session{'s' * (len(run) > 1)}"
        problem = (
            f"{count} missing ({span}) against the exchange calendar; no weekly figure is "
            "computed across them"
        )
        flags.append(Flag(where, first, "sessions", float(len(run)), problem))
    return flags
