"""Claims about the Fed's target range, measured from FOMC decisions (FRED)."""

from __future__ import annotations

import pandas as pd

from techflows.analysis import fed
from techflows.claims.claim import Claim, Measurement, observed, window_text
from techflows.data.source import Source
from techflows.errors import DataUnavailable


def _policy_path(src: Source, claim: Claim) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The target range covering the whole claim window and its changes (fed.rate_changes).

    DataUnavailable for a proxy path (no FOMC decisions) or one that misses the window.
    """
    path = fed.policy_path(src)
    changes = fed.rate_changes(path)
    observed(src, claim)
    if path.index[0] > claim.start or path.index[-1] < claim.end:
        what = f"The Fed target range over {window_text(claim)}"
        raise DataUnavailable(what, src.name, fed.SERIES_PROVIDER)
    return path, changes


def _changes(src: Source, claim: Claim) -> pd.DataFrame:
    return _policy_path(src, claim)[1]


def _announced_in(changes: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    days = changes["announced"]
    return changes[(days >= claim.start) & (days <= claim.end)]


def _moves_text(moves: pd.DataFrame) -> str:
    if moves.empty:
        return "no changes"
    return ", ".join(
        f"{d.date()} {bp:+d}bp"
        for d, bp in zip(moves["announced"], moves["change_bp"], strict=True)
    )


FED_BASIS = "FOMC decisions from FRED DFEDTARU/DFEDTARL (announced = effective date - 1 day)"


def fed_cuts(src: Source, claim: Claim) -> Measurement:
    """Number of target-range cuts announced in the window."""
    moves = _announced_in(_changes(src, claim), claim)
    cuts = moves[moves["kind"] == "cut"]
    return Measurement(float(len(cuts)), FED_BASIS, _moves_text(moves))


def fed_change_bp(src: Source, claim: Claim) -> Measurement:
    """Total change of the target range (bp) announced in the window."""
    moves = _announced_in(_changes(src, claim), claim)
    return Measurement(float(moves["change_bp"].sum()), FED_BASIS, _moves_text(moves))


def fed_range(src: Source, claim: Claim) -> Measurement:
    """Lower or upper bound (%) of the target range in force at the claim date."""
    path, _ = _policy_path(src, claim)
    now = fed.current_range(path.loc[: claim.end])
    bound = claim.param("bound")
    return Measurement(
        float(now[bound]), FED_BASIS, f"range {now['label']} on {now['date'].date()}"
    )


def fed_cycle_start(src: Source, claim: Claim) -> Measurement:
    """Announcement date of the first move of the cycle in force at the claim's end."""
    changes = _changes(src, claim)
    known = changes[changes["announced"] <= claim.end]
    table = fed.cycle_summary(known).set_index("period")
    cycle = table.iloc[0]
    leg = table.iloc[1]
    first = known.loc[known["effective"] == cycle["start"], "announced"].iloc[0]
    leg_first = known.loc[known["effective"] == leg["start"], "announced"].iloc[0]
    detail = (
        f"{cycle['kind']} cycle of {cycle['moves']} moves ({cycle['cumulative_bp']:+d}bp, "
        f"{cycle['from_range']} to {cycle['to_range']}); its latest leg resumed "
        f"{leg_first.date()} after a pause"
    )
    return Measurement(pd.Timestamp(first), FED_BASIS, detail)
