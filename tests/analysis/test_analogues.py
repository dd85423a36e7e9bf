"""Analogue drawdowns against known facts (the dot-com NASDAQ) and a hand-made series."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

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
    placed = analogues.place_today(close)
    assert placed["depth"] == pytest.approx(110 / 130 - 1)
    assert placed["reached"] == pytest.approx(-0.2) and placed["trough"] == dates[4]
    assert placed["asked"] == pytest.approx(-0.2)
    assert placed["deeper"] == pytest.approx(-0.3)  # already at -20%: the next mark


@pytest.fixture
def two_episodes() -> pd.Series:
    """A -11% dip that recovers, a fall through -20% that recovers, then today's -10.7%."""
    closes = [100, 95, 89, 101, 90, 78, 80, 102, 97, 103, 92.0]
    return pd.Series(closes, index=pd.bdate_range("2020-01-01", periods=len(closes)))


def test_after_reaching_asks_the_conditional_question(two_episodes):
    close = two_episodes
    now = analogues.place_today(close)
    assert now["reached"] == pytest.approx(92 / 103 - 1) and now["deeper"] == -0.2
    after = analogues.after_reaching(close, now["asked"], now["deeper"], {"1d": 1, "3d": 3})
    assert after["peak"].tolist() == [close.index[0], close.index[3]]  # today's is left out
    assert after["reached"].tolist() == [close.index[2], close.index[4]]
    assert after["went_deeper"].tolist() == [False, True]
    assert after.loc[1, "deeper_date"] == close.index[5]
    assert after.loc[1, "days_to_deeper"] == 1
    assert after["return_1d"].tolist() == pytest.approx([101 / 89 - 1, 78 / 90 - 1])
    assert after["return_3d"].tolist() == pytest.approx([78 / 89 - 1, 102 / 90 - 1])
    summary = analogues.conditional_summary(after)
    assert (summary["episodes"], summary["went_deeper"]) == (2, 1)
    assert summary["median_3d"] == pytest.approx(((78 / 89 - 1) + (102 / 90 - 1)) / 2)
    assert summary["positive_1d"] == 0.5
    # A forward window past the data's end is unknown, not zero.
    late = analogues.after_reaching(close, now["asked"], now["deeper"], {"8d": 8})
    assert late["return_8d"].isna().tolist() == [False, True]


def test_a_shallow_drawdown_asks_from_five_percent():
    close = pd.Series([100, 99.0, 98.5], index=pd.bdate_range("2020-01-01", periods=3))
    now = analogues.place_today(close)
    assert now["asked"] == -analogues.MIN_DEPTH and now["deeper"] == -0.2


def test_recovery_legs_with_yields_starting_after_the_trough():
    dates = pd.bdate_range("2002-01-01", periods=6)
    close = pd.Series([50, 40, 45, 60, 55, 70.0], index=dates)
    market = pd.Series([100, 90, 95, 99, 99, 108.0], index=dates)
    yields = pd.DataFrame({"DFII10": [2.0, 2.5, 2.4]}, index=dates[2:5])
    legs = analogues.recovery_legs(close, market, yields, (("leg", "2002-01-01", "2002-01-07"),))
    row = legs.iloc[0]
    assert (row["start"], row["end"]) == (dates[1], dates[3])  # the high after the trough
    assert row["tech_return"] == pytest.approx(0.5)
    assert row["market_return"] == pytest.approx(99 / 90 - 1)
    assert row["relative_return"] == pytest.approx(0.5 - (99 / 90 - 1))
    assert row["DFII10_from"] == dates[2] and row["DFII10_start"] == 2.0
    assert row["DFII10_end"] == 2.5 and row["DFII10_change"] == pytest.approx(0.5)
    uncovered = (("later", "2002-01-01", "2002-12-31"),)
    assert analogues.recovery_legs(close, market, legs=uncovered).empty


def test_what_followed_drawdowns_as_deep_as_todays_on_real_data(snapshot_source):
    """Not '14 of 14 went deeper' (true by definition) but the conditional question."""
    close = analogues.tech_histories(snapshot_source)["XLK"]
    now = analogues.place_today(close)
    assert now["depth"] == pytest.approx(-0.0808, abs=1e-4)
    assert now["trough"] == pd.Timestamp("2026-02-05") and now["reached"] < now["depth"]
    after = analogues.after_reaching(close, now["asked"], now["deeper"])
    assert (after["depth"] <= now["asked"]).all() and after["recovery"].notna().all()
    went = after[after["went_deeper"]]
    assert 0 < len(went) < len(after)  # the answer could have been all or none
    assert went["peak"].dt.year.tolist() == [2000, 2018, 2020, 2021, 2025]
    assert (went["depth"] <= -0.2).all() and (
        after.loc[~after["went_deeper"], "depth"] > -0.2
    ).all()
    covid = went.set_index(went["peak"].dt.year).loc[2020]
    assert covid["deeper_date"] == pd.Timestamp("2020-03-09")
    reached_close = close[covid["reached"]]
    later = close.iloc[close.index.get_loc(covid["reached"]) + 252]
    assert covid["return_12m"] == pytest.approx(later / reached_close - 1)


def test_recovery_legs_on_real_data(snapshot_source):
    histories = analogues.tech_histories(snapshot_source)
    market = snapshot_source.close(["SPY"])["SPY"]
    legs = analogues.recovery_leg_tables(histories, market, analogues.leg_yields(snapshot_source))
    xlk = legs[legs["ticker"] == "XLK"].set_index("leg")
    dot_com, y2018 = xlk.iloc[0], xlk.iloc[1]
    assert dot_com["start"] == pd.Timestamp("2002-10-09")  # the NASDAQ's bear-market low
    assert dot_com["DFII10_from"] == pd.Timestamp("2003-01-02")  # DFII10 starts in 2003
    assert y2018["start"] == pd.Timestamp("2018-12-24")
    assert y2018["DFII10_change"] < 0  # real yields fell through the 2019 recovery


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


def _waypoints(*levels: float, steps: int = 5) -> pd.Series:
    """Closes moving in straight lines between the levels, `steps` sessions per leg."""
    path = [levels[0]]
    for start, end in itertools.pairwise(levels):
        path += list(np.linspace(start, end, steps + 1)[1:])
    return pd.Series(path, index=pd.bdate_range("2010-01-04", periods=len(path)))


@pytest.fixture
def rebounded() -> pd.Series:
    """Three past falls through -16% and today's: -15.9% at the low, back to -7.4% now.

    A: -16%, back to -7%, recovers. B: -16% then straight on to -22.8% (it never stood where
    today stands). C: -16%, back to -6.9%, then down to -21.6%. D: a -10% dip.
    """
    return _waypoints(
        100, 84, 93, 101,  # A
        84.84, 78, 102,  # B
        85.68, 95, 80, 103,  # C
        92.7, 104,  # D
        104 * 0.841, 104 * 0.926,  # today: trough -15.9%, now -7.4%
    )  # fmt: skip


def test_analogues_condition_on_the_trough_so_far_and_todays_depth(rebounded):
    close = rebounded
    now = analogues.place_today(close)
    assert now["reached"] == pytest.approx(-0.159) and now["depth"] == pytest.approx(-0.074)
    after = analogues.after_today(close, now, {"5d": 5})
    # B went to -20% before it came back to today's depth: it never was where today is.
    peaks = [close.index[0], close.index[30]]  # A's and C's peaks
    assert after["peak"].tolist() == peaks
    assert after["went_deeper"].tolist() == [False, True]
    # Each is matched on the day it came back to -7.4%, and what followed is measured from it.
    assert after["matched"].tolist() == [close.index[10], close.index[40]]
    assert after["return_5d"].tolist() == pytest.approx(
        [close.iloc[15] / close.iloc[10] - 1, close.iloc[45] / close.iloc[40] - 1]
    )
    summary = analogues.conditional_summary(after)
    assert (summary["episodes"], summary["went_deeper"]) == (2, 1)
    low, high, coverage = summary["interval_5d"]  # n = 2: min and max, covering 50%
    assert (low, high, coverage) == (*sorted(after["return_5d"]), 0.5)
    share = summary["share"]
    exact = stats.binomtest(1, 2).proportion_ci(0.95, method="exact")
    assert (share.k, share.n) == (1, 2)
    assert (share.low, share.high) == pytest.approx((exact.low, exact.high))


def test_todays_low_alone_is_the_condition_when_there_is_no_rebound(rebounded):
    close = rebounded.iloc[:-5]  # ends at today's low, -15.9%
    now = analogues.place_today(close)
    assert now["depth"] == pytest.approx(now["reached"])
    after = analogues.after_today(close, now)
    assert len(after) == 3 and after["went_deeper"].tolist() == [False, True, True]
    assert after["matched"].tolist() == after["reached"].tolist()


def test_no_analogue_at_a_new_high():
    close = _waypoints(100, 90, 101, 103)
    now = analogues.place_today(close)
    assert now["depth"] == 0 and not now["comparable"]
    assert analogues.after_today(close, now).empty


def test_todays_state_on_the_default_run():
    """issue 17: XLK is 7.4% below its peak after a -15.9% low; in that state 1 of 3 past XLK
    drawdowns went on to -20% (not 5 of 7), and 1 of 19 for the NASDAQ (not 13 of 31)."""
    import techflows

    histories = analogues.tech_histories(techflows.open_source("snapshot"))
    for ticker, counts in {"XLK": (1, 3), "^IXIC": (1, 19)}.items():
        now = analogues.place_today(histories[ticker])
        summary = analogues.conditional_summary(analogues.after_today(histories[ticker], now))
        assert (summary["went_deeper"], summary["episodes"]) == counts, ticker
    xlk = analogues.place_today(histories["XLK"])
    assert round(100 * xlk["depth"], 1) == -7.4 and round(100 * xlk["reached"], 1) == -15.9
    assert xlk["trough"] == pd.Timestamp("2026-07-29")
