"""Claims about company capex, cash flow and EPS revisions, from live statements."""

from __future__ import annotations

import pandas as pd

from techflows.analysis import fundamentals
from techflows.claims.claim import Claim, Measurement, observed
from techflows.data.source import Source
from techflows.data.sources.base import YAHOO_PROVIDER
from techflows.errors import DataUnavailable


def _statements(src: Source, claim: Claim) -> pd.DataFrame:
    """Measured cash-flow rows (USD bn) of the claim's tickers, with the fiscal year's end year.

    Raises DataUnavailable if any ticker has no statement for the claim's year.
    """
    tickers = claim.tickers()
    table = pd.concat([fundamentals.measured_cashflow(src, t) for t in tickers], ignore_index=True)
    observed(src, claim)
    table = table.assign(year=pd.to_datetime(table["period"]).dt.year)
    year = claim.end.year
    missing = sorted(set(tickers) - set(table.loc[table["year"] == year, "entity"]))
    if missing:
        what = f"Fiscal {year} cash-flow statements for {', '.join(missing)}"
        raise DataUnavailable(what, src.name, YAHOO_PROVIDER)
    return table


CASHFLOW_BASIS = "annual cash-flow statements (company filings via Yahoo), fiscal years ending in"


def _capex_year(src: Source, claim: Claim) -> pd.Series:
    by_year = fundamentals.capex_by_year(_statements(src, claim)).set_index("year")
    return by_year.loc[claim.end.year]


def capex_total(src: Source, claim: Claim) -> Measurement:
    """Capital expenditure (USD bn) summed over the tickers, fiscal years ending in end's year."""
    row = _capex_year(src, claim)
    basis = f"{CASHFLOW_BASIS} {claim.end.year}: capex of {'+'.join(claim.tickers())}"
    return Measurement(float(row["capex_usd_bn"]), basis)


def capex_growth(src: Source, claim: Claim) -> Measurement:
    """Year-on-year growth (%) of the summed capex, fiscal years ending in end's year."""
    row = _capex_year(src, claim)
    if pd.isna(row["growth"]):
        what = f"Fiscal {claim.end.year - 1} capex for all of {', '.join(claim.tickers())}"
        raise DataUnavailable(what, src.name, YAHOO_PROVIDER)
    who = "+".join(claim.tickers())
    basis = f"{CASHFLOW_BASIS} {claim.end.year} vs the year before: capex of {who}"
    return Measurement(100 * float(row["growth"]), basis, f"{row['capex_usd_bn']:.1f} USD bn")


def operating_cash_flow(src: Source, claim: Claim) -> Measurement:
    """Operating cash flow (USD bn) summed over the tickers, fiscal years ending in end's year."""
    table = _statements(src, claim)
    rows = table[(table["metric"] == "operating cash flow") & (table["year"] == claim.end.year)]
    basis = f"{CASHFLOW_BASIS} {claim.end.year}: operating cash flow of {'+'.join(claim.tickers())}"
    return Measurement(float(rows["value"].sum()), basis, ", ".join(rows["period"]))


def eps_revision(src: Source, claim: Claim) -> Measurement:
    """Mean 90-day % revision of the consensus EPS estimate for one period (0y, +1y)."""
    period = claim.param("period")
    trends = [fundamentals.measured_eps_trend(src, t) for t in claim.tickers()]
    observed(src, claim)
    table = pd.concat(trends, ignore_index=True)
    rows = table[table["period"] == period].dropna(subset=["rev_90d_pct"])
    if rows.empty:
        raise DataUnavailable(f"90-day EPS revisions for period {period}", src.name, YAHOO_PROVIDER)
    detail = ", ".join(
        f"{e} {r:+.1f}%" for e, r in zip(rows["entity"], rows["rev_90d_pct"], strict=True)
    )
    basis = (
        f"consensus EPS ({period}) now vs 90 days ago (Yahoo), mean over the mega-caps; a "
        "snapshot at download time, not at the as-of date"
    )
    return Measurement(float(rows["rev_90d_pct"].mean()), basis, detail)
