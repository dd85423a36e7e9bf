"""Flows implied by shares outstanding: change in share count x price, with quality flags."""

from __future__ import annotations

import numpy as np
import pandas as pd

from techflows.analysis import weeks
from techflows.analysis.flows import weekly_by_fund
from techflows.data.source import Source
from techflows.data.sources.base import SHARES_PROVIDER
from techflows.data.universe import tickers
from techflows.errors import DataError, DataUnavailable

FLAGS = ("first", "gap", "jump", "no_price")
# The funds whose share counts imply flows: the universe's equity ETFs (indices have no shares).
FUND_GROUPS = ("tech_etf", "sector_etf", "benchmark")


def funds(universe: pd.DataFrame) -> list[str]:
    """The universe's funds of FUND_GROUPS, in file order."""
    listed = [t for group in FUND_GROUPS for t in tickers(universe, group=group)]
    return [t for t in listed if not t.startswith("^")]


def implied_flows(
    shares: pd.DataFrame,
    prices: pd.DataFrame | None = None,
    jump: float = 0.10,
) -> pd.DataFrame:
    """Per fund and date: Δshares x price, flagged where the number cannot be trusted.

    shares: long date, ticker, shares[, price]. A missing price is taken from `prices` (wide
    closes) when given. Flags: first (no prior count), gap (business days missing between
    this count and the prior one), jump (|Δshares| / prior shares above `jump`), no_price.
    quality is "ok" or the flags joined by commas; only "ok" rows are usable as flows.
    """
    if shares.empty:
        raise DataError("shares outstanding: no rows")
    out = shares.sort_values(["ticker", "date"]).reset_index(drop=True).copy()
    if "price" not in out:
        out["price"] = np.nan
    if prices is not None:
        out["price"] = out["price"].fillna(_close_asof(out, prices))
    by_fund = out.groupby("ticker")
    out["prev_date"] = by_fund["date"].shift()
    out["prev_shares"] = by_fund["shares"].shift()
    out["d_shares"] = out["shares"] - out["prev_shares"]
    out["implied_flow_usd"] = out["d_shares"] * out["price"]
    out["first"] = out["prev_shares"].isna()
    known = ~out["first"]
    skipped = np.zeros(len(out), dtype=int)
    skipped[known] = np.busday_count(
        out.loc[known, "prev_date"].to_numpy().astype("datetime64[D]"),
        out.loc[known, "date"].to_numpy().astype("datetime64[D]"),
    )
    # busday_count counts the prior date itself when it is a weekday: >1 means a day is missing.
    out["gap"] = skipped > 1
    out["jump"] = (out["d_shares"].abs() / out["prev_shares"]).gt(jump)
    out["no_price"] = out["price"].isna()
    out["quality"] = [
        ",".join(f for f in FLAGS if row[f]) or "ok" for row in out[list(FLAGS)].to_dict("records")
    ]
    columns = ["date", "ticker", "shares", "prev_shares", "d_shares", "price", "implied_flow_usd"]
    return out[[*columns, *FLAGS, "quality"]]


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


def usable(implied: pd.DataFrame) -> pd.DataFrame:
    """The quality-ok implied flows in the long flows layout (date, ticker, flow_usd)."""
    ok = implied[implied["quality"] == "ok"]
    return ok[["date", "ticker", "implied_flow_usd"]].rename(
        columns={"implied_flow_usd": "flow_usd"}
    )


def against_reported(implied: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Implied next to reported flows on the days and funds both have."""
    both = implied.merge(flows, on=["date", "ticker"], how="inner")
    both["difference_usd"] = both["implied_flow_usd"] - both["flow_usd"]
    return both[["date", "ticker", "implied_flow_usd", "flow_usd", "difference_usd", "quality"]]


def from_source(src: Source, jump: float = 0.10) -> pd.DataFrame:
    """Implied flows of the universe's funds from the source's share counts; prices fill gaps.

    The funds are named: a live source cannot list "every fund it has".
    """
    names = funds(src.universe)
    shares = src.shares(names)
    if shares.empty:  # the source has counts, none of these funds' up to as_of
        what = f"Shares outstanding of the {len(names)} universe funds up to {src.end.date()}"
        raise DataUnavailable(what, src.name, SHARES_PROVIDER)
    have = src.available(shares["ticker"].unique())
    return implied_flows(shares, src.close(have) if have else None, jump)


def latest_week(implied: pd.DataFrame, week_end: str = weeks.DEFAULT) -> pd.Series:
    """Usable implied flows per fund summed over the last complete week, largest first."""
    ok = usable(implied)
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
