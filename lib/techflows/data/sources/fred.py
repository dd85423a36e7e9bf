"""FRED series from its public CSV download (no API key): cache first, retried, never fatal."""

from __future__ import annotations

import io
import json

import pandas as pd
import requests

from techflows.data import market_calendar
from techflows.data.sources.csvdir import read_fred
from techflows.data.sources.retry import (
    FetchFailed,
    LiveAdapter,
    short,
    warn_failed,
    with_backoff,
)
from techflows.data.store import Store, is_current

FRED_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
TIMEOUT_S = (5.0, 20.0)  # connect, read
TRIES, FIRST_DELAY_S = 3, 1.0  # a timeout, HTTP 429 or 5xx is tried again after 1, then 2 s
KIND = "fred"
# Refreshes re-read the last five weeks: FRED revises recent observations (weekly and
# monthly series especially) and the new values replace the cached ones.
OVERLAP = pd.Timedelta(days=35)
HEADERS = {"User-Agent": "techflows research reports (python-requests)"}
OFFLINE = "FRED cannot be reached"
# After FRED failed, the other notebooks of the run do not wait for it again for this long.
OUTAGE_FOR, OUTAGE_FILE = pd.Timedelta(minutes=15), "outage.json"
NO_SERIES = pd.DataFrame({"value": pd.Series(dtype=float)}, index=pd.DatetimeIndex([], name="Date"))


class _Retryable(Exception):
    """A transient FRED failure: tried again after back-off."""


def _last_date(frame: pd.DataFrame | None) -> str | None:
    return None if frame is None or frame.empty else str(frame.index.max().date())


class FredAdapter(LiveAdapter):
    """Rate and macro series by FRED id (DGS10, DFII10, DFEDTARU, VIXCLS, ...).

    A series that cannot be fetched is served from the cache with a warning, or left out
    (the caller then sees DataUnavailable and can fall back, e.g. from DGS10 to ^TNX). Once
    FRED has failed after its retries, the other series of the run do not wait for it again.
    """

    name = "fred"
    description = "fred: FRED CSV downloads, cached in data/cache/"

    def __init__(self, store: Store, tries: int = TRIES, **options: object) -> None:
        super().__init__(store, tries=tries, **options)  # type: ignore[arg-type]
        # Why FRED is given up on: offline, or it failed here or in another notebook lately.
        self._down = OFFLINE if self.offline else self._recent_outage()
        self._session = requests.Session()
        self._session.headers.update(HEADERS)

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        """Each id FRED (or the cache) has, indexed by date; ids FRED does not know are left out."""
        frames = {sid: self.store.read(KIND, sid) for sid in ids}
        if any(sid not in self.tried and not is_current(f) for sid, f in frames.items()):
            self._refresh_kind(frames)
        return {
            sid: frames[sid]["value"].rename(sid)
            for sid in ids
            if frames[sid] is not None and not frames[sid].empty
        }

    def _refresh_kind(self, frames: dict[str, pd.DataFrame | None]) -> None:
        """Refresh the stale asked series and every other stale cached one, in one pass."""
        with self.store.lock(KIND):
            stale = [s for s, f in frames.items() if not is_current(f)]
            frames.update({s: self.store.read(KIND, s) for s in stale})
            for other in self.store.symbols(KIND):
                if other not in frames and other not in self.tried:
                    cached = self.store.read(KIND, other)
                    if not is_current(cached):
                        frames[other] = cached
            stale = [s for s, f in frames.items() if s not in self.tried and not is_current(f)]
            self.tried.update(stale)
            failed: dict[str, str] = {}
            for sid in stale:
                try:
                    fresh = self._download(sid, frames[sid])
                except FetchFailed as exc:
                    failed[sid] = str(exc)
                    continue
                if fresh is not None:
                    frames[sid] = self.store.merge(KIND, sid, frames[sid], fresh)
                elif frames[sid] is None:  # FRED lacks the id: not asked again before next close
                    self.store.write(KIND, sid, NO_SERIES)
            self.failures.update(failed)
            if failed:
                warn_failed("fred series", failed, lambda s: _last_date(frames.get(s)))

    def _recent_outage(self) -> str:
        """The reason FRED failed within OUTAGE_FOR (any notebook of the run), else ''."""
        try:
            outage = json.loads(self.store.read_note(KIND, OUTAGE_FILE) or "")
            since = market_calendar.now() - pd.Timestamp(outage["at"])
        except (OSError, ValueError, KeyError, TypeError):
            return ""
        return f"{outage['reason']} (at {outage['at'][:16]})" if since < OUTAGE_FOR else ""

    def _download(self, sid: str, cached: pd.DataFrame | None) -> pd.DataFrame | None:
        """New observations of one series; None if FRED does not know the id."""
        if self._down:
            raise FetchFailed(self._down)
        params = {"id": sid}
        if cached is not None and not cached.empty:
            params["cosd"] = (cached.index.max() - OVERLAP).strftime("%Y-%m-%d")
        try:
            response = with_backoff(
                lambda: self._get(params), (_Retryable,), self.tries, FIRST_DELAY_S, self.sleep
            )
        except _Retryable as exc:
            self._down = f"FRED did not answer after {self.tries} tries: {exc}"
            outage = {"at": market_calendar.now().isoformat(), "reason": self._down}
            self.store.write_note(KIND, OUTAGE_FILE, json.dumps(outage))
            raise FetchFailed(self._down) from exc
        if response.status_code in (400, 404):
            return None
        if response.text.lstrip().startswith("<"):
            raise FetchFailed(f"FRED answered HTTP {response.status_code} with a web page, not CSV")
        fresh = read_fred(io.StringIO(response.text), name=f"FRED download of {sid}")
        return fresh.rename("value").to_frame()

    def _get(self, params: dict[str, str]) -> requests.Response:
        try:
            response = self._session.get(FRED_CSV_URL, params=params, timeout=TIMEOUT_S)
        except requests.RequestException as exc:
            raise _Retryable(f"{type(exc).__name__}: {short(str(exc))}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}")
        return response
