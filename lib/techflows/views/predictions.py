"""Section 04 (predictions): styled tables, computed sentences and charts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from techflows.analysis import forward_returns as fr
from techflows.models import regimes
from techflows.models.forecast import MODEL, NAIVE
from techflows.monitor.scenarios import Reading
from techflows.views import answers, plots
from techflows.views.monitor import scenario_answer_text
from techflows.views.tables import show

SCENARIO_COLOURS = {"bull": "#55a868", "base": "#8c8c8c", "bear": "#c44e52"}


# Tables


def styled_parameters(parameters: pd.DataFrame) -> Styler:
    """Fitted SARIMAX coefficients, standard errors and p-values."""
    return show(parameters, "SARIMAX coefficients", table="forecast_parameters")


def styled_forecast(ahead: pd.DataFrame) -> Styler:
    """Forecast weeks: mean and 90% interval in % a week."""
    return show(ahead, table="forecast")


def styled_backtest(metrics: pd.DataFrame) -> Styler:
    """Backtest skill table: errors, ratios, p-values and hit rate, '-' where undefined."""
    return show(metrics)


def styled_reading_check(check: pd.DataFrame) -> Styler:
    """Share of weeks read bull / base / bear in each check period (regimes.check_periods)."""
    return show(check)


def styled_distribution(spread: pd.DataFrame) -> Styler:
    """Forward-return distribution per group and horizon (% over the market)."""
    return show(spread, "Tech's return over the market after event weeks (%)")


# Sentences


def forecast_sentence(
    y: pd.Series, exog_note: str, ahead: pd.DataFrame, alpha: float = 0.10
) -> str:
    """The sample the model saw and next week's forecast with its interval."""
    mean, lower, upper = ahead[["mean", "lower", "upper"]].iloc[0]
    zero = "includes" if lower < 0 < upper else "excludes"
    return (
        f"{len(y)} weeks ({y.index[0].date()} to {y.index[-1].date()}). Exogenous inputs: "
        f"{exog_note}. Next week ({ahead.index[0].date()}): {mean:+.2f}% with a "
        f"{1 - alpha:.0%} interval of {lower:+.2f}% to {upper:+.2f}%, which {zero} zero."
    )


def flows_after_sentence(after: Mapping[str, Any], article_date: str) -> str:
    """Tech-fund flows in the weeks after the article (from forecast.after_date)."""
    if not after["weeks"]:
        return f"No week of tech-fund flows after {article_date} in this run."
    return (
        f"Tech-fund flows after {article_date}: {after['weeks']} weeks in this source, "
        f"{after['positive']} with net inflows, {after['total']:+.1f} USD bn in total."
    )


def excess_after_sentence(
    after: Mapping[str, Any], article_date: str, prices_end: pd.Timestamp
) -> str:
    """Tech's weeks over the market after the article (from forecast.after_date)."""
    if not after["weeks"]:
        return (
            f"This run's prices end on {prices_end.date()}: no week after {article_date} "
            "to check yet."
        )
    return (
        f"Tech's return over the market after {article_date}: positive in {after['positive']} "
        f"of {after['weeks']} weeks (to {after['last'].date()})."
    )


def drift_words(now: Mapping[str, Any]) -> str:
    """The drift's t and p and what they mean: 't = +1.36, p = 0.19: not significant'."""
    verdict = now["state"] if now["significant"] else "not significant"
    return f"t = {now['t']:+.2f}, p = {now['p']:.2f}: {verdict}"


def reading_sentence(now: Mapping[str, Any], tech: str, market: str) -> str:
    """The latest week's drift and breadth (regimes.current); the scenario reading is the
    checklist's (scenarios.reading), not this."""
    breadth = (
        f"{now['share_at_highs']:.1f}% of tech stocks at a 52-week high"
        f" ({'narrow' if now['narrow_breadth'] else 'not narrow'})"
        if now["breadth"]
        else "breadth not available"
    )
    return (
        f"Week ending {now['week_end'].date()}: over the last {now['weeks']} weeks {tech} "
        f"returned {now['total']:+.1f}% against {market} ({now['mean']:+.2f}% a week, "
        f"{drift_words(now)}; a drift counts only at p ≤ {regimes.ALPHA:.2f}); {breadth}."
    )


def reading_check_sentence(check: pd.DataFrame) -> str:
    """Which reading most weeks of each check period got, with the shares (check_periods)."""
    parts = [
        f"{r.period}: {r.most_weeks} in {max(r.bull, r.base, r.bear):.0%} of {r.weeks} weeks "
        f"(bull {r.bull:.0%}, base {r.base:.0%}, bear {r.bear:.0%})"
        for r in check.itertuples()
        if r.weeks
    ]
    if not parts:
        return "The check periods lie outside this source's data."
    return "Check on past episodes: " + "; ".join(parts) + "."


def notional_events_sentence(
    label: str, events: pd.DataFrame, waiting: Sequence[pd.Timestamp], horizon: int = 13
) -> str:
    """How many record and top-decile weeks, over which span, and which are still too recent."""
    text = (
        f"Notional buying measured on {label}: {int(events[fr.RECORD].sum())} record weeks and "
        f"{int(events[fr.TOP_DECILE].sum())} top-decile weeks between {events.index[0].date()} "
        f"and {events.index[-1].date()}"
    )
    if not waiting:
        return text + "."
    recent = ", ".join(str(week.date()) for week in waiting)
    return text + f"; too recent for a {horizon}-week window: {recent}."


def flow_history_sentence(tech_flows: pd.Series) -> str:
    """The span of tech-fund flow weeks and how much history a large week is judged against."""
    return (
        f"{len(tech_flows)} weeks of tech-fund flows ({tech_flows.index[0].date()} to "
        f"{tech_flows.index[-1].date()}); a week is judged large against at least "
        f"{fr.MIN_PRIOR_WEEKS} earlier weeks."
    )


def record_week_figures(result: Mapping[str, Any]) -> list[dict[str, object]]:
    """The median return after event weeks (forward_returns.consolidation_test) and its p-value.

    The median is of the independent events, the ones the test uses. A p above 0.10 (or no
    test) makes neither a headline, and the name says 'not significant'.
    """
    significant = bool(result["headline"])
    name = (
        f"Median {result['horizon']}-week tech relative return after {result['group']} "
        f"({result['independent']} independent of {result['events']}"
        f"{'' if significant else '; not significant'})"
    )
    figures: list[dict[str, object]] = [
        {
            "name": name,
            "value": result["median"],
            "unit": "%",
            "headline": significant,
            "interval": result["median_interval"],
        }
    ]
    if pd.notna(result["p"]):
        figures.append(
            {
                "name": f"{name}: p-value (one-sided Mann-Whitney, median of "
                f"{result['offsets']} offsets of non-overlapping windows)",
                "value": result["p"],
                "unit": "p",
                "headline": significant,
            }
        )
    return figures


def best_naive(metrics: pd.DataFrame) -> str:
    """The naive forecast with the lowest error in a backtest table (forecast.evaluate)."""
    return metrics.loc[[c for c in NAIVE if c in metrics.index], "mae"].idxmin()


# Charts


def forecast_chart(
    y: pd.Series, ahead: pd.DataFrame, weeks: int = 52, alpha: float = 0.10, ax: Axes | None = None
) -> Axes:
    """The last `weeks` of actual values, then the forecast with its interval as a fan."""
    recent = y.iloc[-weeks:]
    ax = sns.lineplot(x=recent.index, y=recent.to_numpy(), label="actual", ax=ax)
    ax.plot(ahead.index, ahead["mean"], marker="o", label="forecast (zero yield change)")
    ax.fill_between(
        ahead.index, ahead["lower"], ahead["upper"], alpha=0.25, label=f"{1 - alpha:.0%} interval"
    )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(
        title="Tech's weekly return over the market: last year and the forecast",
        xlabel="",
        ylabel="% per week",
    )
    ax.legend()
    return ax


def backtest_chart(backtest: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """One-week-ahead SARIMAX and historical-mean forecasts against the actual values."""
    return plots.lines(
        backtest[["actual", MODEL, "historical mean"]],
        "Backtest: one-week-ahead forecasts against what happened",
        "% per week",
        ax=ax,
    )


def reading_chart(closes: pd.DataFrame, readings: pd.DataFrame, start: object = None) -> Figure:
    """Tech's price relative to the market above, each week's scenario reading below."""
    ratio = fr.relative_price(closes, start)
    shown = readings.loc[ratio.index[0] :, "reading"]
    onehot = pd.DataFrame({s: (shown == s).astype(float) for s in SCENARIO_COLOURS})
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True, height_ratios=[2, 1])
    top.plot(ratio.index, ratio)
    top.set(
        title=f"{closes.attrs['tech']} relative to {closes.attrs['market']} (rebased to 100) and "
        "each week's scenario reading",
        ylabel="relative price",
    )
    bottom.stackplot(
        onehot.index,
        onehot.T.to_numpy(),
        labels=list(onehot.columns),
        colors=list(SCENARIO_COLOURS.values()),
        step="post",
        linewidth=0,
    )
    bottom.set(ylabel="reading", ylim=(0, 1), yticks=[])
    bottom.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3)
    return fig


def forward_returns_chart(study: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Box plot of forward relative returns per horizon and group, event weeks as dots."""
    shown = plots.as_category(study, "group", "horizon")
    ax = sns.boxplot(data=shown, x="horizon", y="excess", hue="group", showfliers=False, ax=ax)
    sns.swarmplot(
        data=shown[shown["group"] != fr.ALL_WEEKS],
        x="horizon",
        y="excess",
        hue="group",
        dodge=True,
        ax=ax,
        legend=False,
        size=4,
        alpha=0.7,
        palette="dark",
    )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(
        title="Tech's return over the market after event weeks and after all weeks",
        xlabel="weeks after the event week",
        ylabel="% relative return",
    )
    return ax


# The answer

QUESTION = "Can tech's return over the market be forecast, and which scenario does it look like?"
FORECAST = "1. Short-term forecast of tech's weekly return over the market"
BACKTEST = "Does the model beat naive forecasts?"
SCENARIOS = "2. Scenarios: which of seed 002's cases does tech's recent record look like?"
AFTER_RECORDS = "3. After record weeks: consolidation?"


def answer(
    model: Mapping[str, Any] | None,
    now: Mapping[str, Any] | None,
    median_after: float | None,
    median_all: float | None,
    consolidation: Mapping[str, Any] | None,
    claims: pd.DataFrame,
    scenario: Reading | None = None,
) -> answers.Answer:
    """04's answer: forecast skill (forecast.evaluate; MASE beside the best naive forecast's),
    the run's scenario reading (scenarios.reading, the same as 05's), tech's drift
    (regimes.current) and what followed record notional weeks
    (forward_returns.consolidation_test: a headline number only when significant; None when the
    source has no record weeks to study, and the answer leaves them out). model and now are
    None when the weeks up to the as-of date are too few to fit or to measure a drift: the
    answer says so ("Too short to tell") and shows no number for them."""
    sentences, numbers = [], []
    if model is None:
        verdict = "Too short to tell"
        sentences.append(
            answers.Sentence(
                "forecast",
                f"A {MODEL} forecast and its backtest are not available from this source at "
                "this date: too few weeks to fit and test one.",
                answers.anchor(BACKTEST),
            )
        )
    else:
        metrics = model["metrics"]
        row = metrics.loc[MODEL]
        best = best_naive(metrics)
        skill = model["label"] == "skill"
        verdict = f"{'Some' if skill else 'No'} forecasting skill"
        beat = "beats" if skill else "does no better than"
        sentences.append(
            answers.Sentence(
                "forecast",
                f"A {MODEL} forecast of tech's weekly return over the market {beat} naive "
                f"forecasts over {int(row['n'])} weeks (MASE {row['mase']:.2f} against "
                f"{metrics.loc[best, 'mase']:.2f} for the best naive forecast ({best}), "
                f"{row['mae_vs_best_naive']:.2f}x its error, hit rate {row['hit_rate']:.0%}).",
                answers.anchor(BACKTEST),
            )
        )
        numbers += [
            answers.Number(
                f"{row['mase']:.2f}",
                f"{MODEL} MASE; the best naive forecast ({best}) scores "
                f"{metrics.loc[best, 'mase']:.2f}",
                answers.anchor(BACKTEST),
            ),
            answers.Number(
                f"{row['hit_rate']:.0%}", "direction right (hit rate)", answers.anchor(BACKTEST)
            ),
        ]
    if scenario is not None:
        verdict += f"; scenario {scenario.scenario}"
        sentences.append(
            answers.Sentence("scenario", scenario_answer_text(scenario), answers.anchor(SCENARIOS))
        )
        numbers.append(
            answers.Number(
                scenario.label, "scenario reading (conditions)", answers.anchor(SCENARIOS)
            )
        )
    if now is None:
        drift = "Tech's drift against the market is not available from this source at this date."
    else:
        drift = (
            f"Over the {now['weeks']} weeks to {now['week_end'].date()} tech returned "
            f"{now['total']:+.1f}% against the market ({drift_words(now)})."
        )
        significance = "" if now["significant"] else ", not significant"
        numbers.append(
            answers.Number(
                f"{now['t']:+.2f}",
                f"t of tech's {now['weeks']}-week drift (p = {now['p']:.2f}{significance})",
                answers.anchor(SCENARIOS),
            )
        )
    sentences.append(answers.Sentence("drift", drift, answers.anchor(SCENARIOS)))
    if consolidation is not None:
        sentences.append(
            answers.Sentence(
                "consolidation",
                consolidation_answer_text(consolidation, median_after, median_all),
                answers.anchor(AFTER_RECORDS),
            )
        )
        if consolidation["headline"]:
            numbers.append(
                answers.Number(
                    f"{median_after:+.2f}%",
                    "median 13-week return over the market after record weeks",
                    answers.anchor(AFTER_RECORDS),
                )
            )
    return answers.answer(QUESTION, verdict, sentences, numbers, claims)


def consolidation_answer_text(
    consolidation: Mapping[str, Any], median_after: float | None, median_all: float | None
) -> str:
    """The answer's sentence on seed 001's consolidation claim; without independent events
    (none with a complete window yet) it says so and gives no median."""
    counted = (
        f"record notional weeks ({consolidation['independent']} independent of "
        f"{consolidation['events']})"
    )
    if median_after is None or pd.isna(median_after) or median_all is None or pd.isna(median_all):
        return (
            f"Seed 001's consolidation claim: {consolidation['label']} (too few {counted} with a "
            "complete 13-week window)."
        )
    after = (
        f"After {counted} tech's median 13-week return over the market was "
        f"{median_after:+.2f}%, against {median_all:+.2f}% after all weeks: seed 001's "
        f"consolidation claim: {consolidation['label']}"
    )
    if pd.notna(consolidation["p"]):
        after += f" (p = {consolidation['p']:.2f}, non-overlapping windows)"
    return after + "."
