"""Seed 002's bull, base and bear scenarios: today's conditions judged on the checklist (the
run's one scenario reading, used by sections 04, 05 and the index), and every past week
classed from tech's drift against the market and its breadth (a history, not the reading)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from techflows.analysis import breadth, rates
from techflows.data.source import Source
from techflows.data.sources.base import LONGER_PRICES_PROVIDER
from techflows.errors import DataUnavailable
from techflows.models import regimes
from techflows.monitor.checklist import checklist
from techflows.monitor.rules import AMBER, GREEN, NO_DATA, RED, SCORED
from techflows.monitor.signals import SIGNALS

MET, NOT_MET = "met", "not met"
UNDETERMINED = "undetermined"
# A scenario's share of conditions met is compared only when at least this share of its own
# conditions can be judged; otherwise the reading is undetermined.
MIN_JUDGED_SHARE = 0.5


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
    result = judge(condition, rows[["status"]].T)[0]
    evidence = "; ".join(f"{r.signal}: {r.shown} [{r.status}]" for r in rows.itertuples())
    return {
        "scenario": condition.scenario,
        "condition": condition.text,
        "needs": f"{' or '.join(condition.accept)} on {', '.join(condition.keys)}",
        "result": result,
        "evidence": evidence,
    }


def judge(condition: Condition, statuses: pd.DataFrame) -> np.ndarray:
    """The condition's result for each row of statuses (columns: signal keys): met when every
    scored signal it names shows an accepted status, 'no data' when none of them is scored."""
    named = statuses[list(condition.keys)]
    scored = named.isin(SCORED).to_numpy()
    accepted = named.isin(condition.accept).to_numpy()
    result = np.where((accepted | ~scored).all(axis=1), MET, NOT_MET)
    return np.where(scored.any(axis=1), result, NO_DATA).astype(object)


def scenario_table(
    src: Source, week_end: str = "W-FRI", items: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Seed 002's bull/base/bear conditions, each met / not met / no data on the checklist."""
    items = checklist(src, week_end) if items is None else items
    return pd.DataFrame([evaluate(c, items) for c in CONDITIONS])


def scenario_summary(conditions: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: conditions met, not met, without data, share met of those evaluable, and
    favoured: True for the run's reading (reading), if it is not undetermined."""
    counts = pd.crosstab(conditions["scenario"], conditions["result"])
    counts = counts.reindex(columns=[MET, NOT_MET, NO_DATA], fill_value=0)
    order = list(dict.fromkeys(conditions["scenario"]))
    out = counts.reindex(order).rename_axis(index="scenario", columns=None)
    out["evaluable"] = out[MET] + out[NOT_MET]
    out["share_met"] = out[MET] / out["evaluable"].where(out["evaluable"] > 0)
    out = out.reset_index()
    out["favoured"] = out["scenario"].eq(reading(out).scenario)
    return out


@dataclass(frozen=True)
class Reading:
    """The run's one scenario reading: a scenario, or undetermined, with the counts behind it."""

    scenario: str
    judged: int  # conditions the data can judge, over all scenarios
    conditions: int  # conditions in all
    met: int = 0  # of the reading's scenario
    evaluable: int = 0
    why: str = ""  # why it is undetermined

    @property
    def text(self) -> str:
        """The reading in words, with its counts (the same words in every section)."""
        if self.scenario == UNDETERMINED:
            return f"{UNDETERMINED}: {self.why}"
        return (
            f"{self.scenario}: {self.met} of its {self.evaluable} judgeable conditions met "
            f"({self.judged} of {self.conditions} of seed 002's conditions can be judged)"
        )

    @property
    def label(self) -> str:
        """A short label: 'base (3 of 4 met)', 'undetermined (5 of 15 judgeable)'."""
        if self.scenario == UNDETERMINED:
            return f"{UNDETERMINED} ({self.judged} of {self.conditions} judgeable)"
        return f"{self.scenario} ({self.met} of {self.evaluable} met)"


def reading(summary: pd.DataFrame) -> Reading:
    """The scenario with the largest share of its judgeable conditions met (scenario_summary).

    Undetermined when a scenario has fewer than MIN_JUDGED_SHARE of its own conditions
    judgeable (the shares would compare guesses), or when two scenarios tie for the lead.
    """
    total = summary[[MET, NOT_MET, NO_DATA]].sum(axis=1)
    judged, conditions = int(summary["evaluable"].sum()), int(total.sum())
    chosen, why_code = decide(
        summary[MET].to_numpy()[None, :],
        summary["evaluable"].to_numpy()[None, :],
        total.to_numpy()[None, :],
        list(summary["scenario"]),
    )
    if why_code[0] == THIN:
        counts = ", ".join(
            f"{r.scenario} {r.evaluable} of {n}"
            for r, n in zip(summary.itertuples(), total, strict=True)
        )
        why = (
            f"only {judged} of {conditions} of seed 002's conditions can be judged ({counts}); "
            f"each scenario needs at least half of its own"
        )
        return Reading(UNDETERMINED, judged, conditions, why=why)
    if why_code[0] == TIE:
        best = summary[summary["share_met"] == summary["share_met"].max()]
        tied = " and ".join(best["scenario"])
        why = f"{tied} tie at {best['share_met'].iloc[0]:.0%} of their judgeable conditions met"
        return Reading(UNDETERMINED, judged, conditions, why=why)
    top = summary[summary["scenario"] == chosen[0]].iloc[0]
    return Reading(str(top["scenario"]), judged, conditions, int(top[MET]), int(top["evaluable"]))


THIN, TIE = "thin", "tie"  # why a reading is undetermined (decide)


def decide(
    met: np.ndarray, evaluable: np.ndarray, total: np.ndarray, names: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The reading of many checklists at once: per row (columns: the scenarios in `names`'
    order), the scenario with the largest share of its judgeable conditions met, or
    undetermined; and why undetermined (THIN: a scenario under MIN_JUDGED_SHARE judgeable, or
    none judged; TIE: two lead), '' when determined."""
    met, evaluable, total = (np.asarray(a, dtype=float) for a in (met, evaluable, total))
    thin = (evaluable < MIN_JUDGED_SHARE * total).any(axis=1) | (evaluable.sum(axis=1) == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(evaluable > 0, met / evaluable, np.nan)
    filled = np.where(np.isnan(share), -np.inf, share)
    best = filled.max(axis=1)
    tie = (filled == best[:, None]).sum(axis=1) > 1
    chosen = np.asarray(names, dtype=object)[filled.argmax(axis=1)]
    why = np.where(thin, THIN, np.where(tie, TIE, ""))
    return np.where(why == "", chosen, UNDETERMINED).astype(object), why.astype(object)


def readings_of(statuses: pd.DataFrame) -> pd.DataFrame:
    """The scenario reading of many checklists at once (rows of signal statuses by key, as
    checklist gives them): scenario and judged, as scenario_table, scenario_summary and reading
    give them one checklist at a time."""
    names = list(dict.fromkeys(c.scenario for c in CONDITIONS))
    results = {i: judge(c, statuses) for i, c in enumerate(CONDITIONS)}
    counts = {
        outcome: np.column_stack(
            [
                sum(
                    (results[i] == outcome).astype(int)
                    for i, c in enumerate(CONDITIONS)
                    if c.scenario == name
                )
                for name in names
            ]
        )
        for outcome in (MET, NOT_MET, NO_DATA)
    }
    evaluable = counts[MET] + counts[NOT_MET]
    total = evaluable + counts[NO_DATA]
    chosen, _ = decide(counts[MET], evaluable, total, names)
    return pd.DataFrame({"scenario": chosen, "judged": evaluable.sum(axis=1)}, index=statuses.index)


def weekly_breadth(src: Source, week_end: str = "W-FRI") -> pd.Series:
    """The checklist's share of tech stocks at 52-week highs (%) on each week's last day;
    DataUnavailable before a complete week has one (breadth.share_at_highs)."""
    daily = breadth.sector_internals(src)
    share = breadth.share_at_highs(daily).dropna()
    weekly = rates.period_last(share, week_end, src.end)
    if weekly.empty:  # the first share falls in the week still running
        raise breadth.no_highs(daily)
    return weekly


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
    if excess.size < weeks + 1:  # too few weeks up to the as-of date for one window
        raise DataUnavailable(
            f"Weekly returns for tech's {weeks}-week drift against the market",
            src.name,
            LONGER_PRICES_PROVIDER,
            note=f"{excess.size} weeks of {src.tech_ticker} over {src.market_ticker} up to "
            f"{src.end.date()}; the drift needs {weeks + 1}",
        )
    drifts = regimes.drift(excess.asfreq(week_end), weeks)
    highs_rule = next(s.rule for s in SIGNALS if s.key == "highs_share")
    readings = regimes.classify(drifts, share_at_highs, narrow_pct=highs_rule.red)
    readings.attrs.update(
        {"tech": src.tech_ticker, "market": src.market_ticker, "source": src.name}
    )
    return readings
