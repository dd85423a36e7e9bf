"""Weekly net fund flows: per fund, per tech / non-tech class, records and year-to-date sums."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from techflows.analysis import weeks
from techflows.data import universe as uni
from techflows.data.source import Source
from techflows.data.sources.base import FLOWS_PROVIDER
from techflows.errors import DataError, DataUnavailable

CLASSES = ("tech", "non-tech sector", "broad market", "other")
# Sector funds whose holdings are mostly tech platforms (XLC: Alphabet, Meta, Netflix...).
TECH_LIKE_SEGMENTS = ("communication services",)
# What tech flows are made of: each tech fund's kind, by its universe segment; every other
# tech segment (broad tech, software, internet, equal-weight, communication services) is
# sector tech.
TECH_KINDS = {
    "nasdaq-100": "Nasdaq-100",
    "semis/AI hardware": "semis",
    "AI thematic": "active/thematic",
}
SECTOR_TECH = "sector tech"
KINDS = ("Nasdaq-100", SECTOR_TECH, "semis", "active/thematic")
# A fund reporting fewer than this share of the trading days is shown, never summed.
MIN_SHARE_REPORTED = 0.5


def classify(
    tickers: Iterable[str],
    universe: pd.DataFrame,
    tech_like: Iterable[str] = TECH_LIKE_SEGMENTS,
) -> pd.DataFrame:
    """Class (tech, non-tech sector, broad market, other), segment and kind of each fund ticker.

    tech: the universe's tech_etf group plus sector funds in a tech-like segment; non-tech
    sector: the other sector_etf funds; broad market: the benchmark group; anything else,
    including funds missing from the universe (bond, gold, country ETFs), is "other". kind:
    a tech fund's part of tech flows (KINDS, from TECH_KINDS), '' for the other classes.
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
        part = TECH_KINDS.get(segment, SECTOR_TECH) if kind == "tech" else ""
        rows.append(
            {"ticker": ticker, "name": name, "class": kind, "segment": segment, "kind": part}
        )
    columns = ["ticker", "name", "class", "segment", "kind"]
    return pd.DataFrame(rows, columns=columns).set_index("ticker")


OUTLIER_TIMES_TYPICAL = 5.0  # a day this many times the fund's median |flow| ...
OUTLIER_MIN_PCT_AUM = 2.0  # ... and at least this % of its assets is flagged
# Two funds of one segment (IVV and VOO) moving opposite ways by amounts that cancel to within
# OFFSET_MAX_NET of the larger: a swap between funds (or a data error), not money moving. Caught
# on one day (each print at least OFFSET_MIN_PCT_AUM % of its fund's assets and far above its
# typical day) and over any OFFSET_SESSIONS sessions (each fund's sum at least
# OUTLIER_MIN_PCT_AUM % of its assets: its prints in the swing's direction that are far above
# its typical day are flagged).
OFFSET_MIN_PCT_AUM = 1.0
OFFSET_MAX_NET = 0.25
OFFSET_SESSIONS = 5


def sessions(src: Source) -> pd.DatetimeIndex | None:
    """The trading days of the source's market proxy: the expected days of a flow file."""
    try:
        return src.close([src.market_ticker]).dropna().index
    except DataUnavailable:
        return None


def flag_prints(
    daily: pd.DataFrame, aum: pd.DataFrame | None, segments: pd.Series | None = None
) -> pd.DataFrame:
    """Daily flows with pct_aum (flow as % of the fund's assets) and flagged (a suspect print).

    A day is flagged when its flow is at least OUTLIER_MIN_PCT_AUM % of the fund's assets and
    at least OUTLIER_TIMES_TYPICAL times the fund's median absolute daily flow (its own history
    in the rows given). With segments (ticker -> segment), offsetting swings between funds of
    one segment are flagged too, on one day (offsetting) and over a few sessions
    (offsetting_runs). Without assets (aum None) nothing can be flagged: pct_aum is NaN.
    """
    out = daily.copy()
    size = out["ticker"].map(aum["aum_usd"]) if aum is not None else np.nan
    out["pct_aum"] = 100 * out["flow_usd"] / size
    typical = out["pct_aum"].abs().groupby(out["ticker"]).transform("median")
    big = out["pct_aum"].abs()
    unusual = big >= OUTLIER_TIMES_TYPICAL * typical
    out["flagged"] = (big >= OUTLIER_MIN_PCT_AUM) & unusual
    if segments is not None and aum is not None:
        candidates = out[(big >= OFFSET_MIN_PCT_AUM) & unusual]
        out["flagged"] |= out.index.isin(offsetting(candidates, segments))
        runs = offsetting_runs(out, aum, segments)
        out["flagged"] |= out.index.isin(runs) & unusual
    return out


def offsetting(prints: pd.DataFrame, segments: pd.Series) -> pd.Index:
    """Row labels of prints that offset a print of another fund of the same segment that day:
    opposite signs, netting to at most OFFSET_MAX_NET of the larger of the two."""
    labelled = prints.assign(segment=prints["ticker"].map(segments)).dropna(subset=["segment"])
    found: set[object] = set()
    for _, day in labelled.groupby(["date", "segment"]):
        rows = list(day.itertuples())
        for i, first in enumerate(rows):
            for second in rows[i + 1 :]:
                if _cancel(first.flow_usd, second.flow_usd):
                    found |= {first.Index, second.Index}
    return pd.Index(sorted(found))


def _cancel(a: pd.Series | float, b: pd.Series | float) -> pd.Series | bool:
    """Opposite flows that net to at most OFFSET_MAX_NET of the larger."""
    larger = np.maximum(np.abs(a), np.abs(b))
    return (a * b < 0) & (np.abs(a + b) <= OFFSET_MAX_NET * larger)


def offsetting_runs(
    daily: pd.DataFrame, aum: pd.DataFrame, segments: pd.Series, sessions: int = OFFSET_SESSIONS
) -> pd.Index:
    """Row labels of prints in offsetting swings over `sessions` days: two funds of a segment
    whose sums over the same days are opposite, each at least OUTLIER_MIN_PCT_AUM % of its
    assets, and cancel (_cancel); each fund's prints in its swing's direction are flagged."""
    wide = daily.pivot_table(index="date", columns="ticker", values="flow_usd", aggfunc="sum")
    sums = wide.fillna(0.0).rolling(sessions, min_periods=1).sum()
    size = aum["aum_usd"].reindex(sums.columns)
    big = 100 * sums.abs().div(size, axis=1) >= OUTLIER_MIN_PCT_AUM
    dates = sums.index
    found: set[object] = set()
    for _, members in segments.dropna().groupby(segments.dropna()):
        funds = [t for t in members.index if t in sums.columns]
        for i, a in enumerate(funds):
            for b in funds[i + 1 :]:
                hits = big[a] & big[b] & _cancel(sums[a], sums[b])
                for end in dates[hits.to_numpy()]:
                    window = dates[
                        max(0, dates.get_loc(end) - sessions + 1) : dates.get_loc(end) + 1
                    ]
                    for fund in (a, b):
                        side = np.sign(sums.at[end, fund])
                        rows = daily[(daily["ticker"] == fund) & daily["date"].isin(window)]
                        found |= set(rows.index[np.sign(rows["flow_usd"]) == side])
    return pd.Index(sorted(found))


def weekly_by_fund(
    flows: pd.DataFrame, week_end: str = weeks.DEFAULT, sessions: pd.DatetimeIndex | None = None
) -> pd.DataFrame:
    """Long weekly flows per fund, complete weeks only (weeks.complete over the file's dates).

    Columns: week_end, ticker, flow_usd (sum of the days reported), flow_ex_flagged_usd (the
    same without flagged prints, when flows has a flagged column), days (reported),
    expected_days (trading sessions in the week: `sessions`, else weekdays) and missing_days.
    Every fund with a flow in the file gets a row for every complete week; a week it did not
    report has flow_usd NaN (it counts as no flow in class sums, and missing_days says so).
    """
    if flows.empty:
        raise DataError("fund flows: no rows to aggregate")
    reported = flows.dropna(subset=["flow_usd"])
    flagged = reported.get("flagged", pd.Series(False, index=reported.index))
    frame = reported.assign(
        week_end=weeks.label(reported["date"], week_end),
        clean=reported["flow_usd"].where(~flagged, 0.0),
        flagged_days=flagged,
    )
    grouped = frame.groupby(["week_end", "ticker"])
    weekly = grouped.agg(
        flow_usd=("flow_usd", "sum"),
        flow_ex_flagged_usd=("clean", "sum"),
        days=("flow_usd", "count"),
        flagged_days=("flagged_days", "sum"),
    )
    ends = weekly.index.get_level_values("week_end").unique().sort_values()
    first, last = flows["date"].min(), flows["date"].max()
    kept = ends[weeks.complete(ends, first, last, week_end, sessions)]
    grid = pd.MultiIndex.from_product(
        [kept, sorted(reported["ticker"].unique())], names=["week_end", "ticker"]
    )
    weekly = weekly.reindex(grid).reset_index()
    weekly[["days", "flagged_days"]] = weekly[["days", "flagged_days"]].fillna(0).astype(int)
    expected = weeks.expected_days(kept, week_end, sessions)
    weekly["expected_days"] = weekly["week_end"].map(expected).astype(int)
    weekly["missing_days"] = (weekly["expected_days"] - weekly["days"]).clip(lower=0)
    if "flagged" not in flows:
        weekly = weekly.drop(columns=["flow_ex_flagged_usd", "flagged_days"])
    return weekly


def weekly_by_group(
    weekly_fund: pd.DataFrame,
    classes: pd.DataFrame | None = None,
    by: str = "class",
    value: str = "flow_usd",
) -> pd.DataFrame:
    """Wide weekly flows: one column per class (or segment), summed over its funds.

    The class/segment comes from `classes` (see classify) or, without it, from weekly_fund.
    value: flow_usd, or flow_ex_flagged_usd for the same without flagged prints. Funds left out
    of sums (in_sums False: too few days reported, sparse_funds) are not summed.
    """
    if "in_sums" in weekly_fund:
        weekly_fund = weekly_fund[weekly_fund["in_sums"]]
    labelled = weekly_fund if classes is None else weekly_fund.join(classes[[by]], on="ticker")
    wide = labelled.pivot_table(
        index="week_end", columns=by, values=value, aggfunc="sum", fill_value=0.0, dropna=False
    )
    if by == "class":
        wide = wide.reindex(columns=[c for c in CLASSES if c in wide.columns])
    return wide.rename_axis(columns=by)


def week_by_segment(weekly_fund: pd.DataFrame, week_end: object) -> pd.DataFrame:
    """One week's flows per class and segment, with the funds that reported (funds left out of
    sums, in_sums False, are not summed)."""
    if "in_sums" in weekly_fund:
        weekly_fund = weekly_fund[weekly_fund["in_sums"]]
    week = weekly_fund[weekly_fund["week_end"] == pd.Timestamp(week_end)]
    if week.empty:
        raise DataError(f"fund flows: no week ending {pd.Timestamp(week_end).date()}")
    week = week.assign(reported=week["ticker"].where(week["days"] > 0))
    table = week.groupby(["class", "segment"], sort=False).agg(
        flow_usd=("flow_usd", "sum"),
        funds=("reported", lambda t: ", ".join(t.dropna())),
        missing_days=("missing_days", "sum"),
    )
    order = {c: i for i, c in enumerate(CLASSES)}
    table = table.reset_index().sort_values(
        ["class", "flow_usd"], key=lambda c: c.map(order) if c.name == "class" else c
    )
    return table.reset_index(drop=True)


def screened(src: Source) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The source's reported daily flows with flags (flag_prints, offsetting swings between
    funds of one universe segment included), and its fund assets or None."""
    daily = src.flows()
    if daily.empty:
        raise DataUnavailable(f"Fund flows up to {src.end.date()}", src.name, FLOWS_PROVIDER)
    try:
        aum = src.aum()
    except DataUnavailable:
        aum = None
    segments = classify(daily["ticker"].unique(), src.universe)["segment"]
    return flag_prints(daily, aum, segments), aum


def assets_note(aum: pd.DataFrame | None) -> str:
    """What the size scale is: 'assets as of 2026-04-03', and, when the assets are dated after
    the as-of date (Source.aum: point_in_time False), that they are not point in time."""
    if aum is None:
        return ""
    note = f"assets as of {pd.Timestamp(aum['updated_date'].max()).date()}"
    if "basis" in aum and (aum["basis"] == "shares x price").any():
        note += " (shares x price where the file's snapshot is later)"
    if "point_in_time" in aum and not aum["point_in_time"].all():
        note += ", after the as-of date: not point in time"
    return note


def sparse_funds(
    by_fund: pd.DataFrame,
    listed: pd.DataFrame,
    week_end: str,
    sessions: pd.DatetimeIndex | None = None,
) -> dict[str, str]:
    """Funds that reported under MIN_SHARE_REPORTED of the days the flow file lists for them
    (a blank value is a day not reported) in the whole weeks summed, each with why: shown per
    fund, never summed with the others as if complete.

    by_fund: weekly_by_fund (its weeks and days reported); listed: the file's rows, blanks
    included (Source.flows(blank=True)); sessions: the market's trading days (a holiday the
    file lists is no day to report on).
    """
    kept = listed[weeks.label(listed["date"], week_end).isin(by_fund["week_end"].unique())]
    if sessions is not None:
        kept = kept[kept["date"].isin(sessions)]
    days = kept.groupby("ticker")["date"].nunique()
    reported = by_fund.groupby("ticker")["days"].sum().reindex(days.index, fill_value=0)
    sparse = reported[(reported > 0) & (reported < MIN_SHARE_REPORTED * days)]
    return {str(t): f"reported {n} of its {days[t]} listed days" for t, n in sparse.items()}


def weekly_flows(src: Source, week_end: str = weeks.DEFAULT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The source's flows by fund (with class, segment, kind) and by class, complete weeks only.

    by_fund also has flow_ex_flagged_usd and in_sums (False for a fund reporting under half
    the trading days: shown, never summed). by_group sums the funds in_sums; its attrs:
    ex_flagged (the same without flagged prints), by_kind (tech by kind, KINDS), kinds
    (tech_makeup), left_out (ticker -> why), aum_date and aum_note (the assets used to flag
    prints; None/'' without).
    """
    daily, aum = screened(src)
    classes = classify(daily["ticker"].unique(), src.universe)
    calendar = sessions(src)
    by_fund = weekly_by_fund(daily, week_end, calendar).join(classes, on="ticker")
    left_out = sparse_funds(by_fund, src.flows(blank=True), week_end, calendar)
    by_fund["in_sums"] = ~by_fund["ticker"].isin(list(left_out))
    summed = by_fund[by_fund["in_sums"]]
    by_group = weekly_by_group(by_fund)
    if by_group.empty:  # flows start after the last whole week to as_of
        what = f"A whole week ({week_end}) of fund flows up to {src.end.date()}"
        raise DataUnavailable(what, src.name, FLOWS_PROVIDER)
    by_group.attrs["ex_flagged"] = weekly_by_group(by_fund, value="flow_ex_flagged_usd")
    by_group.attrs["by_kind"] = tech_by_kind(summed, by_group.index)
    by_group.attrs["kinds"] = tech_makeup(by_fund)
    by_group.attrs["left_out"] = left_out
    by_group.attrs["aum_date"] = None if aum is None else aum["updated_date"].max()
    by_group.attrs["aum_note"] = assets_note(aum)
    by_fund.attrs.update({k: by_group.attrs[k] for k in ("aum_date", "aum_note", "left_out")})
    by_group.attrs["origin"] = by_fund.attrs["origin"] = src.flows_origin  # reported or implied
    return by_fund, by_group


def tech_by_kind(by_fund: pd.DataFrame, index: pd.Index | None = None) -> pd.DataFrame:
    """Weekly tech flows per kind (Nasdaq-100, sector tech, semis, active/thematic), USD."""
    tech = by_fund[by_fund["class"] == "tech"]
    if tech.empty:
        return pd.DataFrame(index=index)
    wide = weekly_by_group(tech, by="kind")
    wide = wide.reindex(columns=[k for k in KINDS if k in wide.columns])
    return wide if index is None else wide.reindex(index, fill_value=0.0)


def kind_shares(by_fund: pd.DataFrame) -> pd.Series:
    """Each kind's share of the gross weekly tech flow (sum of |weekly flow|) of the funds
    summed: how much of 'tech flows' is QQQ."""
    tech = by_fund[by_fund["class"] == "tech"]
    if "in_sums" in tech:
        tech = tech[tech["in_sums"]]
    gross = tech["flow_usd"].abs().groupby(tech["kind"]).sum()
    gross = gross.reindex([k for k in KINDS if k in gross.index])
    return gross / gross.sum()


def tech_makeup(by_fund: pd.DataFrame) -> dict[str, dict[str, object]]:
    """What tech flows are made of: per kind, its funds summed and its share of the gross
    weekly tech flow (kind_shares); the left-out funds (ticker: why) under 'left out'."""
    shares = kind_shares(by_fund)
    tech = by_fund[by_fund["class"] == "tech"]
    if "in_sums" in tech:
        left = sorted(tech.loc[~tech["in_sums"], "ticker"].unique())
        tech = tech[tech["in_sums"]]
    else:
        left = []
    funds = tech.groupby("kind")["ticker"].unique()
    out: dict[str, dict[str, object]] = {
        kind: {"funds": sorted(funds[kind]), "share": float(share)}
        for kind, share in shares.items()
    }
    if left:
        out["left out"] = {"funds": left, "share": float("nan")}
    return out


def coverage(src: Source, week_end: str = weeks.DEFAULT) -> pd.DataFrame:
    """Per fund in the flow file: days reported against expected trading days, and status.

    Expected days are the market's sessions from the file's first to its last listed day (up
    to the as-of date). status says whether a fund is used, left out of the sums (under half
    the trading days of the whole weeks summed: sparse_funds) or dropped, and why.
    """
    listed = src.flows(blank=True)
    first, last = listed["date"].min(), listed["date"].max()
    calendar = sessions(src)
    if calendar is None:
        calendar = pd.bdate_range(first, last)
    expected = int(((calendar >= first) & (calendar <= last)).sum())
    daily, aum = screened(src)
    reported = daily.groupby("ticker").agg(
        reported_days=("flow_usd", "count"),
        first_reported=("date", "min"),
        last_reported=("date", "max"),
        net_flow_usd=("flow_usd", "sum"),
        flagged_prints=("flagged", "sum"),
    )
    table = listed.groupby("ticker").agg(listed_days=("date", "nunique")).join(reported)
    table = classify(table.index, src.universe).join(table)
    table["reported_days"] = table["reported_days"].fillna(0).astype(int)
    table["flagged_prints"] = table["flagged_prints"].fillna(0).astype(int)
    table["expected_days"] = expected
    table["share_reported"] = table["reported_days"] / expected
    table["aum_usd"] = aum["aum_usd"].reindex(table.index) if aum is not None else np.nan
    try:
        by_fund = weekly_by_fund(daily, week_end, calendar)
        sparse = sparse_funds(by_fund, listed, week_end, calendar)
    except DataError:  # no rows to put in weeks
        sparse = {}
    dropped = f"dropped: no value on any of its listed days ({first.date()} to {last.date()})"
    table["status"] = [
        f"left out of sums: {sparse[t]} in the whole weeks"
        if t in sparse
        else "used"
        if n > 0
        else dropped
        for t, n in table["reported_days"].items()
    ]
    table.attrs.update({"first": first, "last": last, "expected_days": expected})
    table.attrs["aum_date"] = None if aum is None else aum["updated_date"].max()
    table.attrs["aum_note"] = assets_note(aum)
    order = {c: i for i, c in enumerate(CLASSES)}
    return table.sort_values(
        ["class", "share_reported"], key=lambda c: c.map(order) if c.name == "class" else c
    )


def flagged_prints(src: Source) -> pd.DataFrame:
    """The flagged daily prints (flag_prints) with each fund's class, largest first."""
    daily, _ = screened(src)
    marked = daily[daily["flagged"]]
    marked = marked.join(classify(marked["ticker"].unique(), src.universe), on="ticker")
    return marked.sort_values("pct_aum", key=abs, ascending=False).reset_index(drop=True)


def missing_funds(src: Source, have: Iterable[str], group: str = "tech_etf") -> list[str]:
    """Funds of a universe group with no flow in `have` (e.g. IYW, VGT, SMH in the csv file)."""
    listed = set(have)
    return [t for t in uni.tickers(src.universe, group=group) if t not in listed]


def clean_span(
    by_group: pd.DataFrame, at: object, noun: str, column: str = "tech"
) -> dict[str, object] | None:
    """record_span of a week on flows without flagged prints (None when nothing is screened)."""
    clean = by_group.attrs.get("ex_flagged")
    if clean is None or by_group.attrs.get("aum_date") is None:
        return None
    return record_span(clean[column], at=at, largest=noun == "inflow")


def gaps_text(week_fund: pd.DataFrame) -> str:
    """Which funds missed days in one week's rows: 'SOXX 5 of 5 days, ARKK 2 of 5 days'."""
    short = week_fund[week_fund["missing_days"] > 0].sort_values("missing_days", ascending=False)
    return ", ".join(
        f"{r.ticker} {r.missing_days} of {r.expected_days} days" for r in short.itertuples()
    )


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


AGAINST_ASSETS_CLASSES = ("tech", "non-tech sector", "broad market")


def against_assets(
    by_fund: pd.DataFrame,
    aum: pd.DataFrame,
    close: pd.DataFrame,
    week_end: str = weeks.DEFAULT,
    n_weeks: int = 4,
) -> pd.DataFrame:
    """Per fund: its net flow in the latest complete week and over the last n_weeks, in USD and
    as % of its assets, beside its price return over the same weeks.

    by_fund: weekly_flows' first frame (with class and segment); funds of the tech, non-tech
    sector and broad-market classes are kept. aum: Source.aum() (one snapshot: attrs['aum_date']
    gives its date). close: adjusted closes; a week's return runs from the last close of the week
    before to the week's last close (weeks.bucket). A day not reported counts as no flow, as in
    every flow sum; a fund without assets or prices has NaN there.
    """
    funds = by_fund[by_fund["class"].isin(AGAINST_ASSETS_CLASSES)]
    ends = pd.DatetimeIndex(sorted(funds["week_end"].unique()))
    if ends.empty:
        raise DataError("fund flows: no complete week to set against assets")
    last, window = ends[-1], ends[-n_weeks:]
    recent = funds[funds["week_end"].isin(window)]
    table = recent.groupby("ticker").agg(
        **{"class": ("class", "first"), "segment": ("segment", "first")},
        flow_4w_usd=("flow_usd", "sum"),
        **({"flagged_days": ("flagged_days", "sum")} if "flagged_days" in recent else {}),
    )
    latest = funds[funds["week_end"] == last].set_index("ticker")["flow_usd"]
    table.insert(2, "flow_week_usd", latest.reindex(table.index).fillna(0.0))
    table["aum_usd"] = aum["aum_usd"].reindex(table.index)
    table["flow_week_pct_aum"] = 100 * table["flow_week_usd"] / table["aum_usd"]
    table["flow_4w_pct_aum"] = 100 * table["flow_4w_usd"] / table["aum_usd"]
    weekly = weeks.bucket(close.reindex(columns=table.index), week_end, "last")
    base = weekly.shift(1).reindex([last])
    start = weekly.shift(len(window)).reindex([last])
    at = weekly.reindex([last])
    table["return_week"] = (at / base - 1).iloc[0].reindex(table.index)
    table["return_4w"] = (at / start - 1).iloc[0].reindex(table.index)
    order = {c: i for i, c in enumerate(CLASSES)}
    table = table.sort_values(
        ["class", "flow_week_pct_aum"], key=lambda c: c.map(order) if c.name == "class" else c
    )
    table.attrs.update(week=last, first_week=window[0], weeks=len(window))
    table.attrs["aum_date"] = aum["updated_date"].max()
    table.attrs["aum_note"] = assets_note(aum)
    return table.rename_axis("fund")


def flows_against_assets(
    src: Source, week_end: str = weeks.DEFAULT, n_weeks: int = 4
) -> pd.DataFrame:
    """against_assets on the source's flows, assets and adjusted closes."""
    by_fund, _ = weekly_flows(src, week_end)
    aum = src.aum()
    tickers = src.available(by_fund["ticker"].unique())  # one look-up for every fund
    close = src.close(tickers) if tickers else pd.DataFrame()
    return against_assets(by_fund, aum, close, week_end, n_weeks)
