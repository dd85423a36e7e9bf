"""Notional buying: weekly dollar volume of a group of stocks and how it ranks over a decade."""

from __future__ import annotations

import pandas as pd

from techflows.analysis import breadth, weeks
from techflows.data import universe as uni
from techflows.data.source import Source
from techflows.data.sources.base import CONSTITUENTS_PROVIDER
from techflows.errors import DataError, DataUnavailable


def daily_notional(close: pd.DataFrame, volume: pd.DataFrame) -> pd.Series:
    """Daily dollar volume (close x volume) summed over every stock; days without any dropped."""
    common = close.columns.intersection(volume.columns)
    if common.empty:
        raise DataError("weekly_notional: close and volume share no tickers")
    dollars = close[common] * volume[common]
    return dollars.sum(axis=1, min_count=1).dropna()


def weekly_notional(close: pd.DataFrame, volume: pd.DataFrame, week_end: str) -> pd.Series:
    """Weekly dollar volume (daily_notional) summed over every stock, complete weeks only."""
    return weeks.bucket(daily_notional(close, volume), week_end).dropna().rename("notional")


def notional_rank(weekly: pd.Series, years: int = 10) -> pd.DataFrame:
    """Per week: notional, rank in the trailing `years` (1 = largest), z-score vs prior weeks.

    The window is the `years` calendar years ending on (and including) each week. The z-score
    compares a week with the weeks before it in that window. `full_window` says the history
    reaches back the whole window; `is_record` is rank 1 over a full window.
    """
    weekly = weekly.dropna().sort_index()
    window = pd.Timedelta(days=round(365.25 * years))
    rolling = weekly.rolling(window)
    prior = weekly.rolling(window, closed="left")
    rank = rolling.rank(ascending=False, method="min")
    zscore = (weekly - prior.mean()) / prior.std()
    full = pd.Series(weekly.index - weekly.index[0] >= window - pd.Timedelta(days=7), weekly.index)
    table = pd.DataFrame(
        {
            "notional": weekly,
            "rank": rank,
            "window_weeks": rolling.count().astype(int),
            "zscore": zscore,
            "full_window": full,
            "is_record": (rank == 1) & full,
        }
    ).rename_axis("week_end")
    table.attrs["years"] = years
    return table


def longest_window(weekly: pd.Series) -> int:
    """The most years notional_rank can fill a window of over these weeks (0: under a year)."""
    span = weekly.dropna().index
    days = (span.max() - span.min()).days if len(span) else 0
    return max((y for y in range(1, 101) if round(365.25 * y) - 7 <= days), default=0)


def tech_dollar_volume(src: Source) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Closes and volumes of US tech: S&P 500 IT stocks, else tech ETFs, else ^IXIC.

    Returns (close, volume, label) where label says which group was used.
    """
    try:
        close = breadth.sector_close(src)
        volume = src.constituent_volume(close.columns)
        label = f"{close.shape[1]} S&P 500 Information Technology stocks (current members)"
        return close, volume, label
    except DataUnavailable:
        pass  # no IT constituents: fall back to tech ETFs, then ^IXIC
    funds = src.bars(uni.tickers(src.universe, group="tech_etf"))
    with_volume = {t: b for t, b in funds.items() if "Volume" in b and b["Volume"].gt(0).any()}
    if not with_volume:
        with_volume = {t: b for t, b in src.bars(["^IXIC"]).items() if "Volume" in b}
        if not with_volume:
            what = "Volumes of tech stocks, tech ETFs or ^IXIC"
            raise DataUnavailable(what, src.name, CONSTITUENTS_PROVIDER)
        # Index level x shares traded: proportional to dollar volume, not dollars.
        label = "NASDAQ Composite (^IXIC) level x volume (a proxy, not dollars)"
    else:
        label = f"tech ETFs with volume: {', '.join(with_volume)}"
    close = pd.DataFrame({t: b["Close"] for t, b in with_volume.items()})
    volume = pd.DataFrame({t: b["Volume"] for t, b in with_volume.items()})
    return close, volume, label


def weekly_tech_notional(src: Source, week_end: str) -> tuple[pd.Series, str]:
    """Complete weeks of US tech dollar volume (see tech_dollar_volume) and the group's label."""
    close, volume, label = tech_dollar_volume(src)
    return weekly_notional(close, volume, week_end), label


def with_moves(ranked: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """notional_rank with each week's price move beside it (rates.weekly_moves, decimal).

    Dollar volume counts every trade, bought or sold: a record week that fell in price was a
    week of heavy selling as much as buying. Columns added: tech_return, market_return,
    tech_vs_market; attrs: tech, market.
    """
    renamed = moves[["tech", "market", "tech_vs_market"]].rename(
        columns={"tech": "tech_return", "market": "market_return"}
    )
    out = ranked.join(renamed)
    out.attrs.update(moves.attrs)
    return out


def move_text(row: pd.Series, tech: str, market: str) -> str:
    """'XLK -7.4% (-6.1% vs SPY)' for one week of with_moves."""
    if pd.isna(row.get("tech_return")):
        return f"{tech} move not available"
    return f"{tech} {row['tech_return']:+.1%} ({row['tech_vs_market']:+.1%} vs {market})"


def latest_record_week(ranked: pd.DataFrame) -> str:
    """The last week of notional_rank that is a record (YYYY-MM-DD), or "none"."""
    records = ranked.index[ranked["is_record"]]
    return str(records[-1].date()) if len(records) else "none"
