"""Claims about fund flows, measured from the source's ETF flows (a labelled proxy for EPFR)."""

from __future__ import annotations

import pandas as pd

from techflows.analysis import flows
from techflows.claims.claim import Claim, Measurement, NotMeasurable, observed, usd_bn, window_text
from techflows.data.source import Source
from techflows.data.sources.base import FLOWS_PROVIDER
from techflows.errors import DataUnavailable

EPFR = "EPFR Global weekly fund-flow data (the basis of BofA's and Deutsche Bank's flow notes)"
ETF_PROXY = (
    "PROXY: net creations/redemptions of the US-listed ETFs in the flows file, not "
    "EPFR's mutual-fund + ETF totals the article cites"
)


def _flow_selection(src: Source, claim: Claim, prefix: str = "") -> tuple[pd.DataFrame, str]:
    """Daily flows of the funds a claim names: class=<flows class> or tickers=<list>."""
    daily = src.flows()
    if f"{prefix}class" in claim.params:
        wanted = claim.param(f"{prefix}class")
        classes = flows.classify(daily["ticker"].unique(), src.universe)
        members = list(classes.index[classes["class"] == wanted])
        label = f"{wanted} funds"
    else:
        members = claim.tickers(f"{prefix}tickers")
        label = "+".join(members)
    chosen = daily[daily["ticker"].isin(members)]
    if chosen.empty:
        raise DataUnavailable(f"Fund flows for {label}", src.name, FLOWS_PROVIDER)
    found = sorted(chosen["ticker"].unique())
    missing = [t for t in members if t not in found]
    label = (
        f"{label} ({', '.join(found)}{'; no flows for ' + ', '.join(missing) if missing else ''})"
    )
    return chosen, label


def _in_window(src: Source, daily: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    """Rows of daily flows inside the claim window; DataUnavailable if the file misses it."""
    all_dates = src.flows()["date"]
    first, last = all_dates.min(), all_dates.max()
    # A window may open on a holiday or weekend before the file's first day (2026-01-01).
    if first > claim.start + pd.Timedelta(days=6) or last < claim.end:
        covered = f"the file has {first.date()} to {last.date()}"
        what = f"Fund flows covering {window_text(claim)} ({covered})"
        raise DataUnavailable(what, src.name, FLOWS_PROVIDER)
    return daily[(daily["date"] >= claim.start) & (daily["date"] <= claim.end)]


def window_flow(src: Source, claim: Claim) -> Measurement:
    """Net flow (USD bn) of a class of funds or a ticker list over the claim window."""
    daily, label = _flow_selection(src, claim)
    observed(src, claim)
    per_fund = _in_window(src, daily, claim).groupby("ticker")["flow_usd"].sum().div(1e9)
    detail = ", ".join(f"{t} {v:+.2f}" for t, v in per_fund.sort_values().items())
    basis = f"{ETF_PROXY}: {label}, daily flows summed {window_text(claim)}"
    return Measurement(float(per_fund.sum()), basis, f"USD bn by fund: {detail}")


def flow_difference(src: Source, claim: Claim) -> Measurement:
    """Net flow of selection a minus selection b (USD bn) over the claim window."""
    daily_a, label_a = _flow_selection(src, claim, "a_")
    daily_b, label_b = _flow_selection(src, claim, "b_")
    observed(src, claim)
    a = usd_bn(_in_window(src, daily_a, claim)["flow_usd"].sum())
    b = usd_bn(_in_window(src, daily_b, claim)["flow_usd"].sum())
    basis = f"{ETF_PROXY}: {label_a} minus {label_b}, {window_text(claim)}"
    return Measurement(a - b, basis, f"{a:+.2f} vs {b:+.2f} USD bn")


def _weekly_total(daily: pd.DataFrame, claim: Claim) -> tuple[pd.Series, str]:
    """Weekly summed flows of the selection, weeks ending on the claim end's weekday."""
    week_end = f"W-{claim.end.day_name()[:3].upper()}"
    weekly = flows.weekly_by_fund(daily, week_end)
    return weekly.groupby("week_end")["flow_usd"].sum(), week_end


def flow_weeks_since_larger(src: Source, claim: Claim) -> Measurement:
    """How many weeks the claim week's inflow is the largest in (weeks end on the claim date)."""
    daily, label = _flow_selection(src, claim)
    observed(src, claim)
    total, week_end = _weekly_total(daily, claim)
    total = flows.complete_weeks(total, claim.end)
    if claim.end not in total.index:
        raise DataUnavailable(
            f"Fund flows for the week ending {claim.end.date()}", src.name, FLOWS_PROVIDER
        )
    span = flows.record_span(total, at=claim.end)
    detail = f"week ending {claim.end.date()}: {usd_bn(span['value']):+.2f} USD bn"
    if span["previous_larger"] is not None:
        detail += (
            f"; beaten by {usd_bn(span['previous_value']):+.2f} in the week ending "
            f"{span['previous_larger'].date()}"
        )
    else:
        detail += f"; largest of all {span['history_weeks']} weeks in the file"
    basis = f"{ETF_PROXY}: {label}, weeks ending {week_end[2:].title()}"
    return Measurement(
        float(span["weeks"]), basis, detail, lower_bound=bool(span["censored"]), needs=EPFR
    )


def flow_zscore(src: Source, claim: Claim) -> Measurement:
    """Largest weekly flow in the window in standard deviations from the prior-history mean."""
    daily, label = _flow_selection(src, claim)
    observed(src, claim)
    weekly, _ = _weekly_total(daily, claim)
    prior = weekly.loc[: claim.start - pd.Timedelta(days=1)]
    inside = weekly.loc[claim.start : claim.end]
    needed = int(claim.param("history_weeks", "52"))
    if len(prior) < needed or inside.empty:
        raise NotMeasurable(
            EPFR,
            f"the flows file has {len(prior)} weeks before {claim.start.date()}; "
            f"a historical average needs at least {needed}",
        )
    z = (inside.max() - prior.mean()) / prior.std()
    basis = f"{ETF_PROXY}: {label}, z-score of the largest week vs {len(prior)} prior weeks"
    return Measurement(float(z), basis)
