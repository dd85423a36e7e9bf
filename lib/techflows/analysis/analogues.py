"""Historical analogues: the big tech drawdowns, what followed drawdowns as deep as today's, and
the recovery legs seed 002 cites, with real yields beside them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from techflows.analysis import drawdowns
from techflows.data.source import Source
from techflows.data.sources.base import PRICES_PROVIDER, SERIES_PROVIDER
from techflows.errors import DataUnavailable
from techflows.stats import intervals

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
# The depths a drawdown can go on to; the question asks about the first beyond today's.
DEEPER_LEVELS = (0.20, 0.30, 0.50)
MIN_DEPTH = 0.05  # shallower dips are routine: the conditional question starts at -5%
FORWARD_SESSIONS = {"6m": 126, "12m": 252}
# Seed 002's recovery legs: each window's lowest close to its highest close after it.
RECOVERY_LEGS = (
    ("post-dot-com recovery (2002-07)", "2002-01-01", "2007-12-31"),
    ("post-2018 recovery (2018-19)", "2018-10-01", "2019-12-31"),
)
LEG_YIELDS = {"DFII10": "10y real yield (TIPS)", "DGS10": "10y nominal yield"}


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


def place_today(close: pd.Series) -> dict[str, object]:
    """Today's drawdown and the depth its episode already reached (its trough so far).

    Keys: drawdowns.current's, plus days_since_peak, trough, reached (the trough's depth,
    negative), asked (the depth the conditional question starts from: reached, at least
    MIN_DEPTH deep), deeper (the first of DEEPER_LEVELS beyond it, negative), since,
    comparable (the trough so far is at least MIN_DEPTH deep: past drawdowns can be matched
    to today's) and rebounded (today's close is above that trough).
    """
    close = close.dropna()
    now = drawdowns.current(close)
    since_peak = close.loc[now["peak"] :]
    reached = float(since_peak.min() / now["peak_close"] - 1)
    asked = min(reached, -MIN_DEPTH)
    # A mark already reached (to rounding) is not the next one.
    deeper = next((-level for level in DEEPER_LEVELS if -level < asked - 1e-9), asked)
    return {
        **now,
        "days_since_peak": (now["date"] - now["peak"]).days,
        "trough": since_peak.idxmin(),
        "reached": reached,
        "asked": asked,
        "deeper": deeper,
        "since": close.index[0],
        "comparable": reached <= -MIN_DEPTH + 1e-9,
        "rebounded": now["depth"] > reached + 1e-9,
    }


def after_reaching(
    close: pd.Series,
    depth: float,
    deeper: float,
    forward: dict[str, int] = FORWARD_SESSIONS,
    back_to: float | None = None,
) -> pd.DataFrame:
    """Every past drawdown that reached `depth` (negative fraction): what happened next.

    One row per recovered episode (drawdowns.episodes) at least that deep; the running,
    unrecovered one is today's and left out. With back_to (today's depth, above `depth`),
    an episode must also have come back to it after reaching `depth` and before `deeper`:
    the state today is in. Columns: peak, reached (first close at or below the peak x
    (1 + depth)), matched (the day it stood where today stands: reached, or the first close
    back at back_to), depth (the episode's deepest), went_deeper (reached `deeper` after
    matched), deeper_date, days_to_deeper (calendar days from matched), recovery, and per
    forward window the price return from the matched close over that many sessions (NaN when
    the data end first).
    """
    close = close.dropna()
    past = drawdowns.episodes(close, min_depth=-depth)
    past = past[past["recovered"]]
    rows = []
    for episode in past.itertuples():
        path = close.loc[episode.peak : episode.recovery] / episode.peak_close - 1
        reached = path.index[path.le(depth).to_numpy().argmax()]
        matched = reached
        if back_to is not None:
            back = path.loc[reached:].ge(back_to)
            matched = back.index[back.to_numpy().argmax()]
            if path.loc[:matched].le(deeper).any():
                continue  # it went deeper before it stood where today stands
        deep = path.loc[matched:].le(deeper)
        deeper_date = deep.index[deep.to_numpy().argmax()] if deep.any() else pd.NaT
        at = close.index.get_loc(matched)
        row = {
            "peak": episode.peak,
            "reached": reached,
            "matched": matched,
            "depth": episode.depth,
            "went_deeper": bool(deep.any()),
            "deeper_date": deeper_date,
            "days_to_deeper": (deeper_date - matched).days if deep.any() else np.nan,
            "recovery": episode.recovery,
        }
        for name, sessions in forward.items():
            later = at + sessions
            row[f"return_{name}"] = (
                close.iloc[later] / close.iloc[at] - 1 if later < len(close) else np.nan
            )
        rows.append(row)
    columns = ["peak", "reached", "matched", "depth", "went_deeper", "deeper_date"]
    columns += ["days_to_deeper", "recovery", *(f"return_{name}" for name in forward)]
    table = pd.DataFrame(rows, columns=columns)
    table.attrs.update({"depth": depth, "deeper": deeper, "back_to": back_to})
    return table


def after_today(
    close: pd.Series, now: dict[str, object], forward: dict[str, int] = FORWARD_SESSIONS
) -> pd.DataFrame:
    """The past drawdowns that stood where today's stands (place_today): they reached today's
    trough so far and, when today has rebounded from it, came back to today's depth before
    going deeper. Empty when today's fall is not yet MIN_DEPTH deep: nothing compares."""
    if not now["comparable"]:
        return after_reaching(close.iloc[:0], now["asked"], now["deeper"], forward)
    back_to = now["depth"] if now["rebounded"] else None
    return after_reaching(close, now["asked"], now["deeper"], forward, back_to)


def conditional_summary(table: pd.DataFrame) -> dict[str, object]:
    """Counts and medians of after_reaching: how many went deeper (a share with its exact
    interval, intervals.share), how fast, and what followed (each median with its
    order-statistic interval, intervals.median_interval)."""
    deeper = table[table["went_deeper"].astype(bool)]  # no episode: an empty, untyped column
    out: dict[str, object] = {
        "episodes": len(table),
        "went_deeper": len(deeper),
        "share": intervals.share(len(deeper), len(table)),
        "median_days_to_deeper": float(deeper["days_to_deeper"].median()),
    }
    for column in [c for c in table.columns if c.startswith("return_")]:
        known = table[column].dropna()
        name = column.removeprefix("return_")
        out[f"n_{name}"] = len(known)
        out[f"median_{name}"] = float(known.median()) if len(known) else np.nan
        out[f"interval_{name}"] = intervals.median_interval(known)  # (low, high, coverage)
        out[f"positive_{name}"] = float((known > 0).mean()) if len(known) else np.nan
    return out


def leg_yields(src: Source) -> pd.DataFrame:
    """Daily 10-year real (DFII10, from 2003) and nominal (DGS10) yields the source has, in %."""
    try:
        found = src.series(list(LEG_YIELDS)).dropna(how="all")
    except DataUnavailable:
        raise DataUnavailable(
            "10-year real and nominal yields (DFII10, DGS10)", src.name, SERIES_PROVIDER
        ) from None
    return found


def recovery_legs(
    close: pd.Series,
    market: pd.Series,
    yields: pd.DataFrame | None = None,
    legs: tuple[tuple[str, str, str], ...] = RECOVERY_LEGS,
) -> pd.DataFrame:
    """Each leg: the window's lowest close to its highest close after it; tech's and the market's
    return over it, and each yield at the start, at the end and its change (pp).

    A leg whose window the data do not cover to its end is left out. A yield starting after the
    trough (DFII10 starts in 2003) is read from its first observation, dated in `<id>_from`.
    """
    close, market = close.dropna(), market.dropna()
    rows = []
    for name, start, end in legs:
        window = close.loc[start:end]
        if (
            window.empty
            or close.index[0] > pd.Timestamp(start)
            or close.index[-1] < pd.Timestamp(end)
        ):
            continue
        trough = window.idxmin()
        top = window.loc[trough:].idxmax()
        years = (top - trough).days / 365.25
        tech = float(window[top] / window[trough] - 1)
        row: dict[str, object] = {
            "leg": name,
            "start": trough,
            "end": top,
            "years": years,
            "tech_return": tech,
            "tech_annualised": (1 + tech) ** (1 / years) - 1 if years > 0 else np.nan,
            "market": market.name,
            "market_return": float(market.asof(top) / market.asof(trough) - 1),
        }
        for sid in [] if yields is None else yields.columns:
            level = yields[sid].dropna()
            first = level.index[0] if len(level) else pd.NaT
            at_start = level.asof(max(trough, first)) if len(level) else np.nan
            at_end = level.asof(top) if len(level) and top >= first else np.nan
            row[f"{sid}_start"] = at_start
            row[f"{sid}_end"] = at_end
            row[f"{sid}_change"] = at_end - at_start
            row[f"{sid}_from"] = max(trough, first) if len(level) else pd.NaT
        rows.append(row)
    table = pd.DataFrame(rows)
    if not table.empty:
        table["relative_return"] = table["tech_return"] - table["market_return"]
    return table


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


def recovery_leg_tables(
    histories: dict[str, pd.Series], market: pd.Series, yields: pd.DataFrame | None = None
) -> pd.DataFrame:
    """recovery_legs of each history (tech_histories), stacked, with a ticker column."""
    parts = [recovery_legs(c, market, yields).assign(ticker=t) for t, c in histories.items()]
    return pd.concat(parts, ignore_index=True)
