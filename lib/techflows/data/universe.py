"""The ticker universe: name, group and segment of every fund and index the reports use."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from techflows import config
from techflows.data.validate import check_columns, check_symbols
from techflows.errors import DataError

GROUPS = ("tech_etf", "sector_etf", "benchmark", "rates", "mega_cap", "macro")


def load_universe(path: str | Path | None = None) -> pd.DataFrame:
    """Read a universe CSV (ticker,name,group,segment); the default ships in data/."""
    path = Path(path) if path else config.UNIVERSE_FILE
    if not path.exists():
        raise DataError(f"universe '{path}': file not found")
    frame = pd.read_csv(path, dtype=str).fillna("")
    check_columns(frame, ["ticker", "name", "group", "segment"], f"universe '{path}'")
    check_symbols(frame["ticker"])
    unknown = sorted(set(frame["group"]) - set(GROUPS))
    if unknown:
        raise DataError(
            f"universe '{path}': unknown group {unknown[0]!r} (use {', '.join(GROUPS)})"
        )
    repeated = frame["ticker"][frame["ticker"].duplicated()]
    if len(repeated):
        raise DataError(f"universe '{path}': ticker {repeated.iloc[0]} listed twice")
    return frame.set_index("ticker")


def tickers(
    universe: pd.DataFrame, group: str | None = None, segment: str | None = None
) -> list[str]:
    """Tickers of a group and/or segment, in file order."""
    mask = pd.Series(True, index=universe.index)
    if group:
        mask &= universe["group"] == group
    if segment:
        mask &= universe["segment"] == segment
    return list(universe.index[mask])
