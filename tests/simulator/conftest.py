"""Fixtures of the live-path tests: the simulated Yahoo and FRED on Sunday 2026-12-06.

The review behind issue 19 used the live path as a user would on Sunday 2026-12-06, whose
latest complete week ends on Friday 2026-12-04. Waits between retries are scaled to zero
(TECHFLOWS_NETWORK_WAIT_SCALE), so simulated outages cost no real seconds; the budget tests
set their own tiny hangs and budget.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from simulator.proxy import connect_proxy

SUNDAY = "2026-12-06 15:00"  # UTC: Sunday, the review's day
LAST_FRIDAY = "2026-12-04"


@pytest.fixture
def sim(tmp_path, monkeypatch):
    """The simulated Yahoo Finance and FRED on Sunday 2026-12-06; no real waits."""
    from simulator import Service, install

    monkeypatch.setenv("TECHFLOWS_NETWORK_WAIT_SCALE", "0")
    # yfinance's own waits between its retries (it sleeps through its module's _time)
    monkeypatch.setattr("yfinance.data._time", SimpleNamespace(sleep=lambda seconds: None))
    monkeypatch.setattr("techflows.data.sources.retry.pause", lambda seconds: None)
    service = Service(SUNDAY)
    undo = install(service, tmp_path / "yfinance")
    yield service
    undo()


@pytest.fixture
def online(monkeypatch):
    """The network probe reaches Yahoo and FRED, through a loopback HTTPS proxy."""
    with connect_proxy() as (url, asked):
        monkeypatch.setenv("HTTPS_PROXY", url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        yield asked


@pytest.fixture
def yahoo_unreachable(monkeypatch):
    """The probe reaches FRED but not Yahoo (the proxy answers 502 for Yahoo's hosts)."""
    with connect_proxy(refuse=("yahoo",)) as (url, asked):
        monkeypatch.setenv("HTTPS_PROXY", url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        yield asked


@pytest.fixture
def cache(tmp_path):
    """An empty live cache: a first run."""
    return tmp_path / "cache"
