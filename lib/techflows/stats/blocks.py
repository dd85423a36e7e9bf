"""Multi-week statistics without overlap: sums over non-overlapping blocks at each phase offset,
and event weeks thinned to those whose windows do not overlap.

Overlapping h-week windows share h-1 weeks with their neighbours, so a test that counts them
as separate observations overstates its evidence. Non-overlapping blocks are honest but depend
on where the first block starts; every offset is fitted and the spread of results reported.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from techflows.stats.intervals import SIGNIFICANT


def block_sums(frame: pd.DataFrame, periods: int, offset: int = 0) -> pd.DataFrame:
    """Sums of consecutive blocks of `periods` rows, starting at row `offset`, one per block.

    frame must be regular (one row per period, missing ones as NaN rows). Each row is labelled
    by its block's last period; a block cut by the end of the data, or holding a missing
    value, is left out rather than summed short.
    """
    if periods == 1:
        return frame
    part = frame.iloc[offset:]
    part = part.iloc[: len(part) // periods * periods]
    block = np.arange(len(part)) // periods
    sums = part.groupby(block).sum(min_count=periods)
    complete = part.notna().groupby(block).all().all(axis=1)
    sums.index = part.index[periods - 1 :: periods]
    return sums[complete.to_numpy()]


def independent(dates: Sequence[object], horizon: int) -> pd.DatetimeIndex:
    """The first event of each cluster: events within `horizon` weeks of the event before them
    belong to its cluster, so the kept events' windows never overlap."""
    ordered = pd.DatetimeIndex(sorted(pd.DatetimeIndex(dates)))
    if ordered.empty:
        return ordered
    gaps = ordered.to_series().diff()
    return ordered[(gaps.isna() | (gaps > pd.Timedelta(weeks=horizon))).to_numpy()]


def offset_summary(pvalues: Sequence[float], alpha: float = SIGNIFICANT) -> dict[str, float]:
    """p-values across phase offsets: the median one (and its offset), range, count below alpha."""
    ps = np.asarray(pvalues, dtype=float)
    order = np.argsort(ps, kind="stable")
    middle = int(order[(len(ps) - 1) // 2])  # the lower median: the p of one actual fit
    return {
        "median": float(ps[middle]),
        "median_offset": middle,
        "low": float(ps.min()),
        "high": float(ps.max()),
        "below": int((ps < alpha).sum()),
        "offsets": len(ps),
    }
