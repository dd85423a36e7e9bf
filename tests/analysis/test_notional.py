"""Weekly notional and its decade rank against hand and brute-force computations."""

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import notional


def test_weekly_notional_hand_computed():
    dates = pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"])
    close = pd.DataFrame({"A": [10, 11, 12, 13, 14.0], "B": [2, 2, np.nan, 2, 2.0]}, dates)
    volume = pd.DataFrame({"A": [1, 1, 1, 2, 2.0], "B": [5, 5, 5, 5, 5.0], "C": 1.0}, dates)
    weekly = notional.weekly_notional(close, volume, "W-WED")
    # Mon-Wed: 10+11+12 + 10+10 ; Thu-Fri (week ending Wed 14th): 26+28 + 10+10
    assert weekly.index.tolist() == [pd.Timestamp("2026-01-07"), pd.Timestamp("2026-01-14")]
    assert weekly.tolist() == [53.0, 74.0]
    fri = notional.weekly_notional(close, volume, "W-FRI")
    assert fri.tolist() == [127.0]


def test_weekly_notional_needs_common_tickers():
    frame = pd.DataFrame({"A": [1.0]}, pd.to_datetime(["2026-01-05"]))
    with pytest.raises(ValueError, match="share no tickers"):
        notional.weekly_notional(frame, frame.rename(columns={"A": "B"}), "W-FRI")


def test_rank_and_zscore_match_brute_force():
    rng = np.random.default_rng(3)
    idx = pd.date_range("2010-01-01", periods=800, freq="W-FRI")
    weekly = pd.Series(rng.lognormal(10, 0.3, len(idx)), idx)
    weekly.iloc[700] = weekly.max() * 2  # a record inside a full window
    table = notional.notional_rank(weekly, years=10)
    window = pd.Timedelta(days=3653)
    for pos in (5, 300, 600, 700, 799):
        t = idx[pos]
        inside = weekly[(weekly.index > t - window) & (weekly.index <= t)]
        before = inside.iloc[:-1]
        row = table.loc[t]
        assert row["rank"] == 1 + (inside > weekly[t]).sum()
        assert row["window_weeks"] == len(inside)
        assert row["zscore"] == pytest.approx((weekly[t] - before.mean()) / before.std(ddof=1))
    assert table.loc[idx[700], "is_record"]
    assert not table.loc[idx[5], "full_window"]  # only weeks of history: never a record
    assert table["is_record"].sum() == int(
        ((table["rank"] == 1) & (idx - idx[0] >= window - pd.Timedelta(days=7))).sum()
    )


def test_sample_nasdaq_proxy_runs(sample_source):
    close, volume, label = notional.tech_dollar_volume(sample_source)
    assert "^IXIC" in label and list(close.columns) == ["^IXIC"]
    weekly = notional.weekly_notional(close, volume, "W-FRI")
    # The data end on Monday 2018-12-31: the last week (ending 2019-01-04) has one day.
    assert weekly.index.max() == pd.Timestamp("2019-01-04")
    table = notional.notional_rank(weekly)
    assert table["rank"].min() == 1 and table["full_window"].iloc[-1]


def test_it_constituents_on_real_data(snapshot_source):
    close, volume, label = notional.tech_dollar_volume(snapshot_source)
    assert "Information Technology" in label and close.shape[1] > 50
    weekly = notional.weekly_notional(close, volume, "W-FRI")
    assert weekly.index.max() == pd.Timestamp("2026-02-13")
    aapl = close["AAPL"] * volume["AAPL"]
    week = aapl.loc["2026-02-09":"2026-02-13"].sum()
    assert 0 < week < weekly.iloc[-1]
