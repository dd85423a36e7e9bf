"""Weekly net fund flows: per fund, per tech / non-tech class, records and year-to-date sums."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from techflows.data.source import Source
from techflows.errors import DataError

CLASSES = ("tech", "non-tech sector", "broad market", "other")
# Sector funds whose holdings are mostly tech platforms (XLC: Alphabet, Meta, Netflix...).
TECH_LIKE_SEGMENTS = ("communication services",)


def classify(
    tickers: Iterable[str],
    universe: pd.DataFrame,
    tech_like: Iterable[str] = TECH_LIKE_SEGMENTS,
) -> pd.DataFrame:
    """Class (tech, non-tech sector, broad market, other) and segment of each fund ticker.

    tech: the universe's tech_etf group plus sector funds in a tech-like segment; non-tech
    sector: the other sector_etf funds; broad market: the benchmark group; anything else,
    including funds missing from the universe (bond, gold, country ETFs), is "other".
    """
    tech_like = set(tech_like)
    rows = []
    for ticker in dict.fromkeys(tickers):
        known = ticker in universe.index
        group = universe.at[ticker, "group"] if known else ""
        segment = universe.at[ticker, "segment"] if known else "not in universe"
        if group == "tech_etf" or (group == "sector_etf" and segment in tech_like):
            kind = "tech"
        elif group == "sector_etf":
            kind = "non-tech sector"
        elif group == "benchmark":
            kind = "broad market"
        else:
            kind = "other"
        name = universe.at[ticker, "name"] if known else ""
        rows.append({"ticker": ticker, "name": name, "class": kind, "segment": segment})
    return pd.DataFrame(rows, columns=["ticker", "name", "class", "segment"]).set_index("ticker")


def weekly_by_fund(
    flows: pd.DataFrame, week_end: str = "W-FRI", through: object = None
) -> pd.DataFrame:
    """Long weekly flows per fund: week_end, ticker, flow_usd (sum of days), days reported.

    With through, weeks ending after it (still in progress on that date) are left out.
    """
    if flows.empty:
        raise DataError("fund flows: no rows to aggregate")
    grouped = flows.groupby([pd.Grouper(key="date", freq=week_end), "ticker"])["flow_usd"]
    weekly = grouped.agg(flow_usd="sum", days="count").reset_index()
    weekly = weekly.rename(columns={"date": "week_end"})
    if through is not None:
        weekly = weekly[weekly["week_end"] <= pd.Timestamp(through)].reset_index(drop=True)
    return weekly


def weekly_by_group(
    weekly_fund: pd.DataFrame, classes: pd.DataFrame | None = None, by: str = "class"
) -> pd.DataFrame:
    """Wide weekly flows: one column per class (or segment), summed over its funds.

    The class/segment comes from `classes` (see classify) or, without it, from weekly_fund.
    """
    labelled = weekly_fund if classes is None else weekly_fund.join(classes[[by]], on="ticker")
    wide = labelled.pivot_table(
        index="week_end", columns=by, values="flow_usd", aggfunc="sum", fill_value=0.0
    )
    if by == "class":
        wide = wide.reindex(columns=[c for c in CLASSES if c in wide.columns])
    return wide.rename_axis(columns=by)


def week_by_segment(weekly_fund: pd.DataFrame, week_end: object) -> pd.DataFrame:
    """One week's flows per class and segment, with the funds that reported."""
    week = weekly_fund[weekly_fund["week_end"] == pd.Timestamp(week_end)]
    if week.empty:
        raise DataError(f"fund flows: no week ending {pd.Timestamp(week_end).date()}")
    table = week.groupby(["class", "segment"], sort=False).agg(
        flow_usd=("flow_usd", "sum"), funds=("ticker", ", ".join)
    )
    order = {c: i for i, c in enumerate(CLASSES)}
    table = table.reset_index().sort_values(
        ["class", "flow_usd"], key=lambda c: c.map(order) if c.name == "class" else c
    )
    return table.reset_index(drop=True)


def weekly_flows(src: Source, week_end: str = "W-FRI") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The source's flows by fund (with class and segment) and by class, complete weeks only."""
    daily = src.flows()
    if daily.empty:
        raise DataError(f"{src.name} fund flows: no rows up to {src.end.date()}")
    classes = classify(daily["ticker"].unique(), src.universe)
    by_fund = weekly_by_fund(daily, week_end, through=daily["date"].max()).join(
        classes, on="ticker"
    )
    return by_fund, weekly_by_group(by_fund)


def week_containing(date: object, week_end: str) -> pd.Timestamp:
    """The end of the week (anchored as week_end, e.g. W-WED) that contains date."""
    return pd.tseries.frequencies.to_offset(week_end).rollforward(pd.Timestamp(date))


def complete_weeks(weekly: pd.DataFrame | pd.Series, last_date: object):
    """Drop weeks that end after last_date (a week still in progress on the as-of date)."""
    return weekly.loc[weekly.index <= pd.Timestamp(last_date)]


def record_span(weekly: pd.Series, at: object = None, largest: bool = True) -> dict[str, object]:
    """How many weeks back until a week beat this one ("largest inflow in N weeks").

    With largest=False the test is for the largest outflow (most negative). weeks is the
    distance to the previous week that beat it; if none did, weeks is the whole history
    and censored is True ("largest in all the weeks we have").
    """
    weekly = weekly.dropna().sort_index()
    if weekly.empty:
        raise DataError("record_span: no weekly values")
    at = weekly.index[-1] if at is None else pd.Timestamp(at)
    if at not in weekly.index:
        raise DataError(f"record_span: no week ending {at.date()}")
    value = weekly[at]
    before = weekly.loc[:at].iloc[:-1]
    beaten = before[before > value] if largest else before[before < value]
    censored = beaten.empty
    weeks = len(before) + 1 if censored else len(before) - before.index.get_loc(beaten.index[-1])
    return {
        "week_end": at,
        "value": float(value),
        "weeks": int(weeks),
        "previous_larger": None if censored else beaten.index[-1],
        "previous_value": None if censored else float(beaten.iloc[-1]),
        "history_weeks": len(before) + 1,
        "censored": censored,
    }


def span_text(span: dict[str, object], noun: str) -> str:
    """Say a record_span result in words: 'the largest inflow in 8 weeks'."""
    if span["censored"]:
        return f"the largest {noun} in all {span['history_weeks']} weeks of data"
    previous = pd.Timestamp(span["previous_larger"]).date()
    return (
        f"the largest {noun} in {span['weeks']} weeks (larger: "
        f"{span['previous_value'] / 1e9:+.2f} bn in the week ending {previous})"
    )


def year_to_date(weekly_group: pd.DataFrame, year: int, n_weeks: int | None = None) -> pd.DataFrame:
    """Cumulative flows over the weeks ending in `year` (only the first n_weeks when given)."""
    weeks = weekly_group.loc[weekly_group.index.year == year]
    if weeks.empty:
        raise DataError(f"year_to_date: no weekly flows ending in {year}")
    if n_weeks is not None:
        weeks = weeks.iloc[:n_weeks]
    return weeks.cumsum()


def signed_record_span(weekly: pd.Series, at: object) -> tuple[dict[str, object], str]:
    """record_span of an inflow week against inflows, of an outflow week against outflows.

    Returns (span, noun) with noun "inflow" or "outflow".
    """
    span = record_span(weekly, at=at, largest=True)
    if span["value"] > 0:
        return span, "inflow"
    return record_span(weekly, at=at, largest=False), "outflow"
