"""Claims about fund flows on their source's week, from ETF flows (a labelled EPFR proxy).

Every flow claim is measured on complete weeks of its own calendar (flows.weekly_flows with
the claim's week_end: Wednesday for EPFR and BofA), the weeks section 01 shows when the run
uses the same calendar, so a claim and the section print the same number for a week.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from techflows.analysis import flows, weeks
from techflows.claims.claim import Claim, Measurement, NotMeasurable, NotYetObservable, usd_bn
from techflows.data.source import Source
from techflows.data.sources.base import FLOWS_PROVIDER
from techflows.errors import DataUnavailable

EPFR = "EPFR Global weekly fund-flow data (the basis of BofA's and Deutsche Bank's flow notes)"
ETF_PROXY = (
    "PROXY: net creations/redemptions of the US-listed ETFs in the flows file, not "
    "EPFR's mutual-fund + ETF totals the article cites"
)
VALUES = ["flow_usd", "flow_ex_flagged_usd"]


def _selection(src: Source, claim: Claim, prefix: str = "") -> tuple[pd.DataFrame, str]:
    """Weekly flows of the funds a claim names: class=<class>[;exclude=<list>] or tickers=<list>.

    The class is section 01's (flows.classify); exclude drops funds from it (e.g. ARKK, an
    actively managed fund, from "passive tech ETFs").
    """
    by_fund, _ = flows.weekly_flows(src, claim.week_end)
    if f"{prefix}class" in claim.params:
        wanted = claim.param(f"{prefix}class")
        summed = (by_fund["class"] == wanted) & by_fund["in_sums"]  # section 01's sums
        members = sorted(by_fund.loc[summed, "ticker"].unique())
        label = f"{wanted} funds"
        if f"{prefix}exclude" in claim.params:
            left_out = claim.tickers(f"{prefix}exclude")
            members = [t for t in members if t not in left_out]
            label += f" except {', '.join(left_out)}"
    else:
        members = claim.tickers(f"{prefix}tickers")
        label = "+".join(members)
    chosen = by_fund[by_fund["ticker"].isin(members)]
    if chosen.empty:
        raise DataUnavailable(f"Fund flows for {label}", src.name, FLOWS_PROVIDER)
    found = sorted(chosen["ticker"].unique())
    missing = [t for t in members if t not in found]
    label = (
        f"{label} ({', '.join(found)}{'; no flows for ' + ', '.join(missing) if missing else ''})"
    )
    chosen.attrs.update(by_fund.attrs)
    return chosen, label


def _window_weeks(src: Source, weekly: pd.DataFrame, claim: Claim) -> pd.DatetimeIndex:
    """The complete weeks of the claim window on the claim's calendar.

    From the week containing start to the week containing end; with weeks=N, the first N
    complete weeks from the week containing start. NotYetObservable when the last week ends
    after the as-of date; DataUnavailable when the file does not cover the window.
    """
    first = weeks.containing(claim.start, claim.week_end)
    last = weeks.containing(claim.end, claim.week_end)
    have = pd.DatetimeIndex(sorted(weekly["week_end"].unique()))
    if "weeks" in claim.params:
        last = first + pd.Timedelta(weeks=int(claim.param("weeks")) - 1)
    horizon = src.as_of if src.as_of is not None else src.end
    if last > have.max() and last > horizon:
        raise NotYetObservable(
            f"the {weeks.span_text(last, week_end=claim.week_end)} is not complete on "
            f"{horizon.date()}"
        )
    chosen = have[(have >= first) & (have <= last)]
    if "weeks" in claim.params:
        chosen = have[have >= first][: int(claim.param("weeks"))]
    # A first week cut by the start of the file (it holds days before 1 January) is left out;
    # anything more missing means the file does not cover the window.
    if chosen.empty or chosen[0] > first + pd.Timedelta(weeks=1) or chosen[-1] < last:
        covered = weeks.span_text(have[0], have[-1], claim.week_end) if len(have) else "none"
        what = (
            f"Fund flows for the {weeks.span_text(first, last, claim.week_end)} (whole {covered})"
        )
        raise DataUnavailable(what, src.name, FLOWS_PROVIDER)
    return chosen


def _window(src: Source, claim: Claim, prefix: str = "") -> tuple[pd.DataFrame, str, str]:
    """The selection's weekly rows inside the claim window, its label and the window's text."""
    weekly, label = _selection(src, claim, prefix)
    chosen = _window_weeks(src, weekly, claim)
    inside = weekly[weekly["week_end"].isin(chosen)]
    inside.attrs.update(weekly.attrs)
    return inside, label, weeks.span_text(chosen[0], chosen[-1], claim.week_end)


def _screening(inside: pd.DataFrame) -> str:
    """Which days are missing (summed as no flow) and which prints are flagged, in words."""
    per_fund = inside.groupby("ticker")[["missing_days", "expected_days", "flagged_days"]].sum()
    gaps = per_fund[per_fund["missing_days"] > 0]
    parts = []
    if len(gaps):
        listed = ", ".join(f"{t} {r.missing_days} of {r.expected_days}" for t, r in gaps.iterrows())
        parts.append(f"days not reported, counted as no flow: {listed}")
    if inside.attrs.get("aum_date") is None:
        parts.append("prints not screened (no fund assets in this source)")
    else:
        marked = per_fund[per_fund["flagged_days"] > 0]
        listed = ", ".join(f"{t} {r.flagged_days} day(s)" for t, r in marked.iterrows())
        parts.append(f"flagged prints: {listed or 'none'}")
    return "; ".join(parts)


def _clean(value: float, inside: pd.DataFrame) -> float | None:
    """The value without flagged prints; None when the source has no assets to screen them."""
    return None if inside.attrs.get("aum_date") is None else value


def _per_fund(src: Source, claim: Claim, how: str, what: str) -> Measurement:
    """The funds' net flows over the claim's weeks combined by `how` (sum or min), USD bn."""
    inside, label, window = _window(src, claim)
    per_fund = inside.groupby("ticker")[VALUES].sum().div(1e9)
    detail = ", ".join(f"{t} {v:+.2f}" for t, v in per_fund["flow_usd"].sort_values().items())
    combined = per_fund.agg(how)
    return Measurement(
        float(combined["flow_usd"]),
        f"{ETF_PROXY}: {label}, {what} over the {window}",
        f"USD bn by fund: {detail}; {_screening(inside)}",
        window=window,
        without_flagged=_clean(float(combined["flow_ex_flagged_usd"]), inside),
    )


def window_flow(src: Source, claim: Claim) -> Measurement:
    """Net flow (USD bn) of a class of funds or a ticker list over the claim's weeks."""
    return _per_fund(src, claim, "sum", "net flows")


def smallest_fund_flow(src: Source, claim: Claim) -> Measurement:
    """The smallest net flow (USD bn) among the named funds over the claim's weeks.

    For "inflows into X and Y": each fund must take money in, so a sum of the two cannot
    hide one fund's outflow.
    """
    return _per_fund(src, claim, "min", "the smallest fund's net flow")


def flow_difference(src: Source, claim: Claim) -> Measurement:
    """Net flow of selection a minus selection b (USD bn) over the claim's weeks."""
    inside_a, label_a, window = _window(src, claim, "a_")
    inside_b, label_b, _ = _window(src, claim, "b_")
    a, b = (usd_bn(part[VALUES].sum()) for part in (inside_a, inside_b))
    basis = f"{ETF_PROXY}: {label_a} minus {label_b}, the {window}"
    return Measurement(
        float(a["flow_usd"] - b["flow_usd"]),
        basis,
        f"{a['flow_usd']:+.2f} vs {b['flow_usd']:+.2f} USD bn; {_screening(inside_a)}",
        window=window,
        without_flagged=_clean(float(a.iloc[1] - b.iloc[1]), inside_a),
    )


def _totals(weekly: pd.DataFrame) -> pd.DataFrame:
    """The selection's weekly totals: flow_usd and flow_ex_flagged_usd per week."""
    return weekly.groupby("week_end")[VALUES].sum()


def flow_weeks_since_larger(src: Source, claim: Claim) -> Measurement:
    """How many weeks the inflow of the week containing the claim's end is the largest in."""
    weekly, label = _selection(src, claim)
    week = _window_weeks(src, weekly, replace(claim, start=claim.end))[-1]
    total = _totals(weekly)
    span = flows.record_span(total["flow_usd"], at=week)
    clean = flows.record_span(total["flow_ex_flagged_usd"], at=week)
    window = weeks.span_text(week, week_end=claim.week_end)
    detail = f"{window}: {usd_bn(span['value']):+.2f} USD bn"
    if span["previous_larger"] is not None:
        detail += (
            f"; beaten by {usd_bn(span['previous_value']):+.2f} in the week ending "
            f"{span['previous_larger'].date()}"
        )
    else:
        detail += f"; largest of all {span['history_weeks']} weeks in the file"
    basis = f"{ETF_PROXY}: {label}, weeks ending {week.day_name()}"
    return Measurement(
        float(span["weeks"]),
        basis,
        detail,
        lower_bound=bool(span["censored"]),
        needs=EPFR,
        window=window,
        without_flagged=_clean(float(clean["weeks"]), weekly),
    )


def flow_zscore(src: Source, claim: Claim) -> Measurement:
    """Largest weekly flow in the window in standard deviations from the prior-history mean."""
    weekly, label = _selection(src, claim)
    total = _totals(weekly)["flow_usd"]
    first = weeks.containing(claim.start, claim.week_end)
    prior = total.loc[: first - pd.Timedelta(days=1)]
    needed = int(claim.param("history_weeks", "52"))
    if len(prior) < needed:
        raise NotMeasurable(
            EPFR,
            f"the flows file has {len(prior)} whole weeks before {first.date()}; "
            f"a historical average needs at least {needed}",
        )
    chosen = _window_weeks(src, weekly, claim)
    inside = total.loc[chosen]
    z = (inside.max() - prior.mean()) / prior.std()
    window = weeks.span_text(chosen[0], chosen[-1], claim.week_end)
    basis = f"{ETF_PROXY}: {label}, z-score of the largest week vs {len(prior)} prior weeks"
    return Measurement(float(z), basis, window=window)
