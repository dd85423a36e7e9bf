"""The track record's history: every headline signal as a report dated each past week showed it.

One pass over the data, not one report per date. Each signal's measure returns its whole
history (trailing windows, rolling ranks and drifts use only the data up to each date), so a
report dated d is read off it point in time (track.asof): the last value up to d, aged against
that report's end by the one freshness rule; the semiconductor fund Source.preferred picks at
d; the analyst table's entries up to d; the last week complete on d; the group of stocks or
funds the notional figure falls back to at d. The net score and the scenario reading are the
checklist's own functions, applied to each date's statuses.

The history starts at the first week both the tech and the market proxy have prices; each
signal starts when its data do. Live EPS revisions exist for today only, so the history reads
the analyst table for them at every date, as a historical run does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from techflows import config
from techflows.analysis import breadth, flows, notional, rates, rotation
from techflows.analysis import weeks as wk
from techflows.data import freshness
from techflows.data import universe as uni
from techflows.data.source import Source
from techflows.errors import DataError, DataUnavailable
from techflows.models import regimes
from techflows.monitor import checklist as ck
from techflows.monitor import scenarios
from techflows.monitor import signals as sg
from techflows.monitor.analyst_table import read_analyst_table
from techflows.monitor.rules import NO_DATA, REPORTED, SCORED, STATUSES, Measure, Signal
from techflows.track import asof

COLUMNS = ["week_end", "signal", "value", "status"]
NET_SCORE, SCENARIO = "net_score", "scenario"
DRIFT_T, BREADTH, REGIME = "drift_t", "breadth", "regime"
NOTIONAL = "notional_rank"
FLOW_Z = "flow_z"  # one signal per tech fund: "flow_z QQQ"
ABOVE, ZERO, BELOW = "above zero", "zero", "below zero"
BROAD, NARROW = "broad", "narrow"
RECORD, NOT_RECORD = "record", "not a record"
ORDINAL = {"bull": 1.0, "base": 0.0, "bear": -1.0}  # a reading as a number: bull > base > bear
SEMIS = "semis_rs"
FLOW_WINDOWS = {f"flows_{n}w": f"{n}w" for n in sg.FLOW_WINDOWS}
# The checklist signals measured from prices and rates whose source has no alternatives.
PLAIN = ("ew_tech", "ew_market", "real_yield", "fed_target", "highs_share", "adv_dec")


@dataclass(frozen=True)
class Spec:
    """A signal of the history: what it is, its unit, how it is read, the states it takes."""

    key: str
    label: str
    unit: str
    direction: int  # +1: higher values read as better for tech, -1: lower, 0: no reading
    states: tuple[str, ...] = ()  # statuses scored as states, best reading first
    short: str = ""  # a name for sentences

    @property
    def name(self) -> str:
        """The short name, else the label."""
        return self.short or self.label


SHORT = {
    "eps_revisions": "earnings revisions",
    "guidance": "guidance cadence",
    "ew_tech": "equal- vs cap-weight tech",
    "ew_market": "equal- vs cap-weight S&P 500",
    "semis_rs": "semiconductors vs the market",
    "semis_orders": "chip orders",
    "real_yield": "the real yield's 13-week change",
    "fed_target": "the Fed target's 26-week change",
    "flows_4w": "4-week tech ETF flows",
    "flows_8w": "8-week tech ETF flows",
    "highs_share": "tech stocks at 52-week highs",
    "adv_dec": "advancers vs decliners",
    "filings_13f": "13F filings",
}


def _checklist_spec(signal: Signal) -> Spec:
    direction = 1 if signal.rule.higher_is_better else -1
    unit = signal.rule.unit.strip()
    return Spec(signal.key, signal.label, unit, direction, SCORED, SHORT.get(signal.key, ""))


SPECS: tuple[Spec, ...] = (
    Spec(
        NET_SCORE,
        "Checklist net score (green - red) / measured",
        "score",
        1,
        (ABOVE, ZERO, BELOW),
        "the checklist's net score",
    ),
    *(_checklist_spec(s) for s in sg.SIGNALS),
    Spec(
        SCENARIO,
        "Scenario reading, seed 002's conditions on the checklist (+1 bull, 0 base, -1 bear)",
        "reading",
        1,
        (*regimes.SCENARIOS, scenarios.UNDETERMINED),
        "the scenario reading",
    ),
    Spec(
        DRIFT_T,
        f"t-statistic of tech's {regimes.DRIFT_WEEKS}-week drift against the market",
        "t",
        1,
        (regimes.LEADING, regimes.NO_DRIFT, regimes.LAGGING),
        f"tech's {regimes.DRIFT_WEEKS}-week drift",
    ),
    Spec(
        BREADTH,
        "Tech stocks at a 52-week high, the week's share (regimes)",
        "%",
        1,
        (BROAD, NARROW),
        "breadth (the weekly share at highs)",
    ),
    Spec(
        REGIME,
        "Drift-and-breadth class of the week (+1 bull, 0 base, -1 bear)",
        "reading",
        1,
        regimes.SCENARIOS,
        "the drift-and-breadth class",
    ),
    Spec(
        NOTIONAL,
        "Tech notional: rank of the latest week in its trailing window (1 = largest)",
        "rank",
        0,
        (RECORD, NOT_RECORD),
        "the notional rank",
    ),
)
BY_KEY = {s.key: s for s in SPECS}


def spec(key: str) -> Spec:
    """The Spec of a signal key of the history (flow z-scores: 'flow_z QQQ')."""
    if key in BY_KEY:
        return BY_KEY[key]
    if key.startswith(f"{FLOW_Z} "):
        fund = key.split(" ", 1)[1]
        label = f"{fund} weekly net flow, z-score against its own weeks"
        return Spec(key, label, "sd", 0, short=f"{fund}'s weekly flow z-score")
    raise DataError(f"track record: no signal {key!r}")


def report_dates(src: Source, week_end: str = wk.DEFAULT) -> pd.DatetimeIndex:
    """Every week end from the first week both proxies have prices to the source's end."""
    first = rates.proxy_closes(src).index[0]
    start = wk.containing(first, week_end)
    step = pd.offsets.Week(weekday=wk.weekday(week_end))
    return pd.date_range(start, src.end, freq=step, name="week_end")


def history(
    src: Source,
    week_end: str = wk.DEFAULT,
    years: int = 10,
    dates: Iterable[object] | None = None,
    analyst: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Every headline signal as a report dated at each date would show it: week_end (the
    report's date), signal, value, status; tidy, full precision.

    dates: the report dates (default report_dates: every week end). years: the notional
    rank's trailing window (lookback_years). Each signal's rows start at its first value.
    """
    wk.weekday(week_end)
    dates = report_dates(src, week_end) if dates is None else pd.DatetimeIndex(dates)
    dates = dates[dates <= src.end]
    ends = asof.report_ends(src, dates)
    tables = _flow_tables(src, week_end)
    frames = _checklist(src, week_end, dates, ends, tables, analyst)
    frames |= _combined(frames)
    frames |= _regime(src, week_end, dates)
    frames |= _notional(src, week_end, years, dates)
    frames |= _flow_z(week_end, dates, tables)
    out = _tidy(frames, dates)
    out.attrs.update({"source": src.name, "end": src.end})  # what a gap in it names
    return out


def _tidy(frames: dict[str, pd.DataFrame], dates: pd.DatetimeIndex) -> pd.DataFrame:
    parts = []
    for key, frame in frames.items():
        frame = frame.reindex(dates)
        started = frame["value"].notna() | ~frame["status"].isin([NO_DATA, ""])
        if key == SCENARIO and NET_SCORE in frames:  # undetermined from the checklist's start
            started = frames[NET_SCORE]["value"].reindex(dates).notna()
        if not started.any():
            continue
        frame = frame.loc[started.idxmax() :]
        parts.append(
            pd.DataFrame(
                {
                    "week_end": frame.index,
                    "signal": key,
                    "value": frame["value"].to_numpy(dtype=float),
                    "status": frame["status"].fillna(NO_DATA).astype(str).to_numpy(),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    return out[COLUMNS]


# The checklist


def _rated(signal: Signal, seen: pd.DataFrame, ends: pd.DatetimeIndex) -> pd.DataFrame:
    """value and status of a measured signal at each date: its rule, no data when stale."""
    old = asof.stale(pd.DatetimeIndex(seen["date"]), ends)
    status = [
        NO_DATA if is_old else signal.rule.status(value)
        for value, is_old in zip(seen["value"], old, strict=True)
    ]
    return pd.DataFrame({"value": seen["value"], "status": status}, index=seen.index)


def _checklist(
    src: Source,
    week_end: str,
    dates: pd.DatetimeIndex,
    ends: pd.DatetimeIndex,
    tables: dict[str, object] | None,
    analyst: pd.DataFrame | str | Path | None,
) -> dict[str, pd.DataFrame]:
    """Each checklist signal's value and status at each date, in the checklist's order."""
    plain = tuple(s for s in sg.SIGNALS if s.key in PLAIN)
    measures = ck.measure_signals(src, week_end, plain)
    seen = {}
    for signal in plain:
        measure = measures[signal.key]
        series = measure.series if isinstance(measure, Measure) else None
        seen[signal.key] = asof.last_values(series, dates)
    seen[SEMIS] = _semis(src, dates)
    seen |= _flow_windows(week_end, dates, tables)
    out = {}
    for signal in sg.SIGNALS:
        if signal.key in seen:
            out[signal.key] = _rated(signal, seen[signal.key], ends)
    analyst_view = _analyst(analyst, dates, ends)
    return {s.key: out.get(s.key, analyst_view.get(s.key)) for s in sg.SIGNALS}


def _semis(src: Source, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """The semiconductor signal at each date, measured on the fund Source.preferred picks on
    the data up to that date (freshness.preferred: the first fund within the limit of the
    freshest)."""
    funds = src.bars(config.SEMIS_FUNDS)
    market = src.market_ticker
    if not funds or not src.available([market]):
        return asof.last_values(None, dates)
    views = {f: asof.last_values(sg.relative_3m(src, (f,), market).series, dates) for f in funds}
    lasts = pd.DataFrame({f: asof.last_dates(b.index, dates) for f, b in funds.items()})
    chosen = freshness.preferred_each(lasts).to_numpy()
    out = asof.last_values(None, dates)
    for fund, view in views.items():
        mine = chosen == fund
        out.loc[mine, ["date", "value"]] = view.loc[mine, ["date", "value"]]
    return out


def _analyst(
    analyst: pd.DataFrame | str | Path | None, dates: pd.DatetimeIndex, ends: pd.DatetimeIndex
) -> dict[str, pd.DataFrame]:
    """The analyst-table signals as each report shows them (checklist.analyst_rows at its
    end). Their rows change only on an entry's date and on the day it turns stale, so each
    date takes the rows of the last such day up to its end."""
    table = (
        analyst
        if isinstance(analyst, pd.DataFrame)
        else read_analyst_table(analyst, ck.ANALYST_KEYS)
    )
    first = ends.min()
    turns = pd.DatetimeIndex(
        [*table["date"], *(table["date"] + pd.Timedelta(days=ck.STALE_DAYS + 1))]
    )
    points = pd.DatetimeIndex(sorted({first, *turns[turns > first]}))
    rows = [ck.analyst_rows(table, point).set_index("key") for point in points]
    at = points.searchsorted(ends.fillna(first), side="right") - 1
    out = {}
    for key in ck.ANALYST_KEYS:
        values = np.array([r.at[key, "value"] for r in rows], dtype=float)[at]
        statuses = np.array([r.at[key, "status"] for r in rows], dtype=object)[at]
        out[key] = pd.DataFrame({"value": values, "status": statuses}, index=dates)
    return out


# Fund flows: the checklist's 4- and 8-week sums and the funds' z-scores


def _flow_tables(src: Source, week_end: str) -> dict[str, object] | None:
    """The flow file's weekly sums per fund (whole weeks), its rows, calendar and classes."""
    try:
        daily = src.flows()
        listed = src.flows(blank=True)
    except DataUnavailable:
        return None
    calendar = flows.sessions(src)
    by_fund = flows.weekly_by_fund(daily, week_end, calendar)
    classes = flows.classify(daily["ticker"].unique(), src.universe)
    return {
        "by_fund": by_fund,
        "listed": listed.sort_values("date", kind="stable"),
        "calendar": calendar,
        "reported": pd.DatetimeIndex(sorted(daily["date"].unique())),
        "tech": list(classes.index[classes["class"] == "tech"]),
        "masked": rotation.weekly_flows(src, week_end),
    }


def _flow_windows(
    week_end: str, dates: pd.DatetimeIndex, tables: dict[str, object] | None
) -> dict[str, pd.DataFrame]:
    """flows_4w and flows_8w at each date (signals.tech_flow_windows on the data up to it):
    tech-class funds' weekly flows over the weeks complete on that date, without the funds
    flows.sparse_funds leaves out of sums on those weeks."""
    out = {key: asof.last_values(None, dates) for key in FLOW_WINDOWS}
    if tables is None:
        return out
    by_fund: pd.DataFrame = tables["by_fund"]
    listed: pd.DataFrame = tables["listed"]
    calendar = tables["calendar"]
    wide = by_fund.pivot(index="week_end", columns="ticker", values="flow_usd")
    seen = asof.seen_weeks(wide.index, tables["reported"], dates, week_end, calendar)
    listed_up_to = listed["date"].searchsorted(dates, side="right")
    left_out: dict[tuple[pd.Timestamp, int], frozenset[str]] = {}
    sums: dict[frozenset[str], pd.DataFrame | None] = {}
    for i, week in enumerate(seen):
        if pd.isna(week):
            continue
        key = (week, int(listed_up_to[i]))
        if key not in left_out:
            whole = by_fund[by_fund["week_end"] <= week]
            rows = listed.iloc[: key[1]]
            left_out[key] = frozenset(flows.sparse_funds(whole, rows, week_end, calendar))
        summed = left_out[key]
        if summed not in sums:
            sums[summed] = _tech_windows(wide, tables["tech"], summed, week_end)
        windows = sums[summed]
        if windows is None:
            continue
        for signal, column in FLOW_WINDOWS.items():
            known = windows[column].loc[:week].dropna()
            if len(known):
                out[signal].iloc[i] = [known.index[-1], float(known.iloc[-1])]
    return out


def _tech_windows(
    wide: pd.DataFrame, tech: list[str], left_out: frozenset[str], week_end: str
) -> pd.DataFrame | None:
    """Weekly tech-class flows (USD bn) summed over the funds not left out, and their rolling
    sums (signals.tech_flow_windows); None when no tech fund is summed."""
    summed = [t for t in tech if t in wide.columns and t not in left_out]
    if not summed:
        return None
    weekly = (wide[summed].sum(axis=1).asfreq(week_end)) / 1e9
    return pd.DataFrame(
        {
            f"{n}w": weekly.rolling(n, min_periods=n).sum()
            for n in (int(c[:-1]) for c in FLOW_WINDOWS.values())
        }
    )


def _flow_z(
    week_end: str, dates: pd.DatetimeIndex, tables: dict[str, object] | None
) -> dict[str, pd.DataFrame]:
    """Each tech fund's latest weekly flow as a z-score against its own weeks up to each date
    (rotation.flow_zscores: the mean and sd of all its weeks, at least three)."""
    if tables is None:
        return {}
    masked: pd.DataFrame = tables["masked"]
    seen = asof.seen_weeks(masked.index, tables["reported"], dates, week_end, tables["calendar"])
    out = {}
    for fund in [t for t in tables["tech"] if t in masked.columns]:
        weekly = masked[fund].dropna()
        count = weekly.expanding().count()
        mean, sd = weekly.expanding().mean(), weekly.expanding().std()
        z = ((weekly - mean) / sd.where(sd > 0)).where(count >= 3)
        latest = asof.last_dates(weekly.index, seen)
        value = z.reindex(latest).to_numpy(dtype=float)
        frame = pd.DataFrame({"value": value, "status": ""}, index=dates)
        frame.loc[frame["value"].isna(), "status"] = NO_DATA
        out[f"{FLOW_Z} {fund}"] = frame
    return out


# The net score and the scenario reading, from each date's statuses


def _combined(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The net score (checklist.concordance, once per distinct count of statuses) and the
    scenario reading (scenarios.readings_of) of each date's checklist statuses."""
    statuses = pd.DataFrame({key: frame["status"] for key, frame in frames.items()})
    counts = pd.DataFrame(
        {s: (statuses == s).sum(axis=1) for s in (*STATUSES, REPORTED)}, index=statuses.index
    )
    nets = {}
    for row in counts.drop_duplicates().itertuples(index=False):
        items = pd.DataFrame({"status": np.repeat(counts.columns, list(row))})
        nets[tuple(row)] = float(ck.concordance(items)["net_score"])
    net = np.array([nets[tuple(row)] for row in counts.itertuples(index=False)])
    net_status = np.where(net > 0, ABOVE, np.where(net < 0, BELOW, ZERO))
    read = scenarios.readings_of(statuses)
    return {
        NET_SCORE: pd.DataFrame(
            {"value": net, "status": np.where(np.isnan(net), NO_DATA, net_status)},
            index=statuses.index,
        ),
        SCENARIO: pd.DataFrame(
            {"value": read["scenario"].map(ORDINAL).astype(float), "status": read["scenario"]},
            index=statuses.index,
        ),
    }


# Drift, breadth and the weekly class (section 04's regimes.current)


def _regime(src: Source, week_end: str, dates: pd.DatetimeIndex) -> dict[str, pd.DataFrame]:
    """regimes.current of a report dated at each date: the last week with a drift and, where
    the data up to that date have constituent prices, breadth (without, the drift decides)."""
    closes = rates.period_closes(src, week_end)
    seen_drift = asof.seen_weeks(closes.index, rates.proxy_closes(src).index, dates, week_end)
    drift_only = _readings(src, week_end, None)
    with_breadth = None
    try:
        daily = breadth.share_at_highs(breadth.sector_internals(src)).dropna()
        share = scenarios.weekly_breadth(src, week_end)
        with_breadth = _readings(src, week_end, share)
        seen_share = asof.seen_weeks(share.index, daily.index, dates, week_end)
    except DataUnavailable:
        seen_share = pd.DatetimeIndex([pd.NaT] * len(dates))
    # A report reads breadth once the data up to its date hold a week with a share (members
    # with 52 weeks of closes); before, scenarios.weekly_breadth is not available there and
    # the drift alone decides, as without members.
    use_breadth = np.asarray(seen_share.notna())
    both = np.minimum(seen_drift.to_numpy(), seen_share.to_numpy())  # NaT when either is
    values = {key: np.full(len(dates), np.nan) for key in (DRIFT_T, BREADTH, REGIME)}
    states = {key: np.full(len(dates), NO_DATA, dtype=object) for key in values}
    for readings, mine, limit in (
        (with_breadth, use_breadth, both),
        (drift_only, ~use_breadth, seen_drift.to_numpy()),
    ):
        if readings is None or not mine.any():
            continue
        at = asof.positions(readings.index, pd.DatetimeIndex(limit[mine]))
        found = at >= 0
        rows = readings.iloc[at[found]]
        where = np.flatnonzero(mine)[found]
        values[DRIFT_T][where] = rows["t"].to_numpy(dtype=float)
        states[DRIFT_T][where] = rows["state"].to_numpy(dtype=object)
        share = rows["share_at_highs"].to_numpy(dtype=float)
        narrow = np.where(rows["narrow_breadth"].to_numpy(dtype=bool), NARROW, BROAD)
        values[BREADTH][where] = share
        states[BREADTH][where] = np.where(np.isfinite(share), narrow, NO_DATA)
        values[REGIME][where] = rows["reading"].map(ORDINAL).to_numpy(dtype=float)
        states[REGIME][where] = rows["reading"].to_numpy(dtype=object)
    return {
        key: pd.DataFrame({"value": values[key], "status": states[key]}, index=dates)
        for key in values
    }


def _readings(src: Source, week_end: str, share: pd.Series | None) -> pd.DataFrame | None:
    try:
        return scenarios.weekly_readings(src, week_end, share)
    except (DataError, DataUnavailable):  # too few weeks for a drift up to the source's end
        return None


# Notional buying (section 01's rank of the latest week)


def _notional(
    src: Source, week_end: str, years: int, dates: pd.DatetimeIndex
) -> dict[str, pd.DataFrame]:
    """The notional rank a report dated at each date shows: of S&P 500 IT members' dollar
    volume where the data up to that date have them, else of the tech ETFs that traded by then,
    else ^IXIC (notional.tech_dollar_volume's order)."""
    out = pd.DataFrame({"value": np.nan, "status": NO_DATA}, index=dates)
    for group, since in _notional_groups(src):
        close, volume = group
        daily = notional.daily_notional(close, volume)
        ranked = notional.notional_rank(notional.weekly_notional(close, volume, week_end), years)
        start, until = since
        inside = np.ones(len(dates), dtype=bool)
        if start is not None:
            inside &= np.asarray(dates >= start)
        if until is not None:
            inside &= np.asarray(dates < until)
        if not inside.any() or ranked.empty:
            continue
        seen = asof.seen_weeks(ranked.index, daily.index, dates[inside], week_end)
        shown = ranked.reindex(seen)
        status = np.where(shown["is_record"].fillna(False).astype(bool), RECORD, NOT_RECORD)
        out.loc[inside, "value"] = shown["rank"].to_numpy(dtype=float)
        out.loc[inside, "status"] = np.where(shown["rank"].notna(), status, NO_DATA)
    return {NOTIONAL: out}


def _notional_groups(src: Source) -> list[tuple[tuple[pd.DataFrame, pd.DataFrame], tuple]]:
    """Each group notional.tech_dollar_volume can fall back to, with the dates [from, to) a
    report would use it (None: open): the IT members from their first price; before, the tech
    ETFs with volume by then (one group per fund that joins); before any, ^IXIC."""
    groups = []
    end = None
    try:
        close = breadth.sector_close(src)
        volume = src.constituent_volume(close.columns)
        start = close.dropna(how="all").index[0]
        groups.append(((close, volume), (start, end)))
        end = start
    except DataUnavailable:
        pass
    funds = src.bars(uni.tickers(src.universe, group="tech_etf"))
    traded = {
        t: b["Volume"].index[b["Volume"].gt(0).to_numpy()][0]
        for t, b in funds.items()
        if "Volume" in b and b["Volume"].gt(0).any()
    }
    joins = sorted(set(traded.values()))
    joins = [day for day in joins if end is None or day < end]
    for i, start in enumerate(joins):
        members = [t for t, first in traded.items() if first <= start]
        close = pd.DataFrame({t: funds[t]["Close"] for t in members})
        volume = pd.DataFrame({t: funds[t]["Volume"] for t in members})
        until = joins[i + 1] if i + 1 < len(joins) else end
        groups.append(((close, volume), (start, until)))
    first_etf = joins[0] if joins else end
    index = src.bars(["^IXIC"]).get("^IXIC")
    if index is not None and "Volume" in index:
        groups.append(
            (
                (
                    index[["Close"]].set_axis(["^IXIC"], axis=1),
                    index[["Volume"]].set_axis(["^IXIC"], axis=1),
                ),
                (None, first_etf),
            )
        )
    return groups
