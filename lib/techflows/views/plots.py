"""One seaborn look for every report, and the few chart shapes the sections share."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

PALETTE = "deep"


def use_theme() -> None:
    """Apply the report theme (call once per notebook)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams.update(
        {"figure.figsize": (10, 4.5), "figure.dpi": 100, "axes.titleweight": "bold"}
    )


def side_by_side(count: int, width: float = 7.0, height: float = 4.5) -> list[plt.Axes]:
    """count charts meant to be read together, each its own figure (its own image): the pages
    set them side by side where there is room and stack them on a phone."""
    return [plt.subplots(figsize=(width, height))[1] for _ in range(count)]


def as_category(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Cast hue/order columns to category: seaborn 0.13.2 misplots pandas' string dtype."""
    out = frame.copy()
    for column in columns:
        out[column] = out[column].astype(object).astype("category")
    return out


def lines(wide: pd.DataFrame, title: str, ylabel: str, ax: plt.Axes | None = None) -> plt.Axes:
    """Line chart of a wide frame (one line per column)."""
    long = wide.rename_axis(index="date", columns="series").stack().rename("value").reset_index()
    long = as_category(long, "series")
    ax = sns.lineplot(data=long, x="date", y="value", hue="series", ax=ax)
    ax.set(title=title, xlabel="", ylabel=ylabel)
    if ax.get_legend() is not None:
        ax.get_legend().set_title(None)
    return ax


def bars(values: pd.Series, title: str, xlabel: str, ax: plt.Axes | None = None) -> plt.Axes:
    """Horizontal bar chart of a labelled series, sorted, negatives in red."""
    values = values.dropna().sort_values()
    colors = ["#c44e52" if v < 0 else "#4c72b0" for v in values]
    ax = ax or plt.subplots(figsize=(10, max(2.5, 0.35 * len(values))))[1]
    ax.barh([str(i) for i in values.index], values.to_numpy(), color=colors)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set(title=title, xlabel=xlabel)
    return ax
