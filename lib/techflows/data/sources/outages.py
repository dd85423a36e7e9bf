"""What every notebook of a run knows about the network: which sites are down, and the budget.

One outage memory per site (yahoo.com, stlouisfed.org), kept in the live cache's `network/`
folder, so the notebooks of a run, each in its own kernel, share it. It is read when each
request is about to be made: no notebook waits for a site (or one of its endpoints) another
has found down in the last OUTAGE_FOR. A site that refuses connections (or whose proxy does)
is down as a whole; an endpoint that times out is down on its own, so a hanging share-count
endpoint does not stop price downloads.

The budget bounds the time a run spends waiting on failed requests and between retries: once
BUDGET_S seconds are spent within OUTAGE_FOR, no request waits any more (each is refused at
once, saying so), so one hanging endpoint cannot take a run past a few minutes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from techflows.data import market_calendar
from techflows.data.store import Store

KIND = "network"  # the cache folder of the memory and the budget
BUDGET_FILE = "budget.json"
FAILED_FILE = "failed.json"  # when something last could not be fetched
OUTAGE_FOR = pd.Timedelta(minutes=15)
SITE_NAMES = {"yahoo.com": "Yahoo Finance", "stlouisfed.org": "FRED"}
# What each endpoint family serves, as reasons name it.
ENDPOINTS = {
    "/v8/finance/chart": "price history",
    "/ws/fundamentals-timeseries": "share counts and statements",
    "/v10/finance/quoteSummary": "fund and company profiles",
    "/v7/finance/quote": "quotes",
    "/v1/test/getcrumb": "session crumb",
    "/graph/fredgraph.csv": "series download",
}


@dataclass(frozen=True)
class Policy:
    """Timeouts, retries and the run's budget (TECHFLOWS_NETWORK_* override them).

    timeout_s caps every request's read timeout (connect_s its connect timeout); a timeout or
    a refused connection is tried `tries` times, first_delay_s apart (doubling); budget_s is
    the seconds of failed waiting allowed per OUTAGE_FOR; wait_scale multiplies every wait
    between tries (tests set 0).
    """

    timeout_s: float = 15.0
    connect_s: float = 5.0
    tries: int = 2
    first_delay_s: float = 1.0
    budget_s: float = 120.0
    wait_scale: float = 1.0

    @classmethod
    def from_env(cls) -> Policy:
        """The defaults, with TECHFLOWS_NETWORK_TIMEOUT_S, _BUDGET_S and _WAIT_SCALE applied."""

        def number(name: str, default: float) -> float:
            try:
                return max(0.0, float(os.environ.get(f"TECHFLOWS_NETWORK_{name}", default)))
            except ValueError:
                return default

        return cls(
            timeout_s=number("TIMEOUT_S", cls.timeout_s) or cls.timeout_s,
            budget_s=number("BUDGET_S", cls.budget_s),
            wait_scale=number("WAIT_SCALE", cls.wait_scale),
        )


class NetworkDown(Exception):
    """A request not made: its site or endpoint is down, or the run's network budget is spent.

    str() is the reason, one line.
    """


def site(host: str) -> str:
    """The site a host belongs to (query2.finance.yahoo.com -> yahoo.com)."""
    parts = host.lower().rstrip(".").split(".")
    return ".".join(parts[-2:]) if len(parts) >= 2 else host.lower()


def site_name(host: str) -> str:
    """The service a host belongs to, as users know it (Yahoo Finance, FRED)."""
    return SITE_NAMES.get(site(host), site(host))


def endpoint(url: str) -> str:
    """The endpoint family of a URL: its path without the symbol it asks for."""
    path = urlsplit(url).path or "/"
    for family in ENDPOINTS:
        if path.startswith(family):
            return family
    return "/".join(path.split("/")[:4]) or "/"


def endpoint_name(host: str, family: str) -> str:
    """'Yahoo Finance's share counts and statements' for messages."""
    what = ENDPOINTS.get(family, family)
    return f"{site_name(host)}'s {what}"


def _clock(text: str) -> str:
    return pd.Timestamp(text).strftime("%H:%M UTC")


class Outages:
    """The outage memory and the budget of the live cache at `store`."""

    def __init__(
        self,
        store: Store,
        policy: Policy | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self.store = store
        self.policy = policy or Policy.from_env()
        self.sleep = sleep or time.sleep

    # --- the memory -----------------------------------------------------------------------

    def _read(self, name: str) -> dict:
        try:
            loaded = json.loads(self.store.read_note(KIND, name) or "{}")
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def _recent(self, entry: object) -> bool:
        try:
            at = pd.Timestamp(entry["at"])  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            return False
        return market_calendar.now() - at < OUTAGE_FOR

    def down(self, url: str) -> str:
        """Why the site or endpoint of url is down (found within OUTAGE_FOR), else ''."""
        host = urlsplit(url).hostname or ""
        memory = self._read(f"{site(host)}.json")
        for entry in (memory.get("site"), memory.get("endpoints", {}).get(endpoint(url))):
            if self._recent(entry):
                until = pd.Timestamp(entry["at"]) + OUTAGE_FOR
                return (
                    f"{entry['reason']}, at {_clock(entry['at'])}; not asked again before "
                    f"{until.strftime('%H:%M UTC')}"
                )
        return ""

    def record(self, url: str, reason: str, whole_site: bool) -> None:
        """Remember that url's site (or only its endpoint) failed, and why."""
        host = urlsplit(url).hostname or ""
        name = f"{site(host)}.json"
        entry = {"at": market_calendar.now().isoformat(), "reason": reason}
        self.note_failure()
        with self.store.lock(KIND):
            memory = self._read(name)
            if whole_site:
                memory["site"] = entry
            else:
                memory.setdefault("endpoints", {})[endpoint(url)] = entry
            self.store.write_note(KIND, name, json.dumps(memory))

    def note_failure(self) -> None:
        """Remember that something could not be fetched now (its report is not final)."""
        stamp = {"at": market_calendar.now().isoformat()}
        self.store.write_note(KIND, FAILED_FILE, json.dumps(stamp))

    def troubled(self) -> bool:
        """True if a site or endpoint was down, or a fetch failed, within OUTAGE_FOR."""
        if self._recent(self._read(FAILED_FILE)):
            return True
        for site_name_ in SITE_NAMES:
            memory = self._read(f"{site_name_}.json")
            entries = [memory.get("site"), *memory.get("endpoints", {}).values()]
            if any(self._recent(e) for e in entries):
                return True
        return False

    def site_down(self, host: str) -> str:
        """Why a whole site is down (e.g. the probe found it unreachable), else ''."""
        memory = self._read(f"{site(host)}.json").get("site")
        return str(memory["reason"]) if self._recent(memory) else ""

    # --- the budget -----------------------------------------------------------------------

    def _budget(self) -> dict:
        budget = self._read(BUDGET_FILE)
        if not self._recent({"at": budget.get("since", "")}):
            return {"since": market_calendar.now().isoformat(), "spent": 0.0}
        return budget

    def left(self) -> float:
        """Seconds of failed waiting the run may still spend."""
        return self.policy.budget_s - float(self._budget().get("spent", 0.0))

    def charge(self, seconds: float) -> None:
        """Count seconds spent on a failed request or a wait between tries."""
        if seconds <= 0:
            return
        with self.store.lock(KIND):
            budget = self._budget()
            budget["spent"] = float(budget.get("spent", 0.0)) + seconds
            self.store.write_note(KIND, BUDGET_FILE, json.dumps(budget))

    def spent_reason(self) -> str:
        """Why nothing more is waited for: the budget is spent."""
        return (
            f"the run's network time budget ({self.policy.budget_s:g} s of waiting on failed "
            "requests) is spent"
        )

    def wait(self, seconds: float, sleep: Callable[[float], object] | None = None) -> bool:
        """Wait between tries if the budget allows (charged to it); False when it does not."""
        seconds *= self.policy.wait_scale
        if seconds > self.left():
            return False
        started = time.monotonic()
        if seconds > 0:
            (sleep or self.sleep)(seconds)
        self.charge(max(seconds, time.monotonic() - started))
        return True
