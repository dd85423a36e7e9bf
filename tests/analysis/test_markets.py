"""Returns, segment table and price status against hand computations and the articles' IYW."""

import math

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import markets

UNIVERSE = pd.DataFrame(
    {
        "name": ["a", "b", "c", "m"],
        "group": ["tech_etf", "tech_etf", "sector_etf", "benchmark"],
        "segment": ["software", "software", "materials", "broad market"],
    },
    index=pd.Index(["A", "B", "C", "M"], name="ticker"),
)


def _closes():
    dates = pd.bdate_range("2025-09-01", "2026-02-13")
    steps = np.arange(len(dates), dtype=float)
    return pd.DataFrame(
        {"A": 100 + steps, "B": 200 - 0.5 * steps, "C": 50 + 0.1 * steps, "M": 100.0 + 0 * steps},
        index=dates,
    )


def test_resolve_date():
    idx = pd.bdate_range("2026-02-02", "2026-02-13")
    assert markets.resolve_date(idx, "2026-02-08") == pd.Timestamp("2026-02-06")
    assert markets.resolve_date(idx, "2030-01-01") == idx[-1]
    assert markets.resolve_date(idx, "") == idx[-1]
    with pytest.raises(ValueError, match="before the data start"):
        markets.resolve_date(idx, "2020-01-01")


def test_period_returns_hand_computed():
    close = _closes()
    table = markets.period_returns(close, "2026-02-13")
    a = close["A"]
    assert table.at["A", "1w"] == pytest.approx(a["2026-02-13"] / a["2026-02-06"] - 1)
    assert table.at["A", "1m"] == pytest.approx(a["2026-02-13"] / a["2026-01-13"] - 1)
    assert table.at["A", "3m"] == pytest.approx(a["2026-02-13"] / a["2025-11-13"] - 1)
    assert table.at["A", "YTD"] == pytest.approx(a["2026-02-13"] / a["2025-12-31"] - 1)
    assert table.loc["M"].eq(0).all()
    # A fund whose data stop early is left out rather than measured at the wrong date.
    stale = close.copy()
    stale.loc["2026-02-01":, "C"] = np.nan
    assert "C" not in markets.period_returns(stale, "2026-02-13").index
    # A fund younger than the horizon has no return for it.
    young = close.copy()
    young.loc[:"2025-12-31", "B"] = np.nan
    assert np.isnan(markets.period_returns(young)["YTD"]["B"])


def test_segment_returns_equal_weight_and_relative():
    close = _closes()
    close["M"] = 100 * 1.001 ** np.arange(len(close))
    table = markets.segment_returns(close, UNIVERSE, "M", "2026-02-13").set_index("segment")
    single = markets.period_returns(close, "2026-02-13")
    software = (single.loc["A"] + single.loc["B"]) / 2
    assert table.at["software", "funds"] == 2 and table.at["software", "tickers"] == "A, B"
    assert table.at["software", "1m"] == pytest.approx(software["1m"])
    assert table.at["software", "1m vs market"] == pytest.approx(
        software["1m"] - single.at["M", "1m"]
    )
    assert table.at["broad market", "YTD vs market"] == pytest.approx(0.0)
    assert list(table["group"]) == ["tech_etf", "sector_etf", "benchmark"]


def test_coverage_date():
    close = _closes()
    close.loc["2026-02-01":, ["A", "B"]] = np.nan
    assert markets.coverage_date(close, 0.5) == pd.Timestamp("2026-02-13")
    assert markets.coverage_date(close, 0.75) == pd.Timestamp("2026-01-30")


def test_price_status_volume_hand_computed():
    dates = pd.bdate_range("2026-01-01", periods=60)
    close = pd.Series(np.linspace(100, 130, 60), dates)
    close.iloc[55] = 90.0
    volume = pd.Series(np.arange(1, 61, dtype=float), dates)
    status = markets.price_status(pd.DataFrame({"Close": close, "Volume": volume}), window=10)
    assert status["phase_low_date"] == dates[55]
    assert status["from_phase_low"] == pytest.approx(130 / 90 - 1)
    assert status["from_52w_high"] == 0.0
    assert status["volume_5d"] == pytest.approx(np.mean(np.arange(56, 61)))
    assert status["volume_5d_vs_50d"] == pytest.approx(58 / np.mean(np.arange(11, 61)) - 1)


def test_iyw_rebound_quoted_in_the_article(snapshot_source):
    status = markets.price_status(snapshot_source.ohlcv("IYW", quoted=True), "2026-02-09")
    assert status["close"] == pytest.approx(196.32, abs=0.005)
    assert status["phase_low_date"] == pd.Timestamp("2026-02-05")
    assert round(status["from_phase_low"] * 100, 2) == 5.12


def test_sample_nasdaq_status(sample_source):
    status = markets.price_status(sample_source.ohlcv("^IXIC"), "2026-02-09")
    assert status["date"] == pd.Timestamp("2018-12-31")
    assert status["from_52w_high"] < -0.15  # the late-2018 sell-off


def test_status_table_and_segment_closes_on_sample(sample_source):
    bars = {t: sample_source.ohlcv(t) for t in ("^IXIC", "^GSPC")}
    table = markets.status_table(bars, "2018-12-24", window=10)
    assert list(table.index) == ["^IXIC", "^GSPC"]
    assert table.at["^IXIC", "close"] == pytest.approx(bars["^IXIC"].at["2018-12-24", "Close"])
    close = markets.segment_closes(sample_source)
    assert set(close.columns) == {"^IXIC", "^GSPC"}
    segments = markets.segment_returns(close, sample_source.universe, "^GSPC")
    assert set(segments["segment"]) == {"broad tech", "broad market"}


def test_volume_cannot_expand_before_a_session_after_the_low():
    days = pd.bdate_range("2026-02-02", periods=5)
    volume = pd.Series([100.0, 120.0, 90.0, 80.0, 110.0], index=days)
    found = markets.rebound_volume(volume, days[-1], days[-1])
    assert math.isnan(found["ratio"]) and found["after"].empty
    assert markets.rebound_volume(volume, days[2], days[-1])["ratio"] == pytest.approx(
        95 / (310 / 3)
    )


def test_monthly_relative_matches_relative_return_month_by_month():
    dates = pd.bdate_range("2023-11-01", "2026-02-13")
    rng = np.random.default_rng(7)
    a = pd.Series(100 * np.cumprod(1 + rng.normal(0.001, 0.01, len(dates))), dates, name="XLK")
    b = pd.Series(100 * np.cumprod(1 + rng.normal(0.0005, 0.008, len(dates))), dates, name="SPY")
    table = markets.monthly_relative(a, b, years=2)
    assert table.index.tolist() == [2025, 2026] and table.columns[-1] == "year"
    assert table.attrs == {"through": dates[-1], "tech": "XLK", "market": "SPY"}
    for year, month, start, end in [
        (2025, "Mar", "2025-02-28", "2025-03-31"),
        (2025, "Dec", "2025-11-30", "2025-12-31"),
        (2026, "Feb", "2026-01-31", "2026-02-13"),  # the month to date
    ]:
        expected = markets.relative_return(a, b, pd.Timestamp(start), pd.Timestamp(end))
        assert table.loc[year, month] == pytest.approx(expected)
    year_2025 = markets.relative_return(
        a, b, pd.Timestamp("2024-12-31"), pd.Timestamp("2025-12-31")
    )
    assert table.loc[2025, "year"] == pytest.approx(year_2025)
    assert np.isnan(table.loc[2026, "Mar"])


def test_monthly_relative_on_real_data(snapshot_source):
    close = snapshot_source.close(["XLK", "SPY"])
    table = markets.monthly_relative(close["XLK"], close["SPY"])
    ytd = markets.relative_return(
        close["XLK"], close["SPY"], pd.Timestamp("2025-12-31"), pd.Timestamp("2026-02-13")
    )
    assert table.loc[2026, "year"] == pytest.approx(ytd)
    assert table.index[0] == 1998 + 1  # XLK starts in December 1998: its first full month
