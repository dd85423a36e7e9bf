"""Flows implied by shares outstanding: change in share count x price, with quality flags.

The computation is the data layer's (techflows.data.implied), the one a source without a flow
table serves its flows by; this module compares them with reported flows and sums weeks.
"""

from __future__ import annotations

import pandas as pd

from techflows.analysis import weeks
from techflows.analysis.flows import weekly_by_fund
from techflows.data import implied
from techflows.data.source import Source

FLAGS = implied.FLAGS
FUND_GROUPS = implied.FUND_GROUPS
funds = implied.funds
implied_flows = implied.implied_flows


def usable(flagged: pd.DataFrame) -> pd.DataFrame:
    """The quality-ok implied flows in the long flows layout (date, ticker, flow_usd)."""
    return implied.daily_flows(flagged).dropna(subset=["flow_usd"]).reset_index(drop=True)


def against_reported(flagged: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Implied next to reported flows on the days and funds both have.

    Empty when `flows` are themselves implied (a source without a flow table).
    """
    columns = ["date", "ticker", "implied_flow_usd", "flow_usd", "difference_usd", "quality"]
    if str(flows.attrs.get("origin", "")).startswith("implied"):
        return pd.DataFrame(columns=columns)
    both = flagged.merge(flows, on=["date", "ticker"], how="inner")
    both["difference_usd"] = both["implied_flow_usd"] - both["flow_usd"]
    return both[columns]


def from_source(src: Source, jump: float = implied.JUMP) -> pd.DataFrame:
    """Implied flows of the universe's funds from the source's share counts (up to as_of).

    The funds are named: a live source cannot list "every fund it has".
    """
    return src.implied_flows(jump)


def latest_week(flagged: pd.DataFrame, week_end: str = weeks.DEFAULT) -> pd.Series:
    """Usable implied flows per fund summed over the last complete week, largest first."""
    ok = usable(flagged)
    if ok.empty:
        return pd.Series(dtype=float, name="flow_usd")
    weekly = weekly_by_fund(ok, week_end)
    if weekly.empty:
        return pd.Series(dtype=float, name="flow_usd")
    last = weekly[(weekly["week_end"] == weekly["week_end"].max()) & (weekly["days"] > 0)]
    return last.set_index("ticker")["flow_usd"].sort_values(ascending=False)


def relative_gap(both: pd.DataFrame) -> pd.Series:
    """|implied - reported| / |reported| on the quality-ok rows of against_reported.

    Reported flows are floored at 1 USD so a zero flow does not divide by zero.
    """
    ok = both[both["quality"] == "ok"]
    return (ok["difference_usd"].abs() / ok["flow_usd"].abs().clip(lower=1)).rename("gap")
