"""Opening the live source: cache first, the probe through a proxy, composing with a folder.

Against the simulated Yahoo and FRED (tests/simulator); the real network stays blocked, so
the probe fails unless it goes through the loopback proxy of tests/simulator/proxy.py.
"""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest
from packaging.requirements import Requirement

import techflows as tf
from conftest import REPO_ROOT
from simulator.proxy import connect_proxy
from techflows.analysis import concentration, implied_flows
from techflows.data import source as source_module
from techflows.data.sources.network import network_available, unreachable
from techflows.errors import OfflineFallbackWarning, StaleDataWarning


@pytest.fixture
def probes(monkeypatch) -> list[bool]:
    """Count network probes (the real probe runs: offline in tests unless through a proxy)."""
    answers: list[bool] = []

    def counted(hosts, timeout=0.5) -> dict[str, str]:
        down = unreachable(hosts, timeout=0.5)
        answers.append(len(down) < len(hosts))
        return down

    monkeypatch.setattr(source_module, "unreachable", counted)
    return answers


@pytest.fixture
def proxy(monkeypatch):
    """HTTPS_PROXY set to a loopback proxy that accepts CONNECT: the probe then succeeds."""
    with connect_proxy() as (url, asked):
        monkeypatch.setenv("HTTPS_PROXY", url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        yield asked


def fill_cache(cache, probes_ok=True):
    """A first online run: the proxy makes the probe succeed."""
    with connect_proxy() as (url, _), pytest.MonkeyPatch.context() as patch:
        patch.setenv("HTTPS_PROXY", url)
        src = tf.open_source("yahoo", cache_dir=cache)
        src.close(["XLK", "SPY"])
        src.series(["DGS10"])


# --- the probe ----------------------------------------------------------------------------


def test_probe_goes_through_the_https_proxy(proxy):
    assert network_available(hosts=(("query1.finance.yahoo.com", 443),), timeout=2) is True
    assert proxy == ["query1.finance.yahoo.com:443"]


def test_probe_through_a_refusing_proxy_is_offline(monkeypatch):
    with connect_proxy(status=403) as (url, asked):
        monkeypatch.setenv("HTTPS_PROXY", url)
        assert network_available(hosts=(("fred.stlouisfed.org", 443),), timeout=2) is False
        assert asked == ["fred.stlouisfed.org:443"]


def test_no_proxy_bypasses_it(proxy, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "finance.yahoo.com")
    assert network_available(hosts=(("query1.finance.yahoo.com", 443),), timeout=0.5) is False
    assert proxy == []


# --- cache first ----------------------------------------------------------------------------


def test_a_current_cache_is_used_without_probing(yahoo_sim, tmp_path, probes):
    fill_cache(tmp_path / "cache")
    probes.clear()
    yahoo_sim.set_now("2026-02-14 10:00")  # Saturday, offline: the cache is still current
    asked = len(yahoo_sim.requests)
    src = tf.open_source("yahoo", cache_dir=tmp_path / "cache")
    assert src.name == "yahoo" and not src.fallback_reason
    assert src.close(["XLK", "SPY"]).index.max() == pd.Timestamp("2026-02-13")
    assert probes == [] and len(yahoo_sim.requests) == asked
    auto = tf.open_source("auto", cache_dir=tmp_path / "cache")
    assert auto.name == "yahoo" and probes == []


def test_offline_a_stale_cache_is_served_with_a_warning(yahoo_sim, tmp_path, probes):
    fill_cache(tmp_path / "cache")
    yahoo_sim.set_now("2026-02-17 22:00")  # a session later, and no network
    asked = len(yahoo_sim.requests)
    with pytest.warns(StaleDataWarning, match=r"cannot be reached.*last fetched 2026-02-13"):
        src = tf.open_source("auto", cache_dir=tmp_path / "cache")
    assert src.name == "yahoo" and "cached by earlier runs" in src.fallback_reason
    with pytest.warns(StaleDataWarning, match="cannot be reached.*XLK up to 2026-02-13"):
        assert src.close(["XLK"]).index.max() == pd.Timestamp("2026-02-13")
    with pytest.warns(StaleDataWarning, match="DGS10 up to"):
        src.series(["DGS10"])
    assert len(yahoo_sim.requests) == asked, "offline: nothing is asked of the network"


def test_offline_without_cache_auto_falls_back_and_yahoo_is_an_error(tmp_path, probes):
    with pytest.warns(OfflineFallbackWarning, match="cannot be reached"):
        src = tf.open_source("auto", cache_dir=tmp_path / "cache")
    assert src.name == source_module.OFFLINE_FALLBACK and "embedded snapshot" in src.fallback_reason
    with pytest.raises(tf.DataError, match=r"source 'yahoo'.*cannot be reached.*nothing is cached"):
        tf.open_source("yahoo", cache_dir=tmp_path / "cache")


# --- sources compose ------------------------------------------------------------------------


# NYSE sessions (Martin Luther King Jr. Day is not one): a flow on a closed day is refused.
SESSIONS = pd.bdate_range("2026-01-05", "2026-02-13", freq="C", holidays=["2026-01-19"])


@pytest.fixture
def analyst_folder(tmp_path):
    """An analyst's export: their own fund flows, one price file, one FRED series."""
    folder = tmp_path / "exports"
    (folder / "flows").mkdir(parents=True)
    (folder / "prices").mkdir()
    (folder / "fred").mkdir()
    days = SESSIONS
    flows = pd.DataFrame(
        [(d.date(), t, 1e8 * (i % 5 - 2)) for i, d in enumerate(days) for t in ("XLK", "SPY")],
        columns=["date", "ticker", "flow_usd"],
    )
    flows.to_csv(folder / "flows" / "etf_flows.csv", index=False)
    (folder / "prices" / "XLK.csv").write_text("Date,Close\n2026-02-12,100.0\n2026-02-13,101.0\n")
    (folder / "fred" / "DGS10.csv").write_text("observation_date,DGS10\n2026-02-12,9.99\n")
    return folder


def test_yahoo_with_a_data_dir_reads_the_folder_first(yahoo_sim, analyst_folder, tmp_path, proxy):
    src = tf.open_source("yahoo", data_dir=analyst_folder, cache_dir=tmp_path / "cache")
    assert src.name == "yahoo+csv"
    assert len(src.flows()) == 2 * len(SESSIONS)
    assert src.close(["XLK"])["XLK"].tolist() == [100.0, 101.0]  # the analyst's file wins
    spy = src.close(["SPY"])["SPY"]  # the rest is live
    assert spy.index.max() == pd.Timestamp("2026-02-13") and len(spy) > 5000
    assert src.series(["DGS10"])["DGS10"].tolist() == [9.99]
    assert src.series(["DFII10"])["DFII10"].index.max() == pd.Timestamp("2026-02-12")
    assert sorted(c["ticker"] for c in yahoo_sim.calls("chart")) == ["SPY"]
    described = src.description
    assert f"fund flows: csv {analyst_folder}" in described
    assert f"prices: csv {analyst_folder} (1 tickers), else yahoo" in described
    assert f"series: csv {analyst_folder} (1 series), else fred" in described
    assert "statements, EPS, holdings: yahoo" in described


def test_auto_with_a_data_dir_composes_live_or_the_fallback(
    yahoo_sim, analyst_folder, tmp_path, monkeypatch
):
    monkeypatch.setattr(source_module, "unreachable", lambda *a, **k: {})
    live = tf.open_source("auto", data_dir=analyst_folder, cache_dir=tmp_path / "cache")
    assert live.name == "yahoo+csv" and not live.fallback_reason
    monkeypatch.setattr(
        source_module, "unreachable", lambda hosts, **k: {h: "no network" for h, _ in hosts}
    )
    with pytest.warns(OfflineFallbackWarning):
        offline = tf.open_source("auto", data_dir=analyst_folder, cache_dir=tmp_path / "none")
    assert offline.name == f"{source_module.OFFLINE_FALLBACK}+csv" and offline.fallback_reason
    assert len(offline.flows()) > 0 and offline.close(["XLK"])["XLK"].iloc[-1] == 101.0


def test_a_folder_lacking_flows_leaves_the_flows_implied_by_live_share_counts(
    yahoo_sim, tmp_path, proxy
):
    empty = tmp_path / "empty"
    empty.mkdir()
    src = tf.open_source("yahoo", data_dir=empty, cache_dir=tmp_path / "cache")
    assert "fund flows: implied from shares outstanding × price (yfinance)" in src.description
    assert src.flows_origin.startswith("implied") and len(src.flows()) > 1000


# --- the analyses that broke on the live source ----------------------------------------------


def test_implied_flows_from_the_live_source(yahoo_sim, tmp_path, proxy):
    src = tf.open_source("yahoo", cache_dir=tmp_path / "cache")
    implied = implied_flows.from_source(src)
    funds = implied_flows.funds(src.universe)
    assert set(implied["ticker"]) == set(funds) and "^GSPC" not in funds
    assert sorted(c["ticker"] for c in yahoo_sim.calls("shares")) == sorted(funds)
    assert (implied["quality"] == "ok").mean() > 0.9


def test_largest_holding_is_a_symbol_through_the_adapter(yahoo_sim, tmp_path, proxy):
    src = tf.open_source("yahoo", cache_dir=tmp_path / "cache")
    table = concentration.top_holdings_table(src, ("XLK", "QQQ"), n=10).set_index("fund")
    assert table["largest"].tolist() == ["NVDA", "NVDA"]
    assert table.loc["XLK", "largest_weight"] == pytest.approx(0.1482)
    assert table.loc["QQQ", "holdings_listed"] == 10


# --- pins ----------------------------------------------------------------------------------


def test_declared_versions_are_those_the_code_needs():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    pins = {Requirement(r).name: Requirement(r).specifier for r in project["dependencies"]}
    assert not pins["yfinance"].contains("1.0.3"), "yfinance 1.1 added pandas-3 support"
    assert pins["yfinance"].contains("1.7.0") and pins["pandas"].contains("2.2.3")
    assert "exchange-calendars" in pins
