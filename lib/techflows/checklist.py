"""Seed 002's investor checklist: each signal measured, rated green/amber/red by an explicit rule.

Price, rate, flow and breadth signals are measured from the source; items no public price or
rate source gives (guidance, 13F, chip orders, and EPS revisions offline) come from the
analyst-maintained table data/analyst_signals.csv, with the date of each entry.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from techflows import breadth, fed, flows
from techflows import universe as uni
from techflows.analyst_table import (
    AMBER,
    GREEN,
    NO_DATA,
    RED,
    STATUSES,
    analyst_entries,
    read_analyst_table,
)
from techflows.data import Source
from techflows.errors import DataUnavailable
from techflows.markets import last_years
from techflows.sources.base import FLOWS_PROVIDER, PRICES_PROVIDER, YAHOO_PROVIDER

IMPROVING, WORSENING, FLAT, NO_TREND = "improving", "worsening", "flat", "n/a"

TREND_DAYS = 28  # trend: the value now against the value four weeks earlier
STALE_DAYS = 45  # analyst entries (and data) older than this vs as_of do not vote
QUARTER_DAYS = 63  # trading days in three months
FLOW_WINDOWS = (4, 8)  # weeks


@dataclass(frozen=True)
class Rule:
    """Green at or beyond `green`, red at or beyond `red`, amber between (direction from order)."""

    green: float
    red: float
    unit: str
    flat: float = 0.0  # changes within +-flat count as a flat trend
    fmt: str = "{:+.2f}"

    @property
    def higher_is_better(self) -> bool:
        """True when larger values are greener."""
        return self.green > self.red

    def status(self, value: float) -> str:
        """green, amber or red for a value; 'no data' when it is missing."""
        if value is None or not math.isfinite(value):
            return NO_DATA
        if self.higher_is_better:
            return GREEN if value >= self.green else RED if value <= self.red else AMBER
        return GREEN if value <= self.green else RED if value >= self.red else AMBER

    def trend(self, now: float, before: float) -> str:
        """improving, worsening or flat (within the flat band) from before to now."""
        if not all(v is not None and math.isfinite(v) for v in (now, before)):
            return NO_TREND
        change = now - before
        if abs(change) <= self.flat:
            return FLAT
        better = change > 0 if self.higher_is_better else change < 0
        return IMPROVING if better else WORSENING

    def show(self, value: float) -> str:
        """A value in this rule's format and unit."""
        return f"{self.fmt.format(value)}{self.unit}" if math.isfinite(value) else "—"

    def describe(self) -> str:
        """The thresholds in words, e.g. 'green ≥ +2.00%, red ≤ -2.00%, amber between'."""
        ge, le = ("≥", "≤") if self.higher_is_better else ("≤", "≥")
        return f"green {ge} {self.show(self.green)}, red {le} {self.show(self.red)}, amber between"


@dataclass
class Measure:
    """A signal's history (in its rule's unit), what fed it, and context for its latest value."""

    series: pd.Series
    source: str
    detail: str = ""
    trend: pd.Series | None = None  # what the trend compares, when not the series itself
    label: str = ""  # replaces the signal's label (e.g. when a proxy stands in)
    note: str = ""


@dataclass(frozen=True)
class Signal:
    """One checklist row: the seed's item, what is measured, its rule and how it is measured."""

    key: str
    item: str
    label: str
    rule: Rule
    measure: Callable[[Source, str], Measure] | None = None
    analyst: bool = False  # read from the analyst table (when the measure is missing)


def _change(series: pd.Series, days: int) -> pd.Series:
    """Change of a level series over the last `days` calendar days (NaN before enough history)."""
    prior = series.asof(series.index - pd.Timedelta(days=days))
    return pd.Series(series.to_numpy() - prior.to_numpy(), index=series.index)


def _relative_3m(src: Source, numerators: tuple[str, ...], denominator: str) -> Measure:
    """Three-month return of the first available numerator relative to the denominator, percent."""
    found = src.available([*numerators, denominator])
    top = next((t for t in numerators if t in found), None)
    if top is None or denominator not in found:
        what = f"Prices for {' or '.join(numerators)} and {denominator}"
        raise DataUnavailable(what, src.name, PRICES_PROVIDER)
    closes = src.close([top, denominator])
    ratio = (closes[top] / closes[denominator]).dropna()
    relative = 100 * ratio.pct_change(QUARTER_DAYS)
    return Measure(relative, f"{top} / {denominator} closes ({src.name})")


def _equal_weight_tech(src: Source, week_end: str) -> Measure:
    return _relative_3m(src, ("RSPT",), "XLK")


def _equal_weight_market(src: Source, week_end: str) -> Measure:
    return _relative_3m(src, ("RSP",), "SPY")


def _semis_strength(src: Source, week_end: str) -> Measure:
    return _relative_3m(src, ("SMH", "SOXX"), src.market_ticker)


def _series(src: Source, sid: str) -> pd.Series:
    series = src.series([sid])[sid].dropna()
    if series.empty:
        raise DataUnavailable(f"Series {sid}", src.name, "fred (online) or fred/<SERIES>.csv")
    return series


def _real_yield(src: Source, week_end: str) -> Measure:
    """DFII10's 13-week change; Moody's AAA (nominal, monthly) stands in when DFII10 is missing."""
    try:
        level = _series(src, "DFII10")
        source, label = "FRED DFII10 (10-year TIPS yield)", ""
    except DataUnavailable as gap:
        try:
            level = _series(src, "AAA")
        except DataUnavailable:
            raise gap from None
        source = "Moody's AAA corporate yield, monthly (nominal proxy: no real yield here)"
        label = "Moody's AAA yield (nominal proxy), 13-week change"
    four = _change(level, TREND_DAYS).iloc[-1]
    detail = f"level {level.iloc[-1]:.2f}%, 4-week change {four:+.2f} pp"
    return Measure(_change(level, 91), source, detail, trend=level, label=label)


def _fed_target(src: Source, week_end: str) -> Measure:
    """Change of the upper bound of the Fed's target range (or fed.py's proxy) over 26 weeks."""
    path = fed.policy_path(src)
    upper = path["upper"].dropna()
    proxy = path.attrs.get("kind") != "target range"
    label = f"{path.attrs['short']}, 26-week change" if proxy else ""
    detail = f"{'proxy' if proxy else 'upper bound'} now {upper.iloc[-1]:.2f}%"
    return Measure(_change(upper, 182), path.attrs["label"], detail, trend=upper, label=label)


def tech_flow_windows(src: Source, week_end: str = "W-FRI") -> pd.DataFrame:
    """Weekly net flows of tech-class ETFs and their rolling 4- and 8-week sums, in $bn.

    Complete weeks only; weeks without data are NaN and a window needs every week in it.
    attrs: tickers (the funds summed).
    """
    by_fund, by_class = flows.weekly_flows(src, week_end)
    if "tech" not in by_class:
        raise DataUnavailable("Fund flows of tech/AI ETFs", src.name, FLOWS_PROVIDER)
    weekly = by_class["tech"].asfreq(week_end) / 1e9
    out = pd.DataFrame({"weekly": weekly})
    for weeks in FLOW_WINDOWS:
        out[f"{weeks}w"] = weekly.rolling(weeks, min_periods=weeks).sum()
    out.attrs["tickers"] = sorted(by_fund.loc[by_fund["class"] == "tech", "ticker"].unique())
    return out


def _flows(weeks: int) -> Callable[[Source, str], Measure]:
    def measure(src: Source, week_end: str) -> Measure:
        table = tech_flow_windows(src, week_end)
        source = f"net flows of {', '.join(table.attrs['tickers'])} ({src.name}, weeks {week_end})"
        note = (
            f"flow data run {table.index[0].date()} to {table.index[-1].date()}: "
            f"{table['weekly'].notna().sum()} weeks; the window needs {weeks} weeks with data"
        )
        return Measure(table[f"{weeks}w"], source, note=note)

    return measure


def _highs(src: Source, week_end: str) -> Measure:
    daily = breadth.sector_internals(src)
    members = int(daily["members"].iloc[-1])
    detail = f"{int(daily['at_high'].iloc[-1])} of {members} at a high on the last day"
    source = f"{breadth.IT_SECTOR} constituents' closes ({src.name}; current members)"
    return Measure(breadth.share_at_highs(daily), source, detail)


def _advance_decline(src: Source, week_end: str) -> Measure:
    daily = breadth.sector_internals(src)
    last = daily.iloc[-20:]
    detail = f"{int(last['advancers'].sum())} advances vs {int(last['decliners'].sum())} declines"
    source = f"{breadth.IT_SECTOR} constituents' closes ({src.name}; current members)"
    return Measure(breadth.advance_decline_ratio(daily, days=20), source, detail)


def _eps_revisions(src: Source, week_end: str) -> Measure:
    """Mean % change of mega-caps' consensus EPS for this and next quarter over 30 days (live)."""
    if src.as_of is not None:
        what = f"EPS revisions as of {src.as_of.date()} (live estimates are today's only)"
        raise DataUnavailable(what, src.name, "the analyst table")
    frames = []
    for ticker in uni.tickers(src.universe, group="mega_cap"):
        try:
            frames.append(src.eps_trend(ticker))
        except DataUnavailable:
            continue
    needed = {"period", "eps_current", "eps_30d_ago", "eps_60d_ago"}
    table = pd.concat([f for f in frames if needed <= set(f.columns)] or [pd.DataFrame()])
    if table.empty:
        raise DataUnavailable("EPS estimate trends of the mega-caps", src.name, YAHOO_PROVIDER)
    table = table[table["period"].isin(["0q", "+1q"])]
    now = 100 * ((table["eps_current"] - table["eps_30d_ago"]) / table["eps_30d_ago"].abs())
    before = 100 * ((table["eps_30d_ago"] - table["eps_60d_ago"]) / table["eps_60d_ago"].abs())
    end = src.end
    series = pd.Series([before.mean(), now.mean()], index=[end - pd.Timedelta(days=30), end])
    detail = f"{now.notna().sum()} estimates of {table['ticker'].nunique()} mega-caps"
    if {"up_30d", "down_30d"} <= set(table.columns):
        up, down = table["up_30d"].sum(), table["down_30d"].sum()
        detail += f"; {up:.0f} estimates raised vs {down:.0f} cut in 30 days"
    return Measure(series, "Yahoo consensus EPS trend (live)", detail)


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "eps_revisions",
        "Earnings revisions",
        "Consensus EPS change, next two quarters (%)",
        Rule(1.0, -1.0, "%", flat=0.25),
        _eps_revisions,
        analyst=True,
    ),
    Signal(
        "guidance",
        "Guidance cadence",
        "Large tech companies raising minus cutting cloud/AI guidance",
        Rule(2.0, -1.0, " companies", flat=0.5, fmt="{:+.0f}"),
        analyst=True,
    ),
    Signal(
        "ew_tech",
        "Equal- vs cap-weight performance",
        "Equal-weight tech vs cap-weight tech (RSPT vs XLK), 3-month relative return",
        Rule(2.0, -2.0, "%", flat=0.5),
        _equal_weight_tech,
    ),
    Signal(
        "ew_market",
        "Equal- vs cap-weight performance",
        "Equal-weight vs cap-weight S&P 500 (RSP vs SPY), 3-month relative return",
        Rule(2.0, -2.0, "%", flat=0.5),
        _equal_weight_market,
    ),
    Signal(
        "semis_rs",
        "Semiconductor indicators",
        "Semiconductor ETF vs the market, 3-month relative return",
        Rule(3.0, -3.0, "%", flat=1.0),
        _semis_strength,
    ),
    Signal(
        "semis_orders",
        "Semiconductor indicators",
        "Chip demand: bookings, utilisation or hyperscaler capex, year-on-year (%)",
        Rule(10.0, 0.0, "%", flat=2.0, fmt="{:+.0f}"),
        analyst=True,
    ),
    Signal(
        "real_yield",
        "Fed and real yields",
        "10-year real yield, 13-week change",
        Rule(-0.15, 0.15, " pp", flat=0.05),
        _real_yield,
    ),
    Signal(
        "fed_target",
        "Fed and real yields",
        "Fed target range (upper bound), 26-week change",
        Rule(-0.25, 0.25, " pp", flat=0.0),
        _fed_target,
    ),
    Signal(
        "flows_4w",
        "ETF flows",
        "Net flows into tech/AI ETFs, last 4 weeks",
        Rule(1.0, -1.0, " $bn", flat=0.5),
        _flows(4),
    ),
    Signal(
        "flows_8w",
        "ETF flows",
        "Net flows into tech/AI ETFs, last 8 weeks",
        Rule(2.0, -2.0, " $bn", flat=1.0),
        _flows(8),
    ),
    Signal(
        "highs_share",
        "Market internals",
        "Tech stocks at a 52-week high (share, 10-day average)",
        Rule(10.0, 3.0, "%", flat=1.0, fmt="{:.1f}"),
        _highs,
    ),
    Signal(
        "adv_dec",
        "Market internals",
        "Tech advancers / decliners, last 20 sessions",
        Rule(1.20, 0.90, "x", flat=0.05, fmt="{:.2f}"),
        _advance_decline,
    ),
    Signal(
        "filings_13f",
        "Institutional filings (13F)",
        "Large managers adding minus cutting tech weight in 13F filings (pp of managers)",
        Rule(10.0, -10.0, " pp", flat=2.0, fmt="{:+.0f}"),
        analyst=True,
    ),
)
SIGNAL_KEYS = tuple(s.key for s in SIGNALS)
ANALYST_KEYS = tuple(s.key for s in SIGNALS if s.analyst)


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
    age = (end - date).days
    stale = age > stale_days
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
    )


def _analyst_row(signal: Signal, entries: pd.DataFrame, end: pd.Timestamp, gap: str) -> dict:
    mine = entries[entries["item"] == signal.key]
    if mine.empty:
        return _row(signal, source=f"analyst table: no entry on or before {end.date()}", note=gap)
    entry = mine.iloc[-1]
    value = float(entry["value"])
    status = signal.rule.status(value) if math.isfinite(value) else entry["status"]
    earlier = mine["value"].iloc[:-1].dropna()
    trend = signal.rule.trend(value, float(earlier.iloc[-1])) if len(earlier) else NO_TREND
    source = f"analyst table, dated {entry['date'].date()}"
    if entry["stale"]:
        source += f" (stale: {entry['age_days']} days old)"
    shown = signal.rule.show(value) if math.isfinite(value) else "no figure"
    return _row(
        signal,
        value=value,
        shown=shown,
        status=NO_DATA if entry["stale"] else status,
        trend=trend,
        as_of=entry["date"],
        age_days=int(entry["age_days"]),
        stale=bool(entry["stale"]),
        source=f"{source}: {entry['source']}" if entry["source"] else source,
        note=entry["note"],
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


def signals_with_history() -> list[Signal]:
    """The signals measured from market data (not from the analyst table)."""
    return [s for s in SIGNALS if s.measure is not None and not s.analyst]


def from_analyst_table(items: pd.DataFrame) -> pd.Series:
    """Which checklist rows were read from the analyst table (not measured from the source)."""
    return items["source"].str.startswith("analyst table")


def concordance(items: pd.DataFrame) -> pd.Series:
    """Counts by status, measured signals, net score (green - red) / measured, majority share."""
    counts = items["status"].value_counts().reindex(list(STATUSES), fill_value=0)
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


def equal_cap_ratios(src: Source, years: int | None = None) -> pd.DataFrame:
    """Equal-weight over cap-weight price ratios (RSPT/XLK, RSP/SPY), rebased to 100."""
    pairs = [("RSPT", "XLK"), ("RSP", "SPY")]
    found = src.available([t for pair in pairs for t in pair])
    ratios = {}
    for equal, cap in pairs:
        if equal in found and cap in found:
            closes = src.close([equal, cap]).dropna()
            ratios[f"{equal} / {cap}"] = closes[equal] / closes[cap]
    if not ratios:
        raise DataUnavailable("Prices for RSPT and XLK or RSP and SPY", src.name, PRICES_PROVIDER)
    wide = last_years(pd.DataFrame(ratios).dropna(how="all"), years)
    return 100 * wide / wide.bfill().iloc[0]
