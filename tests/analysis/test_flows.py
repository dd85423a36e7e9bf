"""Weekly fund flows, records and implied flows against hand-computed and independent sums."""

import numpy as np
import pandas as pd
import pytest

from techflows import config
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
    # Mon 2026-02-02 .. Tue 2026-02-10
    daily = _daily(
        [
            ("2026-02-02", "XLK", 1.0),
            ("2026-02-04", "XLK", 2.0),
            ("2026-02-05", "XLK", 4.0),
            ("2026-02-06", "XLB", 8.0),
            ("2026-02-10", "XLK", 16.0),
            ("2026-02-10", "XLB", 32.0),
        ]
    )
    wed = flows.weekly_by_fund(daily, "W-WED").set_index(["week_end", "ticker"])
    assert wed.loc[("2026-02-04", "XLK"), "flow_usd"] == 3.0
    assert wed.loc[("2026-02-11", "XLK"), "flow_usd"] == 20.0
    assert wed.loc[("2026-02-11", "XLK"), "days"] == 2
    assert wed.loc[("2026-02-11", "XLB"), "flow_usd"] == 40.0
    fri = flows.weekly_by_fund(daily, "W-FRI").set_index(["week_end", "ticker"])
    assert fri.loc[("2026-02-06", "XLK"), "flow_usd"] == 7.0
    assert fri.loc[("2026-02-13", "XLB"), "flow_usd"] == 32.0
    groups = flows.weekly_by_group(
        flows.weekly_by_fund(daily, "W-WED"), flows.classify(["XLK", "XLB"], UNIVERSE)
    )
    assert list(groups.columns) == ["tech", "non-tech sector"]
    assert groups.loc["2026-02-11"].tolist() == [20.0, 40.0]
    assert groups.loc["2026-02-04", "non-tech sector"] == 0.0
    # Through Tue 2026-02-10 the week ending Wed 2026-02-11 is still open; through Wed it is not.
    open_week = flows.weekly_by_fund(daily, "W-WED", through="2026-02-10")
    assert open_week["week_end"].unique().tolist() == [pd.Timestamp("2026-02-04")]
    assert open_week.index.tolist() == list(range(len(open_week)))
    assert flows.weekly_by_fund(daily, "W-WED", through="2026-02-11").equals(wed.reset_index())


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


def test_year_to_date_and_complete_weeks():
    idx = pd.date_range("2025-12-24", periods=5, freq="W-WED")
    wide = pd.DataFrame({"tech": [9.0, 1, 2, 3, 4], "other": [9.0, 1, 1, 1, 1]}, idx)
    ytd = flows.year_to_date(wide, 2026, n_weeks=2)
    assert ytd.index[0] == pd.Timestamp("2026-01-07")
    assert ytd.iloc[-1].tolist() == [5.0, 2.0]
    assert flows.year_to_date(wide, 2026).iloc[-1, 0] == 9.0
    assert flows.complete_weeks(wide, "2026-01-23").index[-1] == pd.Timestamp("2026-01-21")


def test_weekly_tech_flows_on_real_data(snapshot_source):
    daily = snapshot_source.flows()
    classes = flows.classify(daily["ticker"].unique(), snapshot_source.universe)
    weekly = flows.weekly_by_group(flows.weekly_by_fund(daily, "W-WED"), classes)
    # Independent: read the stored table, roll each date forward to its Wednesday and sum.
    raw = pd.read_parquet(config.SNAPSHOT_DIR / "etf_flows.parquet")
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


def test_week_containing_and_span_text():
    assert flows.week_containing("2026-02-04", "W-WED") == pd.Timestamp("2026-02-04")
    assert flows.week_containing("2026-02-10", "W-WED") == pd.Timestamp("2026-02-11")
    assert flows.week_containing("2026-02-04", "W-FRI") == pd.Timestamp("2026-02-06")
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
            ("2026-03-05", "A", 100.0, 10.0),
            ("2026-03-06", "A", 110.0, 10.0),  # +100 (Fri)
            ("2026-03-09", "A", 120.0, 10.0),  # +100 (Mon)
            ("2026-03-10", "A", 125.0, 10.0),  # +50 (Tue, the last date)
            ("2026-03-05", "B", 50.0, 2.0),
            ("2026-03-06", "B", 40.0, 2.0),  # -20
        ]
    )
    implied = implied_flows.implied_flows(shares, jump=0.5)
    # Weeks ending Tuesday: the week ending 03-10 is complete and holds every flow.
    assert implied_flows.latest_week(implied, "W-TUE").to_dict() == {"A": 250.0, "B": -20.0}
    # Weeks ending Friday: the week ending 03-13 is still open, so 03-06 is the last.
    assert implied_flows.latest_week(implied, "W-FRI").to_dict() == {"A": 100.0, "B": -20.0}
    none = implied_flows.implied_flows(shares.iloc[[0]])
    assert implied_flows.latest_week(none).empty
