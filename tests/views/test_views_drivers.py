"""Section 02's presentation: exact sentences on hand-made inputs; tables and charts build."""

import pandas as pd
import pytest
from pandas.io.formats.style import Styler

from techflows.analysis import fed, fundamentals
from techflows.views import drivers as view
from techflows.views import tables

T = pd.Timestamp


def weeks(n: int, start: str = "2026-01-09") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="W-FRI")


@pytest.fixture
def cycle() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["cycle", "latest leg (after a pause > 180 days)"],
            "kind": ["cut", "cut"],
            "start": [T("2024-09-19"), T("2025-09-18")],
            "end": [T("2025-12-11"), T("2025-12-11")],
            "moves": [6, 3],
            "cumulative_bp": [-175, -75],
            "from_range": ["5.25-5.50%", "4.25-4.50%"],
            "to_range": ["3.50-3.75%", "3.50-3.75%"],
        }
    )


@pytest.fixture
def changes() -> pd.DataFrame:
    effective = pd.to_datetime(["2025-09-18", "2025-10-30", "2025-12-11"])
    return pd.DataFrame(
        {
            "effective": effective,
            "announced": effective - pd.Timedelta(days=1),
            "lower": [4.0, 3.75, 3.5],
            "upper": [4.25, 4.0, 3.75],
            "change_bp": [-25, -25, -25],
            "kind": ["cut"] * 3,
        }
    )


@pytest.fixture
def panel() -> pd.DataFrame:
    frame = pd.DataFrame(
        {"tech_excess": [0.01, -0.02, 0.005], "d_nominal": [0.1, -0.05, 0.0]}, index=weeks(3)
    )
    frame.attrs.update(
        {
            "frequency": "weekly",
            "tech": "XLK",
            "market": "SPY",
            "nominal_source": "FRED DGS10",
            "real_source": "FRED DFII10",
        }
    )
    return frame


@pytest.fixture
def roll() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "beta": [0.01, 0.0591],
            "se": [0.01, 0.02],
            "lower": [-0.01, 0.0178],
            "upper": [0.03, 0.1004],
        },
        index=weeks(2),
    )


@pytest.fixture
def crowd() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticker": ["XLB", "QQQ"],
            "segment": ["materials", "nasdaq-100"],
            "n_weeks": [5, 6],
            "total_flow_usd": [-4.7e8, 2.5e9],
            "peak_week": [T("2026-01-23"), T("2026-01-30")],
            "peak_flow_usd": [1.2e8, 3.0e9],
            "peak_z": [0.61, 1.9],
            "peak_z_others": [0.7, 5.28],
            "z_cap": [1.79, 2.04],
            "last_week": [T("2026-02-13"), T("2026-02-13")],
            "last_z": [-0.3, 0.2],
        }
    )


@pytest.fixture
def paths() -> pd.DataFrame:
    frame = pd.DataFrame(
        {"SMH": [1.0, 1.172], "IGV": [1.0, 0.874], "MSFT": [1.0, 0.83]},
        index=pd.to_datetime(["2025-12-31", "2026-02-13"]),
    )
    frame.attrs.update(
        {
            "start": T("2025-12-31"),
            "market": "SPY",
            "segment": {"SMH": "semis/AI hardware", "IGV": "software", "MSFT": "mega-cap"},
        }
    )
    return frame


def test_pct():
    assert view.pct(0.1234) == "+12.3%"
    assert view.pct(-0.005) == "-0.5%"


def test_fed_sentences(cycle):
    now = {"date": T("2026-02-13"), "lower": 3.5, "upper": 3.75, "label": "3.50-3.75%"}
    assert view.latest_range_sentence(now, "Fed funds target range") == (
        "Latest: **3.50-3.75%** on 2026-02-13 — Fed funds target range."
    )
    assert view.fed_cycle_sentence(cycle) == (
        "The current cut cycle began on 2024-09-19: 6 moves, -175 bp, from 5.25-5.50% to "
        "3.50-3.75%. Its latest leg (after a long pause) began 2025-09-18: 3 moves, -75 bp."
    )


def test_fed_tables_format_dates_and_bounds(cycle, changes):
    compare = pd.DataFrame({"item": ["FOMC cuts in 2025"], "article": ["3"], "measured": ["3"]})
    assert isinstance(view.styled_fed_comparison(compare), Styler)
    assert "2024-09-19" in view.styled_fed_cycles(cycle).to_html()
    html = view.styled_rate_changes(changes, last=2).to_html()
    assert "2025-10-29" in html and "3.75" in html
    assert "2025-09-17" not in html


def test_rate_sentences(panel, roll):
    head = {"label": "10y nominal yield", "frequency": "weekly", "n": 3}
    head |= {"beta": -0.5374, "se": 0.81, "p": 0.512, "r2": 0.0061}
    assert view.rate_sensitivity_sentence(panel, head) == (
        "XLK minus SPY, weekly, 2026-01-09 to 2026-01-23 (3 periods). Nominal: FRED DGS10; "
        "real: FRED DFII10. Beta to the 10y nominal yield: **-0.54% per +1pp** "
        "(HAC se 0.81, p = 0.51, not significant, R² = 0.006)."
    )
    assert view.rolling_beta_sentence(roll, "10y real yield (TIPS)", 52, "weekly") == (
        "Latest rolling 52-week beta to the 10y real yield (TIPS): +5.91% per +1pp "
        "(±2 se: +1.78 to +10.04)."
    )
    assert view.rolling_beta_sentence(roll, "AAA yield", 36, "monthly").startswith(
        "Latest rolling 36-month beta"
    )


def test_rate_table_and_chart(roll):
    sens = pd.DataFrame(
        {"model": ["a"], "beta_pct_per_pp": [-0.5], "hac_se": [0.8], "t": [-0.6]}
        | {"p": [0.51], "r2": [0.002], "n": [522]}
    )
    assert "-0.50" in view.styled_rate_sensitivity(sens).to_html()
    ax = view.rolling_beta_chart(roll, "10y real yield (TIPS)", 52, "weekly")
    assert (
        ax.get_title()
        == "Rolling 52-week beta of tech's excess return to the 10y real yield (TIPS)"
    )
    assert ax.get_ylabel() == "% excess return per +1pp"


def test_fomc_sentences_and_views(changes):
    summary = pd.DataFrame(
        {"kind": ["cut", "hike"], "n": [11, 20], "mean": [0.0012, 0.002]}
        | {"t": [0.15, 0.38], "p": [0.884, 0.71], "share_positive": [0.6364, 0.45]}
    )
    assert view.fomc_summary_sentences(summary, 20) == [
        "11 cuts: tech vs market from day -1 to day +20, mean +0.1% (t = +0.15, p = 0.88); "
        "positive in 64% of them.",
        "20 hikes: tech vs market from day -1 to day +20, mean +0.2% (t = +0.38, p = 0.71); "
        "positive in 45% of them.",
    ]
    decisions = changes.assign(day0=[0.01, -0.002, 0.0], last_day=[0.03, 0.0, -0.015])
    html = view.styled_fomc_decisions(decisions).to_html()
    assert "-1.5%" in html and "effective" not in html
    means = pd.DataFrame(
        {"kind": ["cut"] * 3, "day": [-1, 0, 1], "mean": [0.0, 0.001, 0.002]}
        | {"lower": [0.0, -0.001, -0.002], "upper": [0.0, 0.003, 0.006], "n": [3, 3, 3]}
    )
    ax = view.fomc_mean_paths_chart(means, "XLK", "SPY")
    assert ax.get_title() == "XLK relative to SPY around FOMC rate changes"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["cut (n=3)"]


def test_macro_sentence_table_and_chart():
    macro = pd.DataFrame({"tech_excess": [0.0] * 3, "dollar": [0.1, 0.2, 0.3]}, index=weeks(3))
    macro.attrs.update({"dollar_source": "DX-Y.NYB", "vix_source": "^VIX"})
    assert view.macro_sources_sentence(macro) == (
        "Dollar: DX-Y.NYB; VIX: ^VIX; weekly, 2026-01-09 to 2026-01-23."
    )
    corr = pd.DataFrame(
        {"driver": ["dollar"], "corr_full": [-0.2], "corr_recent": [0.15]}
        | {"recent_from": [T("2025-02-14")]}
    )
    assert "2025-02-14" in view.styled_correlations(corr).to_html()
    rolling = pd.DataFrame({"dollar": [0.1, -0.2, 0.3], "vix": [0.0, 0.1, 0.2]}, index=weeks(3))
    ax = view.rolling_correlation_chart(rolling, 52)
    assert ax.get_title() == "Rolling 52-week correlation with tech's excess return"


def test_capex_sentences():
    capex = pd.DataFrame({"basis": ["reported", "reported", "measured"]})
    assert view.basis_sentence(capex) == "Basis: **reported, measured**."
    assert view.capex_basis_sentence(capex.head(1), 645.0, 56.0) == (
        "Basis: **reported**. Article (JPMorgan): 645 USD bn in 2026, +56% y/y."
    )
    default = view.capex_basis_sentence(capex.head(1))
    assert f"{fundamentals.reported_value('capex_big4_2026'):.0f} USD bn" in default
    yearly = pd.DataFrame(
        {"year": [2024, 2025], "capex_usd_bn": [230.4, 380.6], "companies": [4, 4]}
        | {"growth": [0.5, 0.652]}
    )
    assert view.capex_growth_sentence(yearly) == (
        "Measured: 381 USD bn across 4 companies for fiscal years ending in 2025 (+65.2% y/y)."
    )


def test_capex_and_eps_tables():
    cover = pd.DataFrame(
        {"entity": ["AMZN"], "capex": [83.0], "operating_cash_flow": [115.9]}
        | {"capex_to_ocf": [0.716], "ocf_minus_capex": [32.9]}
    )
    html = tables.show(cover).to_html()
    assert "+32.9" in html and "capex / OCF" in html and "0.72" in html
    assert "1,234.5" in tables.show(cover.assign(capex=1234.5)).to_html()
    reported = pd.DataFrame(
        {"id": ["x"], "basis": ["reported"], "value": [10.25], "cited_in": ["seed"]}
        | {"date": [T("2026-01-15")]}
    )
    html = view.styled_reported(reported).to_html()
    assert "2026-01-15" in html and "seed" not in html
    eps = pd.DataFrame({"entity": ["MSFT"], "value": [2.0], "basis": ["reported"]})
    assert ">2.0<" in view.styled_eps_revisions(eps).to_html()
    assert "2026-01-15" in view.styled_eps_revisions(eps.assign(date=T("2026-01-15"))).to_html()


def test_flow_sentences(crowd):
    weekly = pd.DataFrame(index=weeks(6))
    weekly.attrs.update({"first_day": T("2026-01-02"), "last_day": T("2026-02-13"), "min_days": 3})
    assert view.flow_history_sentence(weekly, crowd) == (
        "Flows 2026-01-02 to 2026-02-13: at most 6 full weeks per fund (weeks with fewer than 3 "
        "reported days left out), so the largest z any week can reach is 2.04."
    )
    xlb = crowd.set_index("ticker").loc["XLB"]
    assert view.materials_crowding_sentence(xlb, article_z=5.0) == (
        "Article: materials inflows more than 5 sd above average. Measured, XLB: peak week "
        "2026-01-23 at z = +0.61 (+0.70 against its other weeks); total flow -0.47 USD bn "
        "over 5 weeks."
    )
    assert view.widest_peak_sentence(crowd) == (
        "Against its *other* weeks (a measure the sample size does not cap) the largest peak is "
        "QQQ at +5.28 in the week to 2026-01-30 — that measure has no cap, so on a short "
        "history one unusual week can score very high."
    )


@pytest.mark.filterwarnings("ignore:The set_bad function:PendingDeprecationWarning")
def test_flow_table_and_heatmap(crowd):
    html = view.styled_flow_zscores(crowd).to_html()
    assert "-0.47" in html and "total flow (USD bn)" in html and "peak_z" not in html
    zscores = pd.DataFrame(
        {
            "week": list(weeks(3)) * 2,
            "ticker": ["XLB"] * 3 + ["XLK"] * 3,
            "z": [0.5, -1.0, 0.5, 1.0, 0.0, -1.0],
        }
    )
    ax = view.flow_zscore_heatmap(zscores, crowd["ticker"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["01-09", "01-16", "01-23"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["XLB"]


def test_relative_strength_sentence_and_chart():
    strength = pd.DataFrame(
        {"XLK/XLB": [1.0, 0.824627], "XLK/XLI": [1.0, 0.863]},
        index=pd.to_datetime(["2025-12-31", "2026-02-13"]),
    )
    start = T("2025-12-31")
    assert view.relative_strength_sentence(strength, start) == (
        "Since 2025-12-31: XLK/XLB -17.5%; XLK/XLI -13.7% (above 0: tech ahead)."
    )
    ax = view.relative_strength_chart(strength, "XLK", start)
    assert ax.get_title() == "Tech (XLK) relative to materials and industrials since 2025-12-31"


def test_segment_sentences_table_and_chart(paths):
    segments = pd.DataFrame(
        {"segment": ["semis/AI hardware", "software"], "funds": [1, 1]}
        | {"mean_relative": [0.172, -0.126]}
    )
    assert view.segment_ranking_sentence(segments, paths) == (
        "Relative to SPY since 2025-12-31, segment means: semis/AI hardware +17.2%, "
        "software -12.6%."
    )
    assert view.relative_to_market_sentence(paths, "MSFT") == (
        "MSFT relative to the market over the same period: -17.0%."
    )
    assert "+17.2%" in view.styled_segments(segments).to_html()
    means = paths.T.groupby(pd.Series(paths.attrs["segment"])).mean().T
    ax = view.segment_chart(means)
    assert ax.get_ylabel() == "relative return"
    assert ax.get_legend() is not None


def test_market_path_sentence_table_and_chart():
    index = pd.bdate_range("2025-09-01", "2026-02-13")
    market = pd.DataFrame({"two_year": 3.40, "funds": 3.64, "curve": 0.64}, index=index)
    market["spread"] = market["two_year"] - market["funds"]
    market.attrs["funds_id"] = "DFF"
    around = pd.DataFrame(
        {
            "announced": pd.to_datetime(["2025-09-17", "2025-12-10"]),
            "change_bp": [-25, -25],
            "spread_day_before": [-0.82, -0.28],
            "spread_30d_after": [-0.65, float("nan")],
            "spread_change": [0.17, float("nan")],
        }
    )
    assert view.market_path_sentence(market, around) == (
        "On 2026-02-13 the 2-year yield was **3.40%**, 24 bp below the effective funds rate "
        "(3.64%, FRED DFF): the market priced a lower average funds rate over the next two "
        "years (term premium aside); the 10-year yield stood +64 bp over the 2-year. 2-year "
        "minus funds rate the day before each move -> 30 days after: 2025-09-17 (-25 bp): "
        "-82 bp -> -65 bp; 2025-12-10 (-25 bp): -28 bp (no data after it yet). The spread "
        "narrowed after every cut: the 2-year had already priced it, and the funds rate came "
        "down towards the 2-year."
    )
    html = view.styled_around_moves(around).to_html()
    assert "2025-09-17" in html and "-0.82" in html and "+0.17" in html
    fig = view.market_path_chart(market, around, years=1)
    assert fig.axes[0].get_title() == "The rate path the market prices, last 1 year"


NO_CLAIMS = pd.DataFrame(columns=["id", "article", "claim", "reported", "measured", "window"])
NO_CLAIMS["verdict"] = []
RANGE = {"label": "3.50-3.75%", "date": T("2026-06-05"), "lower": 3.5, "upper": 3.75}
WEEKLY = {
    "regressor": "d_real",
    "label": "10y real yield (TIPS)",
    "source": "FRED DFII10",
    "frequency": "weekly",
    "n": 522,
    "beta": -0.736,
    "se": 0.85,
    "p": 0.386,
    "r2": 0.003,
}
BLOCKS = {
    "horizon": "13 weeks",
    "periods": 13,
    "offsets": 13,
    "beta": -3.83,
    "beta_p": 0.06,
    "p_low": 0.0002,
    "p_high": 0.879,
    "p_below": 5,
    "r2": 0.09,
    "n": 39,
}


def test_a_beta_with_p_above_010_is_no_headline_and_its_label_says_not_significant():
    figures = view.beta_figures(WEEKLY, T("2026-07-17"))
    assert [f["unit"] for f in figures] == ["% excess return per +1pp", "p", "R²"]
    assert not any(f["headline"] for f in figures)
    assert all("not significant" in f["name"] for f in figures)
    assert figures[0]["value"] == pytest.approx(-0.736) and figures[1]["value"] == 0.386
    strong = view.beta_figures(WEEKLY | {"p": 0.01}, T("2026-07-17"))
    assert all(f["headline"] for f in strong)
    assert not any("significant" in f["name"] for f in strong)


def test_the_weekly_beta_and_the_13_week_blocks_name_each_other(panel):
    sentence = view.rate_sensitivity_sentence(panel, WEEKLY, BLOCKS)
    assert "p = 0.39, not significant" in sentence
    assert "section 03" in sentence and "13 weeks" in sentence
    assert "p = 0.06 (the median of 13 phase offsets of non-overlapping blocks" in sentence
    assert "5 of 13 offsets below 0.05" in sentence
    box = view.answer(RANGE, None, None, WEEKLY, None, None, NO_CLAIMS, BLOCKS)
    rates = box.sentence("rates").text
    assert "not significant" in rates and "p = 0.06" in rates and "section 03" in rates
    number = next(n for n in box.numbers if "beta" in n.label)
    assert number.label.endswith("not significant")


def test_a_two_year_yield_well_above_the_funds_rate_reads_as_hikes():
    index = pd.bdate_range("2026-06-01", "2026-07-22")
    market = pd.DataFrame({"two_year": 4.32, "funds": 3.64, "curve": 0.36}, index=index)
    market["spread"] = market["two_year"] - market["funds"]
    market.attrs["funds_id"] = "DFF"
    box = view.answer(RANGE, None, market, WEEKLY, None, None, NO_CLAIMS)
    text = box.sentence("fed").text
    assert "68 bp above the effective funds rate" in text
    assert "hikes" in text and "no further cuts" not in text
    assert "hikes" in view.market_path_sentence(market, pd.DataFrame())
    assert fed.priced_moves(0.68) == "hikes"
    assert fed.priced_moves(-0.24) == "cuts"
    assert fed.priced_moves(0.05) == "no change"  # within half a 25 bp move
