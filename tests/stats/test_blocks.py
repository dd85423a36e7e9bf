"""Non-overlapping blocks and independent events, by hand."""

import numpy as np
import pandas as pd
import pytest

from techflows.stats import blocks


def weeks(n: int) -> pd.DatetimeIndex:
    return pd.date_range("2024-01-05", periods=n, freq="W-FRI")


def test_block_sums_are_complete_non_overlapping_blocks_from_each_offset():
    frame = pd.DataFrame({"a": np.arange(10.0), "b": 1.0}, index=weeks(10))
    first = blocks.block_sums(frame, 3, offset=0)
    assert first["a"].tolist() == [0 + 1 + 2, 3 + 4 + 5, 6 + 7 + 8]  # row 9 is an incomplete block
    assert list(first.index) == [weeks(10)[2], weeks(10)[5], weeks(10)[8]]
    second = blocks.block_sums(frame, 3, offset=1)
    assert second["a"].tolist() == [1 + 2 + 3, 4 + 5 + 6, 7 + 8 + 9]
    assert second["b"].tolist() == [3.0, 3.0, 3.0]
    gap = frame.copy()
    gap.iloc[4, 0] = np.nan  # a block holding a missing week is left out, not summed short
    assert blocks.block_sums(gap, 3, offset=0)["a"].tolist() == [3.0, 21.0]
    assert blocks.block_sums(frame, 1).equals(frame)


def test_independent_events_are_the_first_of_each_cluster():
    dates = weeks(30)[[0, 1, 2, 20, 29]]
    kept = blocks.independent(pd.Series(dates), horizon=4)
    assert list(kept) == [dates[0], dates[3], dates[4]]
    # a chain of events each within the horizon of the one before is one cluster
    chain = weeks(30)[[0, 4, 8, 12]]
    assert list(blocks.independent(chain, horizon=4)) == [chain[0]]
    assert len(blocks.independent(pd.DatetimeIndex([]), horizon=4)) == 0


def test_offset_summary_of_the_rate_shock_p_values():
    # issue 17's 13 offsets of the 13-week rate shock: median 0.06, 5 of 13 below 0.05
    ps = [0.879, 0.065, 0.018, 0.001, 0.0002, 0.015, 0.01, 0.06, 0.333, 0.76, 0.138, 0.06, 0.059]
    summary = blocks.offset_summary(ps)
    assert summary["median"] == pytest.approx(0.06)
    assert (summary["low"], summary["high"]) == (0.0002, 0.879)
    assert summary["below"] == 5 and summary["offsets"] == 13
    assert summary["median_offset"] in (7, 11)  # the offset whose p is the median
