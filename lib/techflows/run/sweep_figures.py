"""One tidy table of every figure of every run of a sweep, as parquet and CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from techflows import atomic

if TYPE_CHECKING:
    from techflows.run.sweep import Summary

FILES = ("figures.parquet", "figures.csv")
# One row per figure: the run (its as_of and swept parameters come in between), then the figure.
RUN_COLUMNS = ["run", "as_of"]
FIGURE_COLUMNS = [
    "notebook",
    "figure",
    "value",
    "text",
    "unit",
    "figure_as_of",
    "source",
    "headline",
    "status",
    "green_at",
    "red_at",
]


def _figures(path: Path) -> list[dict[str, Any]]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    figures = payload.get("figures") if isinstance(payload, dict) else None
    return [f for f in figures or [] if isinstance(f, dict)]


def row(figure: dict[str, Any]) -> dict[str, Any]:
    """A figure as value (numbers) or text (anything else: a date, a label), with its unit; a
    checklist signal also with its status and its green and red thresholds."""
    value = figure.get("value")
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    thresholds = figure.get("thresholds") or {}
    return {
        "figure": figure.get("name"),
        "value": float(value) if numeric else None,
        "text": None if numeric or value is None else str(value),
        "unit": figure.get("unit") or "",
        "figure_as_of": figure.get("as_of"),
        "source": figure.get("source"),
        "headline": bool(figure.get("headline")),
        "status": figure.get("status"),
        "green_at": thresholds.get("green"),
        "red_at": thresholds.get("red"),
    }


def gather(summary: Summary) -> pd.DataFrame:
    """The figures of every good run (ran now or reused), in grid and file order."""
    sweep = summary.sweep
    swept = sorted({name for point in sweep.points for name, _ in point.values})
    rows = []
    for point in sweep.points:
        for notebook in sweep.notebooks:
            result = summary.results.get((point.name, notebook.stem))
            if result is None or not result.ok:
                continue
            path = sweep.output_dir / point.name / notebook.stem / "figures.json"
            head = {"run": point.name, "as_of": point.as_of, **dict(point.values)}
            rows += [{**head, "notebook": notebook.stem, **row(f)} for f in _figures(path)]
    frame = pd.DataFrame(rows, columns=[*RUN_COLUMNS, *swept, *FIGURE_COLUMNS])
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    frame["figure_as_of"] = pd.to_datetime(frame["figure_as_of"], errors="coerce")
    for column in ("value", "green_at", "red_at"):
        frame[column] = frame[column].astype("float64")
    frame["headline"] = frame["headline"].astype(bool)
    for column in ("run", "notebook", "figure", "text", "unit", "source", "status"):
        frame[column] = frame[column].astype("string")
    return frame


def write(table: pd.DataFrame, folder: Path) -> list[Path]:
    """figures.parquet and figures.csv in folder."""
    parquet, csv = (Path(folder) / name for name in FILES)
    atomic.write_parquet(parquet, table)
    atomic.write_csv(csv, table, index=False, date_format="%Y-%m-%d")
    return [parquet, csv]
