"""The sweep page's charts: headline figures of every run against the run's as-of date."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from techflows.views import plots

# A scenario reading is a label ("base", "undetermined"); charts place it on this scale.
SCENARIO_LEVELS = ("bear", "base", "bull")


@dataclass(frozen=True)
class Chart:
    """One chart: figures of one notebook (figure name -> line label), in one unit."""

    key: str
    title: str
    notebook: str
    figures: tuple[tuple[str, str], ...]
    unit: str
    note: str
    levels: tuple[str, ...] = ()  # for label-valued figures: their scale, lowest first


CHARTS = (
    Chart(
        "checklist",
        "Checklist net score",
        "05_monitor",
        (("checklist net score (green - red) / measured", "net score"),),
        "score, -1 (all red) to +1 (all green)",
        "Seed 002's checklist, each signal measured as of the date: (green - red) / measured.",
    ),
    Chart(
        "scenarios",
        "Scenario evidence",
        "05_monitor",
        tuple(
            (f"scenario evidence: {s} conditions met", f"{s} conditions met")
            for s in reversed(SCENARIO_LEVELS)
        ),
        "% of the conditions the data can judge",
        "The share of each seed 002 scenario's conditions the checklist meets; the largest is "
        "the scenario the evidence favours.",
    ),
    Chart(
        "flows",
        "Weekly tech ETF net flows",
        "01_current_status",
        (
            ("latest weekly tech net flow", "latest week"),
            ("latest weekly tech net flow without flagged prints", "without flagged prints"),
        ),
        "USD bn",
        "Net creations minus redemptions of the tech ETFs in the latest whole week up to the date.",
    ),
    Chart(
        "reading",
        "Scenario reading",
        "04_predictions",
        (("Scenario reading (seed 002's conditions on the checklist)", "reading"),),
        "",
        "The run's one scenario reading: seed 002's conditions judged on the checklist, bull, "
        "base or bear (no point: undetermined, too few conditions can be judged).",
        levels=SCENARIO_LEVELS,
    ),
    Chart(
        "claims",
        "How many of the articles' claims hold",
        "06_claims",
        (
            ("Claims consistent with the data", "consistent"),
            ("Claims the data contradicts (differs)", "contradicted"),
            ("Claims not yet observable", "not yet observable"),
        ),
        "claims",
        "The three articles' quantitative claims, each measured with the data up to the date.",
    ),
    Chart(
        "drawdown",
        "Tech drawdown from its peak",
        "01_current_status",
        (("XLK drawdown from peak", "XLK"),),
        "%",
        "The tech proxy's close against its highest close so far.",
    ),
)


def level(text: object, levels: tuple[str, ...]) -> float | None:
    """A label's place on its scale (by its first word), or None."""
    word = str(text).split(" ", 1)[0].lower() if isinstance(text, str) else ""
    return float(levels.index(word)) if word in levels else None


def chart_frame(table: pd.DataFrame, chart: Chart, swept: list[str]) -> pd.DataFrame:
    """The chart's lines by the runs' as-of dates: a column per figure (and swept value)."""
    names = dict(chart.figures)
    rows = table[(table["notebook"] == chart.notebook) & table["figure"].isin(list(names))]
    if rows.empty:
        return pd.DataFrame()
    values = rows["value"]
    if chart.levels:
        values = rows["text"].map(lambda t: level(t, chart.levels)).astype("float64")
    labels = rows["figure"].map(names).astype(str)
    for column in swept:
        labels = labels + ", " + column + "=" + rows[column].astype(str)
    wide = pd.DataFrame({"as_of": rows["as_of"], "line": labels, "value": values})
    wide = wide.pivot_table(index="as_of", columns="line", values="value", aggfunc="first")
    order = [c for c in dict.fromkeys(labels) if c in wide.columns]
    return wide[order].rename_axis(index="as_of", columns=None)


def chart_png(wide: pd.DataFrame, chart: Chart) -> bytes:
    """The chart as a PNG, in the reports' theme."""
    plots.use_theme()
    figure = Figure(figsize=(11, 3.6), dpi=100)
    ax = figure.subplots()
    plots.lines(wide, "", chart.unit, ax=ax)  # the page heads each chart with its title
    for line in ax.lines:  # one point per run
        line.set_marker("o")
        line.set_markersize(3)
    if chart.levels:
        ax.set_yticks(range(len(chart.levels)), labels=list(chart.levels))
        ax.set_ylim(-0.5, len(chart.levels) - 0.5)
    if len(wide.columns) == 1 and ax.get_legend() is not None:
        ax.get_legend().remove()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
