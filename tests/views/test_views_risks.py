"""Presentation of 03 · Risks: exact sentences and figure specs, tables and charts that build."""

import pandas as pd
import pytest

from techflows.analysis import analogues
from techflows.models import rate_shocks, volatility
from techflows.stats import intervals
from techflows.views import risks as view
from techflows.views import tables

DAY = pd.Timestamp("2026-02-13")


@pytest.fixture
def cover():
    return pd.DataFrame(
        {
            "basis": "measured",
            "entity": ["AMZN", "AMZN", "MSFT"],
            "period_capex": ["2023-12-31", "2024-12-31", "2024-06-30"],
            "capex": [48.1, 83.0, 44.5],
            "period_ocf": ["2023-12-31", "2024-12-31", "2024-06-30"],
            "operating_cash_flow": [84.9, 115.9, 118.5],
            "capex_to_ocf": [48.1 / 84.9, 83.0 / 115.9, 44.5 / 118.5],
            "ocf_minus_capex": [36.8, 32.9, 74.0],
        }
    )


@pytest.fixture
def head():
    return pd.Series(
        {
            "horizon": "13 weeks",
            "periods": 13,
            "model": "alone",
            "shocked": "10y real yield (TIPS)",
            "sd_multiple": 1.0,
            "shock_bp": 35.3,
            "impact": -0.0157,
            "se": 0.0033,
            "lower": -0.0222,
            "upper": -0.0092,
            "pvalue": 0.000002,
            "beta": -4.45,
            "beta_p": 0.000002,
            "r2": 0.156,
            "n": 39,
            "offsets": 13,
            "p_low": 1e-7,
            "p_high": 0.0004,
            "p_below": 13,
            "yields_from": "FRED DFII10",
        }
    )


@pytest.fixture
def lead():
    return pd.Series(
        {
            "ticker": "SMH",
            "from": pd.Timestamp("2016-02-16"),
            "innovations": "Student-t",
            "nu": 6.29,
            "date": DAY,
            "vol_last_day": 0.36,
            "vol_next_day": 0.354,
            "vol_long_run": 0.335,
            "persistence": 0.98,
            "half_life_days": 39.2,
            "VaR99_hist": 0.054,
            "ES99_hist": 0.071,
            "VaR99_garch": 0.0564,
            "ES99_garch": 0.0725,
        }
    )


@pytest.fixture
def now():
    return {
        "date": DAY,
        "depth": -0.081,
        "peak": pd.Timestamp("2025-10-29"),
        "days_since_peak": 107,
        "trough": pd.Timestamp("2026-02-05"),
        "reached": -0.107,
        "asked": -0.107,
        "deeper": -0.2,
        "since": pd.Timestamp("1998-12-22"),
        "comparable": True,
        "rebounded": True,
    }


@pytest.fixture
def summary():
    return {
        "episodes": 12,
        "went_deeper": 5,
        "share": intervals.share(5, 12),
        "median_days_to_deeper": 29.0,
        "n_6m": 12,
        "median_6m": 0.168,
        "positive_6m": 0.8333,
        "n_12m": 11,
        "median_12m": 0.366,
        "positive_12m": 0.7273,
        "interval_12m": (0.12, 0.51, 0.96),
    }


def rendered(styler) -> str:
    return styler.to_html()


def test_article_capex_and_the_basis_sentence():
    article = view.article_amazon_capex()
    assert (article["capex"], article["ocf"]) == (200, 178)
    assert article["ratio"] == pytest.approx(200 / 178)
    assert article["date"] == DAY
    assert view.capex_basis_sentence("reported", 200.0, 178.0) == (
        "Basis of these tables: **reported**. Article (reported): Amazon capex $200bn "
        "against OCF $178bn, capex/OCF 1.12."
    )


def test_latest_coverage_and_the_measured_sentence(cover):
    amzn = view.latest_coverage(cover, "AMZN")
    assert amzn["period_capex"] == "2024-12-31"
    assert view.latest_coverage(cover, "META") is None
    assert view.measured_capex_sentence(amzn, 200 / 178) == (
        "Measured: Amazon's fiscal year to 2024-12-31: capex $83bn, OCF $116bn, "
        "capex/OCF 0.72 (article: 1.12 for 2026)."
    )


def test_capex_tables_and_chart_build(cover):
    assert "0.72" in rendered(tables.show(cover))
    reported = pd.DataFrame(
        {
            "basis": "reported",
            "entity": ["AMZN"],
            "metric": ["capital expenditure"],
            "period": ["2026"],
            "value": [200.0],
            "unit": ["USD bn"],
            "reported_by": ["article"],
            "cited_in": ["seed 000"],
            "date": [DAY],
            "note": [""],
        }
    )
    html = rendered(view.styled_reported_capex(reported))
    assert ">200.0<" in html and "seed 000" not in html and "reported by" in html
    ax = view.capex_coverage_chart(cover)
    assert ax.get_ylabel() == "capex / OCF"


def test_rate_shock_figures_and_sentences(head):
    panel = pd.DataFrame(index=pd.date_range("2016-02-19", periods=3, freq="W-FRI"))
    panel.attrs = {
        "frequency": "weekly",
        "tech": "XLK",
        "market": "SPY",
        "nominal_source": "FRED DGS10",
        "real_source": "FRED DFII10",
    }
    name = (
        "Tech relative return over 13 weeks in which the 10y real yield (TIPS) (FRED DFII10) "
        "rises 1 sd"
    )
    figures = view.rate_shock_figures(head, DAY)
    assert [(f["name"], f["unit"], f["headline"]) for f in figures] == [
        (name, "% (tech minus market)", True),
        (f"{name}: size of the rise", "bp", False),
        (
            f"{name}: p-value of the beta (median of 13 offsets of non-overlapping 13-week blocks)",
            "p",
            True,
        ),
        (f"{name}: R² of the regression", "R²", True),
    ]
    assert [f["value"] for f in figures] == pytest.approx([-1.57, 35.3, 0.000002, 0.156])
    week = head.copy()
    week[["horizon", "periods", "shock_bp", "impact", "beta", "beta_p", "r2", "n"]] = [
        "1 week",
        1,
        10.5,
        -0.001,
        -0.97,
        0.097,
        0.006,
        523,
    ]
    table = pd.DataFrame([week, head])
    assert view.rate_shock_sentence(panel, table, head, DAY) == (
        "Weekly data, XLK minus SPY, 2016-02-19 to 2026-02-13; nominal yield: FRED DGS10; real "
        "yield: FRED DFII10. Over 13 weeks, a 1-sd rise in the 10y real yield (TIPS) (+35 bp) "
        "goes with a -1.57% relative return (95% CI -2.22% to -0.92%); beta -4.45% per +1pp, "
        "p < 0.001, significant at 5%, R² = 0.156 (39 non-overlapping 13-week blocks at the "
        "offset with the median p; p ranges from < 0.001 to < 0.001 across the 13 offsets, 13 of "
        "13 below 0.05). Week to week (section 02): beta -0.97% per +1pp, p = 0.097, "
        "significant at 10% only, R² = 0.006; a 1-sd rise (+10 bp) goes with -0.10%."
    )
    scale = pd.DataFrame(
        {
            "horizon": ["1 week", "13 weeks"],
            "yield": ["10y real yield (TIPS)"] * 2,
            "sd_bp": [10.5, 35.3],
            "move_bp": [50.0, 50.0],
            "move_in_sd": [4.75, 1.42],
            "share_at_least": [0.0038, 0.129],
            "n": [523, 510],
        }
    )
    assert view.shock_scale_sentence(scale, "10y real yield (TIPS)") == (
        "For scale, a 50 bp move in the 10y real yield (TIPS) is 4.8 sd over 1 week (0.4% of "
        "523 windows moved that much); 1.4 sd over 13 weeks (12.9% of 510 windows moved that "
        "much)."
    )
    assert view.shock_scale_sentence(scale, "10y nominal yield") == ""


def test_rate_shock_table_and_chart_build(head):
    table = pd.DataFrame([head, head.replace({1.0: 2.0})])
    table.loc[1, ["impact", "lower", "upper"]] = [-0.0314, -0.0444, -0.0184]
    html = rendered(view.styled_shock_table(table))
    assert "-1.57%" in html and "0.156" in html and "-4.45" in html
    assert len(rate_shocks.chart_frame(table)) == 6
    ax = view.rate_shock_chart(table)
    assert ax.get_xlabel() == "% over the horizon, tech minus market"


def test_stress_figures_and_garch_sentences(lead):
    figures = view.stress_figures(lead)
    model = "GARCH(1,1), Student-t innovations"
    assert [f["name"] for f in figures] == [
        f"SMH {model}: volatility for the next day (annualised)",
        f"SMH {model}: long-run volatility (annualised)",
        "SMH GARCH(1,1) innovations chosen by BIC",
        f"SMH 99% one-day VaR, {model}, next day",
        "SMH 99% one-day historical VaR",
    ]
    assert [f["value"] for f in figures] == [
        pytest.approx(35.4),
        pytest.approx(33.5),
        "Student-t",
        pytest.approx(5.64),
        pytest.approx(5.4),
    ]
    assert [f["headline"] for f in figures] == [True, False, False, False, False]
    assert {f["as_of"] for f in figures} == {DAY}
    assert view.garch_sentence(lead) == (
        "SMH (data through 2026-02-13), GARCH(1,1) with Student-t innovations: volatility for "
        "the next day 35.4% a year against a long-run 33.5% (1.06x); shocks fade with a "
        "half-life of 39 trading days. A 1-in-100 day loses 5.4% or more in the data (such days "
        "average 7.1%); the GARCH puts tomorrow's 99% VaR at 5.6% (ES 7.2%)."
    )
    table = pd.DataFrame(
        {
            "innovations": ["normal", "Student-t"],
            "dist": ["normal", "t"],
            "loglik": [-5051.06, -4990.55],
            "params": [4, 5],
            "aic": [10110.1, 9991.1],
            "bic": [10133.4, 10020.2],
            "lr": [float("nan"), 121.02],
            "lr_p": [float("nan"), 1.9e-28],
            "nu": [float("nan"), 6.29],
            "persistence": [0.9824, 0.9927],
            "vol_long_run": [0.3353, 0.4250],
            "chosen": [False, True],
        }
    )
    returns = pd.Series([0.01, -0.01] * 100)
    own = f"{returns.std() * 252**0.5:.1%}"
    assert view.innovations_sentence("SMH", table, returns) == (
        "SMH: the VaR and the figures above use **Student-t** innovations (lowest BIC). "
        "Student-t (nu = 6.3) against normal: log-likelihood +60.5, BIC -113.2, AIC -119.0; "
        "likelihood ratio 121.0 (p < 0.001, boundary-corrected). Persistence 0.982 -> 0.993, "
        "long-run volatility 33.5% -> 42.5%: with persistence this close to 1 the long-run "
        f"level is loosely pinned down (the returns' own volatility is {own} a year)."
    )
    html = rendered(view.styled_innovations(table))
    assert "6.29" in html and "42.5%" in html and "dist" not in html and "AIC" in html


def test_data_stop_notes_name_each_stale_series_once():
    frame = pd.DataFrame(
        {
            "pair": ["RSPT vs XLK", "RSPT vs XLK", "RSP vs SPY"],
            "through": [pd.Timestamp("2026-02-10"), pd.Timestamp("2026-02-10"), DAY],
        }
    )
    assert view.data_stop_notes(frame, "pair", "through", DAY) == [
        "RSPT vs XLK: the source's data stop on 2026-02-10, before 2026-02-13."
    ]
    assert view.data_stop_notes(frame.iloc[2:], "pair", "through", DAY) == []


def test_semis_tables_and_chart_build(lead):
    dates = pd.bdate_range("2024-01-01", periods=8)
    close = pd.Series([100, 90, 99, 79.2, 100, 101, 75.75, 80.0], index=dates, name="SMH")
    html = rendered(view.styled_stress_table(pd.DataFrame([lead])))
    assert "35.4%" in html and "2016-02-16" in html and "99% VaR, GARCH" in html
    risk = volatility.var_es(volatility.daily_returns(close), levels=(0.99,))
    assert "99%" in rendered(view.styled_var_es_table(risk))
    assert "2024-01-04" in rendered(view.styled_worst_days(volatility.worst_days(close, n=2)))
    falls = rendered(view.styled_worst_drawdowns(volatility.worst_drawdowns(close, n=2)))
    assert "not yet" in falls and "-25.0%" in falls
    vol = pd.Series([0.3, 0.35, 0.32], index=dates[:3])
    ax = view.garch_volatility_chart(vol, 0.33, "SMH")
    assert ax.get_title() == "SMH: annualised volatility"
    assert view.worst_episodes_sentence("SMH", dates[0]) == (
        "SMH since 2024-01-01: the ten worst days, and the five deepest peak-to-recovery drawdowns."
    )


def test_concentration_figures_tables_and_chart():
    holdings = pd.DataFrame(
        {
            "fund": ["XLK", "QQQ"],
            "top10_weight": [0.62, 0.51],
            "holdings_listed": [10, 10],
            "largest": ["NVDA", "NVDA"],
            "largest_weight": [0.14, 0.09],
        }
    )
    figures = view.holdings_figures(holdings)
    assert [(f["name"], f["headline"]) for f in figures] == [
        ("XLK top-10 holdings weight", True),
        ("QQQ top-10 holdings weight", False),
    ]
    assert [f["value"] for f in figures] == pytest.approx([62.0, 51.0])
    assert "62.0%" in rendered(view.styled_holdings_table(holdings))
    spreads = pd.DataFrame(
        {
            "pair": ["RSPT vs XLK", "RSPT vs XLK"],
            "window": ["1m", "YTD"],
            "through": [DAY, DAY],
            "equal_weight": [0.01, 0.03],
            "cap_weight": [0.02, -0.01],
            "spread": [-0.01, 0.04],
        }
    )
    assert view.ytd_spread_figures(spreads) == [
        {
            "name": "RSPT vs XLK: equal- minus cap-weight return, year to date",
            "value": pytest.approx(4.0),
            "unit": "pp",
            "as_of": DAY,
        }
    ]
    assert "+4.0%" in rendered(view.styled_spread_table(spreads))
    rolling = pd.DataFrame(
        {"RSPT vs XLK": [0.01, -0.02, 0.0]}, index=pd.bdate_range("2026-01-01", periods=3)
    )
    ax = view.rolling_spread_chart(rolling)
    assert ax.get_ylabel() == "return spread"


def test_today_drawdown_figures_and_sentence(now, summary):
    figures = view.today_drawdown_figures("XLK", now, summary, headline=True)
    assert figures[0] == {
        "name": "XLK drawdown from its peak",
        "value": pytest.approx(-8.1),
        "unit": "%",
        "as_of": DAY,
        "headline": True,
    }
    state = "reached -10.7% (its trough so far) and came back to -8.1% (today's depth) before -20%"
    assert figures[1]["name"] == f"XLK: past drawdowns that {state}"
    assert figures[1]["value"] == 12
    assert figures[2]["name"] == f"XLK: share of past drawdowns that {state}, that went on to -20%"
    assert figures[2]["value"] == pytest.approx(100 * 5 / 12)
    assert figures[2]["interval"] == pytest.approx((15.17, 72.33), abs=0.01)
    assert figures[3]["value"] == pytest.approx(36.6)
    assert figures[3]["interval"] == pytest.approx((12.0, 51.0))
    assert view.today_drawdown_sentence("XLK", now, summary) == (
        "**XLK** on 2026-02-13: 8.1% below its 2025-10-29 peak (107 days ago); at its low on "
        "2026-02-05 it was 10.7% down. Since 1998-12-22, 12 earlier drawdowns reached -10.7% and "
        "came back to -8.1% before -20%: 5 of 12 (42%; 95% CI 15-72%) went on to -20% (median "
        "29 days later), 7 recovered first. Over the next 6 months from that point: median "
        "+16.8%, positive in 83% of 12. Over the next 12 months from that point: median +36.6%, "
        "positive in 73% of 11."
    )
    none = summary | {"episodes": 0, "went_deeper": 0, "share": intervals.share(0, 0)}
    # no past drawdown to share out: the count, and no share or median without episodes
    assert [f["unit"] for f in view.today_drawdown_figures("XLK", now, none, True)] == [
        "%",
        "drawdowns",
    ]
    assert view.today_drawdown_sentence("XLK", now, none).endswith(
        "10.7% down. No earlier drawdown since 1998-12-22 reached -10.7% and came back to -8.1% "
        "before -20%."
    )


def test_recovery_legs_sentence_and_table():
    legs = pd.DataFrame(
        {
            "leg": ["post-dot-com recovery (2002-07)"],
            "start": [pd.Timestamp("2002-10-09")],
            "end": [pd.Timestamp("2007-10-31")],
            "years": [5.06],
            "tech_return": [1.57],
            "tech_annualised": [0.205],
            "market": ["SPY"],
            "market_return": [1.164],
            "DFII10_start": [2.43],
            "DFII10_end": [2.14],
            "DFII10_change": [-0.29],
            "DFII10_from": [pd.Timestamp("2003-01-02")],
            "relative_return": [0.406],
            "ticker": ["XLK"],
        }
    )
    assert view.recovery_legs_sentence(legs) == (
        "post-dot-com recovery (2002-07): XLK +157% from 2002-10-09 to 2007-10-31 (+20.5% a "
        "year), SPY +116%; the 10y real yield went from 2.43% (first observation "
        "2003-01-02) to 2.14% (-0.29 pp)."
    )
    html = rendered(view.styled_recovery_legs(legs))
    assert "2003-01-02" in html and "-0.29" in html and "+157.0%" in html
    assert view.recovery_legs_sentence(legs.iloc[:0]).startswith("This source's data do not")


def test_analogue_tables_stack_histories_and_the_paths_chart_builds():
    dates = pd.bdate_range("2018-01-01", periods=8)
    close = pd.Series([100, 120, 90, 130, 104, 117, 125, 110.0], index=dates)
    histories = {"^IXIC": close, "XLK": close.iloc[2:]}
    table = analogues.analogue_tables(histories)
    assert table["ticker"].tolist() == ["^IXIC", "^IXIC", "XLK", "XLK"]
    assert table["episode"].tolist() == ["2018 sell-off", "today"] * 2
    assert table["peak"].tolist() == [dates[1], dates[3], dates[3], dates[3]]
    html = rendered(view.styled_analogue_table(table))
    assert "not yet" in html and "2018-01-03" in html
    paths = analogues.aligned_paths(close, table[table["ticker"] == "^IXIC"], horizon=10)
    ax = view.drawdown_paths_chart(paths, "^IXIC")
    assert ax.get_title().startswith("^IXIC: drawdowns aligned")
    colours = {line.get_label(): line.get_color() for line in ax.get_lines()}
    assert colours.get(analogues.TODAY) == "black"


NO_CLAIMS = pd.DataFrame(columns=["id", "article", "claim", "reported", "measured", "window"])
NO_CLAIMS["verdict"] = []


@pytest.fixture
def blocks(head):
    """The 13-week headline as fitted on non-overlapping blocks (median p of 13 offsets)."""
    row = head.copy()
    row[["impact", "lower", "upper", "pvalue", "beta", "beta_p", "r2", "n"]] = [
        -0.0135,
        -0.0271,
        0.0001,
        0.06,
        -3.83,
        0.06,
        0.09,
        39,
    ]
    row["offsets"], row["p_low"], row["p_high"], row["p_below"] = 13, 0.0002, 0.879, 5
    return row


def _weekly(row: pd.Series) -> pd.Series:
    week = row.copy()
    week[["horizon", "periods", "shock_bp", "impact", "beta", "beta_p", "r2", "n"]] = [
        "1 week",
        1,
        10.5,
        -0.0008,
        -0.74,
        0.386,
        0.003,
        522,
    ]
    week[["offsets", "p_low", "p_high", "p_below"]] = [1, 0.386, 0.386, 0]
    return week


def test_a_13_week_shock_is_judged_on_non_overlapping_blocks_and_names_the_weekly_p(blocks):
    figures = view.rate_shock_figures(blocks, DAY)
    impact, p = figures[0], figures[2]
    assert impact["headline"] and impact["interval"] == pytest.approx((-2.71, 0.01))
    assert p["value"] == 0.06 and p["headline"]
    assert "median of 13 offsets of non-overlapping 13-week blocks" in p["name"]
    panel = pd.DataFrame(index=pd.date_range("2016-02-19", periods=3, freq="W-FRI"))
    panel.attrs = {"frequency": "weekly", "tech": "XLK", "market": "SPY"}
    panel.attrs |= {"nominal_source": "FRED DGS10", "real_source": "FRED DFII10"}
    table = pd.DataFrame([_weekly(blocks), blocks])
    sentence = view.rate_shock_sentence(panel, table, blocks, DAY)
    assert "overlapping windows" not in sentence
    assert "39 non-overlapping 13-week blocks" in sentence
    assert "p ranges from < 0.001 to 0.879 across the 13 offsets, 5 of 13 below 0.05" in sentence
    assert "Week to week (section 02): beta -0.74% per +1pp, p = 0.386, not significant" in sentence
    box = view.answer("XLK", REBOUND, REBOUND_SUMMARY, blocks, LEAD, None, NO_CLAIMS)
    rates = box.sentence("rates").text
    assert "p = 0.06" in rates and "significant at 10% only" in rates and "section 02" in rates


def test_a_shock_with_p_above_010_is_no_headline_and_says_not_significant(blocks):
    weak = blocks.copy()
    weak[["pvalue", "beta_p"]] = [0.2, 0.2]
    figures = view.rate_shock_figures(weak, DAY)
    assert not any(f["headline"] for f in figures)
    assert "not significant" in figures[0]["name"]
    box = view.answer("XLK", REBOUND, REBOUND_SUMMARY, weak, LEAD, None, NO_CLAIMS)
    assert "not significant" in box.sentence("rates").text
    assert not any("rises 1 sd" in n.label for n in box.numbers)


LEAD = pd.Series({"ticker": "SOXX", "vol_next_day": 0.679, "vol_long_run": 0.482})
REBOUND = {
    "date": pd.Timestamp("2026-08-21"),
    "close": 262.0,
    "depth": -0.074,
    "peak": pd.Timestamp("2026-06-02"),
    "peak_close": 283.0,
    "days_since_peak": 80,
    "trough": pd.Timestamp("2026-07-29"),
    "reached": -0.159,
    "asked": -0.159,
    "deeper": -0.2,
    "since": pd.Timestamp("1998-12-22"),
    "comparable": True,
    "rebounded": True,
}


def _summary(k: int, n: int) -> dict:
    return {
        "episodes": n,
        "went_deeper": k,
        "share": intervals.share(k, n),
        "median_days_to_deeper": 20.0,
        "n_6m": n,
        "median_6m": 0.05,
        "positive_6m": 2 / 3,
        "n_12m": n,
        "median_12m": 0.2,
        "positive_12m": 1.0,
        "interval_12m": (-0.1, 0.4, 0.75),
    }


REBOUND_SUMMARY = _summary(1, 3)


def test_analogue_labels_name_the_trough_so_far_and_todays_depth_with_an_interval():
    figures = view.today_drawdown_figures("XLK", REBOUND, REBOUND_SUMMARY, headline=True)
    share = next(f for f in figures if "went on to" in f["name"])
    assert "interval" not in figures[-1]  # three medians cover only 75%: no 95% interval
    assert "-15.9% (its trough so far)" in share["name"]
    assert "-7.4% (today's depth)" in share["name"]
    assert share["value"] == pytest.approx(100 / 3)
    low, high = intervals.clopper_pearson(1, 3)
    assert share["interval"] == pytest.approx((100 * low, 100 * high))
    sentence = view.today_drawdown_sentence("XLK", REBOUND, REBOUND_SUMMARY)
    assert "reached -15.9% and came back to -7.4% before -20%" in sentence
    assert "1 of 3 (33%; 95% CI 1-91%)" in sentence
    box = view.answer("XLK", REBOUND, REBOUND_SUMMARY, None, LEAD, None, NO_CLAIMS)
    text = box.sentence("drawdown").text
    assert "7.4% below its 2026-06-02 peak" in text and "-15.9% on 2026-07-29" in text
    assert "1 of 3 (33%; 95% CI 1-91%)" in text and "as deep" not in text
    number = next(n for n in box.numbers if n.value == "1 of 3")
    assert "-15.9%" in number.label and "-7.4%" in number.label


def test_at_a_new_high_no_analogue_is_claimed():
    peak = pd.Timestamp("2025-06-30")
    now = {
        "date": peak,
        "close": 250.0,
        "depth": 0.0,
        "peak": peak,
        "peak_close": 250.0,
        "days_since_peak": 0,
        "trough": peak,
        "reached": 0.0,
        "asked": -0.05,
        "deeper": -0.2,
        "since": pd.Timestamp("1998-12-22"),
        "comparable": False,
        "rebounded": False,
    }
    summary = analogues.conditional_summary(analogues.after_today(pd.Series(dtype=float), now))
    figures = view.today_drawdown_figures("XLK", now, summary, headline=True)
    assert [f["name"] for f in figures] == ["XLK drawdown from its peak"]
    sentence = view.today_drawdown_sentence("XLK", now, summary)
    box = view.answer("XLK", now, summary, None, LEAD, None, NO_CLAIMS)
    text = box.sentence("drawdown").text
    for words in (sentence, text):
        assert "at its peak" in words
        assert "-0.0%" not in words and "depth so far" not in words and "5.0%" not in words
    assert box.verdict == "At its peak"
