"""FRED series from its public CSV download (no API key), cached as parquet."""

from __future__ import annotations

import io
import warnings

import pandas as pd
import requests

from techflows.data.sources.base import Adapter
from techflows.data.sources.csvdir import read_fred
from techflows.data.store import Store
from techflows.errors import DataError

FRED_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
TIMEOUT_S = 30.0
KIND = "fred"
MAX_AGE = pd.Timedelta(hours=12)  # a cache file younger than this is not refreshed
# Refreshes re-read the last five weeks: FRED revises recent observations (weekly and
# monthly series especially) and the new values replace the cached ones.
OVERLAP = pd.Timedelta(days=35)
HEADERS = {"User-Agent": "techflows research reports (python-requests)"}


class FredAdapter(Adapter):
    """Rate and macro series by FRED id (DGS10, DFII10, DFEDTARU, VIXCLS, ...)."""

    name = "fred"
    description = "fred: FRED CSV downloads, cached in data/cache/"

    def __init__(self, store: Store, max_age: pd.Timedelta = MAX_AGE) -> None:
        self.store = store
        self.max_age = max_age

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """Each id FRED has, indexed by date; ids FRED does not know are left out."""
        found = {sid: self._series(sid) for sid in ids}
        return {sid: s.rename(sid) for sid, s in found.items() if s is not None and not s.empty}

    def _series(self, sid: str) -> pd.Series | None:
        cached = self.store.read(KIND, sid)
        if cached is not None and self.store.is_fresh(KIND, sid, self.max_age):
            return cached["value"]
        params = {"id": sid}
        if cached is not None and not cached.empty:
            params["cosd"] = (cached.index.max() - OVERLAP).strftime("%Y-%m-%d")
        try:
            response = requests.get(FRED_CSV_URL, params=params, timeout=TIMEOUT_S, headers=HEADERS)
        except requests.RequestException as exc:
            return self._stale(sid, cached, f"FRED could not be reached ({exc})")
        if response.status_code in (400, 404):
            return None if cached is None else cached["value"]
        if response.status_code != 200 or response.text.lstrip().startswith("<"):
            reason = f"FRED answered HTTP {response.status_code} without CSV data"
            return self._stale(sid, cached, reason)
        fresh = read_fred(io.StringIO(response.text), name=f"FRED download of {sid}")
        return self.store.merge(KIND, sid, cached, fresh.rename("value").to_frame())["value"]

    def _stale(self, sid: str, cached: pd.DataFrame | None, reason: str) -> pd.Series:
        """The cached series with a warning, or a DataError when nothing is cached."""
        if cached is None or cached.empty:
            raise DataError(f"fred series {sid}: {reason}")
        last = cached.index.max().date()
        warnings.warn(f"techflows: {reason}; using cached {sid} up to {last}", stacklevel=4)
        return cached["value"]
