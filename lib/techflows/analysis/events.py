"""FOMC event study: tech's cumulative return relative to the market around rate decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.weightstats import DescrStatsW

from techflows.analysis import fed, rates
from techflows.data.source import Source
from techflows.errors import DataError


def parse_window(window: str | tuple[int, int]) -> tuple[int, int]:
    """'-5,20' or (-5, 20) -> (-5, 20): trading days before and after the decision day."""
    try:
        start, end = (int(x) for x in (window.split(",") if isinstance(window, str) else window))
    except (ValueError, TypeError) as exc:
        raise DataError(f"event window {window!r}: use 'start,end' such as '-5,20'") from exc
    if not start < 0 <= end:
        raise DataError(f"event window {window!r}: need start < 0 <= end, such as '-5,20'")
    return start, end


def event_days(trading_days: pd.DatetimeIndex, dates: pd.Series) -> pd.DatetimeIndex:
    """The first trading day on or after each date (a Sunday announcement reacts on Monday)."""
    positions = trading_days.searchsorted(pd.DatetimeIndex(dates), side="left")
    return pd.DatetimeIndex([trading_days[p] for p in positions if p < len(trading_days)])


def relative_paths(
    tech: pd.Series, market: pd.Series, days: pd.DatetimeIndex, window: tuple[int, int]
) -> pd.DataFrame:
    """Relative price path tech/market around each event day, 0 at the close of day -1.

    Rows: trading day offsets start..end; columns: event days; value at k is
    (tech_k / tech_-1) / (market_k / market_-1) - 1. Offsets outside the data are NaN.
    """
    start, end = window
    ratio = (tech / market).dropna()
    offsets = np.arange(start, end + 1)
    paths = {}
    for day in days:
        if day not in ratio.index:
            continue
        at = ratio.index.get_loc(day)
        if at + start < 0:
            continue
        rows = at + offsets
        values = np.full(len(offsets), np.nan)
        inside = rows < len(ratio)
        values[inside] = ratio.to_numpy()[rows[inside]] / ratio.iloc[at - 1] - 1
        paths[day] = values
    frame = pd.DataFrame(paths, index=pd.Index(offsets, name="day"))
    return frame.rename_axis(columns="event")


def mean_path(paths: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Mean path across events with a t-based (1 - alpha) confidence band, per day offset."""
    rows = []
    for day, values in paths.iterrows():
        values = values.dropna()
        row = {"day": day, "n": len(values), "mean": np.nan, "lower": np.nan, "upper": np.nan}
        if len(values) >= 1:
            row["mean"] = values.mean()
        if len(values) >= 2 and values.std() > 0:
            stats = DescrStatsW(values.to_numpy())
            row["lower"], row["upper"] = stats.tconfint_mean(alpha=alpha)
        rows.append(row)
    return pd.DataFrame(rows).set_index("day")


def fomc_event_study(
    src: Source, window: str | tuple[int, int] = (-5, 20), alpha: float = 0.05
) -> dict[str, pd.DataFrame]:
    """Paths per decision and mean paths for cuts and hikes (target-range changes only).

    Returns {'events': one row per decision with its day-0/last-day relative return,
    'paths': long day/event/kind/relative, 'means': day/kind/n/mean/lower/upper}.
    """
    start, end = parse_window(window)
    changes = fed.rate_changes(fed.policy_path(src))
    closes = rates.proxy_closes(src)
    days = event_days(closes.index, changes["announced"])
    changes = changes.iloc[: len(days)].assign(event_day=days)
    paths = relative_paths(closes["tech"], closes["market"], days, (start, end))
    changes = changes[changes["event_day"].isin(paths.columns)].reset_index(drop=True)
    if changes.empty:  # no decision up to the as-of date, or none with a day before it
        raise fed.no_changes(changes)
    kinds = changes.set_index("event_day")["kind"]
    events = changes.assign(
        day0=paths.loc[0, changes["event_day"]].to_numpy(),
        last_day=paths.loc[end, changes["event_day"]].to_numpy(),
    )
    long = paths.stack(future_stack=True).rename("relative").reset_index()
    long["kind"] = long["event"].map(kinds)
    means = pd.concat(
        {kind: mean_path(paths[kinds.index[kinds == kind]], alpha) for kind in kinds.unique()},
        names=["kind"],
    ).reset_index()
    return {"events": events, "paths": long, "means": means}


def summary(events: pd.DataFrame, column: str = "last_day") -> pd.DataFrame:
    """Per kind: decisions, those with a complete window (n), mean relative return, t-based
    p-value (mean = 0) and share positive; NaN where no window is complete yet (a decision
    days before the as-of date)."""
    rows = []
    for kind, group in events.groupby("kind"):
        values = group[column].dropna().to_numpy()
        row = {"kind": kind, "decisions": len(group), "n": len(values)}
        row |= dict.fromkeys(("mean", "t", "p", "share_positive"), np.nan)
        if len(values):
            row["mean"], row["share_positive"] = values.mean(), float((values > 0).mean())
        if len(values) >= 2:
            row["t"], row["p"], _ = DescrStatsW(values).ttest_mean(0.0)
        rows.append(row)
    return pd.DataFrame(rows)
