"""Weekly fund flows, records and implied flows against hand-computed and independent sums."""

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import flows, implied_flows

UNIVERSE = pd.DataFrame(
    {
        "name": ["Tech", "Comms", "Materials", "S&P 500", "Gold"],
        "group": ["tech_etf", "sector_etf", "sector_etf", "benchmark", "macro"],
        "segment": ["broad tech", "communication services", "materials", "broad market", "gold"],
    },
    index=pd.Index(["XLK", "XLC", "XLB", "SPY", "GLD"], name="ticker"),
)


def _daily(rows):
    frame = pd.DataFrame(rows, columns=["date", "ticker", "flow_usd"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_classify_tech_non_tech_and_other():
    classes = flows.classify(["XLK", "XLC", "XLB", "SPY", "GLD", "AGG"], UNIVERSE)
    assert classes["class"].to_dict() == {
        "XLK": "tech",
        "XLC": "tech",
        "XLB": "non-tech sector",
        "SPY": "broad market",
        "GLD": "other",
        "AGG": "other",
    }
    assert classes.at["AGG", "segment"] == "not in universe"
    strict = flows.classify(["XLC"], UNIVERSE, tech_like=())
    assert strict.at["XLC", "class"] == "non-tech sector"


def test_weekly_sums_hand_computed_for_two_week_ends():
    # Thu 2026-01-29 .. Wed 2026-02-11: two whole Wednesday weeks; Friday weeks cut at both ends.
    daily = _daily(
        [
            ("2026-01-29", "XLK", 1.0),
            ("2026-02-04", "XLK", 2.0),
            ("2026-02-05", "XLK", 4.0),
            ("2026-02-06", "XLB", 8.0),
            ("2026-02-10", "XLK", 16.0),
            ("2026-02-11", "XLB", 32.0),
        ]
    )
    wed = flows.weekly_by_fund(daily, "W-WED").set_index(["week_end", "ticker"])
    assert wed.loc[("2026-02-04", "XLK"), "flow_usd"] == 3.0
    assert wed.loc[("2026-02-11", "XLK"), "flow_usd"] == 20.0
    assert wed.loc[("2026-02-11", "XLK"), "days"] == 2
    assert wed.loc[("2026-02-11", "XLK"), "missing_days"] == 3  # 5 weekdays, 2 reported
    assert wed.loc[("2026-02-11", "XLB"), "flow_usd"] == 40.0
    # XLB reported nothing in the first week: a row says so instead of leaving it out.
    assert np.isnan(wed.loc[("2026-02-04", "XLB"), "flow_usd"])
    assert wed.loc[("2026-02-04", "XLB"), "missing_days"] == 5
    # Friday weeks: 01-31..02-06 is whole; the week to 01-30 starts before the data, and
    # the week to 02-13 ends after them, so both are left out.
    fri = flows.weekly_by_fund(daily, "W-FRI").set_index(["week_end", "ticker"])
    assert fri.index.get_level_values("week_end").unique().tolist() == [pd.Timestamp("2026-02-06")]
    assert fri.loc[("2026-02-06", "XLK"), "flow_usd"] == 6.0
    groups = flows.weekly_by_group(
        flows.weekly_by_fund(daily, "W-WED"), flows.classify(["XLK", "XLB"], UNIVERSE)
    )
    assert list(groups.columns) == ["tech", "non-tech sector"]
    assert groups.loc["2026-02-11"].tolist() == [20.0, 40.0]
    assert groups.loc["2026-02-04", "non-tech sector"] == 0.0
    # Through Tue 2026-02-10 the week ending Wed 2026-02-11 is still open.
    open_week = flows.weekly_by_fund(daily[daily["date"] <= "2026-02-10"], "W-WED")
    assert open_week["week_end"].unique().tolist() == [pd.Timestamp("2026-02-04")]


def test_sessions_decide_the_first_week_and_the_expected_days():
    # The file starts Fri 2026-01-02; Thu 2026-01-01 is a holiday, so with the market's
    # sessions the Wednesday week 01-01..01-07 is whole (4 sessions); without them it is not.
    days = pd.bdate_range("2026-01-02", "2026-01-14")
    daily = _daily([(d, "XLK", 1.0) for d in days])
    market = days  # no session on 2026-01-01
    with_calendar = flows.weekly_by_fund(daily, "W-WED", market).set_index("week_end")
    assert with_calendar.index.tolist() == list(pd.to_datetime(["2026-01-07", "2026-01-14"]))
    assert with_calendar.loc["2026-01-07", "expected_days"] == 4
    assert with_calendar.loc["2026-01-07", "missing_days"] == 0
    weekdays = flows.weekly_by_fund(daily, "W-WED").set_index("week_end")
    assert weekdays.index.tolist() == [pd.Timestamp("2026-01-14")]


def test_flag_prints_against_assets_and_own_history():
    days = pd.bdate_range("2026-01-05", periods=10)
    rows = [(d, "ARKK", 10e6) for d in days[:8]] + [(days[8], "ARKK", 600e6)]
    rows += [(d, "QQQ", 2e9) for d in days]  # large in dollars, small against assets
    rows += [(days[9], "XLB", -500e6)]  # 7.5% of assets, but the fund's only print
    aum = pd.DataFrame({"aum_usd": [6e9, 380e9, 6.65e9]}, index=["ARKK", "QQQ", "XLB"])
    marked = flows.flag_prints(_daily(rows), aum)
    assert marked.loc[marked["flagged"], "ticker"].tolist() == ["ARKK"]
    assert marked.loc[marked["flagged"], "pct_aum"].iloc[0] == pytest.approx(10.0)
    weekly = flows.weekly_by_fund(marked, "W-FRI").set_index(["week_end", "ticker"])
    second = ("2026-01-16", "ARKK")
    assert weekly.loc[second, "flow_usd"] == pytest.approx(630e6)
    assert weekly.loc[second, "flow_ex_flagged_usd"] == pytest.approx(30e6)
    assert weekly.loc[second, "flagged_days"] == 1
    unscreened = flows.flag_prints(_daily(rows), None)
    assert not unscreened["flagged"].any() and unscreened["pct_aum"].isna().all()


def test_record_span_inflow_outflow_and_censored():
    idx = pd.date_range("2026-01-07", periods=5, freq="W-WED")
    span = flows.record_span(pd.Series([5.0, 1, 3, 2, 4], idx))
    assert span["weeks"] == 4 and span["previous_larger"] == idx[0] and not span["censored"]
    top = flows.record_span(pd.Series([1.0, 2, 3], idx[:3]))
    assert top["weeks"] == 3 and top["censored"]
    out = flows.record_span(pd.Series([-5.0, -1, -3], idx[:3]), largest=False)
    assert out["weeks"] == 2 and out["previous_value"] == -5.0
    mid = flows.record_span(pd.Series([5.0, 1, 3, 2, 4], idx), at=idx[2])
    assert mid["weeks"] == 2 and mid["history_weeks"] == 3


def test_year_to_date():
    idx = pd.date_range("2025-12-24", periods=5, freq="W-WED")
    wide = pd.DataFrame({"tech": [9.0, 1, 2, 3, 4], "other": [9.0, 1, 1, 1, 1]}, idx)
    ytd = flows.year_to_date(wide, 2026, n_weeks=2)
    assert ytd.index[0] == pd.Timestamp("2026-01-07")
    assert ytd.iloc[-1].tolist() == [5.0, 2.0]
    assert flows.year_to_date(wide, 2026).iloc[-1, 0] == 9.0


def test_weekly_tech_flows_on_real_data(snapshot_source, market_csv):
    daily = snapshot_source.flows()
    classes = flows.classify(daily["ticker"].unique(), snapshot_source.universe)
    by_fund = flows.weekly_by_fund(daily, "W-WED", flows.sessions(snapshot_source))
    weekly = flows.weekly_by_group(by_fund, classes)
    # 1 January is a holiday: the week 01-01..01-07 is whole from the file's first day, 01-02.
    assert weekly.index[0] == pd.Timestamp("2026-01-07") and weekly.index[-1] == pd.Timestamp(
        "2026-02-11"
    )
    # Independent: read the raw file, roll each date forward to its Wednesday and sum.
    raw = pd.read_csv(market_csv / "flows" / "etf_flows.csv", parse_dates=["date"])
    raw = raw[raw["date"] <= "2026-02-13"].dropna(subset=["flow_usd"])
    raw["wed"] = raw["date"] + pd.to_timedelta((2 - raw["date"].dt.day_of_week) % 7, unit="D")
    tech = classes.index[classes["class"] == "tech"]
    assert {"XLK", "QQQ", "SOXX", "ARKK"} <= set(tech)
    expected = raw[raw["ticker"].isin(tech)].groupby("wed")["flow_usd"].sum()
    for week in ("2026-02-04", "2026-02-11"):
        assert weekly.loc[week, "tech"] == pytest.approx(expected[week])
    assert classes.at["TLT", "class"] == "other" and classes.at["BND", "class"] == "other"


def _shares(rows):
    frame = pd.DataFrame(rows, columns=["date", "ticker", "shares", "price"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_implied_flows_and_flags_hand_computed():
    shares = _shares(
        [
            ("2026-03-02", "A", 100.0, 10.0),  # Mon: first
            ("2026-03-03", "A", 110.0, 11.0),  # Tue: +10 x 11
            ("2026-03-05", "A", 112.0, 12.0),  # Thu: Wed missing -> gap
            ("2026-03-06", "A", 200.0, 12.0),  # Fri: +88 on 112 -> jump
            ("2026-03-07", "A", 200.0, np.nan),  # Sat: no move, no price
            ("2026-03-09", "A", 190.0, 9.0),  # Mon after a weekend: ok
        ]
    )
    out = implied_flows.implied_flows(shares, jump=0.5)
    assert out["quality"].tolist() == ["first", "ok", "gap", "jump", "no_price", "ok"]
    assert out["implied_flow_usd"].iloc[1] == 110.0
    assert out["implied_flow_usd"].iloc[5] == -90.0
    filled = implied_flows.implied_flows(
        shares, prices=pd.DataFrame({"A": [13.0]}, pd.to_datetime(["2026-03-06"])), jump=0.5
    )
    assert filled["price"].iloc[4] == 13.0 and filled["quality"].iloc[4] == "ok"
    usable = implied_flows.usable(filled)
    assert list(usable.columns) == ["date", "ticker", "flow_usd"] and len(usable) == 3


def test_implied_flows_reproduce_the_reported_late_march_flows():
    import techflows

    src = techflows.open_source("snapshot")
    implied = implied_flows.implied_flows(src.shares())
    both = implied_flows.against_reported(implied, src.flows())
    # SOURCES.md: from ~2026-03-30 the flows file itself is Δshares x price.
    ok = both[(both["quality"] == "ok") & (both["flow_usd"].abs() > 0)]
    assert len(ok) >= 10
    assert np.allclose(ok["implied_flow_usd"], ok["flow_usd"], rtol=0.01)


def test_span_text():
    idx = pd.date_range("2026-01-07", periods=3, freq="W-WED")
    span = flows.record_span(pd.Series([3e9, 1e9, 2e9], idx))
    assert flows.span_text(span, "inflow").startswith(
        "the largest inflow in 2 weeks (larger: +3.00"
    )
    top = flows.record_span(pd.Series([1.0, 2, 3], idx))
    assert flows.span_text(top, "inflow") == "the largest inflow in all 3 weeks of data"


def test_weekly_flows_from_source_and_week_detail(snapshot_source):
    by_fund, by_group = flows.weekly_flows(snapshot_source, "W-WED")
    # Data end on Friday 2026-02-13: the week ending Wednesday 2026-02-18 is incomplete.
    assert by_group.index[-1] == pd.Timestamp("2026-02-11")
    assert by_fund["week_end"].max() == pd.Timestamp("2026-02-11")
    week = flows.week_by_segment(by_fund, "2026-02-04")
    assert week["flow_usd"].sum() == pytest.approx(by_group.loc["2026-02-04"].sum())
    assert week["class"].iloc[0] == "tech"
    segments = flows.weekly_by_group(by_fund, by="segment")
    assert segments.loc["2026-02-04"].sum() == pytest.approx(by_group.loc["2026-02-04"].sum())
    with pytest.raises(ValueError, match="no week ending"):
        flows.week_by_segment(by_fund, "2026-02-05")


def test_flows_missing_from_sample(sample_source):
    import techflows

    with pytest.raises(techflows.DataUnavailable):
        flows.weekly_flows(sample_source)
    with pytest.raises(techflows.DataUnavailable):
        implied_flows.from_source(sample_source)


def test_latest_week_of_implied_flows():
    shares = _shares(
        [
            ("2026-02-27", "A", 90.0, 10.0),  # Fri: the first count
            ("2026-03-02", "A", 100.0, 10.0),  # +100 (Mon)
            ("2026-03-06", "A", 110.0, 10.0),  # +100 (Fri; Tue-Thu missing: a gap)
            ("2026-03-09", "A", 120.0, 10.0),  # +100 (Mon)
            ("2026-03-10", "A", 125.0, 10.0),  # +50 (Tue, the last date)
            ("2026-02-27", "B", 60.0, 2.0),
            ("2026-03-02", "B", 50.0, 2.0),  # -20 (Mon)
        ]
    )
    implied = implied_flows.implied_flows(shares, jump=0.5)
    # Weeks ending Tuesday: 03-04..03-10 is the last whole week; 03-06 is a gap (not usable).
    assert implied_flows.latest_week(implied, "W-TUE").to_dict() == {"A": 150.0}
    # Weeks ending Friday: the week ending 03-13 is still open, so 03-06 is the last.
    assert implied_flows.latest_week(implied, "W-FRI").to_dict() == {"A": 100.0, "B": -20.0}
    none = implied_flows.implied_flows(shares.iloc[[0]])
    assert implied_flows.latest_week(none).empty


def test_coverage_names_the_dropped_fund_and_the_missing_days(snapshot_source):
    table = flows.coverage(snapshot_source)
    # 2026-01-02 .. 2026-02-13: 30 NYSE sessions (1 Jan and 19 Jan closed).
    assert table.attrs["expected_days"] == 30
    assert table.at["EWZ", "reported_days"] == 0 and table.at["EWZ", "status"].startswith("dropped")
    assert table.at["SOXX", "reported_days"] == 3 and table.at["ARKK", "reported_days"] == 14
    assert table.at["XLB", "share_reported"] == pytest.approx(23 / 30)
    # Under half of their listed days in the whole weeks: shown, never summed.
    assert table.at["SOXX", "status"] == (
        "left out of sums: reported 3 of its 29 listed days in the whole weeks"
    )
    assert table.at["ARKK", "status"].startswith("left out of sums: reported 14 of its 29")
    assert (table["status"] == "used").sum() == 42 and len(table) == 51
    assert table.at["ARKK", "aum_usd"] == pytest.approx(6.088e9, rel=1e-3)


def test_flagged_prints_and_a_sparse_fund_in_the_week_to_4_february(snapshot_source):
    by_fund, by_group = flows.weekly_flows(snapshot_source, "W-WED")
    week = pd.Timestamp("2026-02-04")
    assert by_group.loc[week, "tech"] / 1e9 == pytest.approx(-0.79032, abs=1e-5)
    marked = flows.flagged_prints(snapshot_source)
    arkk = marked[marked["ticker"] == "ARKK"].set_index("date")["flow_usd"]
    assert arkk.index.tolist() == list(pd.to_datetime(["2026-01-30", "2026-02-04"]))
    # ARKK reported 13 of its 28 listed days: its prints, flagged or not, are not in the sums.
    assert "ARKK" in by_group.attrs["left_out"]
    rows = by_fund[
        (by_fund["week_end"] == week) & by_fund["in_sums"] & (by_fund["class"] == "tech")
    ]
    assert by_group.loc[week, "tech"] == pytest.approx(rows["flow_usd"].sum())
    assert by_group.attrs["ex_flagged"].loc[week, "tech"] == pytest.approx(
        by_group.loc[week, "tech"]
    )
    missing = flows.missing_funds(snapshot_source, by_fund["ticker"].unique())
    assert {"IYW", "VGT", "SMH", "IGV"} <= set(missing) and "XLK" not in missing


def test_against_assets_hand_computed():
    weeks = pd.to_datetime(["2026-01-07", "2026-01-14", "2026-01-21"])
    by_fund = pd.DataFrame(
        {
            "week_end": np.repeat(weeks, 2),
            "ticker": ["XLK", "XLB"] * 3,
            "flow_usd": [1e9, -1e8, np.nan, 2e8, -3e9, 4e8],
            "flagged_days": [0, 0, 0, 1, 0, 0],
            "class": ["tech", "non-tech sector"] * 3,
            "segment": ["broad tech", "materials"] * 3,
        }
    )
    aum = pd.DataFrame(
        {"aum_usd": [80e9, 6e9], "updated_date": pd.Timestamp("2026-04-03")},
        index=pd.Index(["XLK", "XLB"], name="ticker"),
    )
    days = pd.bdate_range("2025-12-29", "2026-01-21")
    close = pd.DataFrame({"XLK": np.linspace(100, 110, len(days)), "XLB": 50.0}, index=days)
    table = flows.against_assets(by_fund, aum, close, "W-WED", n_weeks=2)
    xlk = table.loc["XLK"]
    assert xlk["flow_week_usd"] == -3e9 and xlk["flow_4w_usd"] == -3e9  # a missing week is no flow
    assert xlk["flow_week_pct_aum"] == pytest.approx(-3.75)
    assert table.loc["XLB", "flow_4w_pct_aum"] == pytest.approx(100 * 6e8 / 6e9)
    assert table.loc["XLB", "flagged_days"] == 1
    assert xlk["return_week"] == pytest.approx(
        close["XLK"]["2026-01-21"] / close["XLK"]["2026-01-14"] - 1
    )
    assert xlk["return_4w"] == pytest.approx(
        close["XLK"]["2026-01-21"] / close["XLK"]["2026-01-07"] - 1
    )
    assert table.attrs["weeks"] == 2 and table.attrs["week"] == weeks[-1]
    assert table.index.tolist() == ["XLK", "XLB"]  # tech first


def test_flows_against_assets_on_the_articles_week(snapshot_source):
    table = flows.flows_against_assets(snapshot_source, "W-WED")
    daily = snapshot_source.flows()
    week = daily[(daily["ticker"] == "QQQ") & daily["date"].between("2026-02-05", "2026-02-11")]
    aum = snapshot_source.aum().loc["QQQ", "aum_usd"]
    assert table.loc["QQQ", "flow_week_pct_aum"] == pytest.approx(
        100 * week["flow_usd"].sum() / aum
    )
    assert set(table["class"]) == {"tech", "non-tech sector", "broad market"}
