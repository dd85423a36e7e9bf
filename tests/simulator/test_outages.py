"""Issue 19, points 2-6, 13 and 14: an outage costs a line, not a section, nor a long wait.

Each notebook opens its own source, so "the next notebook" is a second open_source on the same
cache. The simulator's hangs wait Service.hang_s seconds at most (0 unless a test sets it).
"""

from __future__ import annotations

import contextlib
import socket
import warnings

import pandas as pd
import pytest

import techflows as tf
from simulator.conftest import LAST_FRIDAY
from techflows.analysis import fed, implied_flows
from techflows.data.snapshot.manifest import read_manifest
from techflows.errors import OfflineFallbackWarning, StaleDataWarning

SNAPSHOT_END = pd.Timestamp(read_manifest(tf.config.SNAPSHOT_DIR)["through"])
FOREVER = 10**6


def yahoo_requests(sim) -> list[dict]:
    return [r for r in sim.calls() if r["endpoint"] != "fred"]


# --- point 3: Yahoo down, FRED up ---------------------------------------------------------


def test_auto_with_yahoo_unreachable_and_no_cache_takes_prices_from_the_snapshot(
    sim, yahoo_unreachable, cache
):
    sim.fail("yahoo", None, kind="refused", times=FOREVER)
    with pytest.warns(OfflineFallbackWarning, match="Yahoo Finance cannot be reached"):
        src = tf.open_source("auto", cache_dir=cache)
    assert src.close(["XLK"]).index.max() == SNAPSHOT_END
    assert src.series(["DGS10"]).index.max() == pd.Timestamp(LAST_FRIDAY), "FRED stays live"
    assert "snapshot" in src.fallback_reason and "Yahoo Finance cannot be reached" in (
        src.fallback_reason
    )
    assert "snapshot" in src.description and "fred" in src.description
    assert yahoo_requests(sim) == [], "a host the probe found down is not asked"


def test_a_host_found_down_is_not_asked_again_by_the_next_notebook(sim, online, cache):
    sim.fail("yahoo", None, kind="refused", times=FOREVER)
    first = tf.open_source("yahoo", cache_dir=cache)
    with pytest.raises(tf.DataUnavailable, match="refused"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first.close(["XLK", "IYW", "VGT", "QQQ", "^IXIC"])
    asked = len(yahoo_requests(sim))
    assert asked <= 3, "one host, found down once: not every ticker, every endpoint"
    second = tf.open_source("yahoo", cache_dir=cache)
    with pytest.raises(tf.DataUnavailable, match="refused"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        second.close(["XLK", "SPY"])
    assert len(yahoo_requests(sim)) == asked


# --- point 4: one hanging endpoint; the run-wide budget -------------------------------------


def test_a_hanging_endpoint_is_waited_for_once_not_once_per_fund(sim, online, cache):
    sim.fail("shares", None, kind="hang", times=FOREVER)
    src = tf.open_source("yahoo", cache_dir=cache)
    funds = implied_flows.funds(src.universe)
    with pytest.raises(tf.DataUnavailable, match="timed out"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src.shares(funds)
    assert len(sim.calls("shares")) <= 2, "the endpoint is given up on after its first fund"
    # the host's other endpoints still answer
    assert src.close(["XLK"]).index.max() == pd.Timestamp(LAST_FRIDAY)
    nxt = tf.open_source("yahoo", cache_dir=cache)
    with pytest.raises(tf.DataUnavailable, match="timed out"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nxt.shares(["SPY"])
    assert len(sim.calls("shares")) <= 2


def test_a_run_wide_budget_bounds_the_time_spent_waiting(sim, online, cache, monkeypatch):
    monkeypatch.setenv("TECHFLOWS_NETWORK_BUDGET_S", "0.25")
    sim.hang_s = 0.1  # a hanging request really waits 0.1 s (or its shorter timeout)
    sim.fail("fred", None, kind="hang", times=FOREVER)
    sim.fail("shares", None, kind="hang", times=FOREVER)
    src = tf.open_source("yahoo", cache_dir=cache)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(tf.DataUnavailable, match="timed out"):
            src.series(["DGS10"])  # two tries of 0.1 s: FRED is down for the run
        assert len(sim.calls("fred")) == 2
        with pytest.raises(tf.DataUnavailable, match="network time budget"):
            src.shares(["SPY"])  # waits what is left of the budget, 0.05 s, at most
        assert 1 <= len(sim.calls("shares")) <= 2
        asked = len(sim.requests)
        with pytest.raises(tf.DataUnavailable, match="network time budget"):
            src.eps_trend("NVDA")  # a healthy endpoint: the budget is spent, nothing waits
    assert len(sim.requests) == asked, "no request once the budget is spent"


# --- point 5: the outage memory is read when each request is about to be made ---------------


def test_a_notebook_started_before_fred_was_found_down_does_not_wait_for_it(sim, online, cache):
    sim.fail("fred", None, kind="hang", times=FOREVER)
    early = tf.open_source("yahoo", cache_dir=cache)  # started while the other one waits
    other = tf.open_source("yahoo", cache_dir=cache)
    with pytest.raises(tf.DataUnavailable), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other.series(["DGS10"])
    asked = len(sim.calls("fred"))
    with pytest.raises(tf.DataUnavailable, match="FRED"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        early.series(["DFII10"])
    assert len(sim.calls("fred")) == asked


# --- point 6: "Not available" carries the reason ----------------------------------------------


def test_a_missing_series_names_fred_and_why(sim, online, cache):
    sim.fail("fred", None, kind="refused", times=FOREVER)
    src = tf.open_source("yahoo", cache_dir=cache)
    with pytest.raises(tf.DataUnavailable) as gap, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src.series(["DFII10", "DGS10"])
    assert "from fred" in str(gap.value) and "refused" in str(gap.value)
    assert "yahoo" not in str(gap.value)


def test_a_gap_raised_by_an_analysis_keeps_the_reason_of_the_data_it_lacked(sim, online, cache):
    sim.fail("fred", None, kind="refused", times=FOREVER)
    src = tf.open_source("yahoo", cache_dir=cache)
    with pytest.raises(tf.DataUnavailable) as gap, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fed.policy_path(src)
    assert "refused" in str(gap.value) and "not in the yahoo source" not in str(gap.value)


def test_a_techflows_warning_is_shown_without_a_file_path():
    where = "/home/analyst/techflows/lib/techflows/data/sources/online.py"
    message = "techflows: fred series could not be refreshed (FRED refused the connection)"
    shown = warnings.formatwarning(message, StaleDataWarning, where, 43)
    assert message in shown and "online.py" not in shown and "/home/analyst" not in shown


# --- point 2: FRED down on a first run ---------------------------------------------------------


def test_fred_down_on_a_first_run_leaves_prices_and_flows_live(sim, online, cache):
    sim.fail("fred", None, kind="hang", times=FOREVER)
    src = tf.open_source("auto", cache_dir=cache)
    with contextlib.suppress(tf.DataUnavailable), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fed.policy_path(src)
    assert len(sim.calls("fred")) <= 3
    assert src.close(["XLK"]).index.max() == pd.Timestamp(LAST_FRIDAY)


# --- point 13: a delisted fund ------------------------------------------------------------------


def test_a_delisted_fund_says_so_and_is_not_asked_again(sim, online, cache):
    sim.delist("ARKK", "2026-11-30")
    src = tf.open_source("yahoo", cache_dir=cache)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = src.shares(["XLK", "ARKK"])
    assert "ARKK" not in set(table["ticker"])
    said = " ".join(str(w.message) for w in caught if "ARKK" in str(w.message))
    assert "delisted" in said and "HTTPError" not in said
    asked = len(sim.calls("shares", "ARKK"))
    again = tf.open_source("yahoo", cache_dir=cache)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again.shares(["XLK", "ARKK"])
    assert len(sim.calls("shares", "ARKK")) == asked, "remembered until the next close"


# --- point 14: a dead proxy ---------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_dead_https_proxy_is_named(monkeypatch, cache):
    proxy = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with pytest.warns(OfflineFallbackWarning, match="proxy"):
        src = tf.open_source("auto", cache_dir=cache)
    assert proxy in src.fallback_reason and "HTTPS_PROXY" in src.fallback_reason
    with pytest.raises(tf.DataError, match=f"proxy {proxy}"):
        tf.open_source("yahoo", cache_dir=cache)
