"""One concept, one number: sections 03 and 05 and the claims share their definitions."""

import pandas as pd
import pytest

from techflows.analysis import concentration, forward_returns, markets, notional
from techflows.monitor import signals


def test_rspt_vs_xlk_three_months_is_one_number(snapshot_source):
    spreads = concentration.equal_vs_cap(concentration.pair_closes(snapshot_source))
    row = spreads[(spreads["pair"] == "RSPT vs XLK") & (spreads["window"] == "3m")].iloc[0]
    checklist = signals._equal_weight_tech(snapshot_source, "W-WED").series.dropna()
    # Section 03 (concentration) and section 05 (checklist) print the same figure.
    assert checklist.index[-1] == row["through"]
    assert checklist.iloc[-1] == pytest.approx(100 * row["spread"])
    assert checklist.iloc[-1] == pytest.approx(8.41, abs=0.01)


def test_trailing_relative_is_the_difference_of_period_returns(snapshot_source):
    closes = snapshot_source.close(["SMH", "SPY"]).dropna()
    series = markets.trailing_relative(closes["SMH"], closes["SPY"], "3m")
    for day in closes.index[[-1, -40, -300]]:
        start = markets.window_start(day, "3m")
        expected = markets.relative_return(closes["SMH"], closes["SPY"], start, day)
        assert series[day] == pytest.approx(expected)
    assert series.iloc[:50].isna().all()  # no full window yet


def test_notional_events_stop_at_the_last_whole_week(snapshot_source):
    close, volume, _ = notional.tech_dollar_volume(snapshot_source)
    ranked = notional.notional_rank(notional.weekly_notional(close, volume, "W-WED"))
    events = forward_returns.notional_events(ranked)
    # Section 04's event span: data end Friday 13 Feb, so the last Wednesday week is 11 Feb.
    assert events.index[-1] == pd.Timestamp("2026-02-11") <= snapshot_source.as_of
