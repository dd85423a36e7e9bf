"""The sweep page's charts: headline figures of every run against the run's as-of date.

A point is drawn filled when its data reach its run's as-of date, hollow with its data date
written beside it when they stopped earlier (four August runs all showing the week to
2026-03-27 are one stale number, not a flat line). Axes show a move at its true size: they
include zero, or the figure's whole scale, and a signal's thresholds, drawn as lines. The
checklist signals get one panel each, every point in the colour of its status.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from techflows.views import plots

# A scenario reading is a label ("base", "undetermined"); charts place it on this scale.
SCENARIO_LEVELS = ("bear", "base", "bull")
# Data older than this before the run's as-of date stopped early: a weekly figure's latest
# whole week may end up to six days before a mid-week as-of date and is not stale for it.
STALE_AFTER = pd.Timedelta(days=7)
STATUS_COLOURS = {"green": "#2e7d32", "amber": "#e0a100", "red": "#c62828", "no data": "#9e9e9e"}
PAD = 0.08  # of the axis range, above and below


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
    scale: tuple[float, float] | None = None  # a bounded figure's whole range, always shown


CHARTS = (
    Chart(
        "checklist",
        "Checklist net score",
        "05_monitor",
        (("checklist net score (green - red) / measured", "net score"),),
        "score, -1 (all red) to +1 (all green)",
        "Seed 002's checklist, each signal measured as of the date: (green - red) / measured.",
        scale=(-1.0, 1.0),
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
        scale=(0.0, 100.0),
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

POINT_COLUMNS = ["as_of", "line", "value", "text", "unit", "data_as_of", "stale"]


def level(text: object, levels: tuple[str, ...]) -> float | None:
    """A label's place on its scale (by its first word), or None."""
    word = str(text).split(" ", 1)[0].lower() if isinstance(text, str) else ""
    return float(levels.index(word)) if word in levels else None


def is_stale(as_of: pd.Series, data_as_of: pd.Series) -> pd.Series:
    """True where a figure's data stopped more than STALE_AFTER before its run's as-of date."""
    return (pd.to_datetime(data_as_of) < pd.to_datetime(as_of) - STALE_AFTER).fillna(False)


def _labels(rows: pd.DataFrame, names: dict[str, str], swept: list[str]) -> pd.Series:
    labels = rows["figure"].map(names).astype(str)
    for column in swept:
        labels = labels + ", " + column + "=" + rows[column].astype(str)
    return labels


def points(table: pd.DataFrame, chart: Chart, swept: list[str]) -> pd.DataFrame:
    """The chart's points, one per run and line: as_of, line, value (a label's level), text,
    unit, data_as_of (the date of its data) and stale; lines in the chart's order."""
    names = dict(chart.figures)
    rows = table[(table["notebook"] == chart.notebook) & table["figure"].isin(list(names))]
    if rows.empty:
        return pd.DataFrame(columns=POINT_COLUMNS)
    values = rows["value"].astype("float64")
    if chart.levels:
        values = rows["text"].map(lambda t: level(t, chart.levels)).astype("float64")
    found = pd.DataFrame(
        {
            "as_of": pd.to_datetime(rows["as_of"]),
            "line": _labels(rows, names, swept),
            "value": values,
            "text": rows["text"].astype(object),
            "unit": rows["unit"].astype(str),
            "data_as_of": pd.to_datetime(rows["figure_as_of"]),
        }
    )
    found["stale"] = is_stale(found["as_of"], found["data_as_of"])
    order = {label: i for i, label in enumerate(dict.fromkeys(found["line"]))}
    found["order"] = found["line"].map(order)
    found = found.dropna(subset=["value"]).sort_values(["order", "as_of"], kind="stable")
    return found.drop(columns="order")


def signal_points(table: pd.DataFrame) -> pd.DataFrame:
    """The checklist signals of every run (figures with a status): as_of, line (the signal),
    value, status, its green and red thresholds, data_as_of and stale."""
    if "status" not in table.columns:
        return pd.DataFrame(columns=[*POINT_COLUMNS, "status", "green_at", "red_at"])
    rows = table[table["status"].notna()]
    found = pd.DataFrame(
        {
            "as_of": pd.to_datetime(rows["as_of"]),
            "line": rows["figure"].astype(str),
            "value": rows["value"].astype("float64"),
            "text": None,
            "data_as_of": pd.to_datetime(rows["figure_as_of"]),
            "status": rows["status"].astype(str),
            "green_at": rows["green_at"].astype("float64"),
            "red_at": rows["red_at"].astype("float64"),
            "unit": rows["unit"].astype(str),
        }
    )
    found["stale"] = is_stale(found["as_of"], found["data_as_of"])
    return found.sort_values(["line", "as_of"], kind="stable")


def limits(
    values: pd.Series, extra: tuple[float, ...] = (0.0,), scale: tuple[float, float] | None = None
) -> tuple[float, float]:
    """An axis range holding the values, the extra levels (zero, thresholds) and the whole
    scale when there is one, padded: a small move stays small."""
    found = [float(v) for v in values if math.isfinite(v)] + [float(x) for x in extra]
    if scale is not None:
        found += list(scale)
    low, high = min(found), max(found)
    span = high - low or max(abs(high), 1.0)
    return low - PAD * span, high + PAD * span


def _draw(ax, group: pd.DataFrame, colour: object) -> None:
    """One line: filled points, hollow ones where its data stopped early, each stale data date
    written once beside the first point that shows it."""
    ax.plot(group["as_of"], group["value"], "-", color=colour, alpha=0.55, linewidth=1.4)
    fresh, stale = group[~group["stale"]], group[group["stale"]]
    if not fresh.empty:
        ax.scatter(fresh["as_of"], fresh["value"], color=colour, s=18, zorder=3)
    if not stale.empty:
        ax.scatter(
            stale["as_of"],
            stale["value"],
            facecolors="white",
            edgecolors=colour,
            s=26,
            linewidths=1.4,
            zorder=3,
        )
    shown = stale.loc[stale["data_as_of"].ne(stale["data_as_of"].shift())]
    for row in shown.itertuples():
        ax.annotate(
            f"data to {row.data_as_of.date()}",
            (row.as_of, row.value),
            textcoords="offset points",
            xytext=(4, 7),
            fontsize=8,
            color="#555",
        )


def _run_dates(ax, dates: pd.Series, most: int = 12) -> None:
    """Ticks at the runs' dates, when there are few enough to read."""
    runs = sorted(pd.to_datetime(dates).unique())
    if len(runs) <= most:
        ax.set_xticks(runs, labels=[str(pd.Timestamp(d).date()) for d in runs])


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


STALE_KEY = Line2D(
    [], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#555",
    label="hollow: data older than the run's as-of date",
)  # fmt: skip


def chart_figure(found: pd.DataFrame, chart: Chart) -> Figure:
    """The chart of points(): its lines against as_of, on an axis that keeps moves in scale."""
    plots.use_theme()
    figure = Figure(figsize=(11, 3.6), dpi=100)
    ax = figure.subplots()
    lines = list(dict.fromkeys(found["line"]))
    palette = sns.color_palette(plots.PALETTE, len(lines))
    handles = []
    for colour, line in zip(palette, lines, strict=True):
        _draw(ax, found[found["line"] == line], colour)
        handles.append(Line2D([], [], color=colour, marker="o", markersize=4, label=line))
    ax.set(xlabel="run as-of date", ylabel=chart.unit)
    if chart.levels:
        ax.set_yticks(range(len(chart.levels)), labels=list(chart.levels))
        ax.set_ylim(-0.5, len(chart.levels) - 0.5)
    else:
        ax.set_ylim(*limits(found["value"], scale=chart.scale))
        ax.axhline(0, color="#333", linewidth=0.8)
    _run_dates(ax, found["as_of"])
    if found["stale"].any():
        handles.append(STALE_KEY)
    if len(lines) > 1 or found["stale"].any():
        ax.legend(handles=handles, fontsize=8, loc="best")
    figure.autofmt_xdate()
    return figure


def chart_png(found: pd.DataFrame, chart: Chart) -> bytes:
    """The chart as a PNG, in the reports' theme."""
    return _png(chart_figure(found, chart))


def signals_figure(found: pd.DataFrame) -> Figure:
    """One panel per checklist signal: its value per run in the colour of its status, the green
    and red thresholds as dashed lines, the axis holding both."""
    plots.use_theme()
    names = list(dict.fromkeys(found["line"]))
    columns = 2 if len(names) > 1 else 1
    rows = math.ceil(len(names) / columns)
    figure = Figure(figsize=(11, 2.5 * rows + 0.4), dpi=100)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, name in zip(axes, names, strict=False):
        mine = found[found["line"] == name]
        green, red = float(mine["green_at"].iloc[-1]), float(mine["red_at"].iloc[-1])
        ax.plot(mine["as_of"], mine["value"], "-", color="#777", alpha=0.6, linewidth=1.2)
        for status, points_ in mine.groupby("status"):
            colour = STATUS_COLOURS.get(str(status), "#555")
            fresh = points_[~points_["stale"]]
            old = points_[points_["stale"]]
            ax.scatter(fresh["as_of"], fresh["value"], color=colour, s=30, zorder=3)
            ax.scatter(
                old["as_of"], old["value"], facecolors="white", edgecolors=colour, s=30,
                linewidths=1.5, zorder=3,
            )  # fmt: skip
        thresholds = tuple(t for t in (green, red) if math.isfinite(t))
        low, high = limits(mine["value"], thresholds)
        for at, status in ((green, "green"), (red, "red")):
            if math.isfinite(at):
                ax.axhline(at, color=STATUS_COLOURS[status], linestyle="--", linewidth=1)
        if len(thresholds) == 2:
            up = green > red
            ax.axhspan(green, high if up else low, color=STATUS_COLOURS["green"], alpha=0.07)
            ax.axhspan(red, low if up else high, color=STATUS_COLOURS["red"], alpha=0.07)
        ax.set_ylim(low, high)
        ax.set_title("\n".join(textwrap.wrap(name, 60)), fontsize=9, fontweight="normal")
        ax.set_ylabel(str(mine["unit"].iloc[-1]), fontsize=8)
        _run_dates(ax, found["as_of"])
        ax.tick_params(labelsize=8)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure


def signals_png(found: pd.DataFrame) -> bytes:
    """The signals' panels as a PNG."""
    return _png(signals_figure(found))
