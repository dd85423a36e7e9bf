"""Forward relative returns after event weeks: alignment by hand, distributions, verdict."""

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import forward_returns as fr
from techflows.errors import DataUnavailable


def weeks(n: int, start: str = "2024-01-05") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="W-FRI")


@pytest.fixture
def closes() -> pd.DataFrame:
    return pd.DataFrame(
        {"tech": [100.0, 110, 121, 110, 132], "market": [100.0, 100, 105, 105, 110]},
        index=weeks(5),
    )


def test_forward_window_starts_after_the_event_week(closes):
    forward = fr.forward_excess(closes, horizons=(1, 2))
    # week 1 (tech +10% that week): next week tech 121/110 - 1 = 10%, market 5%
    assert forward.iloc[1][1] == pytest.approx(10 - 5)
    # two weeks after week 1: tech 110/110 - 1 = 0%, market 105/100 - 1 = 5%
    assert forward.iloc[1][2] == pytest.approx(0 - 5)
    assert forward.iloc[0][2] == pytest.approx(21 - 5)
    assert forward[1].iloc[-1:].isna().all() and forward[2].iloc[-2:].isna().all()


def test_event_returns_and_distribution(closes):
    forward = fr.forward_excess(closes, horizons=(2,))
    events = pd.DataFrame({"event": [False, True, False, True, False]}, index=closes.index)
    long = fr.event_returns(forward, events)
    after = long[long["group"] == "event"]
    assert list(after["week_end"]) == [closes.index[1]]  # week 3 has no complete window
    assert after["excess"].iloc[0] == pytest.approx(-5)
    table = fr.distribution(long).set_index("group")
    everyone = np.array([16.0, -5.0, 100 * (132 / 121 - 110 / 105)])
    assert table.at[fr.ALL_WEEKS, "n"] == 3
    assert table.at[fr.ALL_WEEKS, "median"] == pytest.approx(np.median(everyone))
    assert table.at[fr.ALL_WEEKS, "share_positive"] == pytest.approx(2 / 3)
    assert fr.pending(events, forward, "event", 2) == [closes.index[3]]


def test_independent_windows_count_clusters():
    dates = pd.Series(weeks(30)[[0, 1, 2, 20, 29]])
    assert fr._independent(dates, horizon=4) == 3


def test_notional_events_records_and_top_decile_of_the_year():
    n = 60
    notional = pd.Series(np.r_[np.arange(55.0), [100.0], np.arange(4.0)], index=weeks(n))
    ranked = pd.DataFrame(
        {
            "notional": notional,
            "rank": notional.expanding().rank(ascending=False),
            "window_weeks": np.arange(1, n + 1),
            "full_window": [False] * 40 + [True] * 20,
        }
    )
    ranked["is_record"] = (ranked["rank"] == 1) & ranked["full_window"]
    events = fr.notional_events(ranked, year_weeks=52)
    assert events.index[0] == weeks(n)[40]
    assert events[fr.RECORD].sum() == 15 + 1  # weeks 40..54 each a new high, then the 100
    top = events[fr.TOP_DECILE]
    assert top.loc[weeks(n)[53]] and top.loc[weeks(n)[55]] and not top.loc[weeks(n)[57]]
    assert not top.loc[weeks(n)[45]]  # fewer than 52 weeks of history: no yearly rank


def test_flow_events_use_only_earlier_weeks():
    flows = pd.Series(np.r_[np.arange(52.0), [60.0, 40.0]], index=weeks(54))
    events = fr.flow_events(flows)
    assert list(events.index) == list(weeks(54)[52:])
    assert list(events[fr.LARGE_INFLOW]) == [True, False]
    assert fr.flow_events(flows.iloc[:7]).empty


def _study(excess: np.ndarray, events: list[int]) -> pd.DataFrame:
    """A long table as event_returns gives it: every week, and the event weeks again."""
    dates = weeks(len(excess))
    every = pd.DataFrame(
        {"week_end": dates, "group": fr.ALL_WEEKS, "horizon": 13, "excess": excess}
    )
    flagged = every.iloc[events].assign(group=fr.RECORD)
    return pd.concat([every, flagged], ignore_index=True)


# 13 record weeks in 6 clusters (each event within 13 weeks of the one before is the same one)
EVENTS = [40, 41, 42, 43, 120, 121, 200, 202, 204, 260, 300, 301, 350]
FIRSTS = [40, 120, 200, 260, 300, 350]


def test_consolidation_not_supported_when_events_did_better():
    rng = np.random.default_rng(0)
    excess = rng.normal(1.0, 2.0, 400)
    excess[EVENTS] = 6.0 + np.arange(len(EVENTS)) / 10
    result = fr.consolidation_test(_study(excess, EVENTS), fr.RECORD, 13)
    assert result["label"] == "not supported" and not result["headline"]


def test_consolidation_is_tested_on_independent_events_against_non_overlapping_weeks():
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(1)
    excess = rng.normal(1.0, 4.0, 400)
    excess[EVENTS] -= 2.0
    result = fr.consolidation_test(_study(excess, EVENTS), fr.RECORD, 13)
    assert (result["events"], result["independent"]) == (13, 6)
    after = excess[FIRSTS]
    ps = np.array(
        [mannwhitneyu(after, excess[o::13], alternative="less").pvalue for o in range(13)]
    )
    assert result["p"] == pytest.approx(np.median(ps))
    assert (result["p_low"], result["p_high"]) == pytest.approx((ps.min(), ps.max()))
    assert result["p_below"] == int((ps < 0.05).sum()) and result["offsets"] == 13
    assert result["median"] == pytest.approx(np.median(after))
    # six values: only (min, max) reaches 95% (1 - 2 / 2**6 = 97%)
    assert result["median_interval"] == (after.min(), after.max())
    assert result["median_all"] == pytest.approx(np.median(excess))
    if result["p"] > 0.10:
        assert "not significant" in result["label"] and not result["headline"]
    assert "6 independent" in result["sentence"] and "13 record" in result["sentence"]


def test_consolidation_supported_only_when_independent_events_are_significantly_weaker():
    rng = np.random.default_rng(2)
    excess = rng.normal(1.0, 2.0, 400)
    excess[EVENTS] = -8.0 - np.arange(len(EVENTS)) / 10
    strong = fr.consolidation_test(_study(excess, EVENTS), fr.RECORD, 13)
    assert strong["label"] == "supported" and strong["headline"] and strong["p"] < 0.05
    few = fr.consolidation_test(_study(excess, EVENTS[:6]), fr.RECORD, 13)  # 2 independent
    assert few["label"] == "not testable" and not few["headline"]
    assert "Only 2 independent" in few["sentence"]


def test_no_event_week_with_a_complete_window_is_not_available():
    """2008-12-26 and 2020-01-03 on the snapshot: the first week with a full 10-year notional
    window is the as-of week itself, so no eligible week has a complete forward window. That
    is one 'Not available' line naming the source, not a study of nothing (04 crashed on it:
    KeyError 'group' in distribution)."""
    n = 30
    closes = pd.DataFrame(
        {"tech": np.linspace(100, 130, n), "market": np.linspace(100, 110, n)}, index=weeks(n)
    )
    forward = fr.forward_excess(closes, fr.HORIZONS)
    ranked = pd.DataFrame(
        {
            "notional": np.arange(n, dtype=float),
            "full_window": [False] * (n - 1) + [True],
            "is_record": [False] * (n - 1) + [True],
        },
        index=weeks(n),
    )
    events = fr.notional_events(ranked, source="handmade")
    with pytest.raises(DataUnavailable, match=r"record notional weeks.*handmade.*2024-07-26"):
        fr.event_returns(forward, events)
    # A long table with no rows still has its columns: the median of a group is NaN.
    empty = pd.DataFrame(columns=["week_end", "group", "horizon", "excess"])
    table = fr.distribution(empty)
    assert list(table.columns[:3]) == ["group", "horizon", "n"] and table.empty
    assert np.isnan(fr.group_median(table, fr.ALL_WEEKS, 13))
