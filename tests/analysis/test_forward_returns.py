"""Forward relative returns after event weeks: alignment by hand, distributions, verdict."""

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import forward_returns as fr


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


def _long(after: np.ndarray, usual: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week_end": weeks(len(usual) + len(after)),
            "group": [fr.ALL_WEEKS] * len(usual) + [fr.RECORD] * len(after),
            "horizon": 13,
            "excess": np.r_[usual, after],
        }
    )


def test_consolidation_verdict():
    rng = np.random.default_rng(0)
    usual = rng.normal(1.0, 2.0, 300)
    weaker = _long(rng.normal(-3.0, 1.0, 20), usual)
    assert fr.consolidation_verdict(weaker)[0] == "supported"
    stronger = _long(rng.normal(4.0, 1.0, 20), usual)
    assert fr.consolidation_verdict(stronger)[0] == "not supported"
    few = _long(np.array([-5.0, -4.0]), usual)
    label, sentence = fr.consolidation_verdict(few)
    assert label == "not testable" and "Only 2" in sentence
