"""Presentation for 01 current status: flow, price, notional and drawdown tables, notes, charts."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from pandas.io.formats.style import Styler

from techflows.analysis import drawdowns, flows, markets, notional
from techflows.data import freshness
from techflows.data.source import MEMBERS_INPUT, Source
from techflows.views import answers, plots, tables
from techflows.views.tables import show

RED = "#c44e52"


def fund_classes_text(by_fund: pd.DataFrame, without_flows: list[str] | None = None) -> str:
    """One markdown line per fund class: how many funds and their tickers.

    without_flows: the universe's tech ETFs the flow file has nothing for, said after the list.
    """
    members = by_fund.groupby("class")["ticker"].unique()
    text = "  \n".join(f"**{k}** ({len(v)}): {', '.join(v)}" for k, v in members.items())
    if without_flows:
        text += (
            f"  \nTech ETFs of the universe with no flows in this file ({len(without_flows)}): "
            f"{', '.join(without_flows)}. The **tech** class is only the funds listed above."
        )
    return text


def tech_makeup(by_group: pd.DataFrame) -> str:
    """What the tech flows sum, kind by kind with its share of the gross weekly tech flow
    (flows.tech_makeup): 'Nasdaq-100 (QQQ) 74%, sector tech (XLC, XLK) 19%, ...'."""
    kinds = by_group.attrs.get("kinds") or {}
    return ", ".join(
        f"{kind} ({', '.join(part['funds'])}) {part['share']:.0%}"
        for kind, part in kinds.items()
        if kind != "left out"
    )


def tech_left_out(by_group: pd.DataFrame) -> str:
    """The tech funds shown but not summed, with why: 'SOXX (reported 6 of its 58 listed
    days)'; '' when none."""
    kinds = by_group.attrs.get("kinds") or {}
    why = by_group.attrs.get("left_out") or {}
    left = kinds.get("left out", {}).get("funds", [])
    return ", ".join(f"{t} ({why.get(t, 'too few days reported')})" for t in left)


def tech_makeup_text(by_group: pd.DataFrame, by_fund: pd.DataFrame | None = None) -> str:
    """The note under the tech headline: its kinds, each kind's share of the gross weekly tech
    flow, and the tech funds left out of the sums (reporting under half their days)."""
    text = f"**Tech flows are made of:** {tech_makeup(by_group)} of the gross weekly tech flow"
    if left := tech_left_out(by_group):
        text += f"; left out of the sums, too few days reported: {left}"
    return text + "."


def coverage_text(table: pd.DataFrame) -> str:
    """How many funds are listed, used and dropped, and which report the fewest days."""
    used = table[table["status"] == "used"]
    sparse = table[table["status"].str.startswith("left out")]
    dropped = table[table["status"].str.startswith("dropped")]
    first, last = table.attrs["first"].date(), table.attrs["last"].date()
    text = (
        f"The flow file lists {len(table)} funds from {first} to {last} "
        f"({table.attrs['expected_days']} trading days); {len(used)} are used."
    )
    if len(dropped):
        why = "; ".join(
            f"{t} ({s.removeprefix('dropped: ')})" for t, s in dropped["status"].items()
        )
        text += f" Dropped: {why}."
    if len(sparse):
        why = ", ".join(sparse.index)
        text += (
            f" Left out of every sum, shown per fund only (under half of their listed days "
            f"reported): {why}."
        )
    sparse = used[used["share_reported"] < 0.9].sort_values("share_reported")
    if len(sparse):
        listed = ", ".join(f"{t} {s:.0%}" for t, s in sparse["share_reported"].items())
        text += (
            f" A day a fund does not report counts as **no flow** in every sum below; funds "
            f"reporting under 90% of the days: {listed}."
        )
    return text


COVERAGE_COLUMNS = (
    "class",
    "reported_days",
    "expected_days",
    "share_reported",
    "first_reported",
    "last_reported",
    "net_flow_usd",
    "aum_usd",
    "flagged_prints",
    "status",
)


def styled_coverage(table: pd.DataFrame) -> Styler:
    """flows.coverage per fund: days reported against trading days, assets, flags, status.

    Funds of the "other" class (bonds, gold, country funds) are left to the CSV table unless
    they were dropped.
    """
    shown = table[(table["class"] != "other") | (table["status"] != "used")]
    note = table.attrs.get("aum_note")
    caption = "Flow coverage per tech, sector and market fund" + (f" ({note})" if note else "")
    return show(shown[list(COVERAGE_COLUMNS)].rename_axis("fund"), caption)


def flagged_text(marked: pd.DataFrame, aum_date: pd.Timestamp | None, aum_note: str = "") -> str:
    """The rule that flags a print, and how many prints it flagged (tech ones named)."""
    if aum_date is None:
        return (
            "No fund assets in this source, so no print can be screened against a fund's size "
            "(a csv folder with flows/etf_aum.csv would provide them)."
        )
    tech = marked[marked["class"] == "tech"]
    named = ", ".join(
        f"{r.ticker} {r.flow_usd / 1e6:+,.0f}m on {r.date.date()} ({r.pct_aum:+.1f}% of assets)"
        for r in tech.itertuples()
    )
    scale = aum_note or f"assets as of {aum_date.date()}"
    return (
        f"A daily print is **flagged** when it is at least {flows.OUTLIER_MIN_PCT_AUM:g}% of the "
        f"fund's assets ({scale}) and at least {flows.OUTLIER_TIMES_TYPICAL:g} times the "
        f"fund's median day, or when two funds of one segment move opposite ways by amounts "
        f"that cancel, on one day (each at least {flows.OFFSET_MIN_PCT_AUM:g}% of its assets) "
        f"or over {flows.OFFSET_SESSIONS} sessions (each at least "
        f"{flows.OUTLIER_MIN_PCT_AUM:g}%): a swap between funds such as IVV and VOO, not money "
        f"moving. {len(marked)} prints "
        f"flagged{', tech: ' + named if named else ''}. Every tech flow below is shown with "
        "and without them."
    )


def styled_flagged(marked: pd.DataFrame, rows: int = 10) -> Styler:
    """The largest flagged prints: date, fund, class, flow in USD bn and as % of assets."""
    shown = marked[["date", "ticker", "class", "flow_usd", "pct_aum"]]
    return show(shown, "Flagged daily prints, largest first", rows=rows, file="flagged_prints.csv")


def styled_weekly_flows(by_group: pd.DataFrame, week_end: str) -> Styler:
    """Weekly net flows per class in USD bn, signed, one row per week."""
    caption = f"Net flows per fund class (USD bn), weeks ending {tables.weekday(week_end)}"
    if implied := implied_label(by_group):
        caption += f", {implied}"
    return show(by_group, caption, values=tables.FLOW)


def implied_label(by_group: pd.DataFrame) -> str:
    """'implied from shares outstanding × price (yfinance)' when the flows are, else ''."""
    origin = str(by_group.attrs.get("origin", ""))
    return origin if origin.startswith("implied") else ""


CHART_WEEKS = 26


def weekly_flow_charts(by_group: pd.DataFrame, week_end: str) -> list[plt.Figure]:
    """Tech against non-tech sector flows: weekly bars and cumulative points, side by side,
    over the latest CHART_WEEKS weeks (implied flows reach back years)."""
    shown = by_group[["tech", "non-tech sector"]].iloc[-CHART_WEEKS:] / 1e9
    axes = plots.side_by_side(2)
    for ax, frame, title in zip(
        axes, (shown, shown.cumsum()), ("Weekly", "Cumulative"), strict=True
    ):
        long = frame.stack().rename("flow").reset_index()
        long = plots.as_category(
            long.assign(week=long["week_end"].dt.strftime("%m-%d")), "class", "week"
        )
        plot = sns.barplot if title == "Weekly" else sns.pointplot
        plot(data=long, x="week", y="flow", hue="class", ax=ax)
        ax.set(
            title=f"{title} net flows"
            + (f", last {len(shown)} weeks" if len(by_group) > len(shown) else ""),
            xlabel=f"week ending ({tables.weekday(week_end)})",
            ylabel="USD bn",
        )
        ax.axhline(0, color="black", linewidth=0.8)
    return [ax.figure for ax in axes]


def week_flows_text(
    by_group: pd.DataFrame, week: pd.Timestamp, article: str, by_fund: pd.DataFrame | None = None
) -> str:
    """One week's tech and non-tech sector flows next to the article's tech figure.

    With by_fund (flows.weekly_flows), also the tech flow without flagged prints and the tech
    funds' days not reported.
    """
    tech, non_tech = by_group.loc[week, "tech"] / 1e9, by_group.loc[week, "non-tech sector"] / 1e9
    text = (
        f"Week ending {week.date()}: tech ETFs **{tech:+.2f} bn** "
        f"(article, all US tech funds: {article}); non-tech sector ETFs "
        f"**{non_tech:+.2f} bn**."
    )
    if by_fund is None:
        return text
    clean = by_group.attrs.get("ex_flagged")
    if by_group.attrs.get("aum_date") is not None and clean is not None:
        text += f" Without flagged prints: **{clean.loc[week, 'tech'] / 1e9:+.2f} bn**."
    return f"{text} {tech_gaps_text(by_fund, week)}".strip()


def tech_gaps_text(by_fund: pd.DataFrame, week: pd.Timestamp) -> str:
    """The tech funds' days not reported in one week (counted as no flow), or ''."""
    rows = by_fund[(by_fund["week_end"] == week) & (by_fund["class"] == "tech")]
    gaps = flows.gaps_text(rows)
    return f"Tech days not reported (counted as no flow): {gaps}." if gaps else ""


def week_missing_text(week: pd.Timestamp, by_group: pd.DataFrame) -> str:
    """Say that a week falls outside the weeks of the flow data."""
    first, last = by_group.index[0].date(), by_group.index[-1].date()
    return f"The week ending {week.date()} is not in the flow data ({first} to {last})."


def styled_week_segments(detail: pd.DataFrame) -> Styler:
    """One week's flows per class and segment (flows.week_by_segment) in USD bn."""
    return show(detail, "Net flows by class and segment")


def record_week_text(
    label: str, span: dict[str, object], noun: str, clean: dict[str, object] | None = None
) -> str:
    """A markdown bullet: the week's tech flow and how many weeks back a larger one was.

    clean: the same span on flows without flagged prints, said after it when given.
    """
    week = pd.Timestamp(span["week_end"]).date()
    text = (
        f"- {label}, ending {week}: tech ETFs **{span['value'] / 1e9:+.2f} bn**, "
        f"{flows.span_text(span, noun)}."
    )
    if clean is not None:
        without = clean["value"] / 1e9
        text += f" Without flagged prints: {without:+.2f} bn, {flows.span_text(clean, noun)}."
    return text


def first_weeks_text(
    first: pd.DataFrame, data_start: pd.Timestamp, article: str, clean: pd.DataFrame | None = None
) -> str:
    """Cumulative non-tech sector and tech flows of the year's first weeks (year_to_date).

    clean: the same year_to_date without flagged prints, said after it when given.
    """
    end, total = first.index[-1], first.iloc[-1] / 1e9
    text = (
        f"First {len(first)} weeks of {end.year} (to {end.date()}): non-tech "
        f"sector ETFs **{total['non-tech sector']:+.2f} bn** (article: {article}), tech ETFs "
        f"**{total['tech']:+.2f} bn**. The flow file's first whole week ends {data_start.date()}."
    )
    if clean is not None:
        rest = clean.iloc[-1] / 1e9
        text += (
            f" Without flagged prints: non-tech sector {rest['non-tech sector']:+.2f} bn, "
            f"tech {rest['tech']:+.2f} bn."
        )
    return text


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
        f"Largest implied flows, last complete week (to a {tables.weekday(week_end)})",
        "USD m",
    )


def styled_implied_quality(implied: pd.DataFrame) -> Styler:
    """How many share-count days each quality flag has (only 'ok' days count as flows)."""
    counts = implied["quality"].str.replace("_", " ").value_counts().rename("days")
    return show(counts.rename_axis("quality").reset_index(), "Share-count days by quality")


def implied_week_text(last_week: pd.Series) -> str:
    """The latest complete week's implied flows in one line (implied_flows.latest_week)."""
    if last_week.empty:
        return "No complete week of usable share counts."
    listed = ", ".join(f"{t} {v / 1e9:+.3f}" for t, v in last_week.items())
    return f"Implied flows in the latest complete week of share counts (USD bn): {listed}."


def reported_gap_text(gap: pd.Series) -> str:
    """How many fund-days have implied and reported flows, and their median relative gap."""
    return (
        f"{len(gap)} fund-days have both: median |implied - reported| / |reported| "
        f"= {gap.median():.2%}."
    )


def rebound_vs_article(
    status: dict[str, object], close: str, move: str, volume: str, rebound: dict[str, object]
) -> pd.DataFrame:
    """A fund's close, move from the phase low and volume in the rebound beside the article.

    rebound: markets.rebound_volume from the phase low to the status date (the one definition
    of "volume expanding", also used by claim A000-11).
    """
    if math.isfinite(rebound["ratio"]):
        word = "expanding" if rebound["ratio"] > 1 else "not expanding"
        volume_now = (
            f"{rebound['ratio']:.2f}x ({word}): {rebound['after_mean'] / 1e6:.2f}M a day after "
            f"the low vs {rebound['before_mean'] / 1e6:.2f}M over the "
            f"{rebound['before_sessions']} sessions to it"
        )
    else:
        volume_now = "no session after the low yet: volume cannot be compared"
    measured = [
        f"${status['close']:.2f} on {status['date'].date()}",
        f"{status['from_phase_low']:+.2%} from {status['phase_low']:.2f} "
        f"on {status['phase_low_date'].date()}",
        volume_now,
    ]
    return pd.DataFrame(
        {"article": [close, move, volume], "measured": measured},
        index=["close", "move from the phase low", "volume"],
    )


STATUS_COLUMNS = (
    "date",
    "close",
    "phase_low",
    "phase_low_date",
    "from_phase_low",
    "phase_high",
    "phase_high_date",
    "from_phase_high",
    "high_52w",
    "high_52w_date",
    "from_52w_high",
    "volume_5d",
    "volume_20d",
    "volume_5d_vs_20d",
    "volume_5d_vs_50d",
)


def styled_price_status(status: pd.DataFrame) -> Styler:
    """markets.status_table: moves from the phase low and high and the 52-week high, volumes."""
    shown = status[list(STATUS_COLUMNS)].copy()
    shown[["volume_5d", "volume_20d"]] = shown[["volume_5d", "volume_20d"]] / 1e6
    return tables.show_by_row(shown.rename_axis(""))


def segment_coverage_text(at: pd.Timestamp, market: str, left_out: list[str]) -> str:
    """The date of the segment returns, their benchmark and the funds left out."""
    return (
        f"Returns to {at.date()}, relative to {market}. Left out (data end "
        f"earlier): {', '.join(left_out) or 'none'}."
    )


def styled_segment_returns(segments: pd.DataFrame) -> Styler:
    """markets.segment_returns: each segment's returns and the same minus the market."""
    return show(segments)


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
    """The latest week's notional, rank and z-score, and the record weeks of the past year.

    With the price moves of notional.with_moves, each record week's move is said beside it:
    dollar volume is activity, and the move says whether it came with rising or falling prices.
    """
    last, week = ranked.iloc[-1], ranked.index[-1]
    past_year = markets.last_years(ranked, 1)
    tech, market = ranked.attrs.get("tech"), ranked.attrs.get("market")
    moved = tech is not None and "tech_return" in ranked

    def said(day: pd.Timestamp) -> str:
        row = ranked.loc[day]
        return (
            f"{day.date()} ({notional.move_text(row, tech, market)})" if moved else str(day.date())
        )

    records = ", ".join(said(d) for d in past_year.index[past_year["is_record"]])
    move = f"; {notional.move_text(last, tech, market)}" if moved else ""
    return (
        f"{label}. Week ending {week.date()}: {last['notional'] / 1e9:,.0f} bn, rank "
        f"**{last['rank']:.0f}** of {last['window_weeks']} weeks in the trailing "
        f"{years} years, z-score {last['zscore']:+.1f}{move}. Record weeks in the past "
        f"year: {records or 'none'}."
    )


def notional_inputs(src: Source) -> tuple[str, ...]:
    """The input ledger's names behind the notional ranking: the index members' prices when the
    source has them (notional.tech_dollar_volume), else none named (its funds are dated)."""
    return ("index member prices", MEMBERS_INPUT) if src.has_members else ()


def styled_top_weeks(ranked: pd.DataFrame, years: int, n: int = 5) -> Styler:
    """The n largest notional weeks in the window: rank at the time and that week's price move."""
    window = markets.last_years(ranked, years)
    top = window.nlargest(n, "notional").rename(columns={"rank": "rank at the time"})
    columns = ["notional", "rank at the time", "zscore", "is_record"]
    columns += [c for c in ("tech_return", "market_return", "tech_vs_market") if c in top]
    return show(top[columns], f"The {n} largest weeks of the last {years} years, with their move")


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


def styled_drawdown_episodes(episodes: pd.DataFrame, rows: int | None = None) -> Styler:
    """drawdowns.episodes (the last `rows` of them); no recovery reads 'not yet'."""
    caption = f"Drawdowns of 10% or more, {len(episodes)} in all"
    return show(
        tables.not_yet(episodes),
        caption,
        rows=rows,
        where="tail",
        file="tech_drawdown_episodes.csv",
    )


def drawdown_chart(close: pd.Series, years: int) -> plt.Axes:
    """Percent below the running peak over the last `years` years of a close series."""
    start = close.dropna().index[-1] - pd.DateOffset(years=years)
    under = drawdowns.drawdown(close).loc[start:].to_frame(close.name) * 100
    return plots.lines(under, f"{close.name} below its running peak", "%")


# Flows against fund size and performance


def styled_against_assets(table: pd.DataFrame) -> Styler:
    """flows.against_assets: each fund's flows in USD bn and % of assets beside its returns."""
    attrs = table.attrs
    scale = attrs.get("aum_note") or f"assets as of {attrs['aum_date'].date()}"
    caption = (
        f"Net flows against assets ({scale}) and price returns: the "
        f"week ending {attrs['week'].date()} and the {attrs['weeks']} weeks to it"
    )
    columns = [
        "class",
        "segment",
        "aum_usd",
        "flow_week_usd",
        "flow_week_pct_aum",
        "return_week",
        "flow_4w_usd",
        "flow_4w_pct_aum",
        "return_4w",
    ]
    labels = {"flow_4w_usd": f"{attrs['weeks']}-week flow (USD bn)"}
    labels |= {"flow_4w_pct_aum": f"{attrs['weeks']}-week flow (% of assets)"}
    labels |= {"return_4w": f"{attrs['weeks']}-week return"}
    return show(table[columns], caption, labels=labels)


def against_assets_chart(table: pd.DataFrame) -> list[plt.Figure]:
    """Each fund's flows over the weeks as % of its assets beside its price return, sorted."""
    shown = table.dropna(subset=["flow_4w_pct_aum"]).sort_values("flow_4w_pct_aum")
    n = table.attrs["weeks"]
    left, right = plots.side_by_side(2, 6.5, max(3.0, 0.32 * len(shown)))
    names = [f"{t} ({c})" for t, c in zip(shown.index, shown["segment"], strict=True)]
    for ax, column, title, unit in (
        (left, "flow_4w_pct_aum", f"Net flow over {n} weeks", "% of assets"),
        (right, "return_4w", f"Price return over the same {n} weeks", "%"),
    ):
        values = shown[column] * (100 if column.startswith("return") else 1)
        colors = [RED if v < 0 else "#4c72b0" for v in values.fillna(0)]
        ax.barh(names, values.to_numpy(), color=colors)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set(title=title, xlabel=unit)
    return [left.figure, right.figure]


def against_assets_text(table: pd.DataFrame) -> str:
    """The tech funds' combined flow as a share of their assets, and their median return."""
    tech = table[table["class"] == "tech"].dropna(subset=["aum_usd"])
    rest = table[table["class"] == "non-tech sector"].dropna(subset=["aum_usd"])
    n = table.attrs["weeks"]

    def share(part: pd.DataFrame) -> str:
        return f"{100 * part['flow_4w_usd'].sum() / part['aum_usd'].sum():+.2f}%"

    text = (
        f"Over the {n} weeks to {table.attrs['week'].date()}, the tech funds' net flows came to "
        f"**{share(tech)}** of their combined assets (median price return "
        f"{tech['return_4w'].median():+.1%}); non-tech sector funds' to **{share(rest)}** "
        f"(median return {rest['return_4w'].median():+.1%})."
    )
    flagged = table.get("flagged_days", pd.Series(dtype=float))
    named = ", ".join(f"{t} ({int(d)})" for t, d in flagged[flagged > 0].items())
    if named:
        text += f" These flows include flagged prints (days): {named}."
    return text


# Month by month: tech against the market


def monthly_relative_text(table: pd.DataFrame) -> str:
    """How often tech beat the market month by month, and its best and worst months."""
    months = table.drop(columns="year").stack().dropna()
    best, worst = months.idxmax(), months.idxmin()
    attrs = table.attrs
    return (
        f"{attrs['tech']} minus {attrs['market']}, monthly returns to "
        f"{attrs['through'].date()} (the last month to date): tech beat the market in "
        f"**{(months > 0).sum()} of {len(months)} months**; best {best[1]} {best[0]} "
        f"({months[best]:+.1%}), worst {worst[1]} {worst[0]} ({months[worst]:+.1%})."
    )


def monthly_relative_heatmap(table: pd.DataFrame) -> plt.Axes:
    """Heatmap of tech's monthly return minus the market's (percentage points), year column."""
    shown = 100 * table
    _, ax = plt.subplots(figsize=(12, 0.42 * len(shown) + 1.2))
    limit = float(np.nanpercentile(np.abs(shown.drop(columns="year").to_numpy()), 95))
    sns.heatmap(
        shown,
        cmap="RdBu",
        center=0,
        vmin=-limit,
        vmax=limit,
        annot=True,
        fmt="+.1f",
        annot_kws={"size": 9},
        cbar_kws={"label": "percentage points"},
        linewidths=0.5,
        ax=ax,
    )
    ax.axvline(len(shown.columns) - 1, color="white", linewidth=4)
    ax.set(
        title=f"{table.attrs['tech']} minus {table.attrs['market']}: monthly and calendar-year "
        "return (pp)",
        xlabel="",
        ylabel="",
    )
    ax.tick_params(axis="y", rotation=0)
    return ax


# The answer


QUESTION = "Is money coming back into US tech funds, and where do tech prices stand?"
FLOWS = "Weekly net flows: tech against non-tech"
DRAWDOWN = "Drawdown and recovery of tech"
NOTIONAL = "Notional buying: the largest week in a decade?"
STALE_FLOW_WEEKS = 2  # a latest flow week this many weeks before the prices says how old it is


def flows_sentence(by_group: pd.DataFrame, prices_date: pd.Timestamp) -> str:
    """The latest flow week and the year so far, in the past tense when the flows are older
    than the freshness limit against the prices' date, with what the tech flows are made of."""
    week, tech = by_group.index[-1], by_group["tech"].iloc[-1]
    year = flows.year_to_date(by_group, week.year).iloc[-1]
    span, noun = flows.signed_record_span(by_group["tech"], week)
    tech_year = answers.signed_bn(year["tech"] / 1e9)
    other_year = answers.signed_bn(year["non-tech sector"] / 1e9)
    made_of = tech_makeup(by_group)
    made_of = f" Tech here is {made_of} of the gross weekly tech flow" if made_of else ""
    if left := tech_left_out(by_group):
        made_of += f"; left out, too few days reported: {left}"
    made_of += "." if made_of else ""
    implied = f" ({implied_label(by_group)})" if implied_label(by_group) else ""
    if freshness.is_stale(week, prices_date):
        return (
            f"The flow data end with the week to {week.day_name()} {week.date()}, "
            f"{freshness.stale_words(week, prices_date)}: in that week tech ETFs had net "
            f"{noun}s{implied} of {abs(tech) / 1e9:.2f} USD bn, {flows.span_text(span, noun)}; "
            f"from the start of {week.year} to then their net flow was {tech_year}, against "
            f"{other_year} for non-tech sector funds.{made_of}"
        )
    behind = (prices_date - week).days // 7
    dated = (
        f" (the flow data's last complete week, {behind} weeks before {prices_date.date()})"
        if behind >= STALE_FLOW_WEEKS
        else ""
    )
    return (
        f"Tech ETFs had net {noun}s{implied} of {abs(tech) / 1e9:.2f} USD bn in the week to "
        f"{week.day_name()} {week.date()}{dated}, {flows.span_text(span, noun)}; since the "
        f"start of {week.year} their net flow is {tech_year}, against {other_year} for "
        f"non-tech sector funds.{made_of}"
    )


def flows_verdict(week: float, year: float) -> str:
    """The answer's first words from the latest week's and the year's tech flows."""
    if week > 0:
        return "Yes" if year > 0 else "Only just"
    return "Not last week" if year > 0 else "Not yet"


def answer(
    by_group: pd.DataFrame | None,
    ticker: str,
    now: dict[str, object],
    phase: pd.Series,
    sessions: int,
    ranked: pd.DataFrame,
    years: int,
    claims: pd.DataFrame,
    gaps: list[str] | None = None,
) -> answers.Answer:
    """01's answer: the latest week's and the year's tech flows, where the tech proxy stands
    (drawdowns.current, its row of markets.status_table) and the notional week's rank."""
    sentences, numbers = [], []
    verdict = "Unknown"  # the not-available sentence says why and which source has flows
    if by_group is not None:
        week, tech = by_group.index[-1], by_group["tech"].iloc[-1]
        year = flows.year_to_date(by_group, week.year).iloc[-1]
        prices_date = pd.Timestamp(now["date"])
        stale = freshness.is_stale(week, prices_date)
        verdict = freshness.unknown_since(week) if stale else flows_verdict(tech, year["tech"])
        sentences.append(
            answers.Sentence("flows", flows_sentence(by_group, prices_date), answers.anchor(FLOWS))
        )
        numbers += [
            answers.Number(
                answers.signed_bn(tech / 1e9),
                f"tech ETF net flow, week to {week.date()}",
                answers.anchor(FLOWS),
            ),
            answers.Number(
                answers.signed_bn(year["tech"] / 1e9),
                f"tech ETF net flow, {week.year} to {week.date() if stale else 'date'}",
                answers.anchor(FLOWS),
            ),
            answers.Number(
                answers.signed_bn(year["non-tech sector"] / 1e9),
                f"non-tech sector funds, {week.year} to {week.date() if stale else 'date'}",
                answers.anchor(FLOWS),
            ),
        ]
    else:
        sentences.append(answers.not_available("flows", gaps or []))
    last = ranked.iloc[-1]
    sentences.append(
        answers.Sentence(
            "prices",
            f"{ticker} closed {abs(now['depth']):.1%} below its {now['peak'].date()} peak on "
            f"{now['date'].date()}, {phase['from_phase_low']:+.1%} from its {sessions}-session "
            "low.",
            answers.anchor(DRAWDOWN),
        )
    )
    sentences.append(
        answers.Sentence(
            "notional",
            f"Tech stocks' dollar volume in the week to {ranked.index[-1].date()} ranked "
            f"{answers.ordinal(int(last['rank']))} of {int(last['window_weeks'])} weeks in "
            f"{years} years.",
            answers.anchor(NOTIONAL),
        )
    )
    numbers += [
        answers.Number(
            f"{now['depth']:+.1%}",
            f"{ticker} below its {now['peak'].date()} peak",
            answers.anchor(DRAWDOWN),
        ),
        answers.Number(
            f"{answers.ordinal(int(last['rank']))} of {int(last['window_weeks'])}",
            f"tech dollar volume, week to {ranked.index[-1].date()}, in {years} years",
            answers.anchor(NOTIONAL),
        ),
    ]
    return answers.answer(QUESTION, verdict, sentences, numbers, claims)
