"""The split and missing-session screens on hand-made series (issue 19, points 7-9)."""

from __future__ import annotations

import pandas as pd
import pytest

from techflows.data import implied, market_calendar, quality


def closes(values: list[float], start: str = "2026-11-02") -> pd.Series:
    return pd.Series(values, index=market_calendar.sessions(start, "2026-12-31")[: len(values)])


@pytest.mark.parametrize(
    ("before", "after", "name"),
    [(100.0, 100.0 * 1.007 / 10, "10:1"), (100.0, 26.0, "4:1"), (20.0, 99.0, "1:5")],
)
def test_a_move_by_a_split_ratio_is_flagged_with_the_ratio(before, after, name):
    flags = quality.split_like_jumps(closes([before, after, after]), "XLK", "Close")
    assert [f.problem.split(" split")[0].rsplit(" ", 1)[-1] for f in flags] == [name]
    assert flags[0].date == closes([0, 0]).index[1]


def test_large_moves_that_are_no_split_ratio_are_not_flagged():
    assert quality.split_like_jumps(closes([100, 60, 100, 145, 100]), "X", "Close") == []


def test_missing_sessions_are_flagged_run_by_run_and_holidays_are_not_missing():
    days = market_calendar.sessions("2026-11-02", "2026-12-04")
    assert pd.Timestamp("2026-11-26") not in days  # Thanksgiving
    held = days.drop(pd.DatetimeIndex(["2026-11-09", "2026-11-10", "2026-11-24"]))
    gaps = market_calendar.missing_sessions(held)
    flags = quality.missing_sessions(gaps, days, "XLK")
    assert [(f.date.date().isoformat(), f.value) for f in flags] == [
        ("2026-11-09", 2.0),
        ("2026-11-24", 1.0),
    ]
    assert "2026-11-09 to 2026-11-10" in flags[0].problem


def test_an_implied_flow_spans_a_gap_only_when_a_session_is_missing():
    dates = pd.to_datetime(["2026-11-24", "2026-11-25", "2026-11-27", "2026-12-01"])
    shares = pd.DataFrame(
        {"date": dates, "ticker": "XLK", "shares": [100.0, 101.0, 103.0, 104.0], "price": 10.0}
    )
    flagged = implied.implied_flows(shares).set_index("date")
    assert flagged["quality"].tolist() == ["first", "ok", "ok", "gap"]  # 11-30 is missing
    assert flagged.loc["2026-11-27", "implied_flow_usd"] == 20.0
    assert implied.daily_flows(implied.implied_flows(shares))["flow_usd"].isna().sum() == 2
