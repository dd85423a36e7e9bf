"""Presentation for 01 current status: flow, price, notional and drawdown tables, notes, charts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from pandas.io.formats.style import Styler

from techflows.analysis import drawdowns, flows, markets
from techflows.views import plots

RED = "#c44e52"


def fund_classes_text(by_fund: pd.DataFrame) -> str:
    """One markdown line per fund class: how many funds and their tickers."""
    members = by_fund.groupby("class")["ticker"].unique()
    return "  \n".join(f"**{k}** ({len(v)}): {', '.join(v)}" for k, v in members.items())


def styled_weekly_flows(by_group: pd.DataFrame, week_end: str) -> Styler:
    """Weekly net flows per class in USD bn, signed, one row per week."""
    return (
        (by_group / 1e9)
        .style.format("{:+.2f}")
        .format_index("{:%Y-%m-%d}")
        .set_caption(f"Net flows, USD bn, weeks ending {week_end}")
    )


def weekly_flow_charts(by_group: pd.DataFrame, week_end: str) -> plt.Figure:
    """Tech against non-tech sector flows: weekly bars and cumulative points, side by side."""
    shown = by_group[["tech", "non-tech sector"]] / 1e9
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
    for ax, frame, title in zip(
        axes, (shown, shown.cumsum()), ("Weekly", "Cumulative"), strict=True
    ):
        long = frame.stack().rename("flow").reset_index()
        long = plots.as_category(
            long.assign(week=long["week_end"].dt.strftime("%m-%d")), "class", "week"
        )
        plot = sns.barplot if title == "Weekly" else sns.pointplot
        plot(data=long, x="week", y="flow", hue="class", ax=ax)
        ax.set(title=f"{title} net flows", xlabel=f"week ending ({week_end})", ylabel="USD bn")
        ax.axhline(0, color="black", linewidth=0.8)
    return fig


def week_flows_text(by_group: pd.DataFrame, week: pd.Timestamp, article: str) -> str:
    """One week's tech and non-tech sector flows next to the article's tech figure."""
    tech, non_tech = by_group.loc[week, "tech"] / 1e9, by_group.loc[week, "non-tech sector"] / 1e9
    return (
        f"Week ending {week.date()}: tech ETFs **{tech:+.2f} bn** "
        f"(article, all US tech funds: {article}); non-tech sector ETFs "
        f"**{non_tech:+.2f} bn**."
    )


def week_missing_text(week: pd.Timestamp, by_group: pd.DataFrame) -> str:
    """Say that a week falls outside the weeks of the flow data."""
    first, last = by_group.index[0].date(), by_group.index[-1].date()
    return f"The week ending {week.date()} is not in the flow data ({first} to {last})."


def styled_week_segments(detail: pd.DataFrame) -> Styler:
    """One week's flows per class and segment (flows.week_by_segment) in USD bn."""
    return (
        detail.assign(flow_usd=detail["flow_usd"] / 1e9)
        .rename(columns={"flow_usd": "USD bn"})
        .style.hide()
        .format({"USD bn": "{:+.3f}"})
    )


def record_week_text(label: str, span: dict[str, object], noun: str) -> str:
    """A markdown bullet: the week's tech flow and how many weeks back a larger one was."""
    week = pd.Timestamp(span["week_end"]).date()
    return (
        f"- {label}, ending {week}: tech ETFs **{span['value'] / 1e9:+.2f} bn**, "
        f"{flows.span_text(span, noun)}."
    )


def first_weeks_text(first: pd.DataFrame, data_start: pd.Timestamp, article: str) -> str:
    """Cumulative non-tech sector and tech flows of the year's first weeks (year_to_date)."""
    end, total = first.index[-1], first.iloc[-1] / 1e9
    return (
        f"First {len(first)} weeks of {end.year} (to {end.date()}): non-tech "
        f"sector ETFs **{total['non-tech sector']:+.2f} bn** (article: {article}), tech ETFs "
        f"**{total['tech']:+.2f} bn**. The flow file's first week ends {data_start.date()}."
    )


def segment_flow_bars(totals: pd.Series, period: str) -> plt.Axes:
    """Net flows per segment in USD bn over a period, funds outside the universe left out."""
    return plots.bars(
        totals.drop("not in universe", errors="ignore") / 1e9,
        f"Net flows by segment, {period}",
        "USD bn",
    )


def implied_coverage_text(implied: pd.DataFrame) -> str:
    """How many share counts, funds and dates the implied flows cover, and the usable share."""
    first, last = implied["date"].min().date(), implied["date"].max().date()
    return (
        f"{len(implied)} share counts for {implied['ticker'].nunique()} fund(s) "
        f"({first} to {last}); {(implied['quality'] == 'ok').mean():.0%} usable as flows."
    )


def implied_flow_bars(last_week: pd.Series, week_end: str, n: int = 5) -> plt.Axes:
    """The n largest inflows and outflows of one week's implied flows, in USD m."""
    ends = pd.concat([last_week.head(n), last_week.tail(n)])
    return plots.bars(
        ends[~ends.index.duplicated()] / 1e6,
        f"Largest implied flows, last complete week ({week_end})",
        "USD m",
    )


def reported_gap_text(gap: pd.Series) -> str:
    """How many fund-days have implied and reported flows, and their median relative gap."""
    return (
        f"{len(gap)} fund-days have both: median |implied - reported| / |reported| "
        f"= {gap.median():.2%}."
    )


def rebound_vs_article(
    status: dict[str, object], close: str, move: str, volume: str
) -> pd.DataFrame:
    """A fund's close, move from the phase low and volume trend beside the article's words."""
    volume_day = status["volume_day"] / status["volume_20d"] - 1
    measured = [
        f"${status['close']:.2f} on {status['date'].date()}",
        f"{status['from_phase_low']:+.2%} from {status['phase_low']:.2f} "
        f"on {status['phase_low_date'].date()}",
        f"5d avg {status['volume_5d_vs_20d']:+.0%} vs 20d, "
        f"{status['volume_5d_vs_50d']:+.0%} vs 50d; that day {volume_day:+.0%} vs 20d",
    ]
    return pd.DataFrame(
        {"article": [close, move, volume], "measured": measured},
        index=["close", "move from the phase low", "volume"],
    )


def styled_price_status(status: pd.DataFrame) -> Styler:
    """markets.status_table with percentages, prices, dates and volumes formatted."""
    percent = [c for c in status.columns if c.startswith(("from_", "volume_5d_vs"))]
    dates = [c for c in status.columns if c.endswith(("date", "start"))]
    volumes = ["volume_day", "volume_5d", "volume_20d", "volume_50d"]
    return (
        status.style.format("{:+.2%}", subset=percent)
        .format("{:,.2f}", subset=["close", "phase_low", "phase_high", "high_52w"])
        .format("{:%Y-%m-%d}", subset=dates)
        .format("{:,.0f}", subset=volumes, na_rep="-")
    )


def segment_coverage_text(at: pd.Timestamp, market: str, left_out: list[str]) -> str:
    """The date of the segment returns, their benchmark and the funds left out."""
    return (
        f"Returns to {at.date()}, relative to {market}. Left out (data end "
        f"earlier): {', '.join(left_out) or 'none'}."
    )


def styled_segment_returns(segments: pd.DataFrame) -> Styler:
    """markets.segment_returns with the return columns as signed percentages."""
    numbers = [c for c in segments.columns if c.split(" ")[0] in markets.PERIODS]
    return segments.style.hide().format("{:+.1%}", subset=numbers, na_rep="-")


def segment_return_bars(segments: pd.DataFrame, market: str) -> plt.Axes:
    """Year-to-date return of each segment minus the market's, in percentage points."""
    label = segments["segment"].where(
        segments["group"] != "benchmark", segments["segment"] + " (benchmark)"
    )
    return plots.bars(
        segments.set_index(label)["YTD vs market"] * 100,
        f"Year-to-date return minus {market}",
        "percentage points",
    )


def notional_week_text(ranked: pd.DataFrame, label: str, years: int) -> str:
    """The latest week's notional, rank and z-score, and the record weeks of the past year."""
    last, week = ranked.iloc[-1], ranked.index[-1]
    past_year = markets.last_years(ranked, 1)
    records = ", ".join(str(d.date()) for d in past_year.index[past_year["is_record"]])
    return (
        f"{label}. Week ending {week.date()}: {last['notional'] / 1e9:,.0f} bn, rank "
        f"**{last['rank']:.0f}** of {last['window_weeks']} weeks in the trailing "
        f"{years} years, z-score {last['zscore']:+.1f}. Record weeks in the past "
        f"year: {records or 'none'}."
    )


def styled_top_weeks(ranked: pd.DataFrame, years: int, n: int = 5) -> Styler:
    """The n largest notional weeks in the trailing window, with their rank at the time."""
    window = markets.last_years(ranked, years)
    top = window.nlargest(n, "notional").rename(columns={"rank": "rank at the time"})
    return (
        top.style.format({"notional": "{:,.0f}", "zscore": "{:+.2f}", "rank at the time": "{:.0f}"})
        .format_index("{:%Y-%m-%d}")
        .set_caption(f"Top {n} weeks in the window")
    )


def notional_chart(ranked: pd.DataFrame, label: str, years: int) -> plt.Axes:
    """Weekly notional in bn over the trailing window, record weeks marked in red."""
    window = markets.last_years(ranked, years)
    ax = plots.lines(window[["notional"]] / 1e9, f"Weekly notional: {label}", "bn")
    marks = window[window["is_record"]]
    ax.scatter(
        marks.index,
        marks["notional"] / 1e9,
        color=RED,
        zorder=3,
        label="record in trailing window",
    )
    ax.legend()
    return ax


def drawdown_text(
    ticker: str,
    now: dict[str, object],
    episodes: pd.DataFrame,
    since: pd.Timestamp,
    min_depth: float = 0.10,
) -> str:
    """Where the fund stands below its peak (drawdowns.current) and how many deep drawdowns."""
    return (
        f"{ticker} on {now['date'].date()}: {now['close']:,.2f}, "
        f"**{now['depth']:+.1%}** from its peak of {now['peak_close']:,.2f} on "
        f"{now['peak'].date()}. {len(episodes)} drawdowns of {min_depth:.0%} or more since "
        f"{since.date()}."
    )


def styled_drawdown_episodes(episodes: pd.DataFrame) -> Styler:
    """drawdowns.episodes with depth in %, prices, dates, and 'not yet' for no recovery."""
    number_formats = {
        "depth": "{:.1%}",
        "peak_close": "{:,.2f}",
        "trough_close": "{:,.2f}",
        "days_to_recover": "{:.0f}",
    }
    return (
        episodes.style.hide()
        .format(number_formats, na_rep="not yet")
        .format("{:%Y-%m-%d}", subset=["peak", "trough", "recovery"], na_rep="not yet")
    )


def drawdown_chart(close: pd.Series, years: int) -> plt.Axes:
    """Percent below the running peak over the last `years` years of a close series."""
    start = close.dropna().index[-1] - pd.DateOffset(years=years)
    under = drawdowns.drawdown(close).loc[start:].to_frame(close.name) * 100
    return plots.lines(under, f"{close.name} below its running peak", "%")
