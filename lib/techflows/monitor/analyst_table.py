"""The analyst-maintained table data/analyst_signals.csv: read, checked, dated entries.

Each entry declares its basis: `observed` (an independent observation the analyst recorded,
e.g. a count of guidance raises from company releases) or `reported` (a figure the articles or
companies reported). Only observed entries can vote in the checklist.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from techflows import config
from techflows.errors import DataError
from techflows.monitor.rules import NO_DATA, STATUSES

ANALYST_FILE = config.DATA_DIR / "analyst_signals.csv"
ANALYST_COLUMNS = ["item", "date", "value", "unit", "basis", "status", "note", "source"]
OBSERVED, REPORTED = "observed", "reported"
BASES = (OBSERVED, REPORTED)


def read_analyst_table(
    path: str | Path | None = None, items: Collection[str] | None = None
) -> pd.DataFrame:
    """Read and check the analyst table (one dated entry per row), items limited to `items`."""
    path = Path(path) if path else ANALYST_FILE
    if not path.exists():
        raise DataError(f"analyst table '{path}': file not found")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ANALYST_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(f"analyst table '{path}': no {missing[0]!r} column")
    out = table[ANALYST_COLUMNS].copy()
    for column in ("item", "basis", "status", "unit", "note", "source"):
        out[column] = out[column].astype(str).str.strip()
    if items is not None:
        unknown = sorted(set(out["item"]) - set(items))
        if unknown:
            known = tuple(items)
            raise DataError(f"analyst table '{path}': unknown item {unknown[0]!r} ({known})")
    out["date"] = pd.to_datetime(out["date"], errors="coerce", format="mixed")
    if out["date"].isna().any():
        raise DataError(f"analyst table '{path}': unreadable date in row {_bad(out['date'])}")
    blank = out["value"].str.strip() == ""
    out["value"] = pd.to_numeric(out["value"].where(~blank), errors="coerce")
    if (out["value"].isna() & ~blank).any():
        raise DataError(f"analyst table '{path}': value not a number in row {_bad(out['value'])}")
    out["basis"] = out["basis"].str.lower()
    if not out["basis"].isin(BASES).all():
        row = _bad(out["basis"].where(out["basis"].isin(BASES)))
        raise DataError(f"analyst table '{path}': basis must be observed or reported (row {row})")
    out["status"] = out["status"].str.lower().replace("", NO_DATA)
    if not out["status"].isin(STATUSES).all():
        row = _bad(out["status"].where(out["status"].isin(STATUSES)))
        raise DataError(f"analyst table '{path}': status must be green, amber or red (row {row})")
    rated = (out["basis"] == REPORTED) & (out["status"] != NO_DATA)
    if rated.any():
        row = _bad(out["status"].where(~rated))
        raise DataError(
            f"analyst table '{path}': a reported figure is shown, never scored: "
            f"leave its status empty (row {row})"
        )
    return out.sort_values(["item", "date"], kind="stable").reset_index(drop=True)


def _bad(column: pd.Series) -> int:
    """CSV row number (header = 1) of the first missing value."""
    return int(column.isna().to_numpy().argmax()) + 2


def analyst_entries(table: pd.DataFrame, as_of: pd.Timestamp, stale_days: int) -> pd.DataFrame:
    """Entries dated on or before as_of, with their age in days and a stale flag."""
    known = table[table["date"] <= as_of].copy()
    known["age_days"] = (as_of - known["date"]).dt.days
    known["stale"] = known["age_days"] > stale_days
    return known
