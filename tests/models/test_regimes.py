"""Scenario readings from tech's drift and breadth, on series with known drift and by hand."""

import numpy as np
import pandas as pd
import pytest

from techflows.errors import DataError
from techflows.models import regimes


@pytest.fixture(scope="module")
def segments() -> pd.Series:
    """100 weeks drifting up 1% a week, 100 down 1%, 100 with no drift; noise sd 1%."""
    rng = np.random.default_rng(7)
    drift = np.repeat([1.0, -1.0, 0.0], 100)
    index = pd.date_range("2010-01-06", periods=300, freq="W-WED")
    return pd.Series(drift + rng.normal(0, 1.0, 300), index=index)


def test_drift_against_a_hand_computed_window(segments):
    table = regimes.drift(segments, weeks=26)
    window = segments.iloc[40:66]
    expected_t = window.mean() / (window.std(ddof=1) / np.sqrt(26))
    row = table.loc[segments.index[65]]
    assert row["mean"] == pytest.approx(window.mean())
    assert row["t"] == pytest.approx(expected_t)
    assert row["total"] == pytest.approx(window.sum())
    assert table.index[0] == segments.index[25]  # the first full window
    assert table.attrs == {"weeks": 26, "alpha": 0.10, "t_crit": pytest.approx(1.708, abs=1e-3)}


def test_drift_states_follow_the_known_segments(segments):
    state = regimes.drift(segments, weeks=26)["state"]
    up, down = state.iloc[26:74], state.iloc[126:174]  # windows inside one segment
    assert (up == regimes.LEADING).all()
    assert (down == regimes.LAGGING).all()


def test_without_drift_most_weeks_show_no_clear_drift():
    rng = np.random.default_rng(1)
    index = pd.date_range("1990-01-03", periods=3000, freq="W-WED")
    state = regimes.drift(pd.Series(rng.normal(0, 2.0, 3000), index=index))["state"]
    # Without drift, P(p > 0.10) is 0.90 by construction; overlapping windows add noise.
    assert (state == regimes.NO_DRIFT).mean() == pytest.approx(0.90, abs=0.04)


def test_a_missing_week_leaves_its_windows_empty(segments):
    gappy = segments.copy()
    gappy.iloc[50] = np.nan
    table = regimes.drift(gappy, weeks=26)
    assert not set(gappy.index[50:76]) & set(table.index)
    with pytest.raises(DataError, match="needs 27"):
        regimes.drift(segments.iloc[:20], weeks=26)


def test_classify_truth_table():
    index = pd.date_range("2024-01-03", periods=6, freq="W-WED")
    states = [regimes.LEADING, regimes.LEADING, regimes.NO_DRIFT] * 2
    states[3:] = [regimes.NO_DRIFT, regimes.LAGGING, regimes.LAGGING]
    drifts = pd.DataFrame(
        {"mean": 0.0, "se": 1.0, "t": 0.0, "p": 1.0, "total": 0.0, "state": states}, index
    )
    share = pd.Series([8.0, 2.0, 8.0, 3.0, 9.0, 1.0], index=index)
    readings = regimes.classify(drifts, share, narrow_pct=3.0)
    assert readings["reading"].tolist() == ["bull", "base", "base", "bear", "bear", "bear"]
    assert readings["narrow_breadth"].tolist() == [False, True, False, True, False, True]
    alone = regimes.classify(drifts)
    assert alone["reading"].tolist() == ["bull", "bull", "base", "base", "bear", "bear"]
    assert not alone.attrs["breadth"] and readings.attrs["narrow_pct"] == 3.0
    now = regimes.current(readings)
    assert (now["reading"], now["state"], now["share_at_highs"]) == ("bear", "lagging", 1.0)
    assert now["narrow_breadth"] and now["breadth"]


def test_check_periods_count_weeks_and_shares():
    index = pd.date_range("2021-12-01", periods=10, freq="W-WED")
    readings = pd.DataFrame(
        {"reading": ["bull"] * 5 + ["bear", "bear", "bear", "base", "bear"]}, index=index
    )
    periods = (
        ("old", "2021-12-01", "2021-12-31"),
        ("new", "2022-01-01", "2022-12-31"),
        ("none", "2030-01-01", "2030-12-31"),
    )
    check = regimes.check_periods(readings, periods).set_index("period")
    assert check.loc["old", "weeks"] == 5 and check.loc["old", "bull"] == 1.0
    assert check.loc["new", "bear"] == pytest.approx(0.8)
    assert check.loc["new", "base"] == pytest.approx(0.2)
    assert check.loc["new", "most_weeks"] == "bear"
    assert check.loc["none", "weeks"] == 0 and np.isnan(check.loc["none", "bull"])
