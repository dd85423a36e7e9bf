"""Section 04's presentation: exact sentences on hand-made inputs; tables and charts build."""

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import forward_returns as fr
from techflows.models.forecast import MODEL
from techflows.views import predictions as view


def weeks(n: int, start: str = "2024-01-05") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="W-FRI")


@pytest.fixture
def y() -> pd.Series:
    return pd.Series([0.4, -1.1, 0.25], index=weeks(3))


@pytest.fixture
def ahead() -> pd.DataFrame:
    return pd.DataFrame(
        {"mean": [0.5, 0.1], "se": [1.0, 1.1], "lower": [-1.25, -1.7], "upper": [2.0, 1.9]},
        index=pd.DatetimeIndex(weeks(2, "2024-01-26"), name="week_end"),
    )


@pytest.fixture
def now() -> dict:
    return {
        "week_end": pd.Timestamp("2024-01-19"),
        "reading": "base",
        "state": "leading",
        "total": 6.25,
        "mean": 0.24,
        "t": 1.8,
        "p": 0.084,
        "significant": True,
        "share_at_highs": 2.5,
        "narrow_breadth": True,
        "weeks": 26,
        "breadth": True,
    }


@pytest.fixture
def metrics() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n": [78, 78],
            "mae": [1.2345, 1.3],
            "mase": [0.951, 1.0],
            "mae_vs_best_naive": [1.024, np.nan],
            "dm_p": [0.31, np.nan],
            "hit_rate": [0.554, np.nan],
            "hit_p": [0.2, np.nan],
        },
        index=pd.Index([MODEL, "zero"], name="forecaster"),
    )


@pytest.fixture
def study() -> pd.DataFrame:
    closes = pd.DataFrame(
        {"tech": [100.0, 110, 121, 110, 132, 140], "market": [100.0, 100, 105, 105, 110, 112]},
        index=weeks(6),
    )
    events = pd.DataFrame({fr.RECORD: [True, False, True, False, False, False]}, closes.index)
    return fr.event_returns(fr.forward_excess(closes, (1, 2)), events)


# Sentences


def test_forecast_sentence_with_an_interval_around_zero(y, ahead):
    assert view.forecast_sentence(y, "none", ahead) == (
        "3 weeks (2024-01-05 to 2024-01-19). Exogenous inputs: none. Next week (2024-01-26): "
        "+0.50% with a 90% interval of -1.25% to +2.00%, which includes zero."
    )


def test_forecast_sentence_with_an_interval_above_zero(y, ahead):
    ahead.loc[ahead.index[0], "lower"] = 0.25
    text = view.forecast_sentence(y, "none", ahead, alpha=0.2)
    assert text.endswith("+0.50% with a 80% interval of +0.25% to +2.00%, which excludes zero.")


def test_flows_after_sentence():
    after = {"weeks": 3, "positive": 2, "total": 4.26}
    assert view.flows_after_sentence(after, "2026-02-13") == (
        "Tech-fund flows after 2026-02-13: 3 weeks in this source, 2 with net inflows, "
        "+4.3 USD bn in total."
    )
    empty = {"weeks": 0, "positive": 0, "total": float("nan")}
    assert view.flows_after_sentence(empty, "2026-02-13") == (
        "No week of tech-fund flows after 2026-02-13 in this run."
    )


def test_excess_after_sentence():
    end = pd.Timestamp("2026-03-06")
    after = {"weeks": 3, "positive": 1, "last": end}
    assert view.excess_after_sentence(after, "2026-02-13", end) == (
        "Tech's return over the market after 2026-02-13: positive in 1 of 3 weeks (to 2026-03-06)."
    )
    empty = {"weeks": 0, "positive": 0, "last": None}
    assert view.excess_after_sentence(empty, "2026-02-13", pd.Timestamp("2026-02-13")) == (
        "This run's prices end on 2026-02-13: no week after 2026-02-13 to check yet."
    )


def test_drift_sentences(now):
    assert view.reading_sentence(now, "XLK", "SPY") == (
        "Week ending 2024-01-19: over the last 26 weeks XLK returned +6.2% against SPY "
        "(+0.24% a week, t = +1.80, p = 0.08: leading; a drift counts only at p ≤ 0.10); 2.5% "
        "of tech stocks at a 52-week high (narrow)."
    )
    noise = now | {"breadth": False, "t": 1.3, "p": 0.206, "significant": False}
    assert view.reading_sentence(noise, "XLK", "SPY").endswith(
        "t = +1.30, p = 0.21: not significant; a drift counts only at p ≤ 0.10); breadth not "
        "available."
    )
    check = pd.DataFrame(
        {
            "period": ["2022 slump", "2030"],
            "weeks": [52, 0],
            "bull": [0.0, np.nan],
            "base": [0.06, np.nan],
            "bear": [0.94, np.nan],
            "most_weeks": ["bear", ""],
        }
    )
    assert view.reading_check_sentence(check) == (
        "Check on past episodes: 2022 slump: bear in 94% of 52 weeks (bull 0%, base 6%, bear 94%)."
    )
    assert view.reading_check_sentence(check.iloc[1:]) == (
        "The check periods lie outside this source's data."
    )


def test_notional_events_sentence():
    events = pd.DataFrame(
        {fr.RECORD: [True, False, True, False], fr.TOP_DECILE: [True, True, True, False]},
        index=weeks(4),
    )
    head = (
        "Notional buying measured on XLK: 2 record weeks and 3 top-decile weeks between "
        "2024-01-05 and 2024-01-26"
    )
    assert view.notional_events_sentence("XLK", events, []) == head + "."
    waiting = [pd.Timestamp("2024-01-19"), pd.Timestamp("2024-01-26")]
    assert view.notional_events_sentence("XLK", events, waiting, horizon=4) == (
        head + "; too recent for a 4-week window: 2024-01-19, 2024-01-26."
    )


def test_flow_history_sentence():
    flows = pd.Series([1.0, np.nan, -0.5], index=weeks(3))
    assert view.flow_history_sentence(flows) == (
        "3 weeks of tech-fund flows (2024-01-05 to 2024-01-19); a week is judged large against "
        f"at least {fr.MIN_PRIOR_WEEKS} earlier weeks."
    )


def test_styled_tables_build(metrics, ahead, study):
    backtest = view.styled_backtest(metrics).to_html()
    assert "1.234" in backtest and "55.4%" in backtest and ">–<" in backtest
    assert "MAE vs best naive" in backtest and "mae_vs_best_naive" not in backtest
    assert "2024-01-26" in view.styled_forecast(ahead).to_html()
    parameters = pd.DataFrame({"coef": [0.12345], "se": [0.1], "p": [0.2]}, index=["ar.L1"])
    assert "0.123" in view.styled_parameters(parameters).to_html()
    check = pd.DataFrame(
        {
            "period": ["2022 slump"],
            "from": [pd.Timestamp("2022-01-01")],
            "to": [pd.Timestamp("2022-12-31")],
            "weeks": [52],
            "bull": [0.0],
            "base": [0.06],
            "bear": [0.94],
            "most_weeks": ["bear"],
        }
    )
    check_html = view.styled_reading_check(check).to_html()
    assert "94.0%" in check_html and "2022-12-31" in check_html
    spread = fr.distribution(study)
    spread_html = view.styled_distribution(spread).to_html()
    assert "%" in spread_html and ">–<" in spread_html  # 'all weeks' has no independent count


# Charts


def test_forecast_chart_builds(y, ahead):
    ax = view.forecast_chart(y, ahead, weeks=2)
    assert ax.get_title().startswith("Tech's weekly return")
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "90% interval"


def test_backtest_chart_builds():
    backtest = pd.DataFrame(
        {"actual": [1.0, -1.0, 0.5], MODEL: [0.2, 0.1, 0.0], "historical mean": [0.1] * 3},
        index=weeks(3),
    )
    assert view.backtest_chart(backtest).get_ylabel() == "% per week"


def test_reading_chart_builds():
    closes = pd.DataFrame({"tech": [10.0, 11, 12], "market": [5.0, 5, 5]}, index=weeks(3))
    closes.attrs.update({"tech": "XLK", "market": "SPY"})
    readings = pd.DataFrame({"reading": ["bull", "base", "bear"]}, index=weeks(3))
    fig = view.reading_chart(closes, readings, start=closes.index[1])
    assert fig.axes[0].get_title().startswith("XLK relative to SPY")
    assert list(fig.axes[0].lines[0].get_ydata()) == pytest.approx([100.0, 12 / 11 * 100])


def test_forward_returns_chart_builds(study):
    assert view.forward_returns_chart(study).get_xlabel() == "weeks after the event week"


# Computation added to forward_returns for these views


def test_relative_price_is_rebased_to_100_at_the_start():
    closes = pd.DataFrame({"tech": [10.0, 11, 12], "market": [5.0, 5, 6]}, index=weeks(3))
    rebased = fr.relative_price(closes, closes.index[1])
    assert list(rebased) == pytest.approx([100.0, 100 * (12 / 6) / (11 / 5)])
    assert fr.relative_price(closes).iloc[0] == 100


def test_group_median(study):
    spread = fr.distribution(study)
    row = spread[(spread["group"] == fr.RECORD) & (spread["horizon"] == 1)]
    assert fr.group_median(spread, fr.RECORD, 1) == row["median"].iloc[0]
    assert np.isnan(fr.group_median(spread, fr.RECORD, 13))


NO_CLAIMS = pd.DataFrame(columns=["id", "article", "claim", "reported", "measured", "window"])
NO_CLAIMS["verdict"] = []
RECORDS = {
    "group": fr.RECORD,
    "horizon": 13,
    "label": "weaker, not significant",
    "headline": False,
    "events": 13,
    "independent": 6,
    "median": -1.45,
    "median_interval": (-6.2, 3.1),
    "median_all": 1.40,
    "p": 0.18,
    "p_low": 0.09,
    "p_high": 0.33,
    "p_below": 0,
    "offsets": 13,
    "sentence": "",
}


@pytest.fixture
def backtest() -> dict:
    """A model whose error equals the best naive forecast's, with a MASE below 1."""
    metrics = pd.DataFrame(
        {
            "n": [78, 78, 78, 78],
            "mae": [1.380, 1.904, 1.395, 1.3745],
            "mase": [0.966, 1.333, 0.977, 0.962],
            "mae_vs_best_naive": [1.004, 1.385, 1.015, 1.0],
            "dm_p": [0.68, 0.99, 0.89, np.nan],
            "hit_rate": [0.59, 0.56, np.nan, 0.60],
            "hit_p": [0.07, 0.15, np.nan, 0.04],
        },
        index=pd.Index([MODEL, "last value", "zero", "historical mean"], name="forecaster"),
    )
    return {"metrics": metrics, "label": "no skill"}


def test_mase_is_shown_beside_the_best_naive_forecasts(backtest, now):
    box = view.answer(backtest, now, -1.45, 1.40, RECORDS, NO_CLAIMS)
    mase = next(n for n in box.numbers if "MASE" in n.label)
    assert "below 1 beats naive" not in mase.label
    assert "historical mean" in mase.label and "0.96" in mase.label
    forecast = box.sentence("forecast").text
    assert "MASE 0.97 against 0.96 for the best naive forecast (historical mean)" in forecast


def test_record_weeks_not_significant_are_no_headline(backtest, now):
    figures = view.record_week_figures(RECORDS)
    median = figures[0]
    assert median["value"] == -1.45 and not median["headline"]
    assert median["interval"] == (-6.2, 3.1)
    assert "not significant" in median["name"] and "6 independent" in median["name"]
    assert [f["unit"] for f in figures[1:]] == ["p"]
    box = view.answer(backtest, now, -1.45, 1.40, RECORDS, NO_CLAIMS)
    text = box.sentence("consolidation").text
    assert "not significant" in text and "6 independent" in text and "p = 0.18" in text
    assert not any("after record weeks" in n.label for n in box.numbers)
    significant = RECORDS | {"label": "supported", "headline": True, "p": 0.01}
    assert view.record_week_figures(significant)[0]["headline"]
    box = view.answer(backtest, now, -1.45, 1.40, significant, NO_CLAIMS)
    assert any("after record weeks" in n.label for n in box.numbers)
