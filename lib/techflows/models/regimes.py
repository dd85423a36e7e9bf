"""Markov-switching regimes of tech's weekly return over the market, mapped to bull/base/bear."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.tsa.regime_switching.markov_regression import (
    MarkovRegression,
    MarkovRegressionResultsWrapper,
)

from techflows.errors import DataError

K_REGIMES = 2
SEED = 0
SEARCH_REPS = 10
# A regime is bull (bear) when its mean weekly relative return is significantly above (below)
# zero at the two-sided 5% level; otherwise base.
T_CRIT = 1.96
SCENARIOS = ("bull", "base", "bear")
MIN_WEEKS = 104


def fit(
    y: pd.Series, k_regimes: int = K_REGIMES, search_reps: int = SEARCH_REPS, seed: int = SEED
) -> MarkovRegressionResultsWrapper:
    """Markov regression with a switching mean and variance (random start search, fixed seed)."""
    y = y.dropna()
    if len(y) < MIN_WEEKS:
        raise DataError(f"regimes: {len(y)} weeks of returns; needs at least {MIN_WEEKS}")
    model = MarkovRegression(y, k_regimes=k_regimes, trend="c", switching_variance=True)
    return model.fit(search_reps=search_reps, rng=seed)


def scenario(t_stat: float, t_crit: float = T_CRIT) -> str:
    """bull if the regime mean's t-statistic is >= t_crit, bear if <= -t_crit, else base."""
    if np.isfinite(t_stat) and t_stat >= t_crit:
        return "bull"
    if np.isfinite(t_stat) and t_stat <= -t_crit:
        return "bear"
    return "base"


def _names(variances: pd.Series) -> dict[int, str]:
    """Name regimes by variance: calm / volatile for two, else 'regime N' from calmest up."""
    order = variances.sort_values().index
    if len(order) == 2:
        return {int(order[0]): "calm", int(order[1]): "volatile"}
    return {int(r): f"regime {i + 1}" for i, r in enumerate(order)}


def regime_table(result: MarkovRegressionResultsWrapper) -> pd.DataFrame:
    """Per regime, calmest first: mean, se, t, sd, expected duration, share of weeks, scenario."""
    k = result.model.k_regimes
    params, bse = result.params, result.bse
    variances = pd.Series([params[f"sigma2[{r}]"] for r in range(k)])
    names = _names(variances)
    smoothed = np.asarray(result.smoothed_marginal_probabilities)
    rows = []
    for r in variances.sort_values().index:
        mean, se = params[f"const[{r}]"], bse[f"const[{r}]"]
        t_stat = mean / se if se > 0 else float("nan")
        rows.append(
            {
                "regime": names[int(r)],
                "code": int(r),
                "mean": mean,
                "mean_se": se,
                "t": t_stat,
                "sd": float(np.sqrt(variances[r])),
                "expected_weeks": float(result.expected_durations[r]),
                "share_of_weeks": float((smoothed.argmax(axis=1) == r).mean()),
                "scenario": scenario(t_stat),
            }
        )
    return pd.DataFrame(rows).set_index("regime")


def probabilities(result: MarkovRegressionResultsWrapper, kind: str = "smoothed") -> pd.DataFrame:
    """Weekly probability of each regime (named as in regime_table): smoothed or filtered."""
    if kind not in ("smoothed", "filtered"):
        raise DataError(f"regime probabilities: kind {kind!r} (use 'smoothed' or 'filtered')")
    raw = getattr(result, f"{kind}_marginal_probabilities")
    table = regime_table(result)
    frame = pd.DataFrame(raw).rename(columns={c: n for n, c in table["code"].items()})
    return frame[list(table.index)].rename_axis(index="week_end", columns="regime")


def scenario_probabilities(result: MarkovRegressionResultsWrapper) -> pd.DataFrame:
    """Smoothed weekly probability of bull, base and bear (sum over the regimes mapped to each)."""
    table = regime_table(result)
    smoothed = probabilities(result, "smoothed")
    return pd.DataFrame(
        {s: smoothed[list(table.index[table["scenario"] == s])].sum(axis=1) for s in SCENARIOS}
    ).rename_axis(columns="scenario")


def current(result: MarkovRegressionResultsWrapper) -> dict[str, object]:
    """The last week's most likely regime, its scenario and smoothed / filtered probabilities."""
    table = regime_table(result)
    smoothed = probabilities(result, "smoothed").iloc[-1]
    filtered = probabilities(result, "filtered").iloc[-1]
    regime = str(smoothed.idxmax())
    return {
        "week_end": smoothed.name,
        "regime": regime,
        "scenario": table.at[regime, "scenario"],
        "smoothed": float(smoothed[regime]),
        "filtered": float(filtered[regime]),
        "scenario_probabilities": scenario_probabilities(result).iloc[-1].to_dict(),
    }
