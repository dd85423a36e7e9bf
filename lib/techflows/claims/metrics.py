"""One measurement per metric key of data/claims.csv, and who publishes what we cannot measure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from techflows.claims.claim import Claim, Measurement
from techflows.claims.company_measures import (
    capex_growth,
    capex_total,
    eps_revision,
    operating_cash_flow,
)
from techflows.claims.fed_measures import fed_change_bp, fed_cuts, fed_cycle_start, fed_range
from techflows.claims.flow_measures import (
    EPFR,
    flow_difference,
    flow_weeks_since_larger,
    flow_zscore,
    smallest_fund_flow,
    window_flow,
)
from techflows.claims.price_measures import (
    count_rising,
    low_date,
    max_drawdown,
    notional_rank,
    quoted_close,
    rebound_from_low,
    record_week_move,
    relative_return,
    return_dispersion,
    volume_ratio,
)
from techflows.data.source import Source


@dataclass(frozen=True)
class Metric:
    """How a metric key is measured; external metrics name who publishes the figure.

    weekly: measured on whole weeks, so each claim names its source's week (claims.csv
    week_end). stands_in: what the measure substitutes for the quantity the claim states (a
    proxy check); blank for an exact check of that quantity.
    """

    measure: Callable[[Source, Claim], Measurement] | None
    external: str = ""
    weekly: bool = False
    stands_in: str = ""


ETF_FLOWS = "ETF creations and redemptions in the flows file stand in for EPFR's fund totals"


def _flows(measure: Callable[[Source, Claim], Measurement]) -> Metric:
    return Metric(measure, weekly=True, stands_in=ETF_FLOWS)


METRICS: dict[str, Metric] = {
    "window_flow": _flows(window_flow),
    "smallest_fund_flow": _flows(smallest_fund_flow),
    "flow_difference": _flows(flow_difference),
    "flow_weeks_since_larger": _flows(flow_weeks_since_larger),
    "flow_zscore": _flows(flow_zscore),
    "quoted_close": Metric(quoted_close),
    "rebound_from_low": Metric(rebound_from_low),
    "low_date": Metric(low_date),
    "volume_ratio": Metric(volume_ratio),
    "relative_return": Metric(relative_return),
    "count_rising": Metric(count_rising),
    "return_dispersion": Metric(
        return_dispersion,
        stands_in="the spread of segment ETF returns stands in for uneven breadth and valuation",
    ),
    "max_drawdown": Metric(max_drawdown),
    "notional_rank": Metric(
        notional_rank,
        weekly=True,
        stands_in="gross dollar volume (buying and selling) stands in for notional buying",
    ),
    "record_week_move": Metric(
        record_week_move,
        weekly=True,
        stands_in="the record week's price move stands in for net institutional buying",
    ),
    "fed_cuts": Metric(fed_cuts),
    "fed_change_bp": Metric(fed_change_bp),
    "fed_range": Metric(fed_range),
    "fed_cycle_start": Metric(fed_cycle_start),
    "capex_total": Metric(capex_total),
    "capex_growth": Metric(capex_growth),
    "operating_cash_flow": Metric(operating_cash_flow),
    "eps_revision": Metric(eps_revision),
    "fund_flow_record": Metric(None, f"{EPFR} with years of history"),
    "mutual_fund_flows": Metric(None, "ICI mutual-fund flow statistics (or Morningstar)"),
    "fed_projection": Metric(
        None, "the Fed's Summary of Economic Projections (dot plot; FRED FEDTARMD)"
    ),
    "enterprise_ai_survey": Metric(None, "Bain & Co's enterprise AI survey"),
    "client_flows": Metric(
        None, "broker client-flow data by client type (e.g. BofA) or 13F filings"
    ),
    # Money going into a company's shares is not its price: a stock can rise while funds sell.
    "holding_flows": Metric(
        None,
        "fund flows by holding (EPFR's stock-level flows) or the change in funds' holdings of "
        "the stock (13F and N-PORT filings)",
    ),
}


def weekly() -> list[str]:
    """The metrics measured on weeks: their claims declare their source's week."""
    return [name for name, metric in METRICS.items() if metric.weekly]
