"""Presentation for 02 · Drivers: styled tables, computed sentences and charts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import PercentFormatter
from pandas.io.formats.style import Styler

from techflows.analysis import fed, fundamentals, rotation
from techflows.stats import intervals
from techflows.views import answers, plots, tables
from techflows.views.tables import show

DECISION_COLUMNS = ["announced", "change_bp", "lower", "upper", "day0", "last_day"]


def pct(value: float) -> str:
    """A decimal as a signed percentage with one decimal: 0.123 -> '+12.3%'."""
    return f"{value:+.1%}"


def _period(frequency: str) -> str:
    """'weekly' -> 'week', 'monthly' -> 'month'."""
    return frequency.removesuffix("ly")


# 1. The Fed's policy path


def latest_range_sentence(now: dict[str, object], label: str) -> str:
    """The latest target range (or proxy) with its date and the series it comes from."""
    return f"Latest: **{now['label']}** on {pd.Timestamp(now['date']).date()} — {label}."


def fed_cycle_sentence(cycle: pd.DataFrame) -> str:
    """The current cycle and its latest leg, from fed.cycle_summary."""
    run, leg = cycle.iloc[0], cycle.iloc[1]
    return (
        f"The current {run['kind']} cycle began on {run['start'].date()}: {run['moves']} moves, "
        f"{run['cumulative_bp']:+d} bp, from {run['from_range']} to {run['to_range']}. Its latest "
        f"leg (after a long pause) began {leg['start'].date()}: {leg['moves']} moves, "
        f"{leg['cumulative_bp']:+d} bp."
    )


def styled_fed_comparison(compare: pd.DataFrame) -> Styler:
    """The articles' Fed statements next to the measured moves."""
    return show(compare)


def styled_fed_cycles(cycle: pd.DataFrame) -> Styler:
    """The current cycle and its latest leg."""
    return show(cycle)


def styled_rate_changes(changes: pd.DataFrame, last: int = 12) -> Styler:
    """The last changes of the target range (the caption counts the rest)."""
    return show(
        changes, "Changes of the target range", rows=last, where="tail", file="fed_changes.csv"
    )


# 1b. The rate path the market prices


def market_path_sentence(market: pd.DataFrame, around: pd.DataFrame, days: int = 30) -> str:
    """The 2-year yield against the funds rate now, the curve, and the spread around each move
    (fed.market_path, fed.around_moves)."""
    last = market.iloc[-1]
    gap = 100 * last["spread"]
    text = (
        f"On {market.index[-1].date()} the 2-year yield was **{last['two_year']:.2f}%**, "
        f"{abs(gap):.0f} bp {'below' if gap < 0 else 'above'} the effective funds rate "
        f"({last['funds']:.2f}%, FRED {market.attrs['funds_id']})"
    )
    text += {
        "cuts": ": the market priced a lower average funds rate over the next two years",
        "hikes": ": the market priced a higher average funds rate over the next two years, "
        "consistent with hikes",
        "no change": ": within half a 25 bp move, about no change priced",
    }[fed.priced_moves(last["spread"])]
    text += " (term premium aside)"
    if pd.notna(last["curve"]):
        text += f"; the 10-year yield stood {100 * last['curve']:+.0f} bp over the 2-year"
    text += "."
    if around.empty:
        return text
    moves = [
        f"{r.announced.date()} ({r.change_bp:+d} bp): {100 * r.spread_day_before:+.0f} bp"
        + (
            f" -> {100 * getattr(r, f'spread_{days}d_after'):+.0f} bp"
            if pd.notna(r.spread_change)
            else " (no data after it yet)"
        )
        for r in around.itertuples()
    ]
    text += (
        f" 2-year minus funds rate the day before each move -> {days} days after: "
        + "; ".join(moves)
        + "."
    )
    cuts = around.dropna(subset=["spread_change"])
    if len(cuts) and (cuts["change_bp"] < 0).all() and (cuts["spread_change"] > 0).all():
        text += (
            " The spread narrowed after every cut: the 2-year had already priced it, and the "
            "funds rate came down towards the 2-year."
        )
    return text


def styled_around_moves(around: pd.DataFrame) -> Styler:
    """Rates around each FOMC move (fed.around_moves): levels in %, spreads in pp."""
    return show(around, values=tables.SIGNED, labels=around_labels(around.columns))


def around_labels(columns: pd.Index) -> dict[str, str]:
    """'two_year_30d_before' -> '2-year yield, 30 days before (%)' for fed.around_moves."""
    what = {
        "two_year": "2-year yield (%)",
        "funds": "funds rate (%)",
        "spread": "2y minus funds (pp)",
        "curve": "10y minus 2y (pp)",
    }
    when = {"_day_before": "day before", "_30d_before": "30 days before"}
    when |= {"_30d_after": "30 days after"}
    labels = {}
    for name in columns:
        for prefix, label in what.items():
            for suffix, moment in when.items():
                if name == prefix + suffix:
                    labels[name] = f"{label.replace(' (', f', {moment} (')}"
    return labels


def market_path_chart(market: pd.DataFrame, moves: pd.DataFrame, years: int = 2) -> plt.Figure:
    """2-year yield and funds rate above, their spread and the 2s10s curve below; FOMC moves as
    vertical lines."""
    recent = market.loc[market.index[-1] - pd.DateOffset(years=years) :]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True, height_ratios=[2, 1])
    levels = recent[["two_year", "funds"]].rename(columns=fed.MARKET_COLUMNS)
    title = f"The rate path the market prices, last {years} year{'s' if years != 1 else ''}"
    plots.lines(levels, title, "%", ax=top)
    spreads = (
        recent[["spread", "curve"]].dropna(axis=1, how="all").rename(columns=fed.MARKET_COLUMNS)
    )
    plots.lines(spreads, "", "pp", ax=bottom)
    bottom.axhline(0, color="black", linewidth=0.8)
    for when in moves["announced"]:
        if when >= recent.index[0]:
            for ax in (top, bottom):
                ax.axvline(when, color="#999999", linestyle="--", linewidth=0.8)
    return fig


# 2. Rate sensitivity


def beta_figures(head: dict[str, object], as_of: object) -> list[dict[str, object]]:
    """The headline beta (rates.headline_beta), its HAC p-value and R^2, dated by the panel's
    last period. A p above 0.10 makes none of them a headline, and each name says so."""
    headline = intervals.headline(head["p"])
    name = f"Tech beta to the {head['label']} ({head['frequency']})"
    name += "" if headline else ", not significant"
    figures = [
        (name, head["beta"], "% excess return per +1pp"),
        (f"{name}: p-value (HAC)", head["p"], "p"),
        (f"{name}: R² of the regression", head["r2"], "R²"),
    ]
    return [
        {"name": n, "value": v, "unit": u, "as_of": as_of, "headline": headline}
        for n, v, u in figures
    ]


def longer_text(longer: dict[str, object]) -> str:
    """The beta over the longest horizon, as section 03 tests it (rate_shocks.block_beta)."""
    offsets = int(longer["offsets"])
    low = f"{longer['p_low']:.3f}" if longer["p_low"] >= 0.001 else "< 0.001"
    return (
        f"over {longer['horizon']} (section 03's rate-path scenarios): beta "
        f"{longer['beta']:+.2f}% per +1pp, p = {longer['beta_p']:.2f} (the median of {offsets} "
        f"phase offsets of non-overlapping blocks, from {low} to {longer['p_high']:.2f}; "
        f"{int(longer['p_below'])} of {offsets} offsets below 0.05), "
        f"{intervals.significance(longer['beta_p'])}"
    )


def rate_sensitivity_sentence(
    panel: pd.DataFrame, head: dict[str, object], longer: dict[str, object] | None = None
) -> str:
    """What was regressed on what, over which dates, the headline beta with its HAC stats, and
    the same beta over the longest horizon on non-overlapping blocks (section 03's test)."""
    attrs = panel.attrs
    text = (
        f"{attrs['tech']} minus {attrs['market']}, {head['frequency']}, "
        f"{panel.index[0].date()} to {panel.index[-1].date()} ({head['n']} periods). "
        f"Nominal: {attrs['nominal_source']}; real: {attrs['real_source']}. "
        f"Beta to the {head['label']}: **{head['beta']:+.2f}% per +1pp** "
        f"(HAC se {head['se']:.2f}, p = {head['p']:.2f}, {intervals.significance(head['p'])}, "
        f"R² = {head['r2']:.3f})."
    )
    if longer is not None:
        words = longer_text(longer)
        text += f" {words[0].upper()}{words[1:]}."
    return text


def styled_rate_sensitivity(sens: pd.DataFrame) -> Styler:
    """The sensitivity table: betas and t signed, p and R2 with three decimals."""
    return show(sens)


def rolling_beta_sentence(roll: pd.DataFrame, label: str, window: int, frequency: str) -> str:
    """The latest rolling beta (in % per +1pp) with its +-2 standard-error band."""
    last = 100 * roll.iloc[-1]
    return (
        f"Latest rolling {window}-{_period(frequency)} beta to the {label}: "
        f"{last['beta']:+.2f}% per +1pp (±2 se: {last['lower']:+.2f} to {last['upper']:+.2f})."
    )


def rolling_beta_chart(
    roll: pd.DataFrame, label: str, window: int, frequency: str, ax: plt.Axes | None = None
) -> plt.Axes:
    """Rolling beta (in % per +1pp) as a line with its +-2 standard-error band."""
    title = f"Rolling {window}-{_period(frequency)} beta of tech's excess return to the {label}"
    ax = plots.lines(100 * roll[["beta"]], title, "% excess return per +1pp", ax=ax)
    ax.fill_between(roll.index, 100 * roll["lower"], 100 * roll["upper"], alpha=0.2, label="±2 se")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.legend()
    return ax


# 3. FOMC decisions


def fomc_summary_sentences(summary: pd.DataFrame, end: int) -> list[str]:
    """One sentence per kind of decision: mean relative return to day +end, t, p, share positive;
    decisions whose window is not complete yet are counted, not averaged."""
    sentences = []
    for row in summary.itertuples():
        if not row.n:
            sentences.append(
                f"{answers.plural(int(row.decisions), row.kind)}: no complete window to day "
                f"+{end} yet."
            )
            continue
        sentences.append(
            f"{row.n} {row.kind}s: tech vs market from day -1 to day +{end}, mean {pct(row.mean)} "
            f"(t = {row.t:+.2f}, p = {row.p:.2f}); positive in {row.share_positive:.0%} of them."
        )
    return sentences


def styled_fomc_decisions(decisions: pd.DataFrame, last: int = 6) -> Styler:
    """The last decisions with tech's relative return on the day and at the window's end."""
    return show(
        decisions[DECISION_COLUMNS],
        "FOMC decisions and tech's return over the market around them",
        rows=last,
        where="tail",
        file="fomc_events.csv",
    )


def fomc_mean_paths_chart(
    means: pd.DataFrame, tech: str, market: str, ax: plt.Axes | None = None
) -> plt.Axes:
    """Mean relative path per kind of decision with its confidence band."""
    ax = ax or plt.subplots()[1]
    for i, (kind, group) in enumerate(means.groupby("kind")):
        color = f"C{i}"
        label = f"{kind} (n={int(group['n'].max())})"
        sns.lineplot(x=group["day"], y=100 * group["mean"], color=color, label=label, ax=ax)
        ax.fill_between(
            group["day"], 100 * group["lower"], 100 * group["upper"], color=color, alpha=0.15
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(0, color="grey", linestyle="--", linewidth=0.8)
    ax.set(
        title=f"{tech} relative to {market} around FOMC rate changes",
        xlabel="trading days from the decision",
        ylabel="tech vs market, %",
    )
    return ax


# 4. The dollar and risk appetite


def macro_sources_sentence(macro: pd.DataFrame) -> str:
    """Where the dollar and VIX series come from and the weeks they cover."""
    return (
        f"Dollar: {macro.attrs['dollar_source']}; VIX: {macro.attrs['vix_source']}; "
        f"weekly, {macro.index[0].date()} to {macro.index[-1].date()}."
    )


def styled_correlations(corr: pd.DataFrame) -> Styler:
    """Full-period and recent correlations, signed, two decimals."""
    return show(corr)


def rolling_correlation_chart(
    rolling: pd.DataFrame, window: int, ax: plt.Axes | None = None
) -> plt.Axes:
    """Rolling correlations of tech's excess return with the dollar and the VIX."""
    title = f"Rolling {window}-week correlation with tech's excess return"
    return plots.lines(rolling, title, "correlation", ax=ax)


# 5. AI capex and monetisation


def basis_sentence(table: pd.DataFrame) -> str:
    """The bases (measured / reported) a table's rows rest on."""
    return f"Basis: **{', '.join(table['basis'].unique())}**."


def capex_basis_sentence(
    capex: pd.DataFrame,
    article_usd_bn: float | None = None,
    article_growth_pct: float | None = None,
) -> str:
    """The capex table's basis and JPMorgan's 2026 figure (default: from reported figures)."""
    if article_usd_bn is None:
        article_usd_bn = fundamentals.reported_value("capex_big4_2026")
    if article_growth_pct is None:
        article_growth_pct = fundamentals.reported_value("capex_big4_growth_2026")
    return (
        f"{basis_sentence(capex)} Article (JPMorgan): {article_usd_bn:.0f} USD bn in 2026, "
        f"{article_growth_pct:+.0f}% y/y."
    )


def capex_growth_sentence(yearly: pd.DataFrame) -> str:
    """The latest fiscal year's measured capex across the companies and its growth."""
    last = yearly.iloc[-1]  # an all-numeric row: counts and years come back as floats
    return (
        f"Measured: {last['capex_usd_bn']:.0f} USD bn across {int(last['companies'])} companies "
        f"for fiscal years ending in {int(last['year'])} ({pct(last['growth'])} y/y)."
    )


def styled_reported(reported: pd.DataFrame) -> Styler:
    """Reported figures without their id and citation columns, one decimal."""
    return show(reported.drop(columns=["id", "cited_in"]), "Reported figures (not measured)")


# 6. Rotation and crowding


def flow_history_sentence(weekly: pd.DataFrame, crowd: pd.DataFrame) -> str:
    """The flow file's dates, the weeks per fund and the largest z those weeks allow."""
    n_weeks = int(crowd["n_weeks"].max())
    attrs = weekly.attrs
    return (
        f"Flows {attrs['first_day'].date()} to {attrs['last_day'].date()}: at most {n_weeks} "
        f"full weeks per fund (weeks with fewer than {attrs['min_days']} reported days left out), "
        f"so the largest z any week can reach is {rotation.max_attainable_z(n_weeks):.2f}."
    )


def materials_crowding_sentence(xlb: pd.Series, article_z: float | None = None) -> str:
    """The article's materials z-score (default: from reported figures) against XLB's peak week."""
    if article_z is None:
        article_z = fundamentals.reported_value("materials_flow_z")
    return (
        f"Article: materials inflows more than {article_z:.0f} sd above average. Measured, XLB: "
        f"peak week {xlb['peak_week'].date()} at z = {xlb['peak_z']:+.2f} "
        f"({xlb['peak_z_others']:+.2f} against its other weeks); total flow "
        f"{xlb['total_flow_usd'] / 1e9:+.2f} USD bn over {xlb['n_weeks']} weeks."
    )


def widest_peak_sentence(crowd: pd.DataFrame) -> str:
    """The fund whose peak week is largest against its other weeks, with the caveat."""
    widest = crowd.loc[crowd["peak_z_others"].idxmax()]
    return (
        "Against its *other* weeks (a measure the sample size does not cap) the largest peak is "
        f"{widest['ticker']} at {widest['peak_z_others']:+.2f} in the week to "
        f"{widest['peak_week'].date()} — that measure has no cap, so on a short history one "
        "unusual week can score very high."
    )


def styled_flow_zscores(crowd: pd.DataFrame) -> Styler:
    """Per fund: flows in USD with thousands separators, z-scores signed, weeks as days."""
    return show(crowd)


HEATMAP_WEEKS = 26  # the latest weeks a heatmap shows (implied flows reach back years)


def flow_zscore_heatmap(
    zscores: pd.DataFrame, tickers: pd.Series | list[str], ax: plt.Axes | None = None
) -> plt.Axes:
    """Heatmap of weekly flow z-scores (fund x week ending) for the given funds, latest weeks."""
    heat = zscores[zscores["ticker"].isin(tickers)].pivot(
        index="ticker", columns="week", values="z"
    )
    heat = heat.iloc[:, -HEATMAP_WEEKS:]
    ax = sns.heatmap(
        heat.set_axis(heat.columns.strftime("%m-%d"), axis=1),
        cmap="vlag",
        center=0,
        annot=True,
        fmt=".1f",
        cbar_kws={"label": "z"},
        ax=ax,
    )
    ax.set(
        title="Weekly net flow z-score against each fund's own weeks",
        xlabel="week ending",
        ylabel="",
    )
    return ax


def relative_strength_sentence(strength: pd.DataFrame, start: pd.Timestamp) -> str:
    """Each pair's latest relative performance since the start date."""
    latest = "; ".join(f"{pair} {pct(value - 1)}" for pair, value in strength.iloc[-1].items())
    return f"Since {start.date()}: {latest} (above 0: tech ahead)."


def relative_strength_chart(
    strength: pd.DataFrame, tech: str, start: pd.Timestamp, ax: plt.Axes | None = None
) -> plt.Axes:
    """Tech's price relative to each other fund since the start date, in %."""
    title = f"Tech ({tech}) relative to materials and industrials since {start.date()}"
    ax = plots.lines(strength - 1, title, "relative return", ax=ax)
    ax.yaxis.set_major_formatter(PercentFormatter(1))
    return ax


def segment_ranking_sentence(segments: pd.DataFrame, paths: pd.DataFrame) -> str:
    """Segments ranked by mean return relative to the market since the paths' start."""
    ranked = ", ".join(f"{r.segment} {pct(r.mean_relative)}" for r in segments.itertuples())
    return (
        f"Relative to {paths.attrs['market']} since {paths.attrs['start'].date()}, "
        f"segment means: {ranked}."
    )


def relative_to_market_sentence(paths: pd.DataFrame, ticker: str) -> str:
    """One ticker's return relative to the market over the paths' period."""
    return (
        f"{ticker} relative to the market over the same period: {pct(paths[ticker].iloc[-1] - 1)}."
    )


def styled_segments(segments: pd.DataFrame) -> Styler:
    """Segment table with the mean relative return as a signed percentage."""
    return show(segments)


def segment_chart(means: pd.DataFrame, ax: plt.Axes | None = None) -> plt.Axes:
    """Mean relative path per segment, in %, legend outside the plot."""
    title = "Tech segments relative to the market (equal-weighted within segment)"
    ax = plots.lines(means - 1, title, "relative return", ax=ax)
    ax.yaxis.set_major_formatter(PercentFormatter(1))
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1))
    return ax


# 7. Earnings expectations


def styled_eps_revisions(eps: pd.DataFrame) -> Styler:
    """EPS revisions, measured per company or the articles' reported figures."""
    return show(eps.drop(columns=["cited_in"], errors="ignore"))


# The answer

QUESTION = "What is moving money into and out of tech: the Fed, rates, or rotation?"
FED = "1. The Fed's policy path"
MARKET_PATH = "1b. The rate path the market prices"
SENSITIVITY = "2. Rate sensitivity: tech against nominal and real yields"
ROTATION = "6. Rotation and crowding"
SIGNIFICANT = 0.05  # a beta with a p-value below this "moves" tech
ROTATION_MARGIN = 0.05  # tech behind every rotation target by more than this: a rotation


def drivers_verdict(rates_matter: bool, rotation: bool) -> str:
    """The answer's first words: which of rates and rotation the data single out."""
    if rotation and not rates_matter:
        return "Rotation more than rates"
    if rotation:
        return "Rates and rotation"
    return "Rates" if rates_matter else "No single driver stands out"


def answer(
    now: dict[str, object] | None,
    compare: pd.DataFrame | None,
    market: pd.DataFrame | None,
    head: dict[str, object] | None,
    strength: pd.DataFrame | None,
    start: pd.Timestamp | None,
    claims: pd.DataFrame,
    longer: dict[str, object] | None = None,
) -> answers.Answer:
    """02's answer: the Fed's moves and the path the market prices (fed.current_range,
    fed.versus_articles, fed.market_path), tech's beta to yields (rates.headline_beta, and over
    the longest horizon on non-overlapping blocks: rate_shocks.block_beta) and its relative
    strength against the sectors money rotated into (rotation.relative_strength)."""
    sentences, numbers = [], []
    if now is None:  # the source lacks the Fed's range (its page says why)
        fed_text = "The Fed's target range is not available from this source"
    else:
        day = pd.Timestamp(now["date"]).date()
        fed_text = f"The Fed's target range is {now['label']} on {day}"
        number = answers.Number(
            f"{now['upper']:.2f}%", "Fed funds target, upper bound", answers.anchor(FED)
        )
        numbers.append(number)
    if compare is not None:
        cuts, year = compare.attrs["cuts_in_year"], compare.attrs["year"]
        fed_text += f", after {answers.plural(int(cuts), 'cut')} in {year}"
        numbers.append(
            answers.Number(
                answers.plural(int(cuts), "cut"), f"FOMC cuts in {year}", answers.anchor(FED)
            )
        )
    if market is not None:
        gap = 100 * market["spread"].iloc[-1]
        priced = {
            "cuts": "further cuts",
            "hikes": "a higher funds rate over the next two years, consistent with hikes rather "
            "than cuts (term premium aside)",
            "no change": "about no change",
        }[fed.priced_moves(market["spread"].iloc[-1])]
        fed_text += (
            f"; the 2-year yield stands {abs(gap):.0f} bp {'below' if gap < 0 else 'above'} the "
            f"effective funds rate, so the market prices {priced}"
        )
        numbers.append(
            answers.Number(
                f"{gap:+.0f} bp", "2-year yield minus the funds rate", answers.anchor(MARKET_PATH)
            )
        )
    sentences.append(answers.Sentence("fed", fed_text + ".", answers.anchor(FED)))
    rates_matter = head is not None and (
        head["p"] < SIGNIFICANT or (longer is not None and longer["beta_p"] < SIGNIFICANT)
    )
    if head is None:  # too few weeks, or no yields, up to the as-of date (its page says why)
        sentences.append(
            answers.Sentence(
                "rates",
                "Tech's sensitivity to yields is not available from this source at this date.",
                answers.anchor(SENSITIVITY),
            )
        )
    else:
        sentences.append(
            answers.Sentence("rates", rates_text(head, longer), answers.anchor(SENSITIVITY))
        )
        label = f"tech's beta to the {head['label']}, per +1pp"
        numbers.append(
            answers.Number(
                f"{head['beta']:+.2f}% (p {head['p']:.2f})",
                label if intervals.headline(head["p"]) else f"{label}, not significant",
                answers.anchor(SENSITIVITY),
            )
        )
    rotation = False
    if strength is not None and start is not None:
        moves = strength.iloc[-1] - 1
        rotation = bool((moves < -ROTATION_MARGIN).all())
        listed = ", ".join(f"{pair} {pct(value)}" for pair, value in moves.items())
        sentences.append(
            answers.Sentence(
                "rotation",
                f"Since {start.date()}, tech's price relative to the sectors money rotated into: "
                f"{listed}.",
                answers.anchor(ROTATION),
            )
        )
        first = moves.index[0]
        numbers.append(
            answers.Number(
                pct(moves.iloc[0]), f"{first} since {start.date()}", answers.anchor(ROTATION)
            )
        )
    verdict = drivers_verdict(rates_matter, rotation)
    if head is None:  # rates unmeasured: no "no single driver" on half the evidence
        verdict = "Rotation; rates unknown" if rotation else "Unknown"
    return answers.answer(QUESTION, verdict, sentences, numbers[:5], claims)


def rates_text(head: dict[str, object], longer: dict[str, object] | None) -> str:
    """The answer's sentence on tech's beta to yields (rates.headline_beta) and, when fitted,
    over the longest horizon (rate_shocks.block_beta)."""
    period = _period(str(head["frequency"]))
    text = (
        f"{period.capitalize()} to {period}, tech's return over the market "
        f"{'moves' if head['p'] < SIGNIFICANT else 'barely moves'} with the {head['label']}: "
        f"beta {head['beta']:+.2f}% per +1pp, p = {head['p']:.2f}, "
        f"{intervals.significance(head['p'])}, R² = {head['r2']:.3f}"
    )
    if longer is not None:
        text += f"; {longer_text(longer)}"
    return text + "."
