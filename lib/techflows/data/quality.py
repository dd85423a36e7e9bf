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
