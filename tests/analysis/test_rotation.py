"""Rotation: flow z-scores by hand, the z-score cap, relative strength and segments on real data."""

import math

import numpy as np
import pandas as pd
import pytest

import techflows as tf
from techflows.analysis import rotation


def test_flow_zscores_by_hand():
    weeks = pd.date_range("2026-01-09", periods=5, freq="W-FRI")
    weekly = pd.DataFrame({"XLB": [1.0, 2.0, 3.0, 4.0, 10.0]}, index=weeks)
    z = rotation.flow_zscores(weekly).set_index("week")
    values = weekly["XLB"].to_numpy()
    assert z.loc[weeks[-1], "z"] == pytest.approx((10 - values.mean()) / values.std(ddof=1))
    others = values[:-1]
    assert z.loc[weeks[-1], "z_others"] == pytest.approx((10 - others.mean()) / others.std(ddof=1))
    assert z["n_weeks"].eq(5).all()


def test_z_cannot_exceed_the_sample_cap():
    rng = np.random.default_rng(3)
    for n in (4, 7, 13):
        values = np.r_[rng.normal(size=n - 1), 1e6]  # one enormous week
        z = (values[-1] - values.mean()) / values.std(ddof=1)
        assert z <= rotation.max_attainable_z(n) + 1e-9
        assert z == pytest.approx(rotation.max_attainable_z(n), rel=1e-6)
    assert rotation.max_attainable_z(13) == pytest.approx(12 / math.sqrt(13))


def test_weekly_flows_sum_and_drop_short_weeks(snapshot_source):
    weekly = rotation.weekly_flows(snapshot_source)
    flows = snapshot_source.flows()
    xlk = flows[(flows["ticker"] == "XLK") & flows["date"].between("2026-02-09", "2026-02-13")]
    assert len(xlk) >= 3
    assert weekly.loc["2026-02-13", "XLK"] == pytest.approx(xlk["flow_usd"].sum())
    # 12-27..01-02 has one day of data: not a whole week, so not a row at all.
    assert weekly.index[0] == pd.Timestamp("2026-01-09")
    assert weekly.index[-1] == pd.Timestamp("2026-02-13")


def test_relative_strength_and_segments(snapshot_source):
    start = rotation.year_start(snapshot_source)
    assert start == pd.Timestamp("2025-12-31")
    ratio = rotation.relative_strength(snapshot_source, "XLK", ["XLB", "XLI"])
    closes = snapshot_source.close(["XLK", "XLB"])
    expected = (closes.loc["2026-02-13", "XLK"] / closes.loc[start, "XLK"]) / (
        closes.loc["2026-02-13", "XLB"] / closes.loc[start, "XLB"]
    )
    assert ratio["XLK/XLB"].iloc[-1] == pytest.approx(expected)
    paths = rotation.segment_paths(snapshot_source)
    table = rotation.segment_table(paths).set_index("segment")
    assert {"semis/AI hardware", "software", "AI thematic", "mega-cap"} <= set(table.index)
    semis = [t for t, s in paths.attrs["segment"].items() if s == "semis/AI hardware"]
    assert table.loc["semis/AI hardware", "mean_relative"] == pytest.approx(
        (paths[semis].iloc[-1] - 1).mean()
    )


def test_sample_has_no_flows(sample_source):
    with pytest.raises(LookupError, match="flows"):
        rotation.weekly_flows(sample_source)


def test_under_three_weeks_of_flows_are_not_available():
    """2026-01-16 on the snapshot: its flows start 2026-01-02, so every fund has two whole
    weeks; a z-score needs three. 02 failed there (DataError); it is one 'Not available'
    line naming the source and the weeks."""
    src = tf.open_source("snapshot", as_of="2026-01-16")
    weekly = rotation.weekly_flows(src)
    assert weekly.notna().sum().max() == 2
    with pytest.raises(tf.DataUnavailable, match=r"z-scores.*snapshot.*2 whole weeks.*three"):
        rotation.flow_zscores(weekly)
