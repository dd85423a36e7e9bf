"""Issue 19, points 7, 8 and 10: gaps, splits and late dividends in Yahoo's bars are caught."""

from __future__ import annotations

import pandas as pd
import pytest

import techflows as tf
from techflows.analysis import drawdowns, rates


def flags_of(src, ticker: str) -> pd.DataFrame:
    flags = src.quality
    return flags[flags["input"].str.contains(ticker, regex=False)]


def test_a_missing_week_of_bars_is_flagged_and_no_week_spans_it(sim, online, cache):
    sim.drop_sessions("XLK", "2026-11-09", "2026-11-13")
    src = tf.open_source("yahoo", cache_dir=cache)
    moves = rates.weekly_moves(src)
    assert moves.attrs["tech"] == "XLK"
    week, next_week, after = (pd.Timestamp(d) for d in ("2026-11-13", "2026-11-20", "2026-11-27"))
    assert week not in moves.index
    assert next_week not in moves.index, "the week to 11-20 would be a two-week return"
    close = src.close(["XLK"])["XLK"]
    assert moves.loc[after, "tech"] == pytest.approx(close[after] / close[next_week] - 1)
    flagged = flags_of(src, "XLK")
    gap = flagged[flagged["problem"].str.contains("session")]
    assert len(gap) == 1 and gap["date"].iloc[0] == pd.Timestamp("2026-11-09")
    assert "2026-11-13" in gap["problem"].iloc[0] and "5" in gap["problem"].iloc[0]


def test_holidays_are_not_missing_sessions(sim, online, cache):
    src = tf.open_source("yahoo", cache_dir=cache)
    src.close(["XLK", "SPY"])
    assert not src.quality["problem"].str.contains("session").any()


def test_a_split_yahoo_has_not_applied_is_taken_from_its_events(sim, online, cache):
    sim.split("IYW", "2026-11-16", 4)
    src = tf.open_source("yahoo", cache_dir=cache)
    iyw = src.close(["IYW"])["IYW"]
    economic = sim.market.bars("IYW")["Close"]  # the same fund without the split
    before, on = pd.Timestamp("2026-11-13"), pd.Timestamp("2026-11-16")
    assert iyw[on] / iyw[before] == pytest.approx(economic[on] / economic[before], rel=1e-4)
    assert drawdowns.current(iyw)["depth"] > -0.5, "not 79% below its peak"
    said = flags_of(src, "IYW")
    assert said["problem"].str.contains("4:1 split").any()
    assert (said["date"] == on).any()


@pytest.mark.parametrize("ratio", [10, 0.25], ids=["10-for-1 on an up day", "1-for-4 reverse"])
def test_a_price_jump_matching_a_split_ratio_is_flagged(sim, online, cache, ratio):
    close = sim.market.bars("XLK")["Close"].loc["2026-10-01":"2026-11-30"]
    up = close[close.pct_change() > 0.004].index[0]
    sim.split("XLK", str(up.date()), ratio, event=False)  # no event: only the jump shows it
    src = tf.open_source("yahoo", cache_dir=cache)
    src.close(["XLK"])
    move = (close.shift(1)[up] / close[up]) * ratio
    if ratio == 10:
        assert move < 10, "under the 10x screen"
    said = flags_of(src, "XLK")
    name = "10:1" if ratio == 10 else "1:4"
    hit = said[said["problem"].str.contains(name)]
    assert list(hit["date"]) == [up]


def test_a_dividend_yahoo_records_late_is_found_by_a_longer_overlap(sim, online, cache):
    sim.set_now("2026-12-04 22:00")  # Friday, after the close: the run caches XLK
    sim.pay_dividend("XLK", "2026-12-04", 0.50, recorded="2026-12-07 12:00")
    tf.open_source("yahoo", cache_dir=cache).close(["XLK"])
    sim.set_now("2026-12-07 22:00")  # Monday: Yahoo has recorded it and re-based the history
    fresh = tf.open_source("yahoo", cache_dir=cache).close(["XLK"])["XLK"]
    yahoo = sim._adjusted("XLK", sim._bars("XLK"))
    pd.testing.assert_series_equal(
        fresh.loc[:"2026-12-07"], yahoo.loc[:"2026-12-07"], check_names=False, check_freq=False
    )
