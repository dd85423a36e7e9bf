"""Seed 002's bull, base and bear scenarios: today's conditions judged on the checklist, and
every past week read from tech's drift against the market and its breadth."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from techflows.analysis import breadth, rates
from techflows.data.source import Source
from techflows.models import regimes
from techflows.monitor.checklist import checklist
from techflows.monitor.rules import AMBER, GREEN, NO_DATA, RED, SCORED
from techflows.monitor.signals import SIGNALS

MET, NOT_MET = "met", "not met"


@dataclass(frozen=True)
class Condition:
    """One of seed 002's scenario conditions, read as statuses the named signals must show."""

    scenario: str
    text: str
    keys: tuple[str, ...]
    accept: tuple[str, ...]


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "bull",
        "Faster-than-expected AI monetization: earnings and cloud/AI guidance revised up",
        ("eps_revisions", "guidance"),
        (GREEN,),
    ),
    Condition("bull", "The Fed signals and executes rate cuts", ("fed_target",), (GREEN,)),
    Condition("bull", "Real yields fall", ("real_yield",), (GREEN,)),
    Condition("bull", "Equal-weight tech outperforms cap-weight tech", ("ew_tech",), (GREEN,)),
    Condition(
        "bull",
        "Breadth improves beyond the mega-caps (tech stocks at highs, advancers lead)",
        ("highs_share", "adv_dec"),
        (GREEN,),
    ),
    Condition(
        "base",
        "Large, high-quality names keep delivering (earnings not revised down)",
        ("eps_revisions",),
        (GREEN, AMBER),
    ),
    Condition(
        "base",
        "Smaller names lag: equal-weight tech does not outperform",
        ("ew_tech",),
        (AMBER, RED),
    ),
    Condition(
        "base", "The Fed eases gradually or holds (no hikes)", ("fed_target",), (GREEN, AMBER)
    ),
    Condition("base", "Real yields moderate (no sharp rise)", ("real_yield",), (GREEN, AMBER)),
    Condition(
        "base",
        "Leadership in bursts: tech breadth mixed, neither broad nor collapsing",
        ("highs_share", "adv_dec"),
        (AMBER,),
    ),
    Condition(
        "bear",
        "AI monetization slower than hoped: earnings or guidance revised down",
        ("eps_revisions", "guidance"),
        (RED,),
    ),
    Condition("bear", "Rates higher for longer (no cuts)", ("fed_target",), (AMBER, RED)),
    Condition("bear", "Real yields rise", ("real_yield",), (RED,)),
    Condition(
        "bear",
        "Market breadth deteriorates",
        ("ew_tech", "highs_share", "adv_dec"),
        (RED,),
    ),
    Condition("bear", "Flows move away from tech/AI strategies", ("flows_4w", "flows_8w"), (RED,)),
)


def evaluate(condition: Condition, items: pd.DataFrame) -> dict[str, object]:
    """met when every scored signal shows an accepted status; 'no data' when none is scored.

    Reported figures ('reported, not scored') and signals without data are not evidence.
    """
    rows = items.set_index("key").loc[list(condition.keys)]
    measured = rows[rows["status"].isin(SCORED)]
    if measured.empty:
        result = NO_DATA
    else:
        result = MET if measured["status"].isin(condition.accept).all() else NOT_MET
    evidence = "; ".join(f"{r.signal}: {r.shown} [{r.status}]" for r in rows.itertuples())
    return {
        "scenario": condition.scenario,
        "condition": condition.text,
        "needs": f"{' or '.join(condition.accept)} on {', '.join(condition.keys)}",
        "result": result,
        "evidence": evidence,
    }


def scenario_table(
    src: Source, week_end: str = "W-FRI", items: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Seed 002's bull/base/bear conditions, each met / not met / no data on the checklist."""
    items = checklist(src, week_end) if items is None else items
    return pd.DataFrame([evaluate(c, items) for c in CONDITIONS])


def scenario_summary(conditions: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: conditions met, not met, without data, share met of those evaluable."""
    counts = pd.crosstab(conditions["scenario"], conditions["result"])
    counts = counts.reindex(columns=[MET, NOT_MET, NO_DATA], fill_value=0)
    order = list(dict.fromkeys(conditions["scenario"]))
    out = counts.reindex(order).rename_axis(index="scenario", columns=None)
    out["evaluable"] = out[MET] + out[NOT_MET]
    out["share_met"] = out[MET] / out["evaluable"].where(out["evaluable"] > 0)
    best = out["share_met"].max()
    out["favoured"] = out["share_met"].eq(best) & out["evaluable"].gt(0)
    return out.reset_index()


def weekly_breadth(src: Source, week_end: str = "W-FRI") -> pd.Series:
    """The checklist's share of tech stocks at 52-week highs (%) on each week's last day."""
    share = breadth.share_at_highs(breadth.sector_internals(src)).dropna()
    return rates.period_last(share, week_end, src.end)


def weekly_readings(
    src: Source,
    week_end: str = "W-FRI",
    share_at_highs: pd.Series | None = None,
    weeks: int = regimes.DRIFT_WEEKS,
) -> pd.DataFrame:
    """Each complete week's scenario reading (regimes.classify) over the source's whole history.

    Drift: tech's weekly return over the market (rates.relative_returns, in %). Breadth: the
    weekly share at 52-week highs (weekly_breadth), narrow at or below the checklist's red
    threshold; without it (None) the drift alone decides.
    """
    excess = 100 * rates.relative_returns(src, week_end)
    drifts = regimes.drift(excess.asfreq(week_end), weeks)
    highs_rule = next(s.rule for s in SIGNALS if s.key == "highs_share")
    readings = regimes.classify(drifts, share_at_highs, narrow_pct=highs_rule.red)
    readings.attrs.update({"tech": src.tech_ticker, "market": src.market_ticker})
    return readings
