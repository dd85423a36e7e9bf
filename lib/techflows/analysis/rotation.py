"""Rotation and crowding: flow z-scores per fund, tech against cyclicals, segments inside tech."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from techflows.analysis import flows, weeks
from techflows.data.source import Source
from techflows.data.sources.base import FLOWS_PROVIDER, LATER_PROVIDER, PRICES_PROVIDER
from techflows.errors import DataError, DataUnavailable

SEGMENT_GROUPS = ("tech_etf", "mega_cap")
FLOW_GROUPS = ("tech_etf", "sector_etf")


def weekly_flows(src: Source, week_end: str = weeks.DEFAULT, min_days: int = 3) -> pd.DataFrame:
    """Net flows per complete week and fund (USD, wide); NaN where a fund reported < min_days."""
    daily = src.flows()
    if daily.empty:
        raise DataUnavailable("Fund flows", src.name, "a csv folder with flows/etf_flows.csv")
    by_fund = flows.weekly_by_fund(daily, week_end, flows.sessions(src))
    weekly = by_fund.pivot(index="week_end", columns="ticker", values="flow_usd")
    days = by_fund.pivot(index="week_end", columns="ticker", values="days")
    short = weekly.notna() & (days < min_days)
    weekly = weekly.mask(short)
    weekly.attrs.update(
        {
            "source": src.name,
            "first_day": daily["date"].min(),
            "last_day": daily["date"].max(),
            "min_days": min_days,
            "fund_weeks_dropped": int(short.to_numpy().sum()),
        }
    )
    return weekly.rename_axis(index="week", columns="ticker")


def max_attainable_z(n: int) -> float:
    """Largest z-score one of n values can reach against their own mean and sd: (n-1)/sqrt(n)."""
    return (n - 1) / math.sqrt(n) if n > 1 else float("nan")


def flow_zscores(weekly: pd.DataFrame) -> pd.DataFrame:
    """Each fund's weekly flow as a z-score against its own weeks.

    Long columns: week, ticker, flow_usd, z (vs the mean and sd of all its weeks), z_others
    (vs the mean and sd of its other weeks, which is not capped by the sample size), n_weeks.
    """
    frames = []
    for ticker, fund in weekly.items():
        fund = fund.dropna()
        n = len(fund)
        if n < 3:
            continue
        mean, sd = fund.mean(), fund.std()
        # each week against the mean and sd of the fund's other weeks, all weeks at once
        others_mean = (fund.sum() - fund) / (n - 1)
        squares = (fund**2).sum() - fund**2
        others_var = (squares - (n - 1) * others_mean**2) / (n - 2)
        others_sd = np.sqrt(others_var.clip(lower=0))
        frames.append(
            pd.DataFrame(
                {
                    "week": fund.index,
                    "ticker": ticker,
                    "flow_usd": fund.to_numpy(),
                    "z": (fund - mean) / sd if sd > 0 else np.nan,
                    "z_others": ((fund - others_mean) / others_sd).where(others_sd > 0),
                    "n_weeks": n,
                }
            )
        )
    if not frames:  # flows that start a week or two before the as-of date
        most = int(weekly.notna().sum().max()) if weekly.shape[1] else 0
        first, last = weekly.attrs.get("first_day"), weekly.attrs.get("last_day")
        span = (
            f" ({pd.Timestamp(first).date()} to {pd.Timestamp(last).date()})"
            if first is not None and last is not None
            else ""
        )
        raise DataUnavailable(
            "Weekly flow z-scores of the funds",
            weekly.attrs.get("source", "given"),
            f"{LATER_PROVIDER}, or {FLOWS_PROVIDER} over a longer span",
            note=f"at most {most} whole weeks per fund{span}; a z-score needs three",
        )
    return pd.concat(frames, ignore_index=True)


def flow_z_summary(zscores: pd.DataFrame, universe: pd.DataFrame) -> pd.DataFrame:
    """Per sector and tech fund: weeks of history, total flow, the peak week and its z-scores."""
    keep = universe.index[universe["group"].isin(FLOW_GROUPS)]
    rows = []
    for ticker, group in zscores[zscores["ticker"].isin(keep)].groupby("ticker"):
        peak = group.loc[group["z"].idxmax()]
        last = group.loc[group["week"].idxmax()]
        rows.append(
            {
                "ticker": ticker,
                "segment": universe.loc[ticker, "segment"],
                "n_weeks": int(peak["n_weeks"]),
                "total_flow_usd": group["flow_usd"].sum(),
                "peak_week": peak["week"],
                "peak_flow_usd": peak["flow_usd"],
                "peak_z": peak["z"],
                "peak_z_others": peak["z_others"],
                "z_cap": max_attainable_z(int(peak["n_weeks"])),
                "last_week": last["week"],
                "last_z": last["z"],
            }
        )
    if not rows:
        raise DataError("weekly flows: no sector or tech fund of the universe has flows")
    return pd.DataFrame(rows).sort_values("peak_z", ascending=False).reset_index(drop=True)


def year_start(src: Source) -> pd.Timestamp:
    """The last trading day of the year before the as-of date (the base of year-to-date)."""
    market = src.close([src.market_ticker])[src.market_ticker].dropna()
    jan1 = pd.Timestamp(year=market.index[-1].year, month=1, day=1)
    before = market.index[market.index < jan1]
    return before[-1] if len(before) else market.index[0]


def relative_strength(
    src: Source, base: str, others: list[str], start: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Price ratio base/other for each other ticker, 1.0 at the start date (default: year start)."""
    start = start or year_start(src)
    wanted = [base, *others]
    have = src.available(wanted)
    if base not in have or len(have) < 2:
        missing = [t for t in wanted if t not in have]
        raise DataUnavailable(f"Prices for {', '.join(missing)}", src.name, PRICES_PROVIDER)
    closes = src.close(have)[have].ffill().loc[start:]
    if closes.empty:
        raise DataError(f"relative strength: no prices on or after {start.date()}")
    ratios = {f"{base}/{t}": closes[base] / closes[t] for t in have[1:]}
    frame = pd.DataFrame(ratios).dropna()
    return frame / frame.iloc[0]


def segment_paths(src: Source, start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Each tech fund's and mega-cap's price relative to the market, 1.0 at the start date.

    Columns: tickers; attrs: start, market, and segment (ticker -> segment).
    """
    start = start or year_start(src)
    universe = src.universe
    candidates = universe.index[universe["group"].isin(SEGMENT_GROUPS)].tolist()
    market = src.market_ticker
    have = [t for t in src.available(candidates) if t != market]
    if not have:
        raise DataUnavailable(
            "Prices of tech segment funds and mega-caps", src.name, PRICES_PROVIDER
        )
    closes = src.close([*have, market]).ffill().loc[start:]
    based = closes.loc[:, closes.iloc[0].notna()]
    relative = based.drop(columns=market).div(based[market], axis=0)
    relative = relative / relative.iloc[0]
    relative.attrs.update(
        {
            "start": start,
            "market": market,
            "segment": universe.loc[relative.columns, "segment"].to_dict(),
        }
    )
    return relative


def segment_table(paths: pd.DataFrame) -> pd.DataFrame:
    """Per segment: funds, mean/best/worst relative return since the start (decimal)."""
    last = paths.ffill().iloc[-1] - 1
    frame = pd.DataFrame({"relative": last, "segment": pd.Series(paths.attrs["segment"])})
    rows = []
    for segment, group in frame.groupby("segment"):
        best, worst = group["relative"].idxmax(), group["relative"].idxmin()
        rows.append(
            {
                "segment": segment,
                "funds": len(group),
                "mean_relative": group["relative"].mean(),
                "best": f"{best} {group['relative'][best]:+.1%}",
                "worst": f"{worst} {group['relative'][worst]:+.1%}",
            }
        )
    table = pd.DataFrame(rows).sort_values("mean_relative", ascending=False)
    return table.reset_index(drop=True)


def segment_means(paths: pd.DataFrame) -> pd.DataFrame:
    """Equal-weighted mean relative path per segment (1.0 at the start)."""
    segments = pd.Series(paths.attrs["segment"])
    return paths.T.groupby(segments).mean().T.rename_axis(columns="segment")
