"""Which of seed 002's scenarios each week looks like: tech's drift against the market, and breadth.

Seed 002's scenarios are about direction and participation: bull is tech regaining broad
leadership, base a selective recovery (the large names deliver, the rest lag; leadership in
bursts), bear sustained underperformance with breadth deteriorating. Each week is read from what
was known that week: the drift of tech's weekly return over the market across the trailing
DRIFT_WEEKS weeks (its mean and t-statistic; a state needs the mean to differ from zero at the
10% level), and whether breadth was narrow (share of tech stocks at 52-week highs at or below a
threshold the caller gives). A two-state Markov model of
the same returns separates calm from volatile weeks, not leading from lagging ones, so the
states here are defined by the drift itself. The readings are classifications, not
probabilities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from techflows.data.sources.base import LATER_PROVIDER
from techflows.errors import DataError, DataUnavailable

DRIFT_WEEKS = 26  # half a year: seed 002's "multi-quarter" and "sustained" moves
# A drift counts when its mean differs from zero at this level (two-sided): the t of a mean of
# 26 weekly returns against Student's t with 25 degrees of freedom, |t| >= 1.708. Consecutive
# windows share 25 of their 26 weeks, so neighbouring weeks' states are not separate evidence.
ALPHA = 0.10
LEADING, NO_DRIFT, LAGGING = "leading", "drift not significant", "lagging"
SCENARIOS = ("bull", "base", "bear")
# The checks the readings must pass on real data (tests) and the report shows.
CHECK_PERIODS = (
    ("2020-21 rally", "2020-01-01", "2021-12-31"),
    ("2020", "2020-01-01", "2020-12-31"),
    ("2021", "2021-01-01", "2021-12-31"),
    ("2022 slump", "2022-01-01", "2022-12-31"),
)


def t_critical(weeks: int = DRIFT_WEEKS, alpha: float = ALPHA) -> float:
    """|t| at which the mean of `weeks` returns differs from zero at level alpha (two-sided)."""
    return float(stats.t.ppf(1 - alpha / 2, weeks - 1))


def drift(excess: pd.Series, weeks: int = DRIFT_WEEKS, alpha: float = ALPHA) -> pd.DataFrame:
    """Trailing drift of tech's weekly return over the market (in %), each week from its past only.

    Columns: mean (% per week over the window), se, t, p (two-sided, Student's t with weeks - 1
    degrees of freedom), total (sum over the window, %), state (leading when p <= alpha and the
    mean is positive, lagging when p <= alpha and it is negative, else drift not significant).
    A window with a missing week has no value.
    """
    excess = excess.astype(float)
    if excess.dropna().size < weeks + 1:
        raise DataError(f"drift: {excess.dropna().size} weeks of returns; needs {weeks + 1}")
    window = excess.rolling(weeks, min_periods=weeks)
    mean, sd = window.mean(), window.std()
    se = sd / np.sqrt(weeks)
    t = mean / se.where(se > 0)
    p = pd.Series(2 * stats.t.sf(t.abs(), weeks - 1), index=t.index)
    state = pd.Series(NO_DRIFT, index=excess.index, dtype=object)
    state[(p <= alpha) & (t > 0)] = LEADING
    state[(p <= alpha) & (t < 0)] = LAGGING
    out = pd.DataFrame(
        {"mean": mean, "se": se, "t": t, "p": p, "total": window.sum(), "state": state}
    )
    out = out[t.notna()]
    out.attrs.update({"weeks": weeks, "alpha": alpha, "t_crit": t_critical(weeks, alpha)})
    return out


def classify(
    drifts: pd.DataFrame, share_at_highs: pd.Series | None = None, narrow_pct: float = 3.0
) -> pd.DataFrame:
    """Each week's scenario reading from its drift state and breadth.

    bull: leading with breadth not narrow. base: leading on narrow breadth (a few names carry
    it), or no significant drift with breadth not narrow. bear: lagging, or no significant drift
    on narrow breadth. Breadth is narrow when the share at 52-week highs (percent) is <= narrow_pct.
    Without breadth (share_at_highs None) the drift alone decides: leading bull, lagging bear.
    """
    out = drifts.copy()
    state = out["state"]
    if share_at_highs is None:
        narrow = pd.Series(False, index=out.index)
        out["share_at_highs"] = np.nan
    else:
        out["share_at_highs"] = share_at_highs.reindex(out.index)
        out = out[out["share_at_highs"].notna()]
        state = out["state"]
        narrow = out["share_at_highs"] <= narrow_pct
    reading = pd.Series("base", index=out.index, dtype=object)
    reading[(state == LEADING) & ~narrow] = "bull"
    reading[(state == LAGGING) | ((state == NO_DRIFT) & narrow)] = "bear"
    out["narrow_breadth"] = narrow
    out["reading"] = reading
    out.attrs.update(drifts.attrs)
    out.attrs.update({"narrow_pct": narrow_pct, "breadth": share_at_highs is not None})
    return out.rename_axis("week_end")


def check_periods(
    readings: pd.DataFrame, periods: tuple[tuple[str, str, str], ...] = CHECK_PERIODS
) -> pd.DataFrame:
    """Per named period: weeks read, share of weeks in each scenario, and the most common one.

    A period outside the readings has 0 weeks and no shares.
    """
    rows = []
    for name, start, end in periods:
        inside = readings.loc[start:end, "reading"]
        shares = inside.value_counts(normalize=True).reindex(list(SCENARIOS), fill_value=0.0)
        rows.append(
            {
                "period": name,
                "from": pd.Timestamp(start),
                "to": pd.Timestamp(end),
                "weeks": len(inside),
                **{s: float(shares[s]) if len(inside) else np.nan for s in SCENARIOS},
                "most_weeks": str(shares.idxmax()) if len(inside) else "",
            }
        )
    return pd.DataFrame(rows)


def current(readings: pd.DataFrame) -> dict[str, object]:
    """The last week's reading with its drift (total, mean, t, state) and breadth."""
    if readings.empty:  # no drift window complete, or none in a week with breadth
        raise DataUnavailable(
            "Weeks with tech's drift against the market"
            + (" and breadth" if readings.attrs.get("breadth") else ""),
            readings.attrs.get("source", "given"),
            LATER_PROVIDER,
        )
    last = readings.iloc[-1]
    return {
        "week_end": readings.index[-1],
        "reading": str(last["reading"]),
        "state": str(last["state"]),
        "total": float(last["total"]),
        "mean": float(last["mean"]),
        "t": float(last["t"]),
        "p": float(last["p"]),
        "significant": str(last["state"]) != NO_DRIFT,
        "share_at_highs": float(last["share_at_highs"]),
        "narrow_breadth": bool(last["narrow_breadth"]),
        "weeks": int(readings.attrs.get("weeks", DRIFT_WEEKS)),
        "breadth": bool(readings.attrs.get("breadth", False)),
    }
