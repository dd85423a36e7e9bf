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
from techflows.models.forecast import MODEL
from techflows.views import answers, plots
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


def reading_label(now: Mapping[str, Any]) -> str:
    """The latest scenario reading with its drift state, e.g. 'base (no clear drift)'."""
    return f"{now['reading']} ({now['state']})"


def reading_sentence(now: Mapping[str, Any], tech: str, market: str) -> str:
    """The latest week's reading and the drift and breadth behind it (regimes.current)."""
    breadth = (
        f"{now['share_at_highs']:.1f}% of tech stocks at a 52-week high"
        f" ({'narrow' if now['narrow_breadth'] else 'not narrow'})"
        if now["breadth"]
        else "breadth not available, so the drift alone decides"
    )
    return (
        f"Week ending {now['week_end'].date()}: over the last {now['weeks']} weeks {tech} "
        f"returned {now['total']:+.1f}% against {market} ({now['mean']:+.2f}% a week, "
        f"t = {now['t']:+.2f}: {now['state']}); {breadth}. Reading: **{now['reading']}**."
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
    model: Mapping[str, Any],
    now: Mapping[str, Any],
    median_after: float | None,
    median_all: float | None,
    consolidation: tuple[str, str] | None,
    claims: pd.DataFrame,
) -> answers.Answer:
    """04's answer: forecast skill (forecast.evaluate), the latest scenario reading
    (regimes.current) and what followed record notional weeks (consolidation_verdict; None
    when the source has no record weeks to study, and the answer leaves them out)."""
    row = model["metrics"].loc[MODEL]
    skill = model["label"] == "skill"
    verdict = (
        f"{'Some' if skill else 'No'} forecasting skill; the latest week reads {now['reading']}"
    )
    beat = "beats" if skill else "does no better than"
    sentences = [
        answers.Sentence(
            "forecast",
            f"A {MODEL} forecast of tech's weekly return over the market {beat} naive forecasts "
            f"over {int(row['n'])} weeks (MASE {row['mase']:.2f}, "
            f"{row['mae_vs_best_naive']:.2f}x the best naive error, hit rate "
            f"{row['hit_rate']:.0%}).",
            answers.anchor(BACKTEST),
        ),
        answers.Sentence(
            "reading",
            f"The week to {now['week_end'].date()} reads {now['reading']}: tech's "
            f"{now['weeks']}-week drift against the market is {now['state']} (t = "
            f"{now['t']:+.2f}).",
            answers.anchor(SCENARIOS),
        ),
    ]
    if consolidation is not None:
        sentences.append(
            answers.Sentence(
                "consolidation",
                f"After record notional weeks tech's median 13-week return over the market was "
                f"{median_after:+.2f}%, against {median_all:+.2f}% after all weeks: seed 001's "
                f"consolidation claim: {consolidation[0]}.",
                answers.anchor(AFTER_RECORDS),
            )
        )
    numbers = [
        answers.Number(
            f"{row['mase']:.2f}", f"{MODEL} MASE (below 1 beats naive)", answers.anchor(BACKTEST)
        ),
        answers.Number(
            f"{row['hit_rate']:.0%}", "direction right (hit rate)", answers.anchor(BACKTEST)
        ),
        answers.Number(
            reading_label(now),
            f"reading, week to {now['week_end'].date()}",
            answers.anchor(SCENARIOS),
        ),
        answers.Number(
            f"{now['t']:+.2f}", f"t of tech's {now['weeks']}-week drift", answers.anchor(SCENARIOS)
        ),
    ]
    if consolidation is not None:
        numbers.append(
            answers.Number(
                f"{median_after:+.2f}%",
                "median 13-week return over the market after record weeks",
                answers.anchor(AFTER_RECORDS),
            )
        )
    return answers.answer(QUESTION, verdict, sentences, numbers, claims)
