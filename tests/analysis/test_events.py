"""FOMC event study: the mean path against a hand-computed case."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import techflows as tf
from handmade import closes, sessions, source
from techflows.analysis import events, fed
from techflows.errors import DataUnavailable
from techflows.views import drivers


def test_relative_paths_and_mean_by_hand():
    days = pd.bdate_range("2024-01-01", periods=8)
    tech = pd.Series([100, 100, 102, 104, 103, 105, 110, 99.0], index=days)
    market = pd.Series([50, 50, 50, 51, 51, 50, 50, 50.0], index=days)
    paths = events.relative_paths(tech, market, pd.DatetimeIndex([days[2], days[5]]), (-1, 1))
    # Event on day 2: base is day 1 (ratio 2.0); day 5: base is day 4 (ratio 103/51).
    first = [0.0, (102 / 50) / 2 - 1, (104 / 51) / 2 - 1]
    second = [0.0, (105 / 50) / (103 / 51) - 1, (110 / 50) / (103 / 51) - 1]
    assert paths[days[2]].tolist() == pytest.approx(first)
    assert paths[days[5]].tolist() == pytest.approx(second)
    means = events.mean_path(paths)
    values = np.array([first[2], second[2]])
    half = stats.t.ppf(0.975, 1) * values.std(ddof=1) / np.sqrt(2)
    assert means.loc[1, "mean"] == pytest.approx(values.mean())
    assert means.loc[1, "upper"] - means.loc[1, "mean"] == pytest.approx(half)
    assert means.loc[1, "n"] == 2


def test_window_runs_past_the_data_as_nan():
    days = pd.bdate_range("2024-01-01", periods=4)
    tech = pd.Series([1.0, 1.1, 1.2, 1.3], index=days)
    paths = events.relative_paths(tech, tech * 0 + 1, pd.DatetimeIndex([days[3]]), (-1, 2))
    assert paths[days[3]].isna().tolist() == [False, False, True, True]


def test_sunday_announcement_maps_to_monday():
    trading = pd.bdate_range("2020-03-09", "2020-03-20")
    mapped = events.event_days(trading, pd.Series(pd.to_datetime(["2020-03-15"])))
    assert mapped[0] == pd.Timestamp("2020-03-16")


def test_window_parsing():
    assert events.parse_window("-5,20") == (-5, 20)
    with pytest.raises(ValueError, match="start < 0"):
        events.parse_window("5,20")


def test_event_study_on_real_data(snapshot_source):
    result = events.fomc_event_study(snapshot_source, "-5,20")
    decisions = result["events"]
    assert set(decisions["kind"]) == {"cut", "hike"}
    assert decisions["event_day"].iloc[-1] == pd.Timestamp("2025-12-10")
    means = result["means"].set_index(["kind", "day"])
    assert means.loc[("cut", -1), "mean"] == pytest.approx(0.0)
    assert means.loc[("cut", 20), "n"] == (decisions["kind"] == "cut").sum()


def test_event_study_needs_the_target_range(sample_source):
    with pytest.raises(LookupError, match="target-range"):
        events.fomc_event_study(sample_source)


def _range_source(as_of: str = "2010-12-10"):
    """The target range from its first day (2008-12-16) held at 0-0.25% to as_of, with prices."""
    days = pd.date_range("2008-12-16", as_of, freq="D")
    series = {"DFEDTARL": pd.Series(0.0, index=days), "DFEDTARU": pd.Series(0.25, index=days)}
    prices = {t: closes("2008-01-02", as_of, 100, w) for t, w in (("XLK", 0.004), ("SPY", 0.002))}
    assert len(sessions("2008-12-16", as_of)) > 400  # two years of sessions, no decision in them
    return source(as_of=as_of, prices=prices, series=series)


def test_no_decision_up_to_the_as_of_date_is_not_available_and_says_why():
    """2010-12-10 on the snapshot: the range has held since DFEDTARU starts, so the event study
    has no event; it is one 'Not available' line naming the source and the span, not a crash."""
    src = _range_source()
    with pytest.raises(DataUnavailable, match=r"FOMC.*handmade.*2008-12-16.*2010-12-10") as gap:
        events.fomc_event_study(src)
    assert "would provide" in str(gap.value)
    changes = fed.rate_changes(fed.policy_path(src))
    assert changes.empty
    # The cycle table says the same, naming the source (not "the given source").
    with pytest.raises(DataUnavailable, match=r"not in the handmade source.*2008-12-16"):
        fed.cycle_summary(changes)


def test_event_study_at_2010_on_the_snapshot_is_not_available():
    src = tf.open_source("snapshot", as_of="2010-12-10")
    with pytest.raises(LookupError, match="FOMC target-range changes"):
        events.fomc_event_study(src)


def test_a_decision_without_a_complete_window_yet_is_counted_not_averaged():
    """2015-12-18 on the snapshot: the first hike (2015-12-16) has 2 of its 20 days. 02 read
    '0 hikes: ... mean +nan% (t = +nan, p = nan); positive in nan% of them' under numpy's
    'Mean of empty slice' warnings (with this machine's paths) on the page."""
    decisions = pd.DataFrame(
        {"kind": ["cut", "cut", "hike"], "last_day": [0.01, -0.02, np.nan], "day0": [0, 0, 0.0]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = events.summary(decisions)
    hike = table.set_index("kind").loc["hike"]
    assert (hike["decisions"], hike["n"]) == (1, 0) and np.isnan(hike["mean"])
    sentences = drivers.fomc_summary_sentences(table, 20)
    assert "nan" not in " ".join(sentences)
    assert any("1 hike" in s and "no complete window to day +20 yet" in s for s in sentences)
