"""Drawdown episodes against known facts and a hand-computed case."""

import pandas as pd
import pytest

from techflows.analysis import drawdowns


def test_hand_computed_episode():
    dates = pd.bdate_range("2024-01-01", periods=8)
    close = pd.Series([100, 110, 99, 88, 95, 111, 105, 120.0], index=dates)
    table = drawdowns.episodes(close, min_depth=0.05)
    assert len(table) == 2  # 110 -> 88 -> 111, and 111 -> 105 -> 120 (5.4%)
    first = table.iloc[0]
    assert first["peak"] == dates[1] and first["trough"] == dates[3]
    assert first["depth"] == pytest.approx(88 / 110 - 1)
    assert first["recovery"] == dates[5]
    assert drawdowns.drawdown(close).min() == pytest.approx(88 / 110 - 1)


def test_unrecovered_episode_has_no_recovery_date():
    close = pd.Series([10, 12, 6, 9.0], index=pd.bdate_range("2024-01-01", periods=4))
    row = drawdowns.episodes(close).iloc[0]
    assert pd.isna(row["recovery"]) and not row["recovered"]
    assert drawdowns.current(close)["depth"] == pytest.approx(9 / 12 - 1)


def test_dot_com_crash_in_the_embedded_nasdaq(sample_source):
    nasdaq = sample_source.close(["^IXIC"])["^IXIC"]
    worst = drawdowns.episodes(nasdaq, min_depth=0.5).iloc[0]
    assert worst["peak"] == pd.Timestamp("2000-03-10")
    assert worst["trough"] == pd.Timestamp("2002-10-09")
    assert round(-worst["depth"] * 100, 2) == 77.93
    assert worst["recovery"] == pd.Timestamp("2015-04-23")
