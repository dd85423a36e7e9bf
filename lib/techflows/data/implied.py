"""Fund flows implied by shares outstanding: the change in a fund's share count times its price.

A fund creates shares when money comes in and redeems them when it goes out, so the day's
change in shares outstanding times the day's price is its net flow. This is how a source
without a flow table (Yahoo Finance) still answers "is money coming back?". It differs from
EPFR or ICI fund flows: ETFs only (no mutual funds), share counts as Yahoo reports them (late
or glitchy some days: flagged and left out), valued at the day's close rather than NAV.

Each day is flagged where its number cannot be trusted: first (no earlier count), gap (a
session of the exchange calendar has no count, so the change spans several days; holidays
are not gaps), jump (the count moved more than `jump` in a day: usually a data error or a
split), no_price. Only "ok" days are flows; the others are days not reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from techflows.data import market_calendar
from techflows.data.universe import tickers
from techflows.errors import DataError

FLAGS = ("first", "gap", "jump", "no_price")
JUMP = 0.10
# The funds whose share counts imply flows: the universe's equity ETFs (indices have no shares).
FUND_GROUPS = ("tech_etf", "sector_etf", "benchmark")
LABEL = "implied from shares outstanding × price ({origin})"


def label(origin: str) -> str:
    """How implied flows are labelled wherever they are shown."""
    return LABEL.format(origin=origin)


def funds(universe: pd.DataFrame) -> list[str]:
    """The universe's funds of FUND_GROUPS, in file order."""
    listed = [t for group in FUND_GROUPS for t in tickers(universe, group=group)]
    return [t for t in listed if not t.startswith("^")]


def _close_asof(rows: pd.DataFrame, prices: pd.DataFrame) -> pd.Series:
    """Each row's ticker's last close on or before its date (NaN without one)."""
    long = prices.rename_axis(index="date", columns=None).reset_index()
    long = long.melt(id_vars="date", var_name="ticker", value_name="close").dropna()
    keys = rows[["date", "ticker"]].assign(row=np.arange(len(rows)))
    for frame in (long, keys):
        frame["date"] = frame["date"].astype("datetime64[ns]")
        frame["ticker"] = frame["ticker"].astype(str)
    merged = pd.merge_asof(
        keys.sort_values("date"), long.sort_values("date"), on="date", by="ticker"
    )
    return pd.Series(merged.set_index("row")["close"].sort_index().to_numpy(), index=rows.index)


def implied_flows(
    shares: pd.DataFrame, prices: pd.DataFrame | None = None, jump: float = JUMP
) -> pd.DataFrame:
    """Per fund and date: Δshares x price, flagged where the number cannot be trusted.

    shares: long date, ticker, shares[, price]. A missing price is taken from `prices` (wide
    closes) when given. quality is "ok" or the flags joined by commas.
    """
    if shares.empty:
        raise DataError("shares outstanding: no rows")
    out = shares.sort_values(["ticker", "date"]).reset_index(drop=True).copy()
    if "price" not in out:
        out["price"] = np.nan
    out["price"] = out["price"].astype(float)
    if prices is not None and not prices.empty:
        out["price"] = out["price"].fillna(_close_asof(out, prices))
    by_fund = out.groupby("ticker")
    out["prev_date"] = by_fund["date"].shift()
    out["prev_shares"] = by_fund["shares"].shift()
    out["d_shares"] = out["shares"] - out["prev_shares"]
    out["implied_flow_usd"] = out["d_shares"] * out["price"]
    out["first"] = out["prev_shares"].isna()
    known = ~out["first"]
    skipped = np.zeros(len(out), dtype=int)
    skipped[known] = market_calendar.sessions_between(
        out.loc[known, "prev_date"], out.loc[known, "date"]
    )
    out["gap"] = skipped > 0
    out["jump"] = (out["d_shares"].abs() / out["prev_shares"]).gt(jump)
    out["no_price"] = out["price"].isna()
    out["quality"] = [
        ",".join(f for f in FLAGS if row[f]) or "ok" for row in out[list(FLAGS)].to_dict("records")
    ]
    columns = ["date", "ticker", "shares", "prev_shares", "d_shares", "price", "implied_flow_usd"]
    return out[[*columns, *FLAGS, "quality"]]


def daily_flows(implied: pd.DataFrame) -> pd.DataFrame:
    """implied_flows as a flow table: date, ticker, flow_usd; a flagged day is blank (not
    reported), as a vendor's file leaves a day blank."""
    table = implied[["date", "ticker"]].copy()
    table["flow_usd"] = implied["implied_flow_usd"].where(implied["quality"] == "ok")
    return table.sort_values(["date", "ticker"]).reset_index(drop=True)
