"""Analogue drawdowns against known facts (the dot-com NASDAQ) and a hand-made series."""

import pandas as pd
import pytest

from techflows.analysis import analogues


def test_dot_com_bust_in_the_embedded_nasdaq(sample_source):
    histories = analogues.tech_histories(sample_source)
    assert list(histories) == ["^IXIC"]
    table = analogues.analogue_table(histories["^IXIC"]).set_index("episode")
    dot_com = table.loc["dot-com bust"]
    assert dot_com["peak"] == pd.Timestamp("2000-03-10")
    assert dot_com["trough"] == pd.Timestamp("2002-10-09")
    assert round(-dot_com["depth"] * 100, 2) == 77.93
    assert dot_com["recovery"] == pd.Timestamp("2015-04-23")
    assert (
        dot_com["peak_to_recovery_days"]
        == (pd.Timestamp("2015-04-23") - pd.Timestamp("2000-03-10")).days
    )
    # 2008: measured from its own October-2007 high, not the unrecovered 2000 peak.
    assert table.loc["financial crisis", "peak"].year == 2007
    assert table.loc["financial crisis", "depth"] < -0.5
    assert not table.loc["today", "recovered"]


def test_era_episode_and_today_on_a_hand_made_series():
    dates = pd.bdate_range("2018-01-01", periods=8)
    close = pd.Series([100, 120, 90, 130, 104, 117, 125, 110.0], index=dates)
    row = analogues.era_episode(close, "2018-01-01", "2018-01-02")
    assert row["peak"] == dates[1] and row["depth"] == pytest.approx(-0.25)
    assert row["recovery"] == dates[3]
    table = analogues.analogue_table(close, eras=(("test", "2018-01-01", "2018-01-02"),))
    today = table.set_index("episode").loc["today"]
    assert today["peak"] == dates[3] and today["trough"] == dates[4]
    assert today["depth"] == pytest.approx(-0.2)
    placed = analogues.place_today(close, min_depth=0.1)
    assert placed["depth"] == pytest.approx(110 / 130 - 1)
    assert placed["episodes"] == 1 and placed["deeper_episodes"] == 1


def test_an_era_outside_the_data_is_skipped():
    close = pd.Series([1.0, 2.0, 1.5], index=pd.bdate_range("2019-01-01", periods=3))
    assert analogues.era_episode(close, "2000-01-01", "2002-12-31") is None


def test_aligned_paths_start_at_zero(sample_source):
    close = analogues.tech_histories(sample_source)["^IXIC"]
    table = analogues.analogue_table(close)
    paths = analogues.aligned_paths(close, table, horizon=100)
    starts = paths[paths["day"] == 0].set_index("episode")["drawdown"]
    assert starts.abs().max() == pytest.approx(0.0)
    assert paths.groupby("episode")["day"].max().max() == 100


def test_aligned_paths_stop_at_recovery():
    dates = pd.bdate_range("2018-01-01", periods=8)
    close = pd.Series([100, 120, 90, 130, 104, 117, 125, 110.0], index=dates)
    table = analogues.analogue_table(close, eras=(("test", "2018-01-01", "2018-01-02"),))
    paths = analogues.aligned_paths(close, table, horizon=10)
    test = paths[paths["episode"] == "test"]
    assert test["drawdown"].tolist() == pytest.approx([0, -0.25, 130 / 120 - 1])
    today = paths[paths["episode"] == "today"]
    assert today["day"].tolist() == [0, 1, 2, 3, 4]


def test_csv_histories_reach_back_to_the_dot_com_peak(snapshot_source):
    histories = analogues.tech_histories(snapshot_source)
    assert list(histories)[:2] == ["^IXIC", "XLK"]
    table = analogues.analogue_table(histories["XLK"]).set_index("episode")
    assert table.loc["dot-com bust", "depth"] < -0.7
    assert table.loc["2022 rate shock", "recovered"]
