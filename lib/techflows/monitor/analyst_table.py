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
from techflows.data import freshness, schemas, validate
from techflows.errors import DataError
from techflows.monitor.rules import AMBER, GREEN, NO_DATA, RED

ANALYST_FILE = config.DATA_DIR / "analyst_signals.csv"
ANALYST_COLUMNS = ["item", "date", "value", "unit", "basis", "status", "note", "source"]
OBSERVED, REPORTED = schemas.BASES
BASES = schemas.BASES
RATED = (GREEN, AMBER, RED)


def read_analyst_table(
    path: str | Path | None = None, items: Collection[str] | None = None
) -> pd.DataFrame:
    """Read the analyst table (one dated entry per row), validated; items limited to `items`."""
    path = Path(path) if path else ANALYST_FILE
    if not path.is_file():
        raise DataError(f"analyst table '{path}': file not found")
    schema = schemas.analyst_signals(items, rated=RATED, unrated=(NO_DATA,))
    out = validate.read_csv(path, schema, f"analyst table '{path}'")
    out["status"] = out["status"].replace("", NO_DATA)
    return out.sort_values(["item", "date"], kind="stable").reset_index(drop=True)


def analyst_entries(table: pd.DataFrame, as_of: pd.Timestamp, stale_days: int) -> pd.DataFrame:
    """Entries dated on or before as_of, with their age in days and a stale flag."""
    known = table[table["date"] <= as_of].copy()
    known["age_days"] = [freshness.age_days(day, as_of) for day in known["date"]]
    known["stale"] = known["age_days"] > stale_days
    return known
