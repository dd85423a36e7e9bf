"""Claims ledger: each measurement on tiny hand-computed inputs, the verdict rule, the file."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import fundamentals, markets
from techflows.claims import company_measures, fed_measures, flow_measures, ledger, price_measures
from techflows.claims.claim import Claim, NotMeasurable, NotYetObservable
from techflows.claims.metrics import METRICS
from techflows.data.source import Source
from techflows.data.sources.base import Adapter
from techflows.errors import DataError, DataUnavailable

DAYS = pd.bdate_range("2023-12-01", "2026-02-20")


def _flat(level: float, volume: float | None = None) -> pd.DataFrame:
    bars = pd.DataFrame({"Close": level}, index=DAYS)
    if volume is not None:
        bars["Volume"] = volume
    return bars


def _prices() -> dict[str, pd.DataFrame]:
    xlk = _flat(100.0, 1e6)
    # One heavy week (Mon 2026-01-12 .. Fri 01-16): the record week of dollar volume.
    xlk.loc["2026-01-12":"2026-01-16", "Volume"] = 1e8
    # Tech 100 -> 120 -> 90 -> 110 between 2025-01-02 and 2025-12-31.
    xlk.loc["2025-01-02":, "Close"] = 110.0
    xlk.loc["2025-03-03":"2025-03-31", "Close"] = 120.0
    xlk.loc["2025-04-01":"2025-04-30", "Close"] = 90.0
    spy = _flat(200.0)
    spy.loc["2025-01-02":, "Close"] = 210.0  # +5%
    xlb = _flat(50.0)
    xlb.loc["2025-01-02":, "Close"] = 40.0  # -20%
    iyw_days = pd.bdate_range("2026-01-05", "2026-02-13")
    close = pd.Series(200.0, index=iyw_days)
    close["2026-02-03"], close["2026-02-04"], close["2026-02-05"] = 195.0, 190.0, 180.0
    close["2026-02-06"], close["2026-02-09"] = 185.0, 189.0
    volume = pd.Series(1000.0, index=iyw_days)
    volume["2026-02-06"], volume["2026-02-09"] = 500.0, 700.0
    iyw = pd.DataFrame(
        {"Open": close, "High": close + 1, "Low": close - 1, "Close": close, "Volume": volume}
    )
    return {"XLK": xlk, "SPY": spy, "XLB": xlb, "IYW_quoted": iyw}


def _fed() -> dict[str, pd.Series]:
    days = pd.date_range("2023-01-02", "2026-02-20", freq="D")
    upper = pd.Series(5.25, index=days)
    upper["2023-07-27":] = 5.50  # hike
    upper["2024-09-19":] = 5.00  # cut -50, announced 2024-09-18: the cycle starts
    upper["2025-09-18":] = 4.75  # cut -25, announced 2025-09-17
    upper["2025-12-11":] = 4.50  # cut -25, announced 2025-12-10
    return {"DFEDTARU": upper, "DFEDTARL": upper - 0.25}


def _flows() -> pd.DataFrame:
    rows = [
        # Weeks ending Wednesday: 01-07, 01-14, 01-21, 01-28, 02-04 (02-05 starts a new one).
        ("2026-01-01", "XLK", 0.0),
        ("2026-01-02", "XLK", 1e9),
        ("2026-01-09", "XLK", 5e9),
        ("2026-01-15", "XLK", 2e9),
        ("2026-01-22", "XLK", 3e9),
        ("2026-01-29", "XLK", -1e9),
        ("2026-02-02", "XLK", 2.5e9),  # week to 02-04: -1 + 2.5 + 0.5 = 2.0
        ("2026-02-04", "XLK", 0.5e9),
        ("2026-01-05", "XLB", 4e9),
        ("2026-02-03", "XLB", 1e9),
        ("2026-02-05", "XLK", 9e9),  # outside every window below
    ]
    frame = pd.DataFrame(rows, columns=["date", "ticker", "flow_usd"])
    return frame


class TinyAdapter(Adapter):
    """In-memory prices, Fed series, flows and fundamentals with hand-checkable numbers."""

    name = "tiny"
    description = "tiny: synthetic test data"

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        bars = _prices()
        if quoted:
            return {t: bars[f"{t}_quoted"] for t in tickers if f"{t}_quoted" in bars}
        return {t: bars[t] for t in tickers if t in bars}

    def series(self, ids: list[str]) -> dict[str, pd.Series]:
        return {k: v for k, v in _fed().items() if k in ids}

    def flows(self) -> pd.DataFrame:
        return _flows()

    def cashflow(self, ticker: str) -> pd.DataFrame:
        if ticker not in ("AMZN", "MSFT"):
            raise DataUnavailable(f"Cash-flow statements for {ticker}", self.name, "filings")
        capex = {"AMZN": (80e9, 120e9), "MSFT": (20e9, 30e9)}[ticker]
        return pd.DataFrame(
            {
                "ticker": ticker,
                "fiscal_year": [2024, 2025],
                "period_end": pd.to_datetime(["2024-12-31", "2025-12-31"]),
                "capex": capex,
                "operating_cash_flow": [100e9, 150e9],
                "free_cash_flow": [20e9, 30e9],
            }
        )

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        if ticker not in ("AMZN", "MSFT"):
            raise DataUnavailable(f"EPS trend for {ticker}", self.name, "analysts")
        now = {"AMZN": 6.12, "MSFT": 15.3}[ticker]
        ago = {"AMZN": 6.0, "MSFT": 15.0}[ticker]  # +2% both
        return pd.DataFrame(
            {
                "ticker": ticker,
                "period": ["0y", "+1y"],
                "eps_current": [now, now],
                "eps_90d_ago": [ago, now],
            }
        )


@pytest.fixture(scope="module")
def tiny() -> Source:
    return Source(TinyAdapter(), as_of="2026-02-13")


def _claim(metric, start, end, reported=0.0, unit="", week_end="W-WED", **params) -> Claim:
    return Claim(
        id="T-01",
        metric=metric,
        start=pd.Timestamp(start),
        end=pd.Timestamp(end),
        reported=reported,
        unit=unit,
        params={k: str(v) for k, v in params.items()},
        week_end=week_end,
    )


# ---- measurements on synthetic inputs -----------------------------------------------------


def test_window_flow_sums_a_wednesday_week_by_class(tiny):
    # A claim dated 4 February is the whole week containing it on the run's calendar.
    week = _claim("window_flow", "2026-02-04", "2026-02-04", **{"class": "tech"})
    found = flow_measures.window_flow(tiny, week)
    assert found.value == pytest.approx(2.0)
    assert found.window == "week ending Wed 2026-02-04 (2026-01-29 to 2026-02-04)"
    # On Friday weeks the claim is the week to 6 February, which the file (to 5 Feb) cuts.
    with pytest.raises(DataUnavailable, match="week ending Fri 2026-02-06"):
        flow_measures.window_flow(tiny, replace(week, week_end="W-FRI"))
    five = _claim("window_flow", "2026-01-01", "2026-02-04", **{"class": "non-tech sector"})
    assert flow_measures.window_flow(tiny, five).value == pytest.approx(5.0)
    both = _claim("flow_difference", "2026-01-01", "2026-02-04", a_tickers="XLK", b_tickers="XLB")
    assert flow_measures.flow_difference(tiny, both).value == pytest.approx(13.0 - 5.0)
    assert "PROXY" in flow_measures.window_flow(tiny, week).basis


def test_weeks_since_a_larger_inflow_and_censoring(tiny):
    # Weekly XLK (W-WED): 01-07 1, 01-14 5, 01-21 2, 01-28 3, 02-04 2.
    last = flow_measures.flow_weeks_since_larger(
        tiny, _claim("x", "2026-02-04", "2026-02-04", tickers="XLK")
    )
    assert (last.value, last.lower_bound) == (1.0, False)  # 01-28 (3) beat it a week before
    third = flow_measures.flow_weeks_since_larger(
        tiny, _claim("x", "2026-01-28", "2026-01-28", tickers="XLK")
    )
    assert (third.value, third.lower_bound) == (2.0, False)  # 01-14 (5) two weeks before
    top = flow_measures.flow_weeks_since_larger(
        tiny, _claim("x", "2026-01-14", "2026-01-14", tickers="XLK")
    )
    assert (top.value, top.lower_bound) == (2.0, True)  # largest of the 2 weeks in the file


def test_flow_zscore_needs_a_history(tiny):
    with pytest.raises(NotMeasurable, match="EPFR"):
        flow_measures.flow_zscore(tiny, _claim("x", "2026-01-15", "2026-02-04", tickers="XLB"))


def test_quoted_close_rebound_low_and_volume(tiny):
    assert (
        price_measures.quoted_close(
            tiny, _claim("x", "2026-02-09", "2026-02-09", ticker="IYW")
        ).value
        == 189.0
    )
    rebound = price_measures.rebound_from_low(
        tiny, _claim("x", "2026-02-05", "2026-02-09", ticker="IYW")
    )
    assert rebound.value == pytest.approx(100 * (189 / 180 - 1))
    low = price_measures.low_date(tiny, _claim("x", "2026-01-26", "2026-02-09", ticker="IYW"))
    assert low.value == pd.Timestamp("2026-02-05")
    ratio = price_measures.volume_ratio(
        tiny, _claim("x", "2026-02-05", "2026-02-09", ticker="IYW", sessions=20)
    )
    assert ratio.value == pytest.approx(600 / 1000)
    # One definition of "volume expanding": section 01 calls the same function.
    bars = tiny.ohlcv("IYW", quoted=True)
    same = markets.rebound_volume(bars["Volume"], "2026-02-05", "2026-02-09")
    assert same["ratio"] == ratio.value
    with pytest.raises(LookupError, match="2026-02-07"):  # a Saturday
        price_measures.quoted_close(tiny, _claim("x", "2026-02-07", "2026-02-07", ticker="IYW"))


def test_returns_drawdown_and_basket(tiny):
    window = ("2024-12-31", "2025-12-31")
    rel = price_measures.relative_return(tiny, _claim("x", *window, a="XLK", b="SPY"))
    assert rel.value == pytest.approx(10.0 - 5.0)
    basket = price_measures.relative_return(tiny, _claim("x", *window, a="XLK", b="SPY,XLB"))
    assert basket.value == pytest.approx(10.0 - (5.0 - 20.0) / 2)
    rising = price_measures.count_rising(tiny, _claim("x", *window, tickers="XLK,SPY,XLB"))
    assert rising.value == 2 and rising.window == "closes of 2024-12-31 to 2025-12-31"
    dd = price_measures.max_drawdown(tiny, _claim("x", *window, ticker="XLK"))
    assert dd.value == pytest.approx(100 * (90 / 120 - 1))
    assert "peak 2025-03-03" in dd.detail


def test_notional_rank_finds_the_heavy_week(tiny):
    found = price_measures.notional_rank(
        tiny, _claim("x", "2026-01-01", "2026-02-13", years=1, week_end="W-FRI")
    )
    assert found.value == 1.0
    assert "week ending 2026-01-16" in found.detail
    assert found.window == "week ending Fri 2026-01-16 (2026-01-10 to 2026-01-16)"
    assert "XLK +0.0% (+0.0% vs SPY)" in found.detail  # flat prices: activity, no direction


def test_fed_cuts_change_range_and_cycle(tiny):
    autumn = _claim("x", "2025-09-01", "2025-12-31")
    assert fed_measures.fed_cuts(tiny, autumn).value == 2
    assert fed_measures.fed_change_bp(tiny, autumn).value == -50
    assert fed_measures.fed_change_bp(tiny, _claim("x", "2025-12-01", "2025-12-31")).value == -25
    point = _claim("x", "2025-12-31", "2025-12-31", bound="lower")
    assert fed_measures.fed_range(tiny, point).value == 4.25
    assert (
        fed_measures.fed_range(tiny, _claim("x", "2025-12-31", "2025-12-31", bound="upper")).value
        == 4.50
    )
    start = fed_measures.fed_cycle_start(tiny, autumn)
    assert start.value == pd.Timestamp("2024-09-18")
    assert "resumed 2025-09-17" in start.detail
    assert fed_measures.fed_cuts(tiny, _claim("x", "2024-01-01", "2024-12-31")).value == 1


def test_cashflow_and_eps_measures(tiny):
    both = _claim("x", "2025-01-01", "2025-12-31", tickers="AMZN,MSFT")
    assert company_measures.capex_total(tiny, both).value == pytest.approx(150.0)
    assert company_measures.capex_growth(tiny, both).value == pytest.approx(100 * (150 / 100 - 1))
    amzn = _claim("x", "2025-01-01", "2025-12-31", tickers="AMZN")
    assert company_measures.operating_cash_flow(tiny, amzn).value == pytest.approx(150.0)
    eps = _claim("x", "2026-01-01", "2026-02-10", tickers="AMZN,MSFT", period="0y")
    assert company_measures.eps_revision(tiny, eps).value == pytest.approx(2.0)
    with pytest.raises(LookupError, match="Fiscal 2026 cash-flow statements for AMZN"):
        company_measures.capex_total(tiny, _claim("x", "2026-01-01", "2026-01-31", tickers="AMZN"))


def test_window_after_as_of_is_not_yet_observable(tiny):
    with pytest.raises(NotYetObservable, match="after the as-of date 2026-02-13"):
        fed_measures.fed_cuts(tiny, _claim("x", "2026-01-01", "2026-12-31"))
    with pytest.raises(NotYetObservable):
        company_measures.capex_total(tiny, _claim("x", "2026-01-01", "2026-12-31", tickers="AMZN"))


# ---- the verdict rule --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported", "measured", "tolerance", "kind", "expected"),
    [
        (196.32, 196.32, 0.01, "abs", "consistent"),
        (196.32, 196.33, 0.01, "abs", "consistent"),  # on the boundary
        (196.32, 196.31, 0.01, "abs", "consistent"),
        (196.32, 196.3301, 0.01, "abs", "differs"),
        (6.0, 7.5, 0.25, "rel", "consistent"),
        (6.0, 4.5, 0.25, "rel", "consistent"),
        (6.0, 7.51, 0.25, "rel", "differs"),
        (-2.34, -2.925, 0.25, "rel", "consistent"),
        (-2.34, 0.23, 0.25, "rel", "differs"),
        (8, 7, 1, "at_least", "consistent"),
        (8, 6.99, 1, "at_least", "differs"),
        (0.0, 0.0, 0, "at_most", "consistent"),
        (0.0, 0.01, 0, "at_most", "differs"),
        (2, 3, 0, "abs", "differs"),
    ],
)
def test_judge_boundaries(reported, measured, tolerance, kind, expected):
    assert ledger.judge(reported, measured, tolerance, kind) == expected


def test_judge_lower_bounds_and_bad_input():
    # "largest in >= 5 weeks" (history ran out) cannot confirm "nearly eight" (>= 7) ...
    assert ledger.judge(8, 5, 1, "at_least", lower_bound=True) is None
    # ... but >= 9 weeks does, and a lower bound above an exact claim refutes it.
    assert ledger.judge(8, 9, 1, "at_least", lower_bound=True) == "consistent"
    assert ledger.judge(8, 10, 1, "abs", lower_bound=True) == "differs"
    assert ledger.judge(8, float("nan"), 1, "abs") is None
    with pytest.raises(DataError, match="tolerance kind"):
        ledger.judge(1, 1, 0, "about")


def test_dates_judged_in_days():
    row = pd.Series(
        {
            "id": "T",
            "metric": "fed_cycle_start",
            "start": "2025-09-01",
            "end": "2025-12-31",
            "reported_value": "2025-09-17",
            "unit": "date",
            "params": "",
            "tolerance": "45",
            "tolerance_kind": "abs",
        }
    )
    src = Source(TinyAdapter(), as_of="2026-02-13")
    result = ledger.evaluate(src, row)
    assert result["measured_value"] == "2024-09-18"
    assert result["verdict"] == "differs"
    assert ledger.tolerance_text(row) == "±45 days"


# ---- the claims file ----------------------------------------------------------------------


def test_claims_file_schema():
    table = ledger.load_claims()
    assert len(table) >= 20
    assert table["id"].is_unique
    assert set(table["metric"]) <= set(METRICS)
    assert set(table["article"]) == {"000", "001", "002"}
    assert table["quote"].str.len().gt(3).all() and table["source"].ne("").all()
    assert table.apply(lambda r: r["id"].startswith(f"A{r['article']}-"), axis=1).all()
    for _, row in table.iterrows():
        ledger.claim_of(row)  # every row parses into a Claim


def test_claims_agree_with_the_reported_figures_table():
    same = {
        "A000-15": "fed_cuts_2025",
        "A000-16": "fed_dec2025_cut",
        "A000-17": "fed_range_lower_dec2025",
        "A000-18": "fed_range_upper_dec2025",
        "A000-22": "capex_big4_2026",
        "A000-23": "capex_big4_growth_2026",
        "A000-24": "ai_spend_2024",
        "A000-25": "ai_spend_2026",
        "A000-28": "materials_flow_z",
        "A000-29": "eps_rev_2026",
        "A000-30": "eps_rev_2027",
        "A000-31": "capex_amzn_2026",
        "A000-32": "ocf_amzn",
    }
    table = ledger.load_claims()
    for claim_id, figure_id in same.items():
        reported = float(table.loc[claim_id, "reported_value"])
        assert reported == pytest.approx(fundamentals.reported_value(figure_id)), claim_id


def test_bad_claims_files_are_refused(tmp_path):
    good = ledger.load_claims().reset_index(drop=True)
    twice = tmp_path / "twice.csv"
    pd.concat([good.head(2), good.head(1)]).to_csv(twice, index=False)
    with pytest.raises(DataError, match=r"duplicate id A000-01 \(rows 2 and 4\)"):
        ledger.load_claims(twice)
    unknown = tmp_path / "unknown.csv"
    good.head(1).assign(metric="vibes").to_csv(unknown, index=False)
    with pytest.raises(DataError, match="column metric: 'vibes' is not one of"):
        ledger.load_claims(unknown)
    with pytest.raises(DataError, match="key=value"):
        ledger.parse_params("tickers")


def test_ledger_on_the_tiny_source_counts_every_verdict(tiny):
    table = ledger.ledger(tiny)
    assert len(table) == len(ledger.load_claims())
    assert set(table["verdict"]) <= set(ledger.VERDICTS)
    external = table["metric"].map(lambda m: METRICS[m].measure is None)
    assert table.loc[external, "verdict"].eq(ledger.NOT_MEASURABLE).all()
    counts = ledger.verdict_counts(table)
    assert counts.loc["all", "claims"] == len(table)


# ---- the real data -----------------------------------------------------------------------


def test_real_ledger_iyw_close_and_fed_cuts(snapshot_source):
    wanted = ["A000-01", "A000-08", "A000-13", "A000-15", "A000-16", "A000-33"]
    table = ledger.ledger(snapshot_source, ledger.load_claims().loc[wanted]).set_index("id")
    close = table.loc["A000-08"]
    assert close["verdict"] == "consistent"
    assert close["measured_value"] == pytest.approx(196.32, abs=0.005)
    cuts = table.loc["A000-15"]
    assert cuts["verdict"] in ("consistent", "differs")
    assert cuts["measured_value"] == 3  # September, October and December 2025
    assert table.loc["A000-16", "verdict"] == "consistent"
    assert table.loc["A000-33", "verdict"] == "not yet observable"
    assert table.loc["A000-13", "verdict"] == ledger.NOT_MEASURABLE
    assert "PROXY" in table.loc["A000-01", "basis"]


def test_latest_separates_future_windows_from_missing_coverage():
    latest = Source(TinyAdapter())  # data end 2026-02-20
    with pytest.raises(NotYetObservable, match="after the end of the data 2026-02-20"):
        fed_measures.fed_cuts(latest, _claim("x", "2026-01-01", "2026-12-31"))
    with pytest.raises(LookupError, match="target range over 2027-01-01"):
        fed_measures.fed_cuts(
            latest, _claim("x", "2027-01-01", "2027-12-31")
        )  # starts after the data end


# ---- every rule can fail: the real claims rows on data built to fail them -----------------


class BuiltAdapter(Adapter):
    """Closes, volumes and flows handed in by a test."""

    name = "built"

    def __init__(self, prices: dict[str, pd.DataFrame], flows: pd.DataFrame | None = None):
        self._prices, self._flows = prices, flows

    def prices(self, tickers: list[str], quoted: bool = False) -> dict[str, pd.DataFrame]:
        return {t: self._prices[t] for t in tickers if t in self._prices and not quoted}

    def flows(self) -> pd.DataFrame:
        if self._flows is None:
            return super().flows()
        return self._flows


SEGMENTS = ["XLK", "SMH", "SOXX", "IGV", "FDN", "AIQ", "RSPT"]
HISTORY = pd.bdate_range("2016-01-01", "2026-02-13")


def _verdict(claim_id: str, adapter: Adapter, week_end: str = "W-WED") -> dict[str, object]:
    row = ledger.load_claims().loc[claim_id]
    return ledger.evaluate(Source(adapter, as_of="2026-02-13"), row, week_end)


def _segment_prices(moves: dict[str, float], wiggle: float = 0.0) -> dict[str, pd.DataFrame]:
    """Closes that wiggle independently until 2025-12-31 and move together after it, then
    each ticker's own factor from 2026-01-01 on."""
    rng = np.random.default_rng(0)
    steps = rng.normal(0, wiggle, (len(HISTORY), len(SEGMENTS) + 1))
    steps[HISTORY > "2025-12-31"] = steps[HISTORY > "2025-12-31", :1]  # one shared path
    paths = np.exp(np.cumsum(steps, axis=0))
    out = {}
    for i, ticker in enumerate([*SEGMENTS, "SPY"]):
        close = pd.Series(100.0 * paths[:, i], HISTORY)
        close.loc["2026-01-01":] *= moves.get(ticker, 1.0)
        out[ticker] = pd.DataFrame({"Close": close, "Volume": 1e6 * (1 + i)})
    return out


def test_a002_09_renewed_gains_fails_when_only_one_segment_rose():
    falling = {t: 0.95 for t in SEGMENTS} | {"SMH": 1.10}
    result = _verdict("A002-09", BuiltAdapter(_segment_prices(falling)))
    assert result["measured_value"] == 1 and result["verdict"] == ledger.DIFFERS
    rising = {t: 1.05 for t in SEGMENTS[:3]}
    assert _verdict("A002-09", BuiltAdapter(_segment_prices(rising)))["verdict"] == (
        ledger.CONSISTENT
    )


def test_a002_10_uneven_fails_when_segments_moved_together():
    together = {t: 1.03 for t in SEGMENTS}  # the same move: no dispersion at all
    result = _verdict("A002-10", BuiltAdapter(_segment_prices(together, wiggle=0.01)))
    assert result["measured_value"] < 50 and result["verdict"] == ledger.DIFFERS
    apart = {"SMH": 1.25, "IGV": 0.80}
    result = _verdict("A002-10", BuiltAdapter(_segment_prices(apart, wiggle=0.01)))
    assert result["measured_value"] > 90 and result["verdict"] == ledger.CONSISTENT


def _sector_flows(xlb: float, xli: float) -> pd.DataFrame:
    days = pd.bdate_range("2026-01-02", "2026-02-13", freq="C", holidays=["2026-01-19"])
    rows = [(d, "XLB", xlb / len(days)) for d in days] + [(d, "XLI", xli / len(days)) for d in days]
    return pd.DataFrame(rows, columns=["date", "ticker", "flow_usd"])


def test_a000_27_into_materials_and_industrials_fails_on_one_outflow():
    prices = _segment_prices({})
    # The sum is +1.2bn, as on main's rule, but materials lost money: "into materials" fails.
    result = _verdict("A000-27", BuiltAdapter(prices, _sector_flows(-0.44e9, 1.64e9)))
    assert result["measured_value"] < 0 and result["verdict"] == ledger.DIFFERS
    both_in = _verdict("A000-27", BuiltAdapter(prices, _sector_flows(0.2e9, 1.0e9)))
    assert both_in["verdict"] == ledger.CONSISTENT


def test_a001_03_record_buying_fails_when_the_record_week_fell():
    prices = _segment_prices({})
    heavy = pd.bdate_range("2026-02-02", "2026-02-06")  # one trading week (seed 001's)
    xlk = prices["XLK"].copy()
    xlk.loc[heavy, "Volume"] = 1e9
    xlk.loc["2026-02-02":, "Close"] *= 0.93  # the record week fell 7%
    prices["XLK"] = xlk
    result = _verdict("A001-03", BuiltAdapter(prices))
    assert result["window"] == "week ending Fri 2026-02-06 (2026-01-31 to 2026-02-06)"
    assert result["measured_value"] == pytest.approx(-7.0, abs=0.01)
    assert result["verdict"] == ledger.DIFFERS
    # The same week on rising prices is "buying".
    prices["XLK"] = xlk.assign(Close=prices["SPY"]["Close"] * 1.0)
    prices["XLK"].loc["2026-02-02":, "Close"] *= 1.05
    assert _verdict("A001-03", BuiltAdapter(prices))["verdict"] == ledger.CONSISTENT


def test_a000_12_passive_tech_leaves_arkk_out():
    days = pd.bdate_range("2026-01-02", "2026-02-13", freq="C", holidays=["2026-01-19"])
    rows = [(d, "ARKK", 1e8) for d in days] + [(d, "XLK", -1e7) for d in days]
    flows = pd.DataFrame(rows, columns=["date", "ticker", "flow_usd"])
    result = _verdict("A000-12", BuiltAdapter(_segment_prices({}), flows))
    # ARKK's inflows would make "tech" positive; passive tech (XLK) lost money.
    assert result["measured_value"] < 0 and result["verdict"] == ledger.DIFFERS
    assert "except ARKK" in result["basis"]


# ---- the real data: one week for section 01 and the claims --------------------------------


def test_flow_claims_measure_the_weeks_section_01_shows(snapshot_source):
    from techflows.analysis import flows as flow_analysis

    _, by_group = flow_analysis.weekly_flows(snapshot_source, "W-WED")
    wanted = ["A000-01", "A000-02", "A000-03", "A000-06", "A000-27"]
    table = ledger.ledger(snapshot_source, ledger.load_claims().loc[wanted], "W-WED").set_index(
        "id"
    )
    six, outflow = table.loc["A000-01"], table.loc["A000-06"]
    assert six["window"] == "week ending Wed 2026-02-11 (2026-02-05 to 2026-02-11)"
    assert outflow["window"] == "week ending Wed 2026-02-04 (2026-01-29 to 2026-02-04)"
    # The same number as section 01 for each Wednesday week; the two windows share no day.
    assert six["measured_value"] == pytest.approx(by_group.loc["2026-02-11", "tech"] / 1e9)
    assert outflow["measured_value"] == pytest.approx(by_group.loc["2026-02-04", "tech"] / 1e9)
    # ARKK reported 13 of its 28 listed days: it is left out of the tech sums, and its flagged
    # prints (+595m on 30 Jan, +500m on 4 Feb) with it, so the week is an outflow either way.
    clean = by_group.attrs["ex_flagged"].loc["2026-02-04", "tech"] / 1e9
    assert outflow["measured_without_flagged"] == ledger.format_value(clean, "USD bn")
    assert clean == pytest.approx(outflow["measured_value"]) and clean < 0
    assert table.loc["A000-03", "window"].startswith("weeks ending Wed 2026-01-07 to 2026-02-04")
    # XLB alone lost money over the window: "into materials" differs, whatever XLI did.
    assert table.loc["A000-27", "verdict"] == ledger.DIFFERS
    assert table.loc["A000-27", "measured_value"] == pytest.approx(-0.42, abs=0.01)


def test_every_ledger_row_names_its_window(snapshot_source):
    table = ledger.ledger(snapshot_source, week_end="W-WED")
    assert table["window"].str.len().gt(0).all()
    measured = table[table["verdict"].isin([ledger.CONSISTENT, ledger.DIFFERS])]
    assert measured["window"].str.match(r"^(week|weeks ending|closes of|20\d\d-)").all()


def test_record_notional_week_fell_in_price(snapshot_source):
    """Seed 001 names no data vendor: its 'week' is a trading week, Monday to Friday."""
    table = ledger.ledger(
        snapshot_source, ledger.load_claims().loc[["A001-01", "A001-03"]], "W-WED"
    )
    rank, move = table.set_index("id").loc["A001-01"], table.set_index("id").loc["A001-03"]
    assert rank["verdict"] == ledger.CONSISTENT  # the busiest week in ten years ...
    assert rank["window"] == "week ending Fri 2026-02-06 (2026-01-31 to 2026-02-06)"
    assert "XLK -1.9% (-1.7% vs SPY)" in rank["note"]
    assert "not the run's Wednesday weeks" in rank["note"]
    assert move["measured_value"] == pytest.approx(-1.7, abs=0.05)  # ... fell against the market
    assert move["verdict"] == ledger.DIFFERS


# ---- each claim on its own source's calendar; exact and proxy checks -----------------------


def _tech_and_value_flows() -> pd.DataFrame:
    """Tech (XLK) and value-fund flows whose Wednesday and Friday weeks disagree.

    The Wednesday week to 2026-02-04 (29 Jan - 4 Feb): XLK -2.34bn, XLI/XLB/XME in. Friday
    the 6th turns both around: the Friday week to 02-06 has XLK +1.66bn and XME out.
    """
    rows = [("2026-01-29", "XLK", -1.0e9), ("2026-02-03", "XLK", -1.34e9)]
    rows += [("2026-02-06", "XLK", 4.0e9), ("2026-02-06", "XME", -0.5e9)]
    for fund in ("XLI", "XLB", "XME"):
        rows += [("2026-01-29", fund, 0.1e9), ("2026-02-04", fund, 0.1e9)]
    frame = pd.DataFrame(rows, columns=["date", "ticker", "flow_usd"])
    days = pd.bdate_range("2026-01-02", "2026-02-13")
    quiet = [(d, t, 0.0) for d in days for t in ("XLK", "XLI", "XLB", "XME")]
    frame = pd.concat([frame, pd.DataFrame(quiet, columns=frame.columns)])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.groupby(["date", "ticker"], as_index=False)["flow_usd"].sum()


@pytest.mark.parametrize("claim_id", ["A000-06", "A000-07"])
def test_bofa_claims_are_measured_on_wednesday_weeks_whatever_the_run_uses(claim_id):
    adapter = BuiltAdapter(_segment_prices({}), _tech_and_value_flows())
    friday, wednesday = (_verdict(claim_id, adapter, week_end=w) for w in ("W-FRI", "W-WED"))
    assert (
        friday["window"]
        == wednesday["window"]
        == ("week ending Wed 2026-02-04 (2026-01-29 to 2026-02-04)")
    )
    assert friday["measured_value"] == pytest.approx(wednesday["measured_value"])
    assert friday["verdict"] == wednesday["verdict"] == ledger.CONSISTENT


def test_every_weekly_claim_declares_the_week_of_its_source():
    table = ledger.load_claims()
    weekly = table[table["metric"].map(lambda m: METRICS[m].weekly)]
    assert len(weekly) >= 10 and weekly["week_end"].isin(["W-WED", "W-FRI"]).all()
    epfr = weekly[weekly["source"].isin(["BofA", "Deutsche Bank"])]
    assert len(epfr) >= 7 and (epfr["week_end"] == "W-WED").all()  # EPFR weeks end Wednesday
    assert table.loc[~table.index.isin(weekly.index), "week_end"].eq("").all()


def test_a_weekly_claim_without_a_calendar_is_a_clear_error(tmp_path):
    good = ledger.load_claims().reset_index(drop=True)
    blank = good.assign(week_end=good["week_end"].where(good["id"] != "A000-06", ""))
    path = tmp_path / "claims.csv"
    blank.to_csv(path, index=False)
    with pytest.raises(DataError, match="week_end"):
        ledger.load_claims(path)


def test_the_ledger_does_not_depend_on_the_runs_week(snapshot_source):
    claims = ledger.load_claims()
    weekly = claims[claims["metric"].map(lambda m: METRICS[m].weekly)]  # the ones weeks touch
    friday = ledger.ledger(snapshot_source, weekly, week_end="W-FRI")
    wednesday = ledger.ledger(snapshot_source, weekly, week_end="W-WED")
    columns = ["id", "window", "measured", "verdict", "check"]
    pd.testing.assert_frame_equal(friday[columns], wednesday[columns])


def test_the_ledger_separates_exact_from_proxy_checks(snapshot_source):
    wanted = ["A000-01", "A000-06", "A000-08", "A000-15", "A001-01", "A002-01"]
    table = ledger.ledger(snapshot_source, ledger.load_claims().loc[wanted]).set_index("id")
    assert table.loc["A000-08", "check"] == "exact"  # IYW's $196.32 close, as quoted
    assert table.loc["A000-15", "check"] == "exact"
    assert table.loc["A002-01", "check"] == "exact"
    for proxy in ("A000-01", "A000-06", "A001-01"):  # ETF flows for EPFR; dollar volume
        assert table.loc[proxy, "check"] == "proxy"
    counts = ledger.verdict_counts(table.reset_index())
    all_claims = counts.loc["all"]
    assert (
        all_claims["consistent, exact"] + all_claims["consistent, proxy"]
        == (table["verdict"] == ledger.CONSISTENT).sum()
    )
    assert (
        all_claims["differs, exact"] + all_claims["differs, proxy"]
        == (table["verdict"] == ledger.DIFFERS).sum()
    )


def test_a000_34_microsoft_flows_are_not_judged_by_its_price():
    prices = _segment_prices({"SPY": 1.02})
    msft = prices["SPY"].copy()
    msft.loc["2026-01-01":, "Close"] *= 0.83 / 1.02  # -17% while the market gained 2%
    prices["MSFT"] = msft
    result = _verdict("A000-34", BuiltAdapter(prices))
    assert result["verdict"] == ledger.NOT_MEASURABLE and result["measured_value"] is None
    assert "flow" in result["note"]  # names who would measure money going into Microsoft
