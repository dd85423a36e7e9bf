"""Presentation for 03 · Risks: styled tables, computed sentences, figure specs and charts."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import PercentFormatter
from pandas.io.formats.style import Styler

from techflows.analysis import analogues, fundamentals
from techflows.models import rate_shocks, volatility
from techflows.stats import intervals
from techflows.views import answers, plots, tables
from techflows.views.tables import show, show_by_row

REPORTED_ONLY_NOTE = (
    "Per-company cash-flow statements over time come from the live source (yfinance); "
    "this run has only the articles' reported figures, listed below."
)
Figure = dict[str, object]


# 1. AI capex against operating cash flow


def article_amazon_capex(
    path: str | Path | None = None, as_of: object = None
) -> dict[str, object] | None:
    """The articles' Amazon 2026 capex and operating cash flow (USD bn), their ratio and date;
    None when they were reported after as_of (a run as of then cannot know them)."""
    article = fundamentals.reported_figures(path, as_of).set_index("id")
    if not {"capex_amzn_2026", "ocf_amzn"} <= set(article.index):
        return None
    capex, ocf = article.loc[["capex_amzn_2026", "ocf_amzn"], "value"]
    return {
        "capex": capex,
        "ocf": ocf,
        "ratio": capex / ocf,
        "date": article.loc["capex_amzn_2026", "date"],
    }


def capex_basis_sentence(basis: str, capex: float, ocf: float) -> str:
    """Which basis the capex tables use, and the article's Amazon capex against its OCF."""
    return (
        f"Basis of these tables: **{basis}**. Article (reported): Amazon capex ${capex:.0f}bn "
        f"against OCF ${ocf:.0f}bn, capex/OCF {capex / ocf:.2f}."
    )


def latest_coverage(cover: pd.DataFrame, entity: str) -> pd.Series | None:
    """One company's latest fiscal year in a coverage table, or None if it is absent."""
    latest = cover.sort_values("period_capex").groupby("entity").tail(1).set_index("entity")
    return latest.loc[entity] if entity in latest.index else None


def measured_capex_sentence(row: pd.Series, article_ratio: float) -> str:
    """Amazon's measured capex/OCF for its latest fiscal year, beside the article's ratio."""
    return (
        f"Measured: Amazon's fiscal year to {row['period_capex']}: "
        f"capex ${row['capex']:.0f}bn, OCF ${row['operating_cash_flow']:.0f}bn, "
        f"capex/OCF {row['capex_to_ocf']:.2f} "
        f"(article: {article_ratio:.2f} for 2026)."
    )


def capex_coverage_chart(cover: pd.DataFrame) -> plt.Axes:
    """Bars of capex / OCF per fiscal year, one colour per company, a line at 1."""
    ax = sns.barplot(
        data=plots.as_category(cover, "entity"), x="period_capex", y="capex_to_ocf", hue="entity"
    )
    ax.axhline(1, color="black", linewidth=0.8)
    ax.set(
        title="Capex as a share of operating cash flow",
        xlabel="fiscal year end",
        ylabel="capex / OCF",
    )
    return ax


def styled_reported_capex(capex: pd.DataFrame) -> Styler:
    """The articles' capex and cash-flow figures with who reported them."""
    columns = ["entity", "metric", "period", "value", "unit", "reported_by", "note"]
    return show(capex[columns], "Reported figures (not measured)")


# 2. Rate-path scenarios


def shock_p(head: pd.Series) -> float:
    """The p-value of a shock row: its beta's (one yield), else the combined impact's."""
    return float(head["beta_p"]) if pd.notna(head.get("beta_p")) else float(head["pvalue"])


def blocks_words(head: pd.Series) -> str:
    """'non-overlapping 13-week blocks' for a multi-period row's fit."""
    count, noun = str(head["horizon"]).split(" ", 1)
    return f"non-overlapping {count}-{noun.removesuffix('s')} blocks"


def rate_shock_figures(head: pd.Series, as_of: pd.Timestamp) -> list[Figure]:
    """Headline shock (rate_shocks.headline_shock): its impact in % with its 95% interval, the
    size of the move, the beta's p-value and the regression's R^2. A p above 0.10 makes none
    of them a headline, and the names say 'not significant'."""
    p = shock_p(head)
    headline = intervals.headline(p)
    name = (
        f"Tech relative return over {head['horizon']} in which the {head['shocked']} "
        f"({head['yields_from']}) rises {head['sd_multiple']:g} sd"
    ) + ("" if headline else ", not significant")
    how = (
        f"median of {int(head['offsets'])} offsets of {blocks_words(head)}"
        if head.get("offsets", 1) > 1
        else "HAC"
    )
    figures = [
        (name, 100 * head["impact"], "% (tech minus market)", headline),
        (f"{name}: size of the rise", head["shock_bp"], "bp", False),
        (f"{name}: p-value of the beta ({how})", p, "p", headline),
        (f"{name}: R² of the regression", head["r2"], "R²", headline),
    ]
    out: list[Figure] = [
        {"name": n, "value": float(v), "unit": u, "as_of": as_of, "headline": h}
        for n, v, u, h in figures
    ]
    out[0]["interval"] = (100 * float(head["lower"]), 100 * float(head["upper"]))
    return out


def fit_words(head: pd.Series, noun: str) -> str:
    """How a shock row was fitted, in a parenthesis: blocks and the spread across offsets."""
    if head.get("offsets", 1) > 1:
        offsets = int(head["offsets"])
        return (
            f"{int(head['n'])} {blocks_words(head)} at the offset with the median p; p ranges "
            f"from {p_text(head['p_low']).removeprefix('= ')} to "
            f"{p_text(head['p_high']).removeprefix('= ')} across the {offsets} offsets, "
            f"{int(head['p_below'])} of {offsets} below 0.05"
        )
    return f"{int(head['n'])} {noun}s, Newey-West errors"


def rate_shock_sentence(
    panel: pd.DataFrame, table: pd.DataFrame, head: pd.Series, last: pd.Timestamp
) -> str:
    """What was regressed on what, the headline shock with its CI, beta, p (and how it was
    tested) and R^2, and the same yield over one period as section 02 shows it."""
    attrs = panel.attrs
    noun = rate_shocks.period_noun(panel)
    p = shock_p(head)
    text = (
        f"{attrs['frequency'].capitalize()} data, {attrs['tech']} minus {attrs['market']}, "
        f"{panel.index[0].date()} to {last.date()}; nominal yield: {attrs['nominal_source']}; "
        f"real yield: {attrs['real_source']}. Over {head['horizon']}, a "
        f"{head['sd_multiple']:g}-sd rise in the {head['shocked']} ({head['shock_bp']:+.0f} bp) "
        f"goes with a {head['impact']:+.2%} relative return (95% CI {head['lower']:+.2%} to "
        f"{head['upper']:+.2%}); beta {head['beta']:+.2f}% per +1pp, p {p_text(p)}, "
        f"{intervals.significance(p)}, R² = {head['r2']:.3f} ({fit_words(head, noun)})."
    )
    short = table[
        (table["periods"] == 1)
        & (table["shocked"] == head["shocked"])
        & (table["sd_multiple"] == head["sd_multiple"])
    ]
    if not short.empty and head["periods"] != 1:
        one = short.iloc[0]
        text += (
            f" {noun.capitalize()} to {noun} (section 02): beta {one['beta']:+.2f}% per +1pp, p "
            f"{p_text(one['beta_p'])}, {intervals.significance(one['beta_p'])}, R² = "
            f"{one['r2']:.3f}; a {one['sd_multiple']:g}-sd rise ({one['shock_bp']:+.0f} bp) goes "
            f"with {one['impact']:+.2%}."
        )
    return text


def shock_scale_sentence(scale: pd.DataFrame, shocked: str) -> str:
    """How large a move of a fixed size is at each horizon (rate_shocks.shock_scale)."""
    rows = scale[scale["yield"] == shocked]
    if rows.empty:
        return ""
    parts = [
        f"{r.move_in_sd:.1f} sd over {r.horizon} ({r.share_at_least:.1%} of {r.n} windows moved "
        "that much)"
        for r in rows.itertuples()
    ]
    return f"For scale, a {rows['move_bp'].iloc[0]:g} bp move in the {shocked} is " + (
        "; ".join(parts) + "."
    )


# What a reader needs of each shock scenario; the CSV keeps every column (beta, its se, ...).
SHOCK_COLUMNS = (
    "horizon", "shocked", "sd_multiple", "shock_bp", "impact", "lower", "upper", "pvalue",
    "p_low", "p_high", "p_below", "beta", "r2", "n",
)  # fmt: skip


def styled_shock_table(table: pd.DataFrame) -> Styler:
    """Shock scenarios (rate_shocks.scenario_table): impacts in percent with their interval and p
    (the range across offsets for multi-week blocks) and R^2."""
    shown = table[[c for c in SHOCK_COLUMNS if c in table.columns]]
    caption = "every column (standard errors, offsets, the yields used) in rate_shock_scenarios.csv"
    return show(shown, caption.capitalize(), table="rate_shocks")


def rate_shock_chart(table: pd.DataFrame) -> plt.Axes:
    """Point and 95% interval of the implied relative return per yield shock and horizon."""
    ax = sns.pointplot(
        data=rate_shocks.chart_frame(table),
        x="pct",
        y="scenario",
        estimator="median",
        errorbar=("pi", 100),
        linestyle="none",
        capsize=0.2,
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set(
        title="Implied tech relative return per yield shock (95% interval)",
        xlabel="% over the horizon, tech minus market",
        ylabel="",
    )
    return ax


# 3. Semiconductors and supply-chain stress


def stress_figures(lead: pd.Series) -> list[Figure]:
    """Figures of the lead stress series: next-day and long-run GARCH vol, the innovations the
    GARCH uses, and its 99% VaR beside the historical one (in %)."""
    ticker, when, dist = lead["ticker"], lead["date"], lead["innovations"]
    model = f"GARCH(1,1), {dist} innovations"
    figures = [
        (f"{ticker} {model}: volatility for the next day (annualised)", lead["vol_next_day"], "%"),
        (f"{ticker} {model}: long-run volatility (annualised)", lead["vol_long_run"], "%"),
        (f"{ticker} 99% one-day VaR, {model}, next day", lead["VaR99_garch"], "%"),
        (f"{ticker} 99% one-day historical VaR", lead["VaR99_hist"], "%"),
    ]
    out: list[Figure] = [
        {"name": n, "value": 100 * v, "unit": u, "as_of": when, "headline": i == 0}
        for i, (n, v, u) in enumerate(figures)
    ]
    out.insert(
        2,
        {
            "name": f"{ticker} GARCH(1,1) innovations chosen by BIC",
            "value": dist,
            "unit": "",
            "as_of": when,
            "headline": False,
        },
    )
    return out


def garch_sentence(lead: pd.Series) -> str:
    """GARCH volatility next day against its long run, half-life, and the 1-in-100 day loss."""
    return (
        f"{lead['ticker']} (data through {lead['date'].date()}), GARCH(1,1) with "
        f"{lead['innovations']} innovations: volatility for the next day "
        f"{lead['vol_next_day']:.1%} a year against a long-run {lead['vol_long_run']:.1%} "
        f"({lead['vol_next_day'] / lead['vol_long_run']:.2f}x); shocks fade with a half-life of "
        f"{lead['half_life_days']:.0f} trading days. A 1-in-100 day loses "
        f"{lead['VaR99_hist']:.1%} or more in the data (such days average "
        f"{lead['ES99_hist']:.1%}); the GARCH puts tomorrow's 99% VaR at "
        f"{lead['VaR99_garch']:.1%} (ES {lead['ES99_garch']:.1%})."
    )


def innovations_sentence(ticker: str, table: pd.DataFrame, returns: pd.Series) -> str:
    """Normal against Student-t GARCH (volatility.compare_innovations): which fits, which the
    VaR uses, and what the choice does to persistence and the long-run level."""
    rows = table.set_index("dist")
    chosen = rows[rows["chosen"]].iloc[0]
    text = (
        f"{ticker}: the VaR and the figures above use **{chosen['innovations']}** innovations "
        "(lowest BIC)."
    )
    if "t" in rows.index and "normal" in rows.index:
        t, normal = rows.loc["t"], rows.loc["normal"]
        sample = returns.std() * np.sqrt(volatility.TRADING_DAYS)
        text += (
            f" Student-t (nu = {t['nu']:.1f}) against normal: log-likelihood "
            f"{t['loglik'] - normal['loglik']:+.1f}, BIC {t['bic'] - normal['bic']:+.1f}, AIC "
            f"{t['aic'] - normal['aic']:+.1f}; likelihood ratio {t['lr']:.1f} (p "
            f"{p_text(t['lr_p'])}, boundary-corrected). Persistence {normal['persistence']:.3f} "
            f"-> {t['persistence']:.3f}, long-run volatility {normal['vol_long_run']:.1%} -> "
            f"{t['vol_long_run']:.1%}: with persistence this close to 1 the long-run level "
            f"is loosely pinned down (the returns' own volatility is {sample:.1%} a year)."
        )
    return text


def p_text(p: float) -> str:
    """A p-value for a sentence after 'p': '< 0.001' when smaller, else '= 0.123'."""
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def styled_innovations(table: pd.DataFrame) -> Styler:
    """Normal against Student-t GARCH fits (volatility.compare_innovations)."""
    return show(table.drop(columns="dist"))


def left_out_notes(stress: pd.DataFrame, end: pd.Timestamp) -> list[str]:
    """One line per series stress_fits left out for too few daily returns (table attrs)."""
    return [
        f"{ticker}: {count} daily returns up to {end.date()}, under the "
        f"{volatility.MIN_RETURNS} a GARCH(1,1) fit needs; left out of this table."
        for ticker, count in stress.attrs.get("left_out", {}).items()
    ]


def data_stop_notes(frame: pd.DataFrame, label: str, date: str, end: pd.Timestamp) -> list[str]:
    """One line per series (column label) whose data (column date) stop before end."""
    stale = frame.loc[frame[date] < end, [label, date]].drop_duplicates()
    return [
        f"{name}: the source's data stop on {when.date()}, before {end.date()}."
        for name, when in stale.itertuples(index=False)
    ]


def styled_stress_table(stress: pd.DataFrame) -> Styler:
    """GARCH volatility, persistence and 99% VaR/ES per stress series, one per column."""
    return show_by_row(stress.set_index("ticker").rename_axis(""), "GARCH(1,1) per series")


def styled_var_es_table(risk: pd.DataFrame) -> Styler:
    """One-day VaR and ES per level and method (volatility.var_es) in percent."""
    return show(risk)


def garch_volatility_chart(vol: pd.Series, long_run: float, ticker: str) -> plt.Axes:
    """Annualised GARCH conditional volatility against its long-run level."""
    wide = pd.DataFrame(
        {"GARCH(1,1) conditional": vol, "long-run level": long_run}, index=vol.index
    )
    ax = plots.lines(wide, f"{ticker}: annualised volatility", "volatility (annualised)")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    return ax


def worst_episodes_sentence(ticker: str, since: pd.Timestamp) -> str:
    """Caption of the worst-days and worst-drawdowns tables."""
    return (
        f"{ticker} since {since.date()}: the ten worst days, and the five deepest "
        f"peak-to-recovery drawdowns."
    )


def styled_worst_days(days: pd.DataFrame) -> Styler:
    """The largest one-day falls (volatility.worst_days)."""
    return show(days, "The ten worst days")


def styled_worst_drawdowns(falls: pd.DataFrame) -> Styler:
    """The deepest drawdowns (volatility.worst_drawdowns); no recovery reads 'not yet'."""
    return show(tables.not_yet(falls), "The five deepest drawdowns")


# 4. Concentration


def holdings_figures(holdings: pd.DataFrame, headline_fund: str = "XLK") -> list[Figure]:
    """Each fund's top-10 holdings weight (in %); headline_fund's is a headline figure."""
    return [
        {
            "name": f"{row.fund} top-10 holdings weight",
            "value": 100 * row.top10_weight,
            "unit": "%",
            "headline": row.fund == headline_fund,
        }
        for row in holdings.itertuples()
    ]


def styled_holdings_table(holdings: pd.DataFrame) -> Styler:
    """Top-10 and largest holding weights per fund in percent."""
    return show(holdings)


def ytd_spread_figures(spreads: pd.DataFrame) -> list[Figure]:
    """Each pair's equal- minus cap-weight return year to date (pp), as of its last common day."""
    return [
        {
            "name": f"{row.pair}: equal- minus cap-weight return, year to date",
            "value": 100 * row.spread,
            "unit": "pp",
            "as_of": row.through,
        }
        for row in spreads[spreads["window"] == "YTD"].itertuples()
    ]


def styled_spread_table(spreads: pd.DataFrame) -> Styler:
    """Equal- and cap-weight returns and their spread per pair and window."""
    return show(spreads)


def rolling_spread_chart(rolling: pd.DataFrame) -> plt.Axes:
    """Rolling 3-month equal- minus cap-weight return, one line per pair, a line at 0."""
    ax = plots.lines(
        rolling, "Equal weight minus cap weight, rolling 3-month return", "return spread"
    )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    return ax


# 5. Historical analogues


def state_text(now: dict[str, object], rebound_words: str = " and came back to") -> str:
    """Today's state as past drawdowns must match it (analogues.after_today): 'reached -15.9%',
    plus ' and came back to -7.4% before -20%' when today has rebounded from its low."""
    text = f"reached {now['reached']:.1%}"
    if now["rebounded"]:
        text += f"{rebound_words} {now['depth']:.1%} before {now['deeper']:.0%}"
    return text


def today_drawdown_figures(
    ticker: str, now: dict[str, object], summary: dict[str, object], headline: bool
) -> list[Figure]:
    """Today's drawdown, and what followed past drawdowns in today's state (analogues.after_today):
    the share that went deeper carries its exact interval. No analogue figure when today's low
    is not yet analogues.MIN_DEPTH deep."""
    figures: list[Figure] = [
        {
            "name": f"{ticker} drawdown from its peak",
            "value": 100 * now["depth"],
            "unit": "%",
            "as_of": now["date"],
            "headline": headline,
        }
    ]
    if not now["comparable"]:
        return figures
    state = f"reached {now['reached']:.1%} (its trough so far)"
    if now["rebounded"]:
        state += f" and came back to {now['depth']:.1%} (today's depth) before {now['deeper']:.0%}"
    share = summary["share"]
    figures.append(
        {
            "name": f"{ticker}: past drawdowns that {state}",
            "value": summary["episodes"],
            "unit": "drawdowns",
            "as_of": now["date"],
        }
    )
    if not summary["episodes"]:
        return figures
    figures += [
        {
            "name": f"{ticker}: share of past drawdowns that {state}, that went on to "
            f"{now['deeper']:.0%}",
            "value": 100 * share.value,
            "unit": "%",
            "as_of": now["date"],
            "headline": headline,
            "interval": share.percent_interval(),
        },
        {
            "name": f"{ticker}: median return over the 12 months after past drawdowns that "
            f"{state_text(now)}",
            "value": 100 * summary["median_12m"],
            "unit": "%",
            "as_of": now["date"],
        },
    ]
    low, high, coverage = summary["interval_12m"]
    if coverage >= intervals.LEVEL:  # too few episodes reach 95%: no interval is claimed
        figures[-1]["interval"] = (100 * low, 100 * high)
    return figures


def today_drawdown_sentence(ticker: str, now: dict[str, object], summary: dict[str, object]) -> str:
    """Today's drawdown, and of past drawdowns in today's state (its low so far, and today's
    depth when it has rebounded): how many went deeper with the share's interval, how fast, and
    what the next 6 and 12 months returned (analogues.conditional_summary)."""
    when = now["date"].date()
    if now["depth"] >= 0:
        return f"**{ticker}** on {when}: at its peak, a new closing high: no drawdown to compare."
    text = (
        f"**{ticker}** on {when}: {-now['depth']:.1%} below its {now['peak'].date()} peak "
        f"({now['days_since_peak']} days ago)"
    )
    if not now["comparable"]:
        return text + (
            f"; at its worst {-now['reached']:.1%} down, less than "
            f"{analogues.MIN_DEPTH:.0%}: no past drawdown is compared."
        )
    if now["rebounded"]:
        text += f"; at its low on {now['trough'].date()} it was {-now['reached']:.1%} down"
    state, deeper = state_text(now), f"{now['deeper']:.0%}"
    n = summary["episodes"]
    if not n:
        return text + f". No earlier drawdown since {now['since'].date()} {state}."
    went = summary["went_deeper"]
    text += (
        f". Since {now['since'].date()}, {n} earlier drawdowns {state}: "
        f"{summary['share'].text()} went on to {deeper}"
    )
    if went:
        text += f" (median {summary['median_days_to_deeper']:.0f} days later)"
    text += f", {n - went} recovered first."
    for name, words in (("6m", "6 months"), ("12m", "12 months")):
        if summary[f"n_{name}"]:
            text += (
                f" Over the next {words} from that point: median "
                f"{summary[f'median_{name}']:+.1%}, positive in "
                f"{summary[f'positive_{name}']:.0%} of {summary[f'n_{name}']}."
            )
    return text


def styled_after_reaching(table: pd.DataFrame) -> Styler:
    """Past drawdowns that stood where today stands (analogues.after_today), what followed."""
    return show(table[["ticker", *table.columns.drop("ticker")]])


def recovery_legs_sentence(legs: pd.DataFrame) -> str:
    """Each recovery leg of the first history: its return against the market, and real yields."""
    if legs.empty:
        return "This source's data do not cover seed 002's recovery legs (2002-07, 2018-19)."
    first = legs[legs["ticker"] == legs["ticker"].iloc[0]]
    parts = []
    for row in first.itertuples():
        text = (
            f"{row.leg}: {row.ticker} {row.tech_return:+.0%} from {row.start.date()} to "
            f"{row.end.date()} ({row.tech_annualised:+.1%} a year), {row.market} "
            f"{row.market_return:+.0%}"
        )
        if "DFII10_start" in legs and pd.notna(row.DFII10_start):
            since = (
                f" (first observation {row.DFII10_from.date()})"
                if row.DFII10_from > row.start
                else ""
            )
            text += (
                f"; the 10y real yield went from {row.DFII10_start:.2f}%{since} to "
                f"{row.DFII10_end:.2f}% ({row.DFII10_change:+.2f} pp)"
            )
        parts.append(text)
    return ". ".join(parts) + "."


def styled_recovery_legs(legs: pd.DataFrame) -> Styler:
    """Recovery legs (analogues.recovery_legs): returns in %, yields in % and pp."""
    return show(legs)


def styled_analogue_table(table: pd.DataFrame) -> Styler:
    """Each episode's depth and durations (analogues.analogue_tables); 'not yet' if open."""
    return show(tables.not_yet(table[["ticker", *table.columns.drop("ticker")]]))


def drawdown_paths_chart(paths: pd.DataFrame, ticker: str) -> plt.Axes:
    """Drawdown paths aligned at each episode's peak (analogues.aligned_paths); today in black."""
    episodes = list(paths["episode"].unique())
    palette = dict(zip(episodes, sns.color_palette(n_colors=len(episodes)), strict=True)) | {
        analogues.TODAY: "black"
    }
    ax = sns.lineplot(
        data=plots.as_category(paths, "episode"),
        x="day",
        y="drawdown",
        hue="episode",
        hue_order=episodes,
        palette=palette,
    )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(
        title=f"{ticker}: drawdowns aligned at each episode's peak (to recovery, at most 3 years)",
        xlabel="trading days since the peak",
        ylabel="below the peak",
    )
    return ax


# The answer

QUESTION = "How exposed is tech, and how deep and long have comparable drawdowns been?"
ANALOGUES = "5. Historical analogues"
SHOCKS = "2. Rate-path scenarios: what if cuts are delayed?"
STRESS = "3. Semiconductors and supply-chain stress"
CONCENTRATION = "4. Concentration: mega-caps against the rest"
CORRECTION, BEAR = -0.10, -0.20  # the usual names of a fall from the peak


def drawdown_verdict(depth: float) -> str:
    """At its peak, a pullback (less than 10% down), a correction (10-20%) or a bear market
    (20% or more)."""
    if depth >= 0:
        return "At its peak"
    if depth <= BEAR:
        return "A bear market"
    return "A correction" if depth <= CORRECTION else "A pullback so far"


def shock_text(head: pd.Series, week: pd.Series | None = None) -> str:
    """The answer's sentence on the headline rate shock: impact, interval, R^2, and its p as
    tested (blocks at a multi-period horizon), next to the one-period beta of section 02."""
    p = shock_p(head)
    text = (
        f"A {head['sd_multiple']:g}-sd rise in the {head['shocked']} over {head['horizon']} "
        f"({head['shock_bp']:+.0f} bp) goes with {head['impact']:+.2%} for tech against the "
        f"market (95% CI {head['lower']:+.2%} to {head['upper']:+.2%}, R² {head['r2']:.2f}); "
        f"p = {p:.2f}"
    )
    if head.get("offsets", 1) > 1:
        text += f" on {blocks_words(head)} (median of {int(head['offsets'])} offsets)"
    text += f", {intervals.significance(p)}"
    if week is not None and head["periods"] != 1:
        text += (
            f"; {week['horizon']} at a time (section 02): p = {week['beta_p']:.2f}, "
            f"{intervals.significance(week['beta_p'])}"
        )
    else:
        text += "; the one-period beta is in section 02"
    return text + "."


def drawdown_text(ticker: str, now: dict[str, object], summary: dict[str, object]) -> str:
    """The answer's sentence on today's drawdown and what followed past ones in its state."""
    if now["depth"] >= 0:
        return f"{ticker} closed at its peak on {now['date'].date()}: no drawdown to compare."
    text = f"{ticker} is {-now['depth']:.1%} below its {now['peak'].date()} peak"
    if not now["comparable"]:
        return text + (
            f", {-now['reached']:.1%} at its worst: less than {analogues.MIN_DEPTH:.0%}, so no "
            "past drawdown is compared."
        )
    if now["rebounded"]:
        text += f", up from {now['reached']:.1%} on {now['trough'].date()}"
    else:
        text += ", at its low so far"
    if not summary["episodes"]:
        return text + f"; no past drawdown {state_text(now)}."
    return text + (
        f"; of past drawdowns that {state_text(now)}, {summary['share'].text()} went on to "
        f"{now['deeper']:.0%}."
    )


def answer(
    ticker: str,
    now: dict[str, object],
    summary: dict[str, object],
    head: pd.Series | None,
    lead: pd.Series | None,
    spreads: pd.DataFrame | None,
    claims: pd.DataFrame,
    week: pd.Series | None = None,
) -> answers.Answer:
    """03's answer: today's drawdown and what followed past ones in its state (analogues), the
    headline rate shock (rate_shocks.headline_shock), semiconductor volatility (the GARCH lead
    series) and equal- against cap-weight (concentration.equal_vs_cap)."""
    sentences = [
        answers.Sentence("drawdown", drawdown_text(ticker, now, summary), answers.anchor(ANALOGUES))
    ]
    depth = f"{now['depth']:+.1%}" if now["depth"] < 0 else "0.0%"
    numbers = [answers.Number(depth, f"{ticker} below its peak", answers.anchor(ANALOGUES))]
    if now["comparable"] and summary["episodes"]:
        numbers.append(
            answers.Number(
                f"{summary['went_deeper']} of {summary['episodes']}",
                f"past drawdowns that {state_text(now)} that went on to {now['deeper']:.0%}",
                answers.anchor(ANALOGUES),
            )
        )
    if head is not None:
        sentences.append(answers.Sentence("rates", shock_text(head, week), answers.anchor(SHOCKS)))
        if intervals.headline(shock_p(head)):
            numbers.append(
                answers.Number(
                    f"{head['impact']:+.2%}",
                    f"tech vs market if the {head['shocked']} rises {head['sd_multiple']:g} sd "
                    f"over {head['horizon']}",
                    answers.anchor(SHOCKS),
                )
            )
    if lead is None:  # too few daily returns to fit a GARCH by the as-of date (page says why)
        sentences.append(
            answers.Sentence(
                "semis",
                "Semiconductor volatility is not available from this source at this date.",
                answers.anchor(STRESS),
            )
        )
    else:
        sentences.append(
            answers.Sentence(
                "semis",
                f"{lead['ticker']}'s volatility for the next day is {lead['vol_next_day']:.1%} "
                f"a year, against a long-run {lead['vol_long_run']:.1%}.",
                answers.anchor(STRESS),
            )
        )
        numbers.append(
            answers.Number(
                f"{lead['vol_next_day']:.1%}",
                f"{lead['ticker']} volatility, next day (a year)",
                answers.anchor(STRESS),
            )
        )
    if spreads is not None:
        ytd = spreads[spreads["window"] == "YTD"]
        if len(ytd):
            row = ytd.iloc[0]
            numbers.append(
                answers.Number(
                    f"{row['spread']:+.1%}",
                    f"{row['pair']}: equal minus cap weight, year to date",
                    answers.anchor(CONCENTRATION),
                )
            )
    return answers.answer(QUESTION, drawdown_verdict(now["depth"]), sentences, numbers, claims)
