"""A sweep's grid: as-of lists and ranges with a step, parameter values, run names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from techflows.errors import DataError
from techflows.run import grid


def test_every_friday_of_the_2026_sweep():
    dates = grid.as_of_dates("2025-10-03..2026-06-26/W-FRI")
    first, last = date(2025, 10, 3), date(2026, 6, 26)
    fridays = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    assert dates == [d.isoformat() for d in fridays]
    assert len(dates) == 39 and all(date.fromisoformat(d).weekday() == 4 for d in dates)


def test_lists_and_ranges_combine_sorted_and_distinct():
    dates = grid.as_of_dates("2026-02-13, 2026-01-02..2026-01-16/7D,2026-01-09")
    assert dates == ["2026-01-02", "2026-01-09", "2026-01-16", "2026-02-13"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("2026-13-01", "not a date"),
        ("2026-01-02..2026-01-30", "START..END/STEP"),
        ("2026-01-30..2026-01-02/W-FRI", "ends before it starts"),
        ("2026-01-02..2026-01-30/fortnightly", "not a pandas frequency"),
        ("2026-01-05..2026-01-07/W-FRI", "no date of that step"),
        (" , ", "no date given"),
    ],
)
def test_bad_as_of_specs_say_what_is_wrong(spec, message):
    with pytest.raises(DataError, match=message):
        grid.as_of_dates(spec)


def test_parameter_values_stay_text_for_the_notebooks_to_type():
    assert grid.parameter_values("lookback_years=5,10") == ("lookback_years", ["5", "10"])
    assert grid.parameter_values("week_end=W-WED") == ("week_end", ["W-WED"])
    with pytest.raises(DataError, match="given twice"):
        grid.parameter_values("lookback_years=5,5")
    with pytest.raises(DataError, match="NAME=VALUE"):
        grid.parameter_values("5=1")


def test_points_cross_dates_and_values_with_readable_folder_names():
    points = grid.points(["2026-01-02", "2026-01-09"], {"week_end": ["W-WED", "W-FRI"], "n": [5]})
    assert len(points) == 4
    assert points[0].name == "2026-01-02_n=5_week_end=W-WED"
    assert points[0].parameters() == {"as_of": "2026-01-02", "n": 5, "week_end": "W-WED"}
    assert [p.name for p in grid.points(["2026-01-02"], {})] == ["2026-01-02"]


def test_values_that_would_share_a_folder_are_refused():
    with pytest.raises(DataError, match="share the folder"):
        grid.points(["2026-01-02"], {"label": ["a b", "a-b"]})
