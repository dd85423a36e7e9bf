"""Presentation of 01 current status: exact sentences, tables and charts on small frames."""

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import drawdowns, flows, implied_flows, markets, notional
from techflows.views import status as view

WEEKS = pd.date_range("2026-01-07", periods=4, freq="W-WED", name="week_end")


def _by_group():
    return pd.DataFrame(
        {"tech": [1.0e9, -2.5e9, 0.5e9, 3.0e9], "non-tech sector": [2.0e9, 1.25e9, -1.0e9, 0.0]},
        index=WEEKS,
    ).rename_axis(columns="class")


def _by_fund():
    return pd.DataFrame(
        {
            "week_end": [WEEKS[0]] * 3,
            "ticker": ["XLK", "XLB", "XLC"],
            "flow_usd": [1.5e9, -0.25e9, 0.125e9],
            "days": [5, 5, 5],
            "expected_days": [5, 5, 5],
            "missing_days": [0, 0, 0],
            "name": ["Tech", "Materials", "Comms"],
            "class": ["tech", "non-tech sector", "tech"],
            "segment": ["broad tech", "materials", "communication services"],
        }
    )


def _ranked():
    weeks = pd.date_range("2024-01-03", periods=120, freq="W-WED", name="week_end")
    weekly = pd.Series(np.linspace(1e9, 2e9, len(weeks)), index=weeks, name="notional")
    return notional.notional_rank(weekly, years=1)


def test_flow_sentences_exact():
    by_group = _by_group()
    assert view.fund_classes_text(_by_fund()) == (
        "**non-tech sector** (1): XLB  \n**tech** (2): XLK, XLC"
    )
    assert view.week_flows_text(by_group, WEEKS[1], article="-2.34 bn") == (
        "Week ending 2026-01-14: tech ETFs **-2.50 bn** (article, all US tech funds: "
        "-2.34 bn); non-tech sector ETFs **+1.25 bn**."
    )
    assert view.week_missing_text(pd.Timestamp("2026-03-04"), by_group) == (
        "The week ending 2026-03-04 is not in the flow data (2026-01-07 to 2026-01-28)."
    )
    first = flows.year_to_date(by_group, 2026, 3)
    assert view.first_weeks_text(first, WEEKS[0], article="+62 bn, a record") == (
        "First 3 weeks of 2026 (to 2026-01-21): non-tech sector ETFs **+2.25 bn** "
        "(article: +62 bn, a record), tech ETFs **-1.00 bn**. The flow file's first whole "
        "week ends 2026-01-07."
    )
    clean = flows.year_to_date(by_group - 0.5e9, 2026, 3)
    assert view.first_weeks_text(first, WEEKS[0], "+62 bn", clean).endswith(
        "Without flagged prints: non-tech sector +0.75 bn, tech -2.50 bn."
    )


def test_signed_record_span_and_its_sentence():
    tech = _by_group()["tech"]
    span, noun = flows.signed_record_span(tech, WEEKS[-1])
    assert noun == "inflow" and span["weeks"] == 4 and span["censored"]
    assert view.record_week_text("latest week", span, noun) == (
        "- latest week, ending 2026-01-28: tech ETFs **+3.00 bn**, "
        "the largest inflow in all 4 weeks of data."
    )
    span, noun = flows.signed_record_span(tech, WEEKS[1])
    assert noun == "outflow" and span["weeks"] == 2 and span["censored"]
    span, noun = flows.signed_record_span(tech, WEEKS[2])
    assert noun == "inflow" and span["weeks"] == 2 and not span["censored"]
    assert view.record_week_text("article week", span, noun) == (
        "- article week, ending 2026-01-21: tech ETFs **+0.50 bn**, the largest inflow in "
        "2 weeks (larger: +1.00 bn in the week ending 2026-01-07)."
    )


def test_implied_sentences_and_gap():
    implied = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-07"]),
            "ticker": ["IYW", "IYW", "IYW", "XLK"],
            "quality": ["first", "ok", "ok", "first"],
        }
    )
    assert view.implied_coverage_text(implied) == (
        "4 share counts for 2 fund(s) (2026-01-05 to 2026-01-07); 50% usable as flows."
    )
    both = pd.DataFrame(
        {
            "implied_flow_usd": [110.0, 90.0, 5.0, 0.5],
            "flow_usd": [100.0, 100.0, 1.0, 0.0],
            "quality": ["ok", "ok", "jump", "ok"],
        }
    )
    both["difference_usd"] = both["implied_flow_usd"] - both["flow_usd"]
    gap = implied_flows.relative_gap(both)
    assert gap.tolist() == pytest.approx([0.1, 0.1, 0.5])
    assert view.reported_gap_text(gap) == (
        "3 fund-days have both: median |implied - reported| / |reported| = 10.00%."
    )


def _status_row(**overrides):
    row = {
        "date": pd.Timestamp("2026-02-09"),
        "close": 196.321,
        "phase_start": pd.Timestamp("2026-01-27"),
        "phase_low": 186.8,
        "phase_low_date": pd.Timestamp("2026-02-05"),
        "from_phase_low": 0.051,
        "phase_high": 200.0,
        "phase_high_date": pd.Timestamp("2026-01-28"),
        "from_phase_high": -0.0184,
        "high_52w": 210.0,
        "high_52w_date": pd.Timestamp("2025-10-29"),
        "from_52w_high": -0.0651,
        "volume_day": 1.5e6,
        "volume_5d": 1.2e6,
        "volume_20d": 1.0e6,
        "volume_50d": 0.8e6,
        "volume_5d_vs_20d": 0.2,
        "volume_5d_vs_50d": 0.5,
    }
    return row | overrides


def test_rebound_against_article_exact():
    volume = pd.Series(
        [1.2e6] * 20 + [0.9e6, 0.8e6], pd.bdate_range("2026-01-08", periods=22), name="Volume"
    )
    rebound = markets.rebound_volume(volume, "2026-02-04", "2026-02-06")
    assert rebound["before_sessions"] == 20 and rebound["ratio"] == pytest.approx(0.85 / 1.2)
    table = view.rebound_vs_article(_status_row(), "$196.32", "about +5.1%", "expanding", rebound)
    assert table.index.tolist() == ["close", "move from the phase low", "volume"]
    assert table["article"].tolist() == ["$196.32", "about +5.1%", "expanding"]
    assert table["measured"].tolist() == [
        "$196.32 on 2026-02-09",
        "+5.10% from 186.80 on 2026-02-05",
        "0.71x (not expanding): 0.85M a day after the low vs 1.20M over the 20 sessions to it",
    ]


def test_segment_sentence_and_left_out():
    close = pd.DataFrame(columns=["XLK", "IYW", "SPY", "SMH"], dtype=float)
    segments = pd.DataFrame({"tickers": ["XLK, IYW", "SPY"]})
    left = markets.left_out(close, segments)
    assert left == ["SMH"]
    at = pd.Timestamp("2026-02-13")
    assert view.segment_coverage_text(at, "SPY", left) == (
        "Returns to 2026-02-13, relative to SPY. Left out (data end earlier): SMH."
    )
    assert view.segment_coverage_text(at, "SPY", []).endswith("earlier): none.")


def test_rebased_starts_at_100_on_common_dates():
    idx = pd.date_range("2026-01-01", periods=5)
    close = pd.DataFrame(
        {"A": [np.nan, 2.0, 4.0, 3.0, 5.0], "B": [1.0, 1.0, 2.0, np.nan, 4.0]}, idx
    )
    rebased = markets.rebased(close, 2)
    assert rebased.index.tolist() == [idx[2], idx[4]]
    assert rebased.to_numpy().tolist() == [[100.0, 100.0], [125.0, 200.0]]


def test_notional_window_records_and_sentence():
    weeks = pd.to_datetime(["2025-01-01", "2025-02-04", "2025-06-04", "2026-01-07", "2026-02-04"])
    ranked = pd.DataFrame(
        {
            "notional": [9e11, 5e11, 8e11, 7e11, 1.23456e12],
            "rank": [1.0, 2.0, 2.0, 3.0, 1.0],
            "window_weeks": [1, 2, 3, 4, 5],
            "zscore": [np.nan, np.nan, 0.5, 0.1, 2.345],
            "full_window": [False, False, True, True, True],
            "is_record": [False, False, False, True, True],
        },
        index=pd.Index(weeks, name="week_end"),
    )
    assert markets.last_years(ranked, 1).index.tolist() == weeks[2:].tolist()
    assert notional.latest_record_week(ranked) == "2026-02-04"
    assert notional.latest_record_week(ranked.assign(is_record=False)) == "none"
    assert view.notional_week_text(ranked, "2 stocks", 10) == (
        "2 stocks. Week ending 2026-02-04: 1,235 bn, rank **1** of 5 weeks in the trailing "
        "10 years, z-score +2.3. Record weeks in the past year: 2026-01-07, 2026-02-04."
    )
    none = view.notional_week_text(ranked.assign(is_record=False), "2 stocks", 10)
    assert none.endswith("Record weeks in the past year: none.")
    assert len(markets.last_years(_ranked(), 1)) == 53


def test_weekly_tech_notional_on_sample(sample_source):
    weekly, label = notional.weekly_tech_notional(sample_source, "W-FRI")
    assert label and weekly.name == "notional" and (weekly > 0).all()
    assert weekly.index.max() <= sample_source.close([sample_source.tech_ticker]).index.max()


def test_drawdown_sentence_exact():
    close = pd.Series(
        [100.0, 80.0, 101.0, 90.0], pd.date_range("2026-01-01", periods=4), name="XLK"
    )
    now = drawdowns.current(close)
    episodes = drawdowns.episodes(close, 0.10)
    assert view.drawdown_text("XLK", now, episodes, since=close.index[0]) == (
        "XLK on 2026-01-04: 90.00, **-10.9%** from its peak of 101.00 on 2026-01-03. "
        "2 drawdowns of 10% or more since 2026-01-01."
    )


def test_styled_tables_render():
    by_group = _by_group()
    detail = flows.week_by_segment(_by_fund(), WEEKS[0])
    status = pd.DataFrame.from_dict({"XLK": _status_row(), "SPY": _status_row()}, orient="index")
    segments = pd.DataFrame(
        {
            "group": ["tech_etf", "benchmark"],
            "segment": ["broad tech", "broad market"],
            "funds": [2, 1],
            "tickers": ["XLK, IYW", "SPY"],
            **{c: [0.01, np.nan] for c in ("1w", "1m", "3m", "YTD")},
            **{f"{c} vs market": [0.02, 0.0] for c in ("1w", "1m", "3m", "YTD")},
        }
    )
    close = pd.Series([100.0, 80.0, 101.0, 90.0], pd.date_range("2026-01-01", periods=4))
    tables = {
        "weekly": view.styled_weekly_flows(by_group, "W-WED"),
        "segments": view.styled_week_segments(detail),
        "status": view.styled_price_status(status),
        "returns": view.styled_segment_returns(segments),
        "top": view.styled_top_weeks(_ranked(), 1),
        "episodes": view.styled_drawdown_episodes(drawdowns.episodes(close, 0.10)),
    }
    html = {name: styler.to_html() for name, styler in tables.items()}
    assert "+3.00" in html["weekly"] and "weeks ending Wednesday" in html["weekly"]
    assert "W-WED" not in html["weekly"] and "week ending" in html["weekly"]
    assert "+1.50" in html["segments"] and "days not reported" in html["segments"]
    assert "+5.10%" in html["status"] and ">1.2<" in html["status"]  # 5-day volume, millions
    assert "from 52-week high" in html["status"] and "from_52w_high" not in html["status"]
    assert "+1.0%" in html["returns"] and ">–<" in html["returns"]
    assert "The 5 largest weeks of the last 1 years" in html["top"]
    assert "not yet" in html["episodes"] and "-20.0%" in html["episodes"]
    assert "2 in all" in html["episodes"]


def test_charts_build():
    by_group = _by_group()
    figures = view.weekly_flow_charts(by_group, "W-WED")  # two images: stacked on a phone
    assert [f.axes[0].get_title() for f in figures] == ["Weekly net flows", "Cumulative net flows"]
    assert all(len(f.axes) == 1 for f in figures)
    ax = view.segment_flow_bars(pd.Series({"materials": 1e9, "not in universe": 5e9}), "2 weeks")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["materials"]
    last = pd.Series([3e6, 1e6, -2e6], index=["A", "B", "C"])
    assert len(view.implied_flow_bars(last, "W-FRI", n=2).patches) == 3
    segments = pd.DataFrame(
        {"group": ["tech_etf", "benchmark"], "segment": ["software", "broad market"]}
    ).assign(**{"YTD vs market": [-0.05, 0.0]})
    ax = view.segment_return_bars(segments, "SPY")
    assert "broad market (benchmark)" in [t.get_text() for t in ax.get_yticklabels()]
    ax = view.notional_chart(_ranked(), "2 stocks", 1)
    assert ax.get_title() == "Weekly notional: 2 stocks"
    close = pd.Series(
        np.linspace(100, 50, 800), pd.bdate_range("2023-01-02", periods=800), name="XLK"
    )
    ax = view.drawdown_chart(close, 1)
    assert ax.get_title() == "XLK below its running peak"
