"""The track record scored: each signal of the history against what tech did next.

The outcome is tech's return minus the market's over the next 4 and 13 weeks, from the close
of the report's week (forward_returns.forward_excess on rates.period_closes: the proxies and
weeks of every section). Neighbouring windows share all but one week, so:

- the rank information coefficient (Spearman) over every week carries Newey-West (HAC) errors
  over the horizon's lags;
- the IC and the hit rates are also computed on non-overlapping windows, at each of the
  horizon's phase offsets: the median offset is reported, with the range across offsets;
- shares carry exact (Clopper-Pearson) intervals (techflows.stats).

A signal has had skill at a horizon when its IC has the sign its reading implies (green, bull,
a higher score: tech ahead), is significant at the 10% level both ways (HAC over every week and
at the median non-overlapping offset), and stays within a 10% false-discovery rate over all the
signals tested at once. Anything else is no headline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from techflows.analysis import forward_returns as fr
from techflows.analysis import rates
from techflows.analysis import weeks as wk
from techflows.data.source import Source
from techflows.errors import DataError
from techflows.models import forecast
from techflows.monitor.rules import NO_DATA, REPORTED
from techflows.stats import blocks, intervals
from techflows.track import history as hist

HORIZONS = fr.HORIZONS  # weeks: about one and three months
MIN_WINDOWS = 20  # non-overlapping windows a signal needs at every offset to be scored
PERIOD_YEARS = 5  # the IC is also shown per calendar period of this many years
SKILL, REVERSED, RELATED, NO_SKILL = "skill", "reversed", "related", "no skill"
CHANCE = "not beyond chance"  # significant on its own, not over all the tests
TOO_SHORT = "too short to score"
FINDINGS = (SKILL, REVERSED, RELATED)  # verdicts that survive the false-discovery rate
FDR = intervals.HEADLINE_P  # the false-discovery rate a finding must stay within
NOT_SCORED = (NO_DATA, REPORTED)  # statuses whose value a report did not count
HIT_COLUMNS = [
    "signal",
    "horizon",
    "state",
    "windows",
    "beat",
    "share",
    "low",
    "high",
    "share_min",
    "share_max",
    "base",
    "p",
    "median_excess",
]


def outcomes(src: Source, week_end: str = wk.DEFAULT) -> pd.DataFrame:
    """Tech minus the market (%) over the next h weeks from each week's close (columns: h)."""
    return fr.forward_excess(rates.period_closes(src, week_end), HORIZONS)


def paired(history: pd.DataFrame, outcome: pd.DataFrame, signal: str, horizon: int) -> pd.DataFrame:
    """One signal's weeks (a regular weekly grid) with value, status and the outcome at a
    horizon; NaN outcome where the window is not complete yet."""
    rows = history[history["signal"] == signal].set_index("week_end")[["value", "status"]]
    out = rows.join(outcome[horizon].rename("outcome"))
    out.attrs["signal"] = signal
    return out


def _counted(frame: pd.DataFrame) -> pd.Series:
    """Weeks a report counted the value of (not stale, not only reported) with an outcome."""
    return frame["value"].notna() & ~frame["status"].isin(NOT_SCORED) & frame["outcome"].notna()


def rank_ic(values: pd.Series, outcome: pd.Series, lags: int) -> dict[str, float]:
    """Spearman's rank correlation of values with outcomes and its Newey-West (HAC) interval
    and p-value: the slope of the standardised ranks, errors over `lags` lags."""
    x, y = values.rank(), outcome.rank()
    if len(x) < 3 or x.std() == 0 or y.std() == 0:
        return {"ic": np.nan, "low": np.nan, "high": np.nan, "p": np.nan, "n": len(x)}
    zx, zy = (x - x.mean()) / x.std(), (y - y.mean()) / y.std()
    fit = sm.OLS(zy.to_numpy(), sm.add_constant(zx.to_numpy())).fit(
        cov_type="HAC", cov_kwds={"maxlags": int(lags)}
    )
    low, high = fit.conf_int(alpha=1 - intervals.LEVEL)[1]
    return {
        "ic": float(fit.params[1]),
        "low": float(low),
        "high": float(high),
        "p": float(fit.pvalues[1]),
        "n": len(x),
    }


def offsets(frame: pd.DataFrame, horizon: int) -> list[pd.DataFrame]:
    """The counted weeks of each phase offset of non-overlapping `horizon`-week windows."""
    if frame.empty:
        return [frame] * horizon
    return [part[_counted(part)] for part in _aligned(frame, horizon)]


def information(frame: pd.DataFrame, horizon: int, direction: int) -> dict[str, object]:
    """The signal's IC at a horizon, over every week (HAC) and per non-overlapping offset, and
    the verdict: skill, reversed (significant the wrong way), related (significant, a signal
    read in no direction), no skill, or too short to score."""
    counted = frame[_counted(frame)]
    parts = offsets(frame, horizon)
    out: dict[str, object] = {
        "signal": frame.attrs.get("signal", ""),
        "horizon": horizon,
        "weeks": len(counted),
        "windows": min((len(p) for p in parts), default=0),
        "first": counted.index.min() if len(counted) else pd.NaT,
        "last": counted.index.max() if len(counted) else pd.NaT,
    }
    if out["windows"] < MIN_WINDOWS or counted["value"].nunique() < 2:
        return out | {"verdict": TOO_SHORT}
    if any(p[c].nunique() < 2 for p in parts for c in ("value", "outcome")):
        return out | {"verdict": TOO_SHORT}  # an offset on which the signal never changed
    whole = rank_ic(counted["value"], counted["outcome"], horizon)
    per = [stats.spearmanr(p["value"], p["outcome"]) for p in parts]
    ics = np.array([float(r.statistic) for r in per])
    ps = np.array([float(r.pvalue) for r in per])
    spread = blocks.offset_summary(ps)
    sign = np.sign(whole["ic"]) * (direction or 1)
    significant = intervals.headline(whole["p"]) and intervals.headline(spread["median"])
    agrees = np.sign(ics[spread["median_offset"]]) == np.sign(whole["ic"])
    if not (significant and agrees):
        verdict = NO_SKILL
    elif direction == 0:
        verdict = RELATED
    else:
        verdict = SKILL if sign > 0 else REVERSED
    return out | {
        "ic": whole["ic"],
        "ic_low": whole["low"],
        "ic_high": whole["high"],
        "p": whole["p"],
        "offset_ic": float(ics[spread["median_offset"]]),
        "offset_ic_low": float(ics.min()),
        "offset_ic_high": float(ics.max()),
        "offset_p": spread["median"],
        "offset_p_low": spread["low"],
        "offset_p_high": spread["high"],
        "offsets": int(spread["offsets"]),
        "verdict": verdict,
    }


def signals_in(history: pd.DataFrame) -> list[str]:
    """The history's signals, in its order."""
    return list(dict.fromkeys(history["signal"]))


def skill_table(history: pd.DataFrame, outcome: pd.DataFrame) -> pd.DataFrame:
    """information for every signal of the history at every horizon, with q: the
    Benjamini-Hochberg false-discovery rate of the larger of its two p-values, over every test
    of the table. Many signals are tested at once, so some pass p <= 0.10 by chance alone: a
    verdict of skill, reversed or related stands only with q <= FDR; above it, the verdict is
    CHANCE (significant alone, not beyond chance)."""
    rows = [
        information(paired(history, outcome, key, h), h, hist.spec(key).direction)
        for key in signals_in(history)
        for h in HORIZONS
    ]
    table = pd.DataFrame(rows)
    for column in ("p", "offset_p"):
        if column not in table:
            table[column] = np.nan
    tested = table[["p", "offset_p"]].max(axis=1, skipna=False)
    table["q"] = np.nan
    if tested.notna().any():
        known = tested.dropna()
        table.loc[known.index, "q"] = multipletests(known.to_numpy(), method="fdr_bh")[1]
    chance = table["verdict"].isin(FINDINGS) & ~(table["q"] <= FDR)
    table["alone"] = table["verdict"].where(table["verdict"].isin(FINDINGS), "")
    table.loc[chance, "verdict"] = CHANCE
    return table


def hit_rates(history: pd.DataFrame, outcome: pd.DataFrame) -> pd.DataFrame:
    """Per signal, horizon and state: of the non-overlapping windows after weeks in that state,
    how many saw tech beat the market, at the offset with the median share (its exact 95%
    interval), the range across offsets, and all counted weeks' share at that offset (base)
    with a binomial test of the state's share against it. Signals with no states, or too few
    windows, are left out."""
    rows = []
    for key in signals_in(history):
        states = hist.spec(key).states
        for horizon in HORIZONS:
            frame = paired(history, outcome, key, horizon)
            frame = frame[frame["outcome"].notna() & frame["status"].isin(states)]
            if frame.empty:
                continue
            parts = _aligned(frame, horizon)
            if min(len(p) for p in parts) < MIN_WINDOWS:
                continue
            for state in states:
                rows.append(_state_row(key, horizon, state, parts))
    return pd.DataFrame(rows).reindex(columns=HIT_COLUMNS)


def _aligned(frame: pd.DataFrame, horizon: int) -> list[pd.DataFrame]:
    """The rows of each phase offset on the weekly grid (week number mod horizon)."""
    number = ((frame.index - frame.index[0]) // pd.Timedelta(weeks=1)).to_numpy()
    return [frame[number % horizon == o] for o in range(horizon)]


def _state_row(key: str, horizon: int, state: str, parts: list[pd.DataFrame]) -> dict:
    counts = [
        (int((p["outcome"][p["status"] == state] > 0).sum()), int((p["status"] == state).sum()))
        for p in parts
    ]
    bases = [((p["outcome"] > 0).sum(), len(p)) for p in parts]
    shares = np.array([k / n if n else np.nan for k, n in counts])
    row = {"signal": key, "horizon": horizon, "state": state}
    if np.isnan(shares).all():
        return row | {"windows": 0}
    order = np.argsort(np.where(np.isnan(shares), np.inf, shares), kind="stable")
    valid = order[: int((~np.isnan(shares)).sum())]
    middle = int(valid[(len(valid) - 1) // 2])  # the lower median: one actual offset
    k, n = counts[middle]
    base = bases[middle][0] / bases[middle][1]
    exact = intervals.share(k, n)
    mine = parts[middle]
    excess = mine["outcome"][mine["status"] == state]
    return row | {
        "windows": n,
        "beat": k,
        "share": exact.value,
        "low": exact.low,
        "high": exact.high,
        "share_min": float(np.nanmin(shares)),
        "share_max": float(np.nanmax(shares)),
        "base": base,
        "p": float(stats.binomtest(k, n, base).pvalue) if 0 < base < 1 else np.nan,
        "median_excess": float(excess.median()),
    }


def by_period(history: pd.DataFrame, outcome: pd.DataFrame) -> pd.DataFrame:
    """Each signal's IC (HAC) per calendar period of PERIOD_YEARS years and horizon, to show
    when it worked: signal, horizon, period, weeks, ic, p; periods with under MIN_WINDOWS
    counted weeks left out. Many periods: a low p in one of them is no finding on its own."""
    rows = []
    for key, horizon in [(k, h) for k in signals_in(history) for h in HORIZONS]:
        frame = paired(history, outcome, key, horizon)
        counted = frame[_counted(frame)]
        starts = (counted.index.year // PERIOD_YEARS) * PERIOD_YEARS
        for _, part in counted.groupby(starts):
            if len(part) < MIN_WINDOWS or part["value"].nunique() < 2:
                continue
            found = rank_ic(part["value"], part["outcome"], horizon)
            rows.append(
                {
                    "signal": key,
                    "horizon": horizon,
                    "period": _span(part.index.min().year, part.index.max().year),
                    "weeks": len(part),
                    "ic": found["ic"],
                    "p": found["p"],
                }
            )
    return pd.DataFrame(rows, columns=["signal", "horizon", "period", "weeks", "ic", "p"])


def _span(first: int, last: int) -> str:
    """'2010-2014', or '2026' for one year."""
    return str(first) if first == last else f"{first}-{last}"


def band_coverage(
    src: Source,
    week_end: str = wk.DEFAULT,
    years: int | None = 10,
    origins: int = 78,
    refit_every: int = 13,
    alpha: float = 0.10,
) -> dict[str, object]:
    """How often section 04's SARIMAX (1 - alpha) band held the week that followed, over the
    same rolling-origin backtest (forecast.evaluate's inputs, origins and refits): the share
    of weeks inside, its exact interval and a binomial test against the nominal level."""
    y, exog, _ = forecast.model_inputs(src, week_end, years)
    forecast.require_history(y)  # as section 04: too few weeks is one line, there and here
    if exog is not None:
        exog = exog.reindex(y.index).fillna(0.0)
    origins = min(origins, len(y) - forecast.MIN_TRAIN)
    table = forecast.rolling_forecasts(y, exog, origins, refit_every, alpha=alpha)
    known = table.dropna(subset=["actual", "lower", "upper"])
    if known.empty:
        raise DataError("band coverage: no backtest week has an outcome")
    inside = (known["actual"] >= known["lower"]) & (known["actual"] <= known["upper"])
    exact = intervals.share(int(inside.sum()), len(known))
    nominal = 1 - alpha
    return {
        "table": table.assign(inside=inside),
        "nominal": nominal,
        "share": exact,
        "p": float(stats.binomtest(exact.k, exact.n, nominal).pvalue),
        "first": known.index[0],
        "last": known.index[-1],
    }
