"""Seed 002's checklist signals: each one measured from the source, with its rule.

Price, rate, flow and breadth signals are measured from the source; items no public price or
rate source gives (guidance, 13F, chip orders, and EPS revisions offline) come from the
analyst-maintained table data/analyst_signals.csv, with the date of each entry.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from techflows import config
from techflows.analysis import breadth, fed, flows
from techflows.analysis.markets import last_years, trailing_relative
from techflows.data import universe as uni
from techflows.data.source import MEMBERS_INPUT, Source
from techflows.data.sources.base import FLOWS_PROVIDER, PRICES_PROVIDER, YAHOO_PROVIDER
from techflows.errors import DataUnavailable
from techflows.monitor.rules import TREND_DAYS, Measure, Rule, Signal

FLOW_WINDOWS = (4, 8)  # weeks
MEMBER_INPUTS = ("index member prices", MEMBERS_INPUT)
RELATIVE_WINDOW = "3m"  # markets.WINDOWS: 3 calendar months, the checklist's relative returns


def _change(series: pd.Series, days: int) -> pd.Series:
    """Change of a level series over the last `days` calendar days (NaN before enough history)."""
    prior = series.asof(series.index - pd.Timedelta(days=days))
    return pd.Series(series.to_numpy() - prior.to_numpy(), index=series.index)


def relative_3m(src: Source, numerators: tuple[str, ...], denominator: str) -> Measure:
    """A numerator's 3-month return minus the denominator's, in percent; of alternative
    numerators, the one every section uses (Source.preferred: fresh data first).

    markets.trailing_relative: the same definition as section 03's equal- vs cap-weight spread.
    """
    found = src.available([*numerators, denominator])
    if denominator not in found or not set(numerators) & set(found):
        what = f"Prices for {' or '.join(numerators)} and {denominator}"
        raise DataUnavailable(what, src.name, PRICES_PROVIDER)
    top = src.preferred(numerators)
    closes = src.close([top, denominator])
    relative = 100 * trailing_relative(closes[top], closes[denominator], RELATIVE_WINDOW)
    return Measure(
        relative,
        f"{top} minus {denominator} total return, 3 months ({src.name})",
        inputs=(f"{top} prices", f"{denominator} prices"),
    )


def _equal_weight_tech(src: Source, week_end: str) -> Measure:
    return relative_3m(src, ("RSPT",), "XLK")


def _equal_weight_market(src: Source, week_end: str) -> Measure:
    return relative_3m(src, ("RSP",), "SPY")


def _semis_strength(src: Source, week_end: str) -> Measure:
    return relative_3m(src, config.SEMIS_FUNDS, src.market_ticker)


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
    inputs = (f"{level.name} series",)
    return Measure(_change(level, 91), source, detail, trend=level, label=label, inputs=inputs)


def _fed_target(src: Source, week_end: str) -> Measure:
    """Change of the upper bound of the Fed's target range (or fed.py's proxy) over 26 weeks."""
    path = fed.policy_path(src)
    upper = path["upper"].dropna()
    proxy = path.attrs.get("kind") != "target range"
    label = f"{path.attrs['short']}, 26-week change" if proxy else ""
    detail = f"{'proxy' if proxy else 'upper bound'} now {upper.iloc[-1]:.2f}%"
    inputs = tuple(f"{sid} series" for sid in (fed.PROXY_ID,) if proxy) or tuple(
        f"{sid} series" for sid in fed.TARGET_IDS
    )
    return Measure(
        _change(upper, 182), path.attrs["label"], detail, trend=upper, label=label, inputs=inputs
    )


def tech_flow_windows(src: Source, week_end: str = "W-FRI") -> pd.DataFrame:
    """Weekly net flows of tech-class ETFs and their rolling 4- and 8-week sums, in USD bn.

    Complete weeks only; weeks without data are NaN and a window needs every week in it.
    attrs: tickers (the funds summed), left_out (funds shown in 01 but not summed: why).
    """
    by_fund, by_class = flows.weekly_flows(src, week_end)
    if "tech" not in by_class:
        raise DataUnavailable("Fund flows of tech/AI ETFs", src.name, FLOWS_PROVIDER)
    weekly = by_class["tech"].asfreq(week_end) / 1e9
    out = pd.DataFrame({"weekly": weekly})
    for weeks in FLOW_WINDOWS:
        out[f"{weeks}w"] = weekly.rolling(weeks, min_periods=weeks).sum()
    summed = (by_fund["class"] == "tech") & by_fund["in_sums"]
    out.attrs["tickers"] = sorted(by_fund.loc[summed, "ticker"].unique())
    tech = set(by_fund.loc[by_fund["class"] == "tech", "ticker"])
    left = by_class.attrs.get("left_out", {})
    out.attrs["left_out"] = {t: why for t, why in left.items() if t in tech}
    return out


def _flows(weeks: int) -> Callable[[Source, str], Measure]:
    def measure(src: Source, week_end: str) -> Measure:
        table = tech_flow_windows(src, week_end)
        day = table.index[-1].day_name() if len(table) else week_end
        origin = src.flows_origin if src.flows_origin.startswith("implied") else src.name
        source = f"net flows of {', '.join(table.attrs['tickers'])} ({origin}, weeks to {day})"
        note = (
            f"flow data run {table.index[0].date()} to {table.index[-1].date()}: "
            f"{table['weekly'].notna().sum()} weeks; the window needs {weeks} weeks with data"
        )
        return Measure(table[f"{weeks}w"], source, note=note, inputs=("fund flows",))

    return measure


def _highs(src: Source, week_end: str) -> Measure:
    daily = breadth.sector_internals(src)
    members = int(daily["members"].iloc[-1])
    detail = f"{int(daily['at_high'].iloc[-1])} of {members} at a high on the last day"
    source = f"{breadth.IT_SECTOR} constituents' closes ({src.name}; current members)"
    return Measure(breadth.share_at_highs(daily), source, detail, inputs=MEMBER_INPUTS)


def _advance_decline(src: Source, week_end: str) -> Measure:
    daily = breadth.sector_internals(src)
    last = daily.iloc[-20:]
    detail = f"{int(last['advancers'].sum())} advances vs {int(last['decliners'].sum())} declines"
    source = f"{breadth.IT_SECTOR} constituents' closes ({src.name}; current members)"
    return Measure(
        breadth.advance_decline_ratio(daily, days=20), source, detail, inputs=MEMBER_INPUTS
    )


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
        Rule(1.0, -1.0, " USD bn", flat=0.5),
        _flows(4),
    ),
    Signal(
        "flows_8w",
        "ETF flows",
        "Net flows into tech/AI ETFs, last 8 weeks",
        Rule(2.0, -2.0, " USD bn", flat=1.0),
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
