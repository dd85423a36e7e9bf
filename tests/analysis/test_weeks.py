"""The one week calendar: labels, windows, complete weeks and weekly buckets."""

import pandas as pd
import pytest

from techflows.analysis import weeks
from techflows.errors import DataError


def test_labels_follow_week_end():
    days = pd.to_datetime(["2026-02-04", "2026-02-05", "2026-02-10", "2026-02-13"])
    assert weeks.label(days, "W-WED").strftime("%m-%d").tolist() == [
        "02-04",
        "02-11",
        "02-11",
        "02-18",
    ]
    assert weeks.containing("2026-02-10", "W-FRI") == pd.Timestamp("2026-02-13")
    assert weeks.containing("2026-02-04", "W-WED") == pd.Timestamp("2026-02-04")
    # The $2.34B (week of 4 Feb) and $6B (week of 10 Feb) windows share no day.
    first = weeks.containing("2026-02-04", "W-WED")
    second = weeks.containing("2026-02-10", "W-WED")
    assert weeks.first_day(second) > first
    assert weeks.last_complete("2026-02-13", "W-WED") == pd.Timestamp("2026-02-11")
    assert weeks.last_complete("2026-02-11", "W-WED") == pd.Timestamp("2026-02-11")
    with pytest.raises(DataError, match="W-MON"):
        weeks.weekday("M")


def test_span_text_names_the_exact_days():
    assert weeks.span_text("2026-02-11") == "week ending Wed 2026-02-11 (2026-02-05 to 2026-02-11)"
    assert weeks.span_text("2026-01-07", "2026-02-04") == (
        "weeks ending Wed 2026-01-07 to 2026-02-04 (2026-01-01 to 2026-02-04)"
    )


def test_bucket_drops_the_running_and_the_cut_first_week():
    # Mon 2026-01-05 .. Fri 2026-02-13, one unit per weekday.
    days = pd.bdate_range("2026-01-05", "2026-02-13")
    daily = pd.Series(1.0, days)
    wed = weeks.bucket(daily, "W-WED")
    # 01-01..01-07 starts before the data; 02-12..02-18 is still running on 02-13.
    assert wed.index[0] == pd.Timestamp("2026-01-14") and wed.index[-1] == pd.Timestamp(
        "2026-02-11"
    )
    assert (wed == 5).all()
    fri = weeks.bucket(daily, "W-FRI")
    assert fri.index[0] == pd.Timestamp("2026-01-09") and fri.index[-1] == pd.Timestamp(
        "2026-02-13"
    )
    assert weeks.bucket(daily, "W-FRI", "last").equals(fri / 5)
    # A week with no value inside the range stays as NaN, as pandas' resample leaves it.
    holes = daily.drop(pd.bdate_range("2026-01-19", "2026-01-23"))
    assert weeks.bucket(holes, "W-FRI").isna().sum() == 1


def test_bucket_matches_pandas_resample_on_whole_weeks(market_csv):
    import techflows

    src = techflows.open_source("csv", data_dir=market_csv, as_of="2026-02-13")
    close = src.close(["XLK"])["XLK"].dropna()
    ours = weeks.bucket(close, "W-WED", "last")
    theirs = close.resample("W-WED").last()
    # pandas labels the running week 02-12..02-18 too; ours stops at the last whole week.
    assert theirs.index[-1] == pd.Timestamp("2026-02-18")
    assert ours.index[-1] == pd.Timestamp("2026-02-11")
    common = theirs.loc[ours.index[0] : ours.index[-1]]
    pd.testing.assert_series_equal(ours, common, check_names=False, check_freq=False)


def test_a_week_ending_on_a_holiday_is_complete_on_its_last_session():
    # Good Friday 2026-04-03: the market's last session of that week is Thursday 04-02.
    sessions = pd.bdate_range("2026-03-23", "2026-04-10").drop(pd.Timestamp("2026-04-03"))
    ends = pd.DatetimeIndex(["2026-03-27", "2026-04-03"])
    daily = pd.Series(1.0, sessions[sessions <= "2026-04-02"])
    assert weeks.complete(ends, daily.index[0], daily.index[-1], "W-FRI", sessions).tolist() == [
        True,
        True,
    ]
    # Without the calendar the Friday is expected, and the week is still running.
    assert weeks.complete(ends, daily.index[0], daily.index[-1], "W-FRI").tolist() == [True, False]
    # A calendar that stops at the as-of date (Thursday) cannot tell a holiday from a running day.
    known = sessions[sessions <= "2026-04-02"]
    assert weeks.complete(ends, daily.index[0], daily.index[-1], "W-FRI", known).tolist() == [
        True,
        False,
    ]
    # A W-SUN week is over once its Friday is in.
    sunday = pd.DatetimeIndex(["2026-03-29"])
    assert weeks.complete(sunday, "2026-03-23", "2026-03-27", "W-SUN").tolist() == [True]
