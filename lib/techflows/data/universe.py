"""The ticker universe: name, group and segment of every fund and index the reports use."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from techflows import config
from techflows.data import schemas, validate
from techflows.errors import DataError

GROUPS = schemas.GROUPS


def load_universe(path: str | Path | None = None) -> pd.DataFrame:
    """Read a universe CSV (ticker,name,group,segment); the default ships in data/."""
    path = Path(path) if path else config.UNIVERSE_FILE
    if not path.is_file():
        raise DataError(f"universe '{path}': file not found")
    frame = validate.read_csv(path, schemas.UNIVERSE, f"universe '{path}'")
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
