"""FRED series from its public CSV download (no API key): cache first, retried, never fatal."""

from __future__ import annotations

import io

import pandas as pd
import requests

from techflows.data.sources.csvdir import read_fred
from techflows.data.sources.outages import NetworkDown
from techflows.data.sources.retry import (
    FetchFailed,
    LiveAdapter,
    short,
    warn_failed,
    with_backoff,
)
from techflows.data.sources.sessions import FredSession
from techflows.data.store import Store, is_current

FRED_CSV_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
TIMEOUT_S = (5.0, 15.0)  # connect, read (the outage policy caps both)
# HTTP 429 or 5xx is tried again after 1, then 2 s; a timeout or a refused connection is
# tried again by the guarded session (sessions.py), once.
TRIES, FIRST_DELAY_S = 3, 1.0
KIND = "fred"
# Refreshes re-read the last five weeks: FRED revises recent observations (weekly and
# monthly series especially) and the new values replace the cached ones.
OVERLAP = pd.Timedelta(days=35)
HEADERS = {"User-Agent": "techflows research reports (python-requests)"}
OFFLINE = "FRED cannot be reached"
NO_SERIES = pd.DataFrame({"value": pd.Series(dtype=float)}, index=pd.DatetimeIndex([], name="Date"))


class _Retryable(Exception):
    """A transient FRED failure: tried again after back-off."""


def _last_date(frame: pd.DataFrame | None) -> str | None:
    return None if frame is None or frame.empty else str(frame.index.max().date())


class FredAdapter(LiveAdapter):
    """Rate and macro series by FRED id (DGS10, DFII10, DFEDTARU, VIXCLS, ...).

    A series that cannot be fetched is served from the cache with a warning, or left out
    (the caller then sees DataUnavailable and can fall back, e.g. from DGS10 to ^TNX). Once
    FRED has failed after its retries, no notebook of the run waits for it again (the outage
    memory, read before each request).
    """

    name = "fred"
    description = "fred: FRED CSV downloads, cached in data/cache/"

    def __init__(
        self, store: Store, tries: int = TRIES, offline_reason: str = "", **options: object
    ) -> None:
        super().__init__(store, tries=tries, **options)  # type: ignore[arg-type]
        self._down = (offline_reason or OFFLINE) if self.offline else ""
        self._session = FredSession(self.outages)
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
            self.failed(failed)
            if failed:
                warn_failed("fred series", failed, lambda s: _last_date(frames.get(s)))

    def _download(self, sid: str, cached: pd.DataFrame | None) -> pd.DataFrame | None:
        """New observations of one series; None if FRED does not know the id."""
        if self._down:
            raise FetchFailed(self._down)
        params = {"id": sid}
        if cached is not None and not cached.empty:
            params["cosd"] = (cached.index.max() - OVERLAP).strftime("%Y-%m-%d")
        try:
            response = with_backoff(
                lambda: self._get(params), (_Retryable,), self.tries, FIRST_DELAY_S, self.wait
            )
        except _Retryable as exc:
            why = f"FRED failed {self.tries} times: {exc}"
            self.outages.record(FRED_CSV_URL, why, whole_site=True)
            raise FetchFailed(why) from exc
        except NetworkDown as exc:  # down (memory), refused or timed out: recorded already
            raise FetchFailed(str(exc)) from exc
        if response.status_code in (400, 404):
            return None
        if response.text.lstrip().startswith("<"):
            raise FetchFailed(f"FRED answered HTTP {response.status_code} with a web page, not CSV")
        fresh = read_fred(io.StringIO(response.text), name=f"FRED download of {sid}")
        return fresh.rename("value").to_frame()

    def _get(self, params: dict[str, str]) -> requests.Response:
        try:
            response = self._session.get(FRED_CSV_URL, params=params, timeout=TIMEOUT_S)
        except NetworkDown:
            raise
        except requests.RequestException as exc:
            raise _Retryable(f"{type(exc).__name__}: {short(str(exc))}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}")
        return response
