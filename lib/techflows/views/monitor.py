"""Section 05 (monitor): styled tables, computed sentences and charts."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from techflows.monitor import scenarios
from techflows.monitor.checklist import from_analyst_table
from techflows.monitor.rules import AMBER, GREEN, NO_DATA, RED, REPORTED
from techflows.views import answers, plots
from techflows.views.tables import show

STATUS_COLOURS = {
    GREEN: "#c6efce",
    AMBER: "#ffeb9c",
    RED: "#ffc7ce",
    NO_DATA: "#ededed",
    REPORTED: "#e4e0f0",
}
CHECKLIST_COLUMNS = ("item", "signal", "shown", "rule", "status", "trend", "source")
BREADTH_PANELS = {
    "share_at_high_pct": "at a 52-week high (%)",
    "adv_dec_ratio": "advancers / decliners",
}
FLOW_SUMS = {"4w": "4-week sum", "8w": "8-week sum"}


# The checklist and its concordance


def concordance_sentence(score: pd.Series) -> str:
    """The concordance (checklist.concordance) in one computed sentence."""
    reported = score.get("reported", 0)
    aside = (
        f"; {reported} shown only as the articles' reported figures, not scored" if reported else ""
    )
    if not score["measured"]:
        return (
            f"None of the {score['signals']} signals can be measured from this source"
            f"{aside.replace(';', ':', 1)}."
        )
    return (
        f"Of {score['signals']} signals, {score['measured']} can be measured: "
        f"**{score['green']} green, {score['amber']} amber, {score['red']} red** "
        f"({score['no_data']} without data{aside}). Net score **{score['net_score']:+.2f}** "
        f"(green minus red over measured, from -1 all red to +1 all green); the largest group "
        f"({score['majority']}) holds {score['majority_share']:.0%} of the measured signals."
    )


def styled_checklist(items: pd.DataFrame) -> Styler:
    """The checklist for reading: status cells coloured."""
    return show(items[list(CHECKLIST_COLUMNS)]).map(
        lambda s: f"background-color: {STATUS_COLOURS.get(s, '')}", subset="status"
    )


def styled_signal_history(ranges: pd.DataFrame) -> Styler:
    """Each signal's percentiles in its own history (checklist.history_ranges), with a caption."""
    return show(
        ranges,
        "Each signal in its own history, in its own unit: percentiles and today's rank (0-100)",
        table="signal_history",
    )


def styled_analyst_entries(items: pd.DataFrame) -> Styler:
    """The checklist rows read from the analyst table: signal, value, status, source, note."""
    analyst = items[from_analyst_table(items)]
    return show(analyst[["signal", "shown", "status", "source", "note"]])


def styled_leading_indicators(indicators: pd.DataFrame) -> Styler:
    """Seed 002's leading indicators and what measures them (checklist.leading_indicators)."""
    return show(indicators)


# Market internals and equal- vs cap-weight


def breadth_sentence(share: pd.Series, check: object) -> str | None:
    """Seed 002's 'uneven' breadth on the check date against the measured share at highs.

    share: percent of members at a 52-week high (breadth.share_at_highs, NaN dropped). None when
    the check date is outside the measured span.
    """
    check, last = pd.Timestamp(check), share.index[-1]
    if not share.index[0] <= check <= last:
        return None
    return (
        f"Seed 002 (as of {check.date()}): breadth 'uneven'. Measured: "
        f"{share.asof(check):.1f}% of IT members at a 52-week high (10-day average) on "
        f"{check.date()}; {share.iloc[-1]:.1f}% on {last.date()} (median since "
        f"{share.index[0].year}: {share.median():.1f}%)."
    )


def breadth_chart(weekly: pd.DataFrame) -> Figure:
    """Two panels (breadth.weekly_internals): share of IT members at highs, advancers/decliners."""
    fig, axes = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for ax, (column, name) in zip(axes, BREADTH_PANELS.items(), strict=True):
        frame = weekly[[column]].rename(columns=BREADTH_PANELS)
        plots.lines(frame, f"IT members: {name}", name, ax=ax)
        ax.get_legend().remove()
    axes[1].axhline(1, color="black", linewidth=0.8)
    return fig


def equal_cap_chart(ratios: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Equal- over cap-weight price ratios (checklist.equal_cap_ratios), rebased to 100."""
    title = "Equal-weight over cap-weight (rebased to 100)"
    return plots.lines(ratios, title, "ratio x 100", ax=ax)


# The Fed and ETF flows


def fed_range_sentence(now: Mapping[str, object]) -> str:
    """Seed 000's target range after the December 2025 cut against the measured one."""
    return (
        f"Article (seed 000): 3.50-3.75% after the December 2025 cut. Measured: {now['label']} "
        f"on {pd.Timestamp(now['date']).date()}."
    )


def flow_funds_sentence(windows: pd.DataFrame) -> str:
    """The funds whose flows are summed (checklist.tech_flow_windows attrs), and those left out."""
    text = f"Funds summed: {', '.join(windows.attrs['tickers'])}."
    left = windows.attrs.get("left_out") or {}
    if left:
        text += " Left out, too few days reported: " + ", ".join(left) + "."
    return text


def flow_windows_chart(windows: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Weekly tech/AI ETF net flows as bars, their 4- and 8-week sums as lines, in USD bn."""
    if ax is None:
        _, ax = plt.subplots()
    ax.bar(windows.index, windows["weekly"], width=4, color="#a1a9b8", label="weekly")
    sums = windows[list(FLOW_SUMS)].dropna(axis=1, how="all").rename(columns=FLOW_SUMS)
    plots.lines(sums, "Net flows into tech/AI ETFs (bars: weekly)", "USD bn", ax=ax)
    ax.axhline(0, color="black", linewidth=0.8)
    return ax


def flow_windows_text(windows: pd.DataFrame) -> str:
    """The funds summed, and the rolling sums the weeks of flows are too few for."""
    text = flow_funds_sentence(windows)
    short = [name for key, name in FLOW_SUMS.items() if windows[key].isna().all()]
    if short:
        text += f" No {' or '.join(short)} yet: the flow data hold {len(windows)} whole weeks."
    return text


# Scenarios


def scenario_sentence(summary: pd.DataFrame) -> str:
    """The conditions met per scenario and the run's one reading (scenarios.reading)."""
    parts = ", ".join(
        f"{r.scenario} {r.met} of {r.evaluable}" for r in summary.itertuples() if r.evaluable
    )
    reading = scenarios.reading(summary).text
    if not parts:
        return f"No scenario condition can be evaluated from this source: {reading}."
    return f"Conditions met, of those the data can judge: {parts}. Scenario reading: **{reading}**."


def scenario_answer_text(reading: scenarios.Reading) -> str:
    """The answer's sentence on the run's scenario reading: the same words in 04, 05 and the
    index."""
    return f"Seed 002's scenario reading, from its conditions on the checklist: {reading.text}."


def styled_scenario_summary(summary: pd.DataFrame) -> Styler:
    """Conditions met / not met / without data per scenario, share met as a percentage."""
    return show(summary)


def styled_conditions(conditions: pd.DataFrame) -> Styler:
    """Each scenario condition with its result and the checklist evidence behind it."""
    return show(conditions[["scenario", "condition", "result", "evidence"]])


# The answer

QUESTION = "Do the recovery signals agree, and which scenario does the evidence favour?"
CONCORDANCE = "Concordance: how many signals agree?"
CHECKLIST = "The checklist"
INTERNALS = "Market internals: tech stocks at 52-week highs, advancers vs decliners"
FLOWS = "The Fed and ETF flows"
SCENARIOS = "Scenarios for recovery"


def concordance_verdict(score: pd.Series) -> str:
    """The answer's first words from the net score (green minus red over measured)."""
    if not score["measured"]:
        return "Cannot tell from this source"
    net = float(score["net_score"])
    if net >= 0.5:
        return "Yes, broadly"
    if net <= -0.5:
        return "No, broadly"
    if net > 0:
        return "Leaning yes"
    return "Leaning no" if net < 0 else "Mixed"


def answer(
    score: pd.Series,
    summary: pd.DataFrame,
    items: pd.DataFrame,
    claims: pd.DataFrame,
) -> answers.Answer:
    """05's answer: the concordance of the checklist (checklist.concordance), the run's scenario
    reading (scenarios.reading) and two of its signals (breadth, flows)."""
    signals, measured = int(score["signals"]), int(score["measured"])
    green, amber, red = (int(score[s]) for s in ("green", "amber", "red"))
    if measured:
        counted = (
            f"Of {signals} checklist signals, {measured} can be measured: {green} green, {amber} "
            f"amber, {red} red (net score {score['net_score']:+.2f}, from -1 all red to +1 all "
            "green)."
        )
    else:  # no net score: nothing to count (an as-of date before the signals' data)
        counted = f"None of the {signals} checklist signals can be measured from this source."
    sentences = [answers.Sentence("checklist", counted, answers.anchor(CONCORDANCE))]
    numbers = []
    if measured:
        numbers.append(
            answers.Number(
                f"{score['net_score']:+.2f}", "net score, -1 to +1", answers.anchor(CONCORDANCE)
            )
        )
    numbers.append(
        answers.Number(
            f"{green} / {amber} / {red}",
            "signals green / amber / red",
            answers.anchor(CHECKLIST),
        )
    )
    reading = scenarios.reading(summary)
    sentences.append(
        answers.Sentence("scenario", scenario_answer_text(reading), answers.anchor(SCENARIOS))
    )
    numbers.append(
        answers.Number(reading.label, "scenario reading (conditions)", answers.anchor(SCENARIOS))
    )
    for signal, heading in (("highs_share", INTERNALS), ("flows_4w", FLOWS)):
        row = items[items["key"] == signal] if "key" in items else items.iloc[0:0]
        if len(row) and pd.notna(row["value"].iloc[0]):
            entry = row.iloc[0]
            caption = entry["signal"]
            if entry.get("stale", False):
                caption += f" (to {pd.Timestamp(entry['as_of']).date()}: stale, not scored)"
            numbers.append(
                answers.Number(entry["shown"].split(" (")[0], caption, answers.anchor(heading))
            )
    return answers.answer(QUESTION, concordance_verdict(score), sentences, numbers, claims)
