"""Paths and project-wide defaults."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent
DATA_DIR = REPO_ROOT / "data"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
OUTPUT_DIR = Path(os.environ.get("TECHFLOWS_OUTPUT_DIR", REPO_ROOT / "outputs"))
# Where a notebook run outside the runner (JupyterLab, plain papermill) writes its figures.
LAB_OUTPUT_DIR = OUTPUT_DIR / "lab"
CACHE_DIR = Path(os.environ.get("TECHFLOWS_CACHE_DIR", DATA_DIR / "cache"))
UNIVERSE_FILE = DATA_DIR / "universe.csv"
SNAPSHOT_DIR = DATA_DIR / "snapshot"

SOURCES = ("auto", "yahoo", "csv", "snapshot", "sample")

# Yield indices quote a rate, not a price: zero or negative values are real data.
YIELD_INDICES = frozenset({"^IRX", "^FVX", "^TNX", "^TYX"})

# First available ticker wins: the tech sector and the broad market across sources.
TECH_PROXIES = ("XLK", "IYW", "VGT", "QQQ", "^IXIC")
MARKET_PROXIES = ("SPY", "VOO", "^GSPC")
# The one freshness limit (techflows.data.freshness): inputs older than this many calendar
# days before the as-of date are stale.
STALE_DAYS = 45
# Alternative semiconductor funds, in order of preference; Source.preferred picks one for all.
SEMIS_FUNDS = ("SMH", "SOXX")

NETWORK_PROBE_HOSTS = (("query1.finance.yahoo.com", 443), ("fred.stlouisfed.org", 443))
NETWORK_PROBE_TIMEOUT_S = 3.0


def resolve_folder(folder: str | Path) -> Path:
    """A relative folder is taken from the working directory, else from the repository root.

    JupyterLab runs notebooks from notebooks/, the command line from the root: the same
    `../shared/market-data` then works in both.
    """
    path = Path(folder).expanduser()
    if path.is_absolute() or path.exists():
        return path
    from_root = REPO_ROOT / path
    return from_root if from_root.exists() else path
