"""Seed 002's investor checklist: each signal's latest value rated green/amber/red by its rule.

Measured signals come from monitor.signals; where a source lacks one, the dated entry of the
analyst table stands in. Only observed entries vote: a figure the articles or companies reported
is shown with the status 'reported, not scored' and stays out of the concordance and the
scenario conditions. The concordance counts the votes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from techflows.analysis.markets import last_years
from techflows.data import freshness
from techflows.data.source import Source
from techflows.errors import DataUnavailable
from techflows.monitor import analyst_table
from techflows.monitor.analyst_table import analyst_entries, read_analyst_table
from techflows.monitor.rules import (
    AMBER,
    GREEN,
    NO_DATA,
    NO_TREND,
    RED,
    REPORTED,
    SCORED,
    STATUSES,
    TREND_DAYS,
    Measure,
    Rule,
    Signal,
)
from techflows.monitor.signals import ANALYST_KEYS, SIGNALS

# Analyst entries (and data) older than this vs as_of do not vote: the project's one limit.
STALE_DAYS = freshness.STALE_DAYS
ANALYST_INPUT = "analyst table"


def _row(spec: Signal, **fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "key": spec.key,
        "item": spec.item,
        "signal": spec.label,
        "value": math.nan,
        "unit": spec.rule.unit.strip(),
        "shown": "—",
        "rule": spec.rule.describe(),
        "status": NO_DATA,
        "trend": NO_TREND,
        "as_of": pd.NaT,
        "age_days": math.nan,
        "stale": False,
        "source": "",
        "note": "",
        "inputs": "",
    }
    row.update(fields)
    return row


def _measured_row(signal: Signal, measure: Measure, end: pd.Timestamp, stale_days: int) -> dict:
    series = measure.series.dropna()
    label = measure.label or signal.label
    if series.empty:
        return _row(signal, signal=label, source=measure.source, note=measure.note)
    date, value = series.index[-1], float(series.iloc[-1])
    history = (measure.trend if measure.trend is not None else measure.series).dropna()
    before = history.asof(history.index[-1] - pd.Timedelta(days=TREND_DAYS))
    age = freshness.age_days(date, end)
    stale = freshness.is_stale(date, end, stale_days)
    shown = signal.rule.show(value) + (f" ({measure.detail})" if measure.detail else "")
    return _row(
        signal,
        signal=label,
        value=value,
        shown=shown,
        status=NO_DATA if stale else signal.rule.status(value),
        trend=signal.rule.trend(float(history.iloc[-1]), float(before)),
        as_of=date,
        age_days=age,
        stale=stale,
        source=measure.source + (f"; stale: {age} days old" if stale else ""),
        inputs="; ".join(measure.inputs),
    )


def _analyst_row(signal: Signal, entries: pd.DataFrame, end: pd.Timestamp, gap: str) -> dict:
    """The latest observed entry of the signal, rated by its rule; else the latest reported one.

    A reported entry (a figure from the articles or companies) is shown, never scored.
    """
    mine = entries[entries["item"] == signal.key]
    if mine.empty:
        return _row(signal, source=f"analyst table: no entry on or before {end.date()}", note=gap)
    observed = mine[mine["basis"] == analyst_table.OBSERVED]
    reported = observed.empty
    entry = (mine if reported else observed).iloc[-1]
    value = float(entry["value"])
    shown = signal.rule.show(value) if math.isfinite(value) else "no figure"
    source = f"analyst table, {entry['basis']}, dated {entry['date'].date()}"
    if entry["stale"]:
        source += f" (stale: {entry['age_days']} days old)"
    fields: dict[str, object] = {
        "value": value,
        "as_of": entry["date"],
        "age_days": int(entry["age_days"]),
        "stale": bool(entry["stale"]),
        "source": f"{source}: {entry['source']}" if entry["source"] else source,
        "note": entry["note"],
        "inputs": ANALYST_INPUT,
    }
    if reported:
        return _row(signal, shown=f"{shown} (reported)", status=REPORTED, **fields)
    status = signal.rule.status(value) if math.isfinite(value) else entry["status"]
    earlier = observed["value"].iloc[:-1].dropna()
    trend = signal.rule.trend(value, float(earlier.iloc[-1])) if len(earlier) else NO_TREND
    return _row(
        signal,
        shown=shown,
        status=NO_DATA if entry["stale"] else status,
        trend=trend,
        **fields,
    )


Measures = Mapping[str, Measure | DataUnavailable]  # signal key -> measure, or why it is missing


def measure_signals(
    src: Source, week_end: str = "W-FRI", signals: tuple[Signal, ...] = SIGNALS
) -> dict[str, Measure | DataUnavailable]:
    """Each signal's measure from the source, or why the source lacks it (keyed by signal key).

    Signals without a measure (analyst-table only) are left out.
    """
    measures: dict[str, Measure | DataUnavailable] = {}
    for signal in signals:
        if signal.measure is None:
            continue
        try:
            measures[signal.key] = signal.measure(src, week_end)
        except DataUnavailable as missing:
            measures[signal.key] = missing
    return measures


def checklist(
    src: Source,
    week_end: str = "W-FRI",
    analyst: pd.DataFrame | str | Path | None = None,
    stale_days: int = STALE_DAYS,
    signals: tuple[Signal, ...] = SIGNALS,
    measures: Measures | None = None,
) -> pd.DataFrame:
    """One row per checklist signal: value, rule, status, trend (vs 4 weeks earlier), source.

    Analyst entries after the source's as-of date are ignored; entries (and data) older than
    stale_days count as 'no data' and say so in the source column. Pass measures (from
    measure_signals) to reuse signals already measured.
    """
    end = src.end
    table = (
        analyst if isinstance(analyst, pd.DataFrame) else read_analyst_table(analyst, ANALYST_KEYS)
    )
    entries = analyst_entries(table, end, stale_days)
    if len(entries):
        src.note_input(ANALYST_INPUT, entries["date"].max())
    if measures is None:
        measures = measure_signals(src, week_end, signals)
    rows = []
    for signal in signals:
        measure = measures.get(signal.key)
        if isinstance(measure, Measure):
            rows.append(_measured_row(signal, measure, end, stale_days))
            continue
        gap = str(measure) if isinstance(measure, DataUnavailable) else ""
        if signal.analyst:
            rows.append(_analyst_row(signal, entries, end, gap))
        else:
            rows.append(_row(signal, source="not in this source", note=gap))
    return pd.DataFrame(rows)


def analyst_rows(
    table: pd.DataFrame, end: pd.Timestamp, stale_days: int = STALE_DAYS
) -> pd.DataFrame:
    """The rows of the analyst-table signals as a report ending on `end` shows them (entries
    up to end, stale beyond stale_days): the same rows checklist gives a historical run."""
    entries = analyst_entries(table, end, stale_days)
    return pd.DataFrame([_analyst_row(s, entries, end, "") for s in SIGNALS if s.analyst])


def history_ranges(
    measures: Measures, years: int | None = None, min_points: int = 52
) -> pd.DataFrame:
    """Each measured signal's own history: 10th, 50th, 90th percentile and today's rank in it.

    measures: from measure_signals. Puts the fixed thresholds in context; signals with fewer
    than min_points values (a few weeks of flows, live EPS) are left out.
    """
    rows = []
    for signal in signals_with_history():
        measure = measures.get(signal.key)
        if not isinstance(measure, Measure):
            continue
        series = last_years(measure.series.dropna(), years)
        if len(series) < min_points:
            continue
        rows.append(
            {
                "signal": measure.label or signal.label,
                "since": series.index[0],
                "p10": series.quantile(0.10),
                "median": series.median(),
                "p90": series.quantile(0.90),
                "now": series.iloc[-1],
                "now_percentile": 100 * (series <= series.iloc[-1]).mean(),
                "rule": signal.rule.describe(),
            }
        )
    return pd.DataFrame(rows)


def rule(key: str) -> Rule:
    """A checklist signal's rule, by its key."""
    return next(s.rule for s in SIGNALS if s.key == key)


def signals_with_history() -> list[Signal]:
    """The signals measured from market data (not from the analyst table)."""
    return [s for s in SIGNALS if s.measure is not None and not s.analyst]


def voting_inputs(items: pd.DataFrame) -> tuple[str, ...]:
    """The input ledger's names behind the signals that vote (green, amber or red)."""
    voting = items.loc[items["status"].isin(SCORED), "inputs"]
    names = [name for joined in voting for name in str(joined).split("; ") if name]
    return tuple(dict.fromkeys(names))


def from_analyst_table(items: pd.DataFrame) -> pd.Series:
    """Which checklist rows were read from the analyst table (not measured from the source)."""
    return items["source"].str.startswith("analyst table")


def concordance(items: pd.DataFrame) -> pd.Series:
    """Counts by status, measured signals, net score (green - red) / measured, majority share.

    Reported figures ('reported, not scored') are counted apart and never vote.
    """
    counts = items["status"].value_counts().reindex([*STATUSES, REPORTED], fill_value=0)
    green, amber, red, missing = (int(counts[s]) for s in STATUSES)
    measured = green + amber + red
    votes = {GREEN: green, AMBER: amber, RED: red}
    top = max(votes.values())
    majority = "/".join(s for s, n in votes.items() if n == top) if measured else NO_DATA
    return pd.Series(
        {
            "signals": len(items),
            "green": green,
            "amber": amber,
            "red": red,
            "no_data": missing,
            "reported": int(counts[REPORTED]),
            "measured": measured,
            "net_score": (green - red) / measured if measured else math.nan,
            "majority": majority,
            "majority_share": top / measured if measured else math.nan,
        },
        dtype=object,
    )


LEADING_INDICATORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Earnings and guidance", "Beat/miss patterns of cloud, software and chip companies", ()),
    ("Earnings and guidance", "Cloud/AI revenue guidance, ARR, AI gross margins", ("guidance",)),
    ("Earnings and guidance", "EPS estimate revisions", ("eps_revisions",)),
    ("Capex and chip cycle", "Hyperscaler capex, chip orders and bookings", ("semis_orders",)),
    ("Capex and chip cycle", "Chipmakers' price leadership", ("semis_rs",)),
    ("Fed, inflation, real yields", "Fed decisions and the rate path", ("fed_target",)),
    ("Fed, inflation, real yields", "10-year real yield (TIPS)", ("real_yield",)),
    ("Breadth and rotation", "Equal- vs cap-weight performance", ("ew_tech", "ew_market")),
    ("Breadth and rotation", "Tech stocks at 52-week highs", ("highs_share",)),
    ("Breadth and rotation", "Advancers vs decliners", ("adv_dec",)),
    ("Sentiment and flows", "Net ETF flows into tech and AI funds", ("flows_4w", "flows_8w")),
    ("Sentiment and flows", "Options positioning (skew, put/call)", ()),
    ("Sentiment and flows", "13F institutional repositioning", ("filings_13f",)),
)


def leading_indicators(items: pd.DataFrame) -> pd.DataFrame:
    """Seed 002's leading indicators, the checklist signals that measure them, and their status."""
    by_key = items.set_index("key")
    rows = []
    for group, indicator, keys in LEADING_INDICATORS:
        readings = [f"{by_key.loc[k, 'signal']}: {by_key.loc[k, 'status']}" for k in keys]
        rows.append(
            {
                "group": group,
                "indicator": indicator,
                "measured by": "; ".join(readings) if readings else "no source in this project",
            }
        )
    return pd.DataFrame(rows)
