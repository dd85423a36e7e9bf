"""What the snapshot holds: the one place to add a ticker, a FRED series or a file.

The reports read every ticker of data/universe.csv (adjusted closes; IYW and friends also as
quoted), the Fed's target range and the 10-year nominal and real yields, the fund-flow files and
the S&P 500 constituents. EXTRA_TICKERS and SERIES hold what else the analysis uses or is about
to use; a name the csv folder lacks is simply not in the snapshot (the manifest lists what is).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from techflows.data.universe import load_universe

# Tickers read from prices/ and prices_quoted/ on top of data/universe.csv.
EXTRA_TICKERS: tuple[str, ...] = ()

SERIES = (
    "DGS10",  # 10-year nominal yield: rate sensitivity, rate shocks
    "DFII10",  # 10-year real yield: rate sensitivity, the checklist
    "DFEDTARU",  # Fed target range, upper bound
    "DFEDTARL",  # Fed target range, lower bound
    "DGS2",  # 2-year yield, against the funds rate
    "DFF",  # effective federal funds rate (daily, with weekends)
    "EFFR",  # effective federal funds rate (business days)
    "T10Y2Y",  # the 2s10s curve
)

# Whole files kept as they are (long tables, one dataset each).
TABLES = (
    "flows/etf_flows.csv",
    "flows/etf_shares.csv",
    "flows/etf_aum.csv",
    "constituents/sp500_constituents.csv",
)

# Rows some origins committed mid-session (SOURCES.md, "Intraday last rows"): a file from that
# origin whose last row carries that date loses the row.
INTRADAY_LAST_ROWS = {
    "dsturdy+Factor_Attribution": "2026-08-03",
    "landon-io+stocks-ai-agent": "2026-07-02",
}


@dataclass(frozen=True)
class Selection:
    """Tickers, series, tables and constituents to copy from a csv folder into the snapshot."""

    tickers: tuple[str, ...]
    series: tuple[str, ...] = SERIES
    tables: tuple[str, ...] = TABLES
    # Constituent stocks from constituents/prices/; None keeps every file there.
    constituents: tuple[str, ...] | None = None
    intraday_last_rows: dict[str, str] = field(default_factory=lambda: dict(INTRADAY_LAST_ROWS))


def default_selection() -> Selection:
    """What the reports use: the universe's tickers plus EXTRA_TICKERS, SERIES and TABLES."""
    tickers = dict.fromkeys([*load_universe().index, *EXTRA_TICKERS])
    return Selection(tickers=tuple(tickers))
