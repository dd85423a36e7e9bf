"""Historical analogues: the big tech drawdowns, and today's drawdown placed among them."""

from __future__ import annotations

import pandas as pd

from techflows.analysis import drawdowns
from techflows.data.source import Source
from techflows.data.sources.base import PRICES_PROVIDER
from techflows.errors import DataUnavailable

HISTORY_CANDIDATES = ("^IXIC", "XLK", "IYW")
# Each era is searched for its deepest episode whose peak falls between the two dates.
ERAS = (
    ("dot-com bust", "1999-01-01", "2002-12-31"),
    ("financial crisis", "2007-01-01", "2009-03-31"),
    ("2018 sell-off", "2018-01-01", "2018-12-31"),
    ("2020 Covid crash", "2020-01-01", "2020-03-31"),
    ("2022 rate shock", "2021-07-01", "2022-12-31"),
    ("2025 tariff shock", "2024-12-01", "2025-04-30"),
)
TODAY = "today"


def tech_histories(
    src: Source, candidates: tuple[str, ...] = HISTORY_CANDIDATES, n: int = 2
) -> dict[str, pd.Series]:
    """The n longest tech price histories the source has, longest first."""
    found = src.available(candidates)
    if not found:
        raise DataUnavailable(
            f"Prices for any of {', '.join(candidates)}", src.name, PRICES_PROVIDER
        )
    closes = src.close(found)
    series = {t: closes[t].dropna() for t in found}
    ordered = sorted(series, key=lambda t: series[t].index[0])
    return {t: series[t] for t in ordered[:n]}


def era_episode(close: pd.Series, start: str, end: str) -> pd.Series | None:
    """The deepest drawdown (drawdowns.episodes) peaking between start and end, or None.

    The running peak restarts at `start`, so an era's drawdown is measured from its own high,
    not from an older all-time high (the 2008 NASDAQ never regained its 2000 peak).
    """
    close = close.dropna()
    if close.empty or close.index[0] > pd.Timestamp(end) or close.index[-1] < pd.Timestamp(start):
        return None
    table = drawdowns.episodes(close.loc[start:], min_depth=0.0)
    table = table[table["peak"] <= pd.Timestamp(end)]
    if table.empty:
        return None
    return table.loc[table["depth"].idxmin()]


def today_episode(close: pd.Series) -> pd.Series:
    """Today's drawdown as an episode row: peak, and trough and depth so far; no recovery."""
    now = drawdowns.current(close)
    since = close.dropna().loc[now["peak"] :]
    trough = since.idxmin()
    return pd.Series(
        {
            "peak": now["peak"],
            "peak_close": now["peak_close"],
            "trough": trough,
            "trough_close": float(since[trough]),
            "depth": float(since[trough] / now["peak_close"] - 1),
            "recovery": pd.NaT,
            "days_to_trough": (trough - now["peak"]).days,
            "days_to_recover": None,
            "recovered": False,
        }
    )


def analogue_table(
    close: pd.Series, eras: tuple[tuple[str, str, str], ...] = ERAS, today: bool = True
) -> pd.DataFrame:
    """Depth, duration and time to recover of each era's tech drawdown, plus today's."""
    rows = {}
    for name, start, end in eras:
        row = era_episode(close, start, end)
        if row is not None:
            rows[name] = row
    if today:
        rows[TODAY] = today_episode(close)
    table = pd.DataFrame(rows).T.rename_axis("episode").reset_index()
    if table.empty:
        return table
    for column in ("peak", "trough", "recovery"):
        table[column] = pd.to_datetime(table[column])
    for column in ("peak_close", "trough_close", "depth"):
        table[column] = table[column].astype(float)
    table["recovered"] = table["recovered"].astype(bool)
    table["days_to_trough"] = table["days_to_trough"].astype(float)
    table["days_to_recover"] = pd.to_numeric(table["days_to_recover"]).astype(float)
    table["peak_to_recovery_days"] = (table["recovery"] - table["peak"]).dt.days.astype(float)
    return table


def place_today(close: pd.Series, min_depth: float = 0.10) -> dict[str, object]:
    """Today's drawdown against every past episode at least min_depth deep in this history."""
    now = drawdowns.current(close)
    past = drawdowns.episodes(close, min_depth=min_depth)
    past = past[past["recovered"]]
    deeper = past[past["depth"] < now["depth"]]
    return {
        **now,
        "days_since_peak": (now["date"] - now["peak"]).days,
        "episodes": len(past),
        "deeper_episodes": len(deeper),
        "median_depth": float(past["depth"].median()) if len(past) else float("nan"),
        "median_peak_to_recovery_days": float((past["recovery"] - past["peak"]).dt.days.median())
        if len(past)
        else float("nan"),
        "since": close.dropna().index[0],
    }


def aligned_paths(close: pd.Series, table: pd.DataFrame, horizon: int = 750) -> pd.DataFrame:
    """Each episode's drawdown from its peak by trading day since the peak, up to its recovery.

    Long frame: episode, day (0 at the peak), drawdown; at most `horizon` days per episode.
    """
    close = close.dropna()
    parts = []
    for _, row in table.iterrows():
        end = row["recovery"] if pd.notna(row["recovery"]) else close.index[-1]
        path = close.loc[row["peak"] : end].iloc[: horizon + 1] / row["peak_close"] - 1
        parts.append(
            pd.DataFrame(
                {"episode": row["episode"], "day": range(len(path)), "drawdown": path.to_numpy()}
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def analogue_tables(histories: dict[str, pd.Series]) -> pd.DataFrame:
    """analogue_table of each history (tech_histories), stacked, with a ticker column."""
    return pd.concat(
        [analogue_table(close).assign(ticker=t) for t, close in histories.items()],
        ignore_index=True,
    )
