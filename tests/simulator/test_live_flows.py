"""Issue 19, points 1 and 9: online, fund flows come from live share counts.

The simulated Yahoo reports each ETF's shares outstanding every session; the flows it implies
(change in shares x price) are checked against a computation from the simulator's own series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import techflows as tf
from simulator.conftest import LAST_FRIDAY
from techflows.analysis import flows, implied_flows
from techflows.views import answers

IMPLIED = "implied from shares outstanding × price (yfinance)"


def expected_weekly_flow(sim, funds: list[str], week_end: str) -> float:
    """Σ over funds and the week's sessions of Δshares x adjusted close, from the simulator.

    A day whose count moved more than 10% (Yahoo's glitches) is no flow, as in the flows.
    """
    end = pd.Timestamp(week_end)
    total = 0.0
    for fund in funds:
        counts = sim.market.shares_outstanding(fund).copy()
        counts.index = counts.index.tz_localize(None).normalize()
        counts = counts.loc[:end]
        if fund == "XLK":  # the simulator's glitch: the 4th last count reads a tenth
            counts.iloc[-4] = round(counts.iloc[-4] / 10, -4)
        bars = sim._bars(fund)
        close = sim._adjusted(fund, bars)
        change = counts.diff()
        moved = (change.abs() / counts.shift()) > 0.10
        flow = (change * close.reindex(counts.index)).where(~moved)
        week = flow.loc[end - pd.Timedelta(days=6) : end]
        total += float(np.nansum(week.to_numpy()))
    return total


def test_live_source_serves_flows_implied_from_share_counts(sim, online, cache):
    src = tf.open_source("yahoo", cache_dir=cache)
    daily = src.flows()
    assert src.flows_origin == IMPLIED
    assert set(daily.columns) >= {"date", "ticker", "flow_usd"}
    by_fund, by_group = flows.weekly_flows(src)
    assert by_group.index[-1] == pd.Timestamp(LAST_FRIDAY)
    tech = flows.classify(by_fund["ticker"].unique(), src.universe)
    tech_funds = list(tech.index[tech["class"] == "tech"])
    assert len(tech_funds) >= 10
    expected = expected_weekly_flow(sim, tech_funds, LAST_FRIDAY)
    assert by_group["tech"].iloc[-1] == pytest.approx(expected, rel=1e-6)
    assert by_group.attrs["origin"] == IMPLIED


def test_live_flows_have_coverage_and_flags_on_the_market_calendar(sim, online, cache):
    src = tf.open_source("yahoo", cache_dir=cache)
    cover = flows.coverage(src)
    assert cover.loc["XLK", "status"] == "used"
    # XLK's two glitch days (a tenth of its count, then back) are not flows: not reported
    assert cover.loc["XLK", "reported_days"] == cover.loc["SPY", "reported_days"] - 2
    by_fund, _ = flows.weekly_flows(src)
    week = by_fund[by_fund["week_end"] == pd.Timestamp(LAST_FRIDAY)].set_index("ticker")
    assert week.loc["XLK", "missing_days"] == 2 and week.loc["SPY", "missing_days"] == 0
    # fund assets: the latest share count times that day's close, so prints can be screened
    counts = sim.market.shares_outstanding("SPY")
    friday = pd.Timestamp(LAST_FRIDAY)
    count = counts[counts.index.tz_localize(None).normalize() == friday].iloc[-1]
    close = sim._adjusted("SPY", sim._bars("SPY"))[friday]
    assert src.aum().loc["SPY", "aum_usd"] == pytest.approx(count * close)
    assert flows.flows_against_assets(src).loc["SPY", "aum_usd"] == pytest.approx(count * close)


def test_a_holiday_is_not_a_gap_in_implied_flows(sim, online, cache):
    """Point 9: after Thanksgiving (2026-11-26) every fund's flow of 2026-11-27 is usable."""
    src = tf.open_source("yahoo", cache_dir=cache)
    implied = implied_flows.from_source(src)
    friday = implied[implied["date"] == pd.Timestamp("2026-11-27")]
    assert len(friday) == len(implied_flows.funds(src.universe))
    assert not friday["gap"].any()
    assert (friday["quality"] == "ok").all()
    # a session really missing from the counts is still a gap
    counts = src.shares(["SPY"])
    holed = counts[counts["date"] != pd.Timestamp("2026-11-25")]
    flagged = implied_flows.implied_flows(holed, src.close(["SPY"]))
    assert flagged.set_index("date").loc["2026-11-27", "gap"]


def test_an_analysts_flows_file_takes_precedence_and_the_banner_says_which(
    sim, online, cache, tmp_path
):
    folder = tmp_path / "analyst"
    (folder / "flows").mkdir(parents=True)
    pd.DataFrame(
        {"date": ["2026-12-03", "2026-12-04"], "ticker": ["XLK", "XLK"], "flow_usd": [1e8, 2e8]}
    ).to_csv(folder / "flows" / "etf_flows.csv", index=False)
    own = tf.open_source("yahoo", data_dir=folder, cache_dir=cache)
    assert own.flows()["flow_usd"].sum() == 3e8
    assert f"fund flows: csv {folder}" in own.description
    assert "csv" in own.flows_origin and "implied" not in own.flows_origin
    bare = tmp_path / "no-flows"
    (bare / "prices").mkdir(parents=True)
    pd.DataFrame({"Date": ["2026-12-04"], "Close": [101.0]}).to_csv(
        bare / "prices" / "ZZZ.csv", index=False
    )
    live = tf.open_source("yahoo", data_dir=bare, cache_dir=cache)
    assert f"fund flows: {IMPLIED}" in live.description
    assert live.flows_origin == IMPLIED and len(live.flows()) > 1000
    assert f"fund flows: {IMPLIED}" in tf.open_source("yahoo", cache_dir=cache).description


def test_a_gap_sentence_in_the_answer_ends_with_one_period():
    """Point 1: '... would provide them..' in 01's answer and on the index."""
    gap = "Fund flows are not in the yahoo source; a csv folder would provide them."
    sentence = answers.not_available("flows", [gap])
    assert ".." not in sentence.text and sentence.text.endswith("provide them.")
