"""Capex vs cash flow and EPS revisions: measured from yfinance-shaped frames, else reported."""

import pandas as pd
import pytest

import techflows as tf
from techflows.analysis import fundamentals
from techflows.data.sources.base import Adapter
from techflows.data.sources.yahoo_tidy import tidy_cashflow, tidy_eps


class FakeYahoo(Adapter):
    """Yahoo-shaped statements passed through the yahoo source's own tidy functions."""

    name = "fake"

    def cashflow(self, ticker: str) -> pd.DataFrame:
        if ticker != "AMZN":
            return super().cashflow(ticker)
        years = pd.to_datetime(["2025-12-31", "2024-12-31"])
        raw = pd.DataFrame(
            {years[0]: [-131.8e9, 139.5e9, 7.7e9], years[1]: [-83.0e9, 115.9e9, 32.9e9]},
            index=["Capital Expenditure", "Operating Cash Flow", "Free Cash Flow"],
        )
        return tidy_cashflow(raw, ticker)

    def eps_trend(self, ticker: str) -> pd.DataFrame:
        trend = pd.DataFrame(
            {"current": [7.0, 8.0], "7daysAgo": [7.0, 7.9], "90daysAgo": [6.5, 8.2]},
            index=pd.Index(["0y", "+1y"], name="period"),
        )
        return tidy_eps(trend, None, ticker)


def test_measured_capex_and_coverage():
    src = tf.Source(FakeYahoo())
    table = fundamentals.capex_vs_cashflow(src, ["AMZN", "MSFT"])
    assert set(table["basis"]) == {"measured"}
    capex = table.query("metric == 'capital expenditure' and period == '2025-12-31'")
    assert capex["value"].iloc[0] == pytest.approx(131.8)  # outflow stored as a positive spend
    cover = fundamentals.coverage(table).set_index("period_capex")
    assert cover.loc["2025-12-31", "capex_to_ocf"] == pytest.approx(131.8 / 139.5)
    assert cover.loc["2024-12-31", "ocf_minus_capex"] == pytest.approx(115.9 - 83.0)
    by_year = fundamentals.capex_by_year(table).set_index("year")
    assert by_year.loc[2025, "growth"] == pytest.approx(131.8 / 83.0 - 1)


def test_measured_eps_revisions():
    table = fundamentals.eps_revisions(tf.Source(FakeYahoo()), ["MSFT"]).set_index("period")
    assert table.loc["0y", "rev_90d_pct"] == pytest.approx(100 * (7.0 / 6.5 - 1))
    assert table.loc["+1y", "rev_7d_pct"] == pytest.approx(100 * (8.0 / 7.9 - 1))
    assert set(table["basis"]) == {"measured"}


def test_offline_falls_back_to_reported_figures(sample_source):
    table = fundamentals.capex_vs_cashflow(sample_source)
    assert set(table["basis"]) == {"reported"}
    assert list(table.columns) == fundamentals.OUTPUT_COLUMNS
    # Rows come prefix by prefix, in CAPEX_METRICS order (a prefix also matches '... growth').
    metrics = fundamentals.CAPEX_METRICS
    order = [next(i for i, p in enumerate(metrics) if m.startswith(p)) for m in table["metric"]]
    assert order == sorted(order) and len(set(order)) > 1
    assert (
        table.query("entity == 'AMZN+GOOGL+META+MSFT' and unit == 'USD bn'")["value"].item() == 645
    )
    cover = fundamentals.coverage(table)
    assert cover["capex_to_ocf"].item() == pytest.approx(200 / 178)
    eps = fundamentals.eps_revisions(sample_source)
    assert eps.set_index("period")["value"].to_dict() == {"2026": 2.0, "2027": 2.6}


def test_reported_table_is_complete():
    table = fundamentals.reported_figures()
    assert (
        table[["id", "metric", "entity", "value", "unit", "reported_by", "date"]]
        .notna()
        .all()
        .all()
    )
    assert fundamentals.reported_value("ai_spend_2024") == 10.3
    with pytest.raises(ValueError, match="no id"):
        fundamentals.reported_value("nope")
