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
    """How a metric key is measured; external metrics name who publishes the figure."""

    measure: Callable[[Source, Claim], Measurement] | None
    external: str = ""


METRICS: dict[str, Metric] = {
    "window_flow": Metric(window_flow),
    "smallest_fund_flow": Metric(smallest_fund_flow),
    "flow_difference": Metric(flow_difference),
    "flow_weeks_since_larger": Metric(flow_weeks_since_larger),
    "flow_zscore": Metric(flow_zscore),
    "quoted_close": Metric(quoted_close),
    "rebound_from_low": Metric(rebound_from_low),
    "low_date": Metric(low_date),
    "volume_ratio": Metric(volume_ratio),
    "relative_return": Metric(relative_return),
    "count_rising": Metric(count_rising),
    "return_dispersion": Metric(return_dispersion),
    "max_drawdown": Metric(max_drawdown),
    "notional_rank": Metric(notional_rank),
    "record_week_move": Metric(record_week_move),
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
}
