"""Which of seed 002's scenarios each week looks like: tech's drift against the market, and breadth.

Seed 002's scenarios are about direction and participation: bull is tech regaining broad
leadership, base a selective recovery (the large names deliver, the rest lag; leadership in
bursts), bear sustained underperformance with breadth deteriorating. Each week is read from what
was known that week: the drift of tech's weekly return over the market across the trailing
DRIFT_WEEKS weeks (its mean and t-statistic), and whether breadth was narrow (share of tech
stocks at 52-week highs at or below a threshold the caller gives). A two-state Markov model of
the same returns separates calm from volatile weeks, not leading from lagging ones, so the
states here are defined by the drift itself. The readings are classifications, not
probabilities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from techflows.errors import DataError

DRIFT_WEEKS = 26  # half a year: seed 002's "multi-quarter" and "sustained" moves
T_CRIT = 1.0  # a drift counts when its mean is at least one standard error from zero
LEADING, NO_DRIFT, LAGGING = "leading", "no clear drift", "lagging"
SCENARIOS = ("bull", "base", "bear")
# The checks the readings must pass on real data (tests) and the report shows.
CHECK_PERIODS = (
    ("2020-21 rally", "2020-01-01", "2021-12-31"),
    ("2020", "2020-01-01", "2020-12-31"),
    ("2021", "2021-01-01", "2021-12-31"),
    ("2022 slump", "2022-01-01", "2022-12-31"),
)


def drift(excess: pd.Series, weeks: int = DRIFT_WEEKS, t_crit: float = T_CRIT) -> pd.DataFrame:
    """Trailing drift of tech's weekly return over the market (in %), each week from its past only.

    Columns: mean (% per week over the window), se, t, total (sum over the window, %), state
    (leading when t >= t_crit, lagging when t <= -t_crit, else no clear drift). A window with a
    missing week has no value.
    """
    excess = excess.astype(float)
    if excess.dropna().size < weeks + 1:
        raise DataError(f"drift: {excess.dropna().size} weeks of returns; needs {weeks + 1}")
    window = excess.rolling(weeks, min_periods=weeks)
    mean, sd = window.mean(), window.std()
    se = sd / np.sqrt(weeks)
    t = mean / se.where(se > 0)
    state = pd.Series(NO_DRIFT, index=excess.index, dtype=object)
    state[t >= t_crit] = LEADING
    state[t <= -t_crit] = LAGGING
    out = pd.DataFrame({"mean": mean, "se": se, "t": t, "total": window.sum(), "state": state})
    out = out[t.notna()]
    out.attrs.update({"weeks": weeks, "t_crit": t_crit})
    return out


def classify(
    drifts: pd.DataFrame, share_at_highs: pd.Series | None = None, narrow_pct: float = 3.0
) -> pd.DataFrame:
    """Each week's scenario reading from its drift state and breadth.

    bull: leading with breadth not narrow. base: leading on narrow breadth (a few names carry
    it), or no clear drift with breadth not narrow. bear: lagging, or no clear drift on narrow
    breadth. Breadth is narrow when the share at 52-week highs (percent) is <= narrow_pct.
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
    if readings.empty:
        raise DataError("scenario readings: no week has both a drift and breadth")
    last = readings.iloc[-1]
    return {
        "week_end": readings.index[-1],
        "reading": str(last["reading"]),
        "state": str(last["state"]),
        "total": float(last["total"]),
        "mean": float(last["mean"]),
        "t": float(last["t"]),
        "share_at_highs": float(last["share_at_highs"]),
        "narrow_breadth": bool(last["narrow_breadth"]),
        "weeks": int(readings.attrs.get("weeks", DRIFT_WEEKS)),
        "breadth": bool(readings.attrs.get("breadth", False)),
    }
