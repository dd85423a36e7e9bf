"""Weekly notional and its decade rank against hand and brute-force computations."""

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import notional


def test_weekly_notional_hand_computed():
    dates = pd.bdate_range("2026-01-01", "2026-01-16")  # Thu 1 Jan .. Fri 16 Jan
    n = len(dates)
    close = pd.DataFrame({"A": np.arange(10.0, 10 + n), "B": 2.0}, dates)
    close.loc["2026-01-07", "B"] = np.nan
    volume = pd.DataFrame({"A": 1.0, "B": 5.0, "C": 1.0}, dates)
    weekly = notional.weekly_notional(close, volume, "W-WED")
    # Whole Wednesday weeks: 01-01..01-07 and 01-08..01-14 (01-15..01-21 is still running).
    # A: 10+11+12+13+14 + B: 4 x 10 ; A: 15+...+19 + B: 5 x 10
    assert weekly.index.tolist() == [pd.Timestamp("2026-01-07"), pd.Timestamp("2026-01-14")]
    assert weekly.tolist() == [100.0, 135.0]
    fri = notional.weekly_notional(close, volume, "W-FRI")
    # 12-27..01-02 starts before the data; 01-03..01-09 and 01-10..01-16 are whole.
    assert fri.index.tolist() == [pd.Timestamp("2026-01-09"), pd.Timestamp("2026-01-16")]


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
    # The data end on Monday 2018-12-31: the week ending 2019-01-04 has one day, left out.
    assert weekly.index.max() == pd.Timestamp("2018-12-28")
    table = notional.notional_rank(weekly)
    assert table["rank"].min() == 1 and table["full_window"].iloc[-1]


def test_it_constituents_on_real_data(snapshot_source):
    close, volume, label = notional.tech_dollar_volume(snapshot_source)
    assert "Information Technology" in label and close.shape[1] > 50
    weekly = notional.weekly_notional(close, volume, "W-FRI")
    assert weekly.index.max() == pd.Timestamp("2026-02-13")
    # Wednesday weeks on data to Friday 13 Feb: the stub 12-13 Feb is not a week.
    assert notional.weekly_notional(close, volume, "W-WED").index.max() == pd.Timestamp(
        "2026-02-11"
    )
    aapl = close["AAPL"] * volume["AAPL"]
    week = aapl.loc["2026-02-09":"2026-02-13"].sum()
    assert 0 < week < weekly.iloc[-1]
