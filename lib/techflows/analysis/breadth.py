"""Tech market internals from constituent prices: 52-week highs, advancers and decliners."""

from __future__ import annotations

import pandas as pd

from techflows.analysis import weeks
from techflows.analysis.markets import high_52w, last_years
from techflows.data.source import Source
from techflows.data.sources.base import CONSTITUENTS_PROVIDER, LATER_PROVIDER
from techflows.errors import DataUnavailable

IT_SECTOR = "Information Technology"


def sector_close(src: Source, sector: str = IT_SECTOR) -> pd.DataFrame:
    """Closes of the index members in one GICS sector (current membership)."""
    symbols = src.sector_members(sector)
    close = src.constituent_close(symbols) if symbols else pd.DataFrame()
    if close.empty:
        # Members are today's list: before their prices start (2010 on the snapshot) say so.
        note = (
            f"none priced up to the as-of date {src.as_of.date()}"
            if symbols and src.as_of is not None
            else ""
        )
        raise DataUnavailable(
            f"Prices of {sector} constituents", src.name, CONSTITUENTS_PROVIDER, note=note
        )
    return close


def daily_internals(close: pd.DataFrame) -> pd.DataFrame:
    """Per day: members with a full window, how many close at a 52-week high, advancers, decliners.

    A stock is at a 52-week high when its close equals markets.high_52w (today included);
    stocks with less than 52 weeks of history are left out of that count. A stock advances
    (declines) when its close is above (below) its previous row's close.
    """
    high = high_52w(close)
    counted = high.notna() & close.notna()
    at_high = (close >= high) & counted
    change = close.diff()
    out = pd.DataFrame(
        {
            "members": counted.sum(axis=1),
            "at_high": at_high.sum(axis=1),
            "advancers": (change > 0).sum(axis=1),
            "decliners": (change < 0).sum(axis=1),
            "unchanged": (change == 0).sum(axis=1),
        }
    )
    out["share_at_high"] = out["at_high"] / out["members"].where(out["members"] > 0)
    return out.iloc[1:].rename_axis("Date")


def sector_internals(src: Source, sector: str = IT_SECTOR) -> pd.DataFrame:
    """daily_internals of one GICS sector's index members (current membership); attrs: the
    sector, the source's name, the members' first and last close."""
    close = sector_close(src, sector)
    daily = daily_internals(close)
    daily.attrs.update(
        {"sector": sector, "source": src.name, "first": close.index[0], "end": close.index[-1]}
    )
    return daily


def share_at_highs(daily: pd.DataFrame, days: int = 10) -> pd.Series:
    """Share of members at a 52-week high (percent), averaged over the last `days` sessions.

    DataUnavailable when no day has one: no member has 52 weeks of closes yet (the snapshot's
    members are priced from 2010-01-04, so not before 2011)."""
    share = daily["share_at_high"].rolling(days, min_periods=days).mean()
    if share.isna().all():
        raise no_highs(daily)
    return (100 * share).rename("share_at_high_pct")


def no_highs(daily: pd.DataFrame) -> DataUnavailable:
    """The gap of a share at 52-week highs before a year of member prices (sector_internals'
    attrs name the source and the dates)."""
    attrs = daily.attrs
    first, end = attrs.get("first"), attrs.get("end")
    note = ""
    if first is not None and end is not None:
        note = (
            f"their prices start {pd.Timestamp(first).date()}: no member has 52 weeks of closes "
            f"by {pd.Timestamp(end).date()}"
        )
    return DataUnavailable(
        f"52-week highs of {attrs.get('sector', IT_SECTOR)} constituents",
        attrs.get("source", "given"),
        f"{LATER_PROVIDER}, or a csv folder with longer member price histories "
        "(constituents/prices/)",
        note=note,
    )


def advance_decline_ratio(daily: pd.DataFrame, days: int = 20) -> pd.Series:
    """Advancers over decliners, both summed over the last `days` sessions."""
    advancers = daily["advancers"].rolling(days, min_periods=days).sum()
    decliners = daily["decliners"].rolling(days, min_periods=days).sum()
    return (advancers / decliners.where(decliners > 0)).rename("adv_dec_ratio")


def weekly_internals(
    daily: pd.DataFrame, week_end: str = weeks.DEFAULT, years: int | None = None
) -> pd.DataFrame:
    """Weekly: mean daily share at 52-week highs (percent), advancers, decliners and their ratio.

    Complete weeks only; with years, only the last `years` years.
    """
    out = pd.DataFrame(
        {
            "share_at_high_pct": 100 * weeks.bucket(daily["share_at_high"], week_end, "mean"),
            "advancers": weeks.bucket(daily["advancers"], week_end),
            "decliners": weeks.bucket(daily["decliners"], week_end),
        }
    ).dropna(subset=["advancers"])
    out["adv_dec_ratio"] = out["advancers"] / out["decliners"].where(out["decliners"] > 0)
    return last_years(out, years).rename_axis("week_end")
