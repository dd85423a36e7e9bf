"""What tech did relative to the market in the weeks after record buying or large inflows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

from techflows.analysis.notional import longest_window
from techflows.data.sources.base import LATER_PROVIDER
from techflows.errors import DataError, DataUnavailable
from techflows.stats import blocks, intervals

HORIZONS = (4, 13)
ALL_WEEKS = "all weeks"
RECORD = "record notional weeks"
TOP_DECILE = "top-decile weeks of their year"
LARGE_INFLOW = "large tech-fund inflow weeks"
MIN_EVENTS = 5  # independent events needed for a test
MIN_PRIOR_WEEKS = 52


def forward_excess(weekly: pd.DataFrame, horizons: tuple[int, ...] = HORIZONS) -> pd.DataFrame:
    """Tech's return minus the market's (%) from each week's close to h weeks later (column h).

    weekly: complete weeks' closes in columns tech and market (rates.period_closes). The
    window starts at the event week's close, so it holds only the weeks after it; the last h
    weeks have no complete window and are NaN.
    """
    out = {}
    for h in horizons:
        tech = weekly["tech"].shift(-h) / weekly["tech"] - 1
        market = weekly["market"].shift(-h) / weekly["market"] - 1
        out[h] = 100 * (tech - market)
    return pd.DataFrame(out, index=weekly.index)


def notional_events(ranked: pd.DataFrame, year_weeks: int = 52, source: str = "") -> pd.DataFrame:
    """Record weeks (notional_rank is_record) and top-decile weeks of the trailing year.

    Dollar volume trends up with prices, so most recent weeks sit in the top decile of a
    10-year window; the top decile of the trailing `year_weeks` weeks is used instead.
    Only weeks with a full 10-year ranking window are kept. DataUnavailable (naming `source`)
    when no week has one: a window longer than the notional history has no record weeks.
    """
    yearly_rank = ranked["notional"].rolling(year_weeks).rank(ascending=False)
    top = yearly_rank <= np.ceil(0.1 * year_weeks)
    eligible = ranked["full_window"].astype(bool)
    if not eligible.any():
        raise _window_too_long(ranked, source)
    frame = pd.DataFrame({RECORD: ranked["is_record"].astype(bool), TOP_DECILE: top})
    events = frame.loc[eligible]
    events.attrs["source"] = source
    return events


def _window_too_long(ranked: pd.DataFrame, source: str) -> DataUnavailable:
    """No week of ranked has a full window: what would (a shorter window, a longer history)."""
    years = ranked.attrs.get("years")
    window = f"{years}-year window" if years else "full ranking window"
    history = ranked["notional"].dropna().index
    starts = f": it starts {history.min().date()}" if len(history) else ""
    fits = longest_window(ranked["notional"])
    shorter = f" (or a lookback_years of at most {fits})" if fits else ""
    return DataUnavailable(
        f"Record notional weeks over a {window}",
        source or "this",
        f"a source with a longer dollar-volume history{shorter}",
        note=f"no week has a {window} of notional history before it{starts}",
    )


def pending(events: pd.DataFrame, forward: pd.DataFrame, column: str, horizon: int) -> list:
    """Event weeks too recent to have a complete `horizon`-week window yet."""
    flagged = events.index[events[column].fillna(False).astype(bool)]
    return [week for week in flagged if pd.isna(forward[horizon].get(week))]


def flow_events(weekly_flows: pd.Series, quantile: float = 0.9) -> pd.DataFrame:
    """Weeks whose net inflow beats the `quantile` of all earlier weeks (>= 52 of them)."""
    weekly_flows = weekly_flows.dropna()
    threshold = weekly_flows.expanding(MIN_PRIOR_WEEKS).quantile(quantile).shift(1)
    eligible = threshold.notna()
    return pd.DataFrame(
        {LARGE_INFLOW: (weekly_flows > threshold)[eligible]}, index=weekly_flows.index[eligible]
    )


def event_returns(forward: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Long table (week_end, group, horizon in weeks, excess %) per event type and all weeks.

    'all weeks' is every week in the events' index (the weeks that could have been events).
    """
    weeks = forward.reindex(events.index)
    if len(weeks) and weeks.isna().all(axis=None):
        raise _no_window(events, forward)
    parts = [weeks.assign(group=ALL_WEEKS)]
    for column in events.columns:
        flagged = events.index[events[column].fillna(False).astype(bool)]
        parts.append(weeks.loc[flagged].assign(group=column))
    wide = pd.concat(parts).rename_axis("week_end").reset_index()
    long = wide.melt(id_vars=["week_end", "group"], var_name="horizon", value_name="excess").dropna(
        subset=["excess"]
    )
    return long.reset_index(drop=True)


def _no_window(events: pd.DataFrame, forward: pd.DataFrame) -> DataUnavailable:
    """Every week that could be an event is too recent for a complete forward window (the first
    week with a full notional window is the as-of week itself, as on 2008-12-26)."""
    shortest = min(forward.columns)
    return DataUnavailable(
        f"Tech's returns over the market after {' and '.join(events.columns)}",
        events.attrs.get("source") or "this",
        LATER_PROVIDER,
        note=f"the weeks that could be events start {events.index[0].date()}, and none has "
        f"{shortest} weeks after it by {forward.index[-1].date()}",
    )


def _independent(weeks: pd.Series, horizon: int) -> int:
    """Events whose windows do not overlap an earlier one's (blocks.independent)."""
    return len(blocks.independent(weeks, horizon))


DISTRIBUTION_COLUMNS = [
    "group",
    "horizon",
    "n",
    "independent",
    "mean",
    "q10",
    "q25",
    "median",
    "q75",
    "q90",
    "share_positive",
]


def distribution(long: pd.DataFrame) -> pd.DataFrame:
    """Per group and horizon: n, non-overlapping windows, mean, quantiles, share positive."""
    rows = []
    for (group, horizon), frame in long.groupby(["group", "horizon"], sort=False):
        values = frame["excess"]
        rows.append(
            {
                "group": group,
                "horizon": horizon,
                "n": len(values),
                "independent": np.nan
                if group == ALL_WEEKS
                else _independent(frame["week_end"], int(horizon)),
                "mean": values.mean(),
                "q10": values.quantile(0.10),
                "q25": values.quantile(0.25),
                "median": values.median(),
                "q75": values.quantile(0.75),
                "q90": values.quantile(0.90),
                "share_positive": (values > 0).mean(),
            }
        )
    return pd.DataFrame(rows, columns=DISTRIBUTION_COLUMNS)


def consolidation_test(
    long: pd.DataFrame, group: str = RECORD, horizon: int = 13
) -> dict[str, object]:
    """Is tech's excess return after `group` weeks weaker than usual? Tested without overlap.

    Events whose windows overlap an earlier event's are one event (blocks.independent): only
    the first of each cluster is kept. They are compared with every week's window thinned to
    non-overlapping ones, at each of the `horizon` phase offsets, by a one-sided Mann-Whitney
    test; p is the median across offsets (with its range). Supported = a lower median and a
    lower share positive than all weeks, and p <= 0.05. Keys: label, sentence, headline (p <=
    0.10 and weaker), events, independent, median (of the independent events) and
    median_interval (intervals.median_interval), median_all, p, p_low, p_high, p_below,
    offsets.
    """
    at = long.loc[long["horizon"] == horizon]
    flagged = at.loc[at["group"] == group]
    kept = blocks.independent(flagged["week_end"], horizon)
    after = flagged.loc[flagged["week_end"].isin(kept), "excess"]
    usual = at.loc[at["group"] == ALL_WEEKS].sort_values("week_end")["excess"]
    claim = "seed 001's 'historic inflows are often followed by bouts of consolidation'"
    out: dict[str, object] = (
        {
            "group": group,
            "horizon": horizon,
            "events": len(flagged),
            "independent": len(after),
            "median": float(after.median()) if len(after) else np.nan,
            "median_interval": intervals.median_interval(after)[:2],
            "median_all": float(usual.median()) if len(usual) else np.nan,
            "headline": False,
        }
        | dict.fromkeys(("p", "p_low", "p_high"), np.nan)
        | {"p_below": 0, "offsets": 0}
    )
    counted = (
        f"{len(flagged)} {group} ({len(after)} independent: the first of each run of "
        f"events within {horizon} weeks of the one before)"
    )
    if len(after) < MIN_EVENTS:
        return out | {
            "label": "not testable",
            "sentence": f"Only {len(after)} independent {group} with a complete {horizon}-week "
            f"window (at least {MIN_EVENTS} needed; {len(flagged)} in all, overlapping): {claim} "
            "cannot be tested on this data.",
        }
    if usual.empty:
        raise DataError(f"consolidation test: no '{ALL_WEEKS}' rows at {horizon} weeks")
    ps = [
        float(mannwhitneyu(after, usual.iloc[offset::horizon], alternative="less").pvalue)
        for offset in range(min(horizon, len(usual)))
    ]
    spread = blocks.offset_summary(ps)
    p = spread["median"]
    weaker = after.median() < usual.median() and (after > 0).mean() < (usual > 0).mean()
    words = intervals.significance(p)
    if weaker and p <= intervals.SIGNIFICANT:
        label = "supported"
    elif weaker:
        label = f"weaker, {words}"
    else:
        label = "not supported"
    sentence = (
        f"Over the {horizon} weeks after the {counted}, tech's return over the market had a "
        f"median of {after.median():+.2f}% ({median_words(after)}) and was positive in "
        f"{intervals.share(int((after > 0).sum()), len(after)).text()}, against "
        f"{usual.median():+.2f}% and {(usual > 0).mean():.0%} for all weeks "
        f"(one-sided Mann-Whitney against non-overlapping {horizon}-week windows: p = {p:.2f}, "
        f"the median of {spread['offsets']} phase offsets, from {spread['low']:.2f} to "
        f"{spread['high']:.2f}; {words}). Verdict on {claim}: **{label}**."
    )
    return out | {
        "label": label,
        "sentence": sentence,
        "headline": bool(weaker and intervals.headline(p)),
        "p": p,
        "p_low": spread["low"],
        "p_high": spread["high"],
        "p_below": spread["below"],
        "offsets": spread["offsets"],
    }


def median_words(values: pd.Series) -> str:
    """'95% interval -3.10% to +0.40%' of a median (intervals.median_interval), at the
    coverage its order statistics reach (97% for six values)."""
    low, high, level = intervals.median_interval(values)
    return f"{level:.0%} interval {low:+.2f}% to {high:+.2f}%"


def relative_price(weekly: pd.DataFrame, start: object = None) -> pd.Series:
    """Tech's close over the market's from `start` on, rebased to 100 at the first week."""
    ratio = (weekly["tech"] / weekly["market"]).loc[start:]
    return 100 * ratio / ratio.iloc[0]


def group_median(table: pd.DataFrame, group: str, horizon: int) -> float:
    """Median of one group and horizon in a `distribution` table (NaN when it has no row)."""
    rows = table[(table["group"] == group) & (table["horizon"] == horizon)]
    return rows["median"].iloc[0] if len(rows) else float("nan")
