"""Section 05's presentation: exact sentences on hand-made inputs; tables and charts build."""

from html import unescape

import numpy as np
import pandas as pd
import pytest

from techflows.monitor import checklist as ck
from techflows.monitor import rules
from techflows.monitor import scenarios as sc
from techflows.views import monitor as view

GREEN, AMBER, RED, NO_DATA = rules.GREEN, rules.AMBER, rules.RED, rules.NO_DATA


def weeks(n: int, start: str = "2024-01-05") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="W-FRI")


@pytest.fixture
def items() -> pd.DataFrame:
    """Three checklist rows: two measured from prices, one read from the analyst table."""
    return pd.DataFrame(
        {
            "key": ["ew_tech", "real_yield", "guidance"],
            "item": ["Equal- vs cap-weight", "Fed and real yields", "Guidance cadence"],
            "signal": ["RSPT vs XLK", "10-year real yield", "Guidance raised minus cut"],
            "shown": ["+2.50%", "+0.20 pp", "+3 companies"],
            "rule": ["green ≥ +2.00%", "green ≤ -0.15 pp", "green ≥ +2"],
            "status": [GREEN, RED, NO_DATA],
            "trend": [rules.IMPROVING, rules.FLAT, rules.NO_TREND],
            "source": [
                "RSPT / XLK closes (csv)",
                "FRED DFII10",
                "analyst table, dated 2026-01-13 (stale: 60 days old): seed 002",
            ],
            "note": ["", "", "an article's count"],
        }
    )


def conditions(results: dict[str, list[str]]) -> pd.DataFrame:
    """A scenario_table-like frame: one row per result, numbered conditions per scenario."""
    rows = [
        {
            "scenario": scenario,
            "condition": f"{scenario} condition {i}",
            "needs": "green on ew_tech",
            "result": result,
            "evidence": f"RSPT vs XLK: +2.50% [{GREEN}]",
        }
        for scenario, outcomes in results.items()
        for i, result in enumerate(outcomes, 1)
    ]
    return pd.DataFrame(rows)


# Sentences


def test_concordance_sentence():
    statuses = [GREEN, GREEN, GREEN, AMBER, RED, NO_DATA, NO_DATA]
    score = ck.concordance(pd.DataFrame({"status": statuses}))
    assert view.concordance_sentence(score) == (
        "Of 7 signals, 5 can be measured: **3 green, 1 amber, 1 red** (2 without data). "
        "Net score **+0.40** (green minus red over measured, from -1 all red to +1 all green); "
        "the largest group (green) holds 60% of the measured signals."
    )
    empty = ck.concordance(pd.DataFrame({"status": [NO_DATA]}))
    assert view.concordance_sentence(empty) == (
        "None of the 1 signals can be measured from this source."
    )


def test_scenario_sentence_names_the_one_reading():
    table = conditions(
        {
            "bull": [sc.MET, sc.NOT_MET, NO_DATA],
            "base": [sc.MET, sc.MET, sc.NOT_MET],
            "bear": [sc.NOT_MET, sc.MET, NO_DATA],
        }
    )
    assert view.scenario_sentence(sc.scenario_summary(table)) == (
        "Conditions met, of those the data can judge: bull 1 of 2, base 2 of 3, bear 1 of 2. "
        "Scenario reading: **base: 2 of its 3 judgeable conditions met (7 of 9 of seed 002's "
        "conditions can be judged)**."
    )


def test_scenario_sentence_with_a_tie_too_few_conditions_and_without_data():
    tie = conditions({"bull": [sc.MET, sc.NOT_MET], "bear": [sc.NOT_MET, sc.MET]})
    assert view.scenario_sentence(sc.scenario_summary(tie)) == (
        "Conditions met, of those the data can judge: bull 1 of 2, bear 1 of 2. Scenario "
        "reading: **undetermined: bull and bear tie at 50% of their judgeable conditions met**."
    )
    thin = conditions({"bull": [sc.MET, NO_DATA, NO_DATA], "bear": [sc.NOT_MET, sc.MET]})
    assert view.scenario_sentence(sc.scenario_summary(thin)) == (
        "Conditions met, of those the data can judge: bull 1 of 1, bear 1 of 2. Scenario "
        "reading: **undetermined: only 3 of 5 of seed 002's conditions can be judged (bull 1 "
        "of 3, bear 2 of 2); each scenario needs at least half of its own**."
    )
    unjudged = conditions({"bull": [NO_DATA], "bear": [NO_DATA]})
    assert view.scenario_sentence(sc.scenario_summary(unjudged)) == (
        "No scenario condition can be evaluated from this source: undetermined: only 0 of 2 of "
        "seed 002's conditions can be judged (bull 0 of 1, bear 0 of 1); each scenario needs "
        "at least half of its own."
    )


def test_breadth_sentence():
    values = [2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 6.5, 8.0, 9.0, 12.0]
    share = pd.Series(values, index=pd.bdate_range("2026-01-05", periods=10))
    tail = "12.0% on 2026-01-16 (median since 2026: 5.5%)."
    assert view.breadth_sentence(share, "2026-01-13") == (
        "Seed 002 (as of 2026-01-13): breadth 'uneven'. Measured: 6.5% of IT members at a "
        "52-week high (10-day average) on 2026-01-13; " + tail
    )
    # a weekend check date reads the last session before it
    weekend = view.breadth_sentence(share, pd.Timestamp("2026-01-11"))
    assert weekend is not None and "Measured: 5.0% of IT members" in weekend
    assert view.breadth_sentence(share, "2026-01-05") is not None  # the first day counts
    assert view.breadth_sentence(share, "2026-01-04") is None
    assert view.breadth_sentence(share, "2026-01-17") is None


def test_fed_range_sentence():
    now = {"date": pd.Timestamp("2025-12-11"), "lower": 3.5, "upper": 3.75, "label": "3.50-3.75%"}
    assert view.fed_range_sentence(now) == (
        "Article (seed 000): 3.50-3.75% after the December 2025 cut. "
        "Measured: 3.50-3.75% on 2025-12-11."
    )


def test_flow_funds_sentence():
    windows = pd.DataFrame({"weekly": [1.0]}, index=weeks(1))
    windows.attrs["tickers"] = ["QQQ", "XLK"]
    assert view.flow_funds_sentence(windows) == "Funds summed: QQQ, XLK."


# Tables


def test_styled_checklist_colours_the_status(items):
    html = view.styled_checklist(items).to_html()
    assert "trend (vs 4 weeks)" in html and ">key<" not in html
    assert f"background-color: {view.STATUS_COLOURS[GREEN]}" in html
    assert f"background-color: {view.STATUS_COLOURS[RED]}" in html
    assert set(view.STATUS_COLOURS) == {*rules.STATUSES, rules.REPORTED}


def test_styled_analyst_entries_shows_only_analyst_rows(items):
    html = unescape(view.styled_analyst_entries(items).to_html())
    assert "Guidance raised minus cut" in html and "an article's count" in html
    assert "RSPT vs XLK" not in html and ">rule<" not in html


def test_styled_signal_history():
    ranges = pd.DataFrame(
        {
            "signal": ["RSPT vs XLK"],
            "since": [pd.Timestamp("2016-02-12")],
            "p10": [-4.321],
            "median": [0.5],
            "p90": [3.0],
            "now": [2.5],
            "now_percentile": [87.6],
            "rule": ["green ≥ +2.00%"],
        }
    )
    html = unescape(view.styled_signal_history(ranges).to_html())
    assert "2016-02-12" in html and "-4.32" in html and "+2.50" in html and ">88<" in html
    assert "today's rank (0-100)" in html


def test_styled_scenario_tables():
    table = conditions({"bull": [sc.MET, sc.NOT_MET], "bear": [NO_DATA]})
    summary_html = view.styled_scenario_summary(sc.scenario_summary(table)).to_html()
    assert ">50%<" in summary_html and ">–<" in summary_html and "share met" in summary_html
    conditions_html = view.styled_conditions(table).to_html()
    assert "bull condition 2" in conditions_html and "needs" not in conditions_html
    indicators = pd.DataFrame({"group": ["ETF flows"], "indicator": ["x"], "measured by": ["y"]})
    assert "measured by" in view.styled_leading_indicators(indicators).to_html()


# Charts


def test_breadth_chart_builds():
    weekly = pd.DataFrame(
        {"share_at_high_pct": [5.0, 7.5, 4.0], "adv_dec_ratio": [1.1, 0.8, np.nan]},
        index=weeks(3),
    )
    fig = view.breadth_chart(weekly)
    top, bottom = fig.axes
    assert top.get_title() == "IT members: at a 52-week high (%)"
    assert bottom.get_ylabel() == "advancers / decliners"
    assert top.get_legend() is None and bottom.get_legend() is None
    assert list(bottom.lines[-1].get_ydata()) == [1, 1]


def test_equal_cap_chart_builds():
    ratios = pd.DataFrame({"RSPT / XLK": [100.0, 101.0], "RSP / SPY": [100.0, 99.0]}, weeks(2))
    ax = view.equal_cap_chart(ratios)
    assert ax.get_title() == "Equal-weight over cap-weight (rebased to 100)"
    assert {t.get_text() for t in ax.get_legend().get_texts()} == set(ratios.columns)


def test_flow_windows_chart_builds():
    windows = pd.DataFrame(
        {"weekly": [1.0, -0.5, 2.0, 0.5], "4w": [np.nan] * 3 + [3.0], "8w": [np.nan] * 4},
        index=weeks(4),
    )
    ax = view.flow_windows_chart(windows)
    assert len(ax.patches) == 4 and ax.get_ylabel() == "USD bn"
    assert "4-week sum" in [t.get_text() for t in ax.get_legend().get_texts()]


# The real csv data


def test_monitor_views_on_the_real_csv_data(snapshot_source):
    items = ck.checklist(snapshot_source)
    score = ck.concordance(items)
    assert view.concordance_sentence(score).startswith(f"Of {len(items)} signals")
    table = sc.scenario_table(snapshot_source, items=items)
    assert "Scenario reading: **base:" in view.scenario_sentence(sc.scenario_summary(table))
    assert "background-color" in view.styled_checklist(items).to_html()
