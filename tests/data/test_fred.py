"""The FRED adapter through requests, against the simulated FRED CSV download (tests/simulator)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import techflows as tf
from techflows.analysis import rates
from techflows.data.sources.fred import TIMEOUT_S, FredAdapter
from techflows.data.store import Store
from techflows.errors import StaleDataWarning


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fred(tmp_path, sleeps):
    """A new adapter on the same cache each call: one per notebook run."""
    return lambda: FredAdapter(Store(tmp_path / "cache"), sleep=sleeps.append)


def test_download_parses_missing_days_and_caches(yahoo_sim, fred, tmp_path):
    got = fred().series(["DGS10"])["DGS10"]
    (call,) = yahoo_sim.calls("fred")
    assert call["params"] == {"id": "DGS10"}
    assert got.name == "DGS10" and got.index.name == "Date"
    # holidays come as empty cells: left out, never zero
    assert pd.Timestamp("2026-01-19") not in got.index and np.isfinite(got).all()
    # published with a day's lag: Friday's value is not out on Friday evening
    assert got.index.max() == pd.Timestamp("2026-02-12")
    assert got.loc["2026-02-09"] == yahoo_sim.market.fred("DGS10").loc["2026-02-09"]
    assert (tmp_path / "cache" / "fred" / "DGS10.parquet").exists()


def test_timeouts_are_bounded():
    connect, read = TIMEOUT_S
    assert connect <= 10 and read <= 30


def test_current_cache_makes_no_request_and_refresh_asks_from_cosd(yahoo_sim, fred):
    fred().series(["DGS10", "DFII10"])
    yahoo_sim.set_now("2026-02-16 22:00")  # Presidents' Day: nothing new
    fred().series(["DGS10"])
    assert len(yahoo_sim.calls("fred")) == 2
    yahoo_sim.set_now("2026-02-18 22:00")
    got = fred().series(["DGS10"])["DGS10"]
    refreshed = yahoo_sim.calls("fred")[2:]
    # one pass refreshes every stale series, each from five weeks before its last day
    assert sorted(c["ticker"] for c in refreshed) == ["DFII10", "DGS10"]
    assert refreshed[0]["params"]["cosd"] == "2026-01-08"
    assert got.index.max() == pd.Timestamp("2026-02-17") and got.index.is_unique


def test_unknown_series_is_left_out_and_not_asked_again_before_the_next_close(yahoo_sim, fred):
    assert fred().series(["NOSUCHID"]) == {}
    assert fred().series(["NOSUCHID"]) == {}
    assert len(yahoo_sim.calls("fred", "NOSUCHID")) == 1


def test_a_5xx_is_retried_after_back_off(yahoo_sim, fred, sleeps):
    yahoo_sim.fail("fred", "DGS10", status=503, times=2)
    got = fred().series(["DGS10"])
    assert "DGS10" in got and sleeps == [1.0, 2.0]
    assert len(yahoo_sim.calls("fred", "DGS10")) == 3


def test_fred_down_without_cache_is_unavailable_and_rates_fall_back_to_tnx(
    yahoo_sim, tmp_path, monkeypatch, sleeps
):
    monkeypatch.setattr("techflows.data.source.unreachable", lambda *a, **k: {})
    monkeypatch.setattr("techflows.data.sources.retry.pause", sleeps.append)
    yahoo_sim.fail("fred", None, kind="timeout", times=999)
    src = tf.open_source("yahoo", cache_dir=tmp_path / "cache")
    with (
        pytest.warns(UserWarning, match=r"fred series could not be refreshed.*nothing cached"),
        pytest.raises(tf.DataUnavailable, match=r"DGS10, DFII10 could not be fetched.*FRED"),
    ):
        src.series(["DGS10", "DFII10"])
    # a timeout is tried once more, then FRED is given up on: the others do not wait again
    assert len(yahoo_sim.calls("fred")) == 2 and sleeps == [1.0]
    panel = rates.weekly_rate_panel(src, years=5)
    assert "^TNX" in " ".join(map(str, panel.attrs.values()))


def test_an_outage_is_not_waited_for_again_by_the_next_notebooks(yahoo_sim, fred, sleeps):
    yahoo_sim.fail("fred", None, kind="timeout", times=999)
    with pytest.warns(UserWarning, match="FRED's series download timed out"):
        fred().series(["DGS10"])
    asked = len(yahoo_sim.calls("fred"))
    with pytest.warns(UserWarning, match=r"FRED's series download timed out.*at 22:00 UTC"):
        assert fred().series(["DFII10"]) == {}  # the next notebook, a minute later
    assert len(yahoo_sim.calls("fred")) == asked
    yahoo_sim.set_now("2026-02-13 22:20")  # a quarter of an hour on, FRED is asked again
    yahoo_sim.faults.clear()
    assert "DFII10" in fred().series(["DFII10"])


def test_fred_down_with_cache_warns_and_serves_it(yahoo_sim, fred):
    fred().series(["DGS10"])
    yahoo_sim.set_now("2026-02-18 22:00")
    yahoo_sim.fail("fred", None, status=502, times=999)
    with pytest.warns(StaleDataWarning, match=r"HTTP 502.*using the cached DGS10 up to 2026-02-12"):
        got = fred().series(["DGS10"])
    assert got["DGS10"].index.max() == pd.Timestamp("2026-02-12")


def test_a_web_page_instead_of_csv_is_a_failure_not_data(yahoo_sim, fred):
    yahoo_sim.fail("fred", "DGS10", kind="html")
    with pytest.warns(UserWarning, match="web page, not CSV"):
        assert fred().series(["DGS10"]) == {}


def test_bad_date_in_download_names_the_series(yahoo_sim, fred):
    yahoo_sim.fail("fred", "DGS10", kind="body", body="observation_date,DGS10\n2026-02-30x,4.1\n")
    with pytest.raises(
        tf.DataError,
        match="FRED download of DGS10: row 2, column Date: '2026-02-30x' is not a date",
    ):
        fred().series(["DGS10"])


def test_source_series_through_fred(yahoo_sim, tmp_path, monkeypatch):
    monkeypatch.setattr("techflows.data.source.unreachable", lambda *a, **k: {})
    src = tf.open_source("auto", as_of="2026-02-06", cache_dir=tmp_path / "cache")
    wide = src.series(["DGS10", "NOSUCHID"])
    assert list(wide.columns) == ["DGS10"] and wide.index.max() == pd.Timestamp("2026-02-06")
