"""Rate-path scenarios: yield shocks turned into tech's relative return through fitted betas."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import RegressionResultsWrapper

from techflows.analysis import rates
from techflows.errors import DataError

JOINT = "joint"
BOTH = "nominal and real together (breakevens unchanged)"


def shock_vectors(
    exog_names: list[str], shocks_bp: tuple[float, ...] = (25, 50, 100)
) -> pd.DataFrame:
    """One row per scenario: each rate regressor alone, then all together, shocked by bp/100 pp.

    The constant (and any non-rate regressor) stays at 0: the scenario is the change in the
    weekly relative return caused by the shock, not the average week.
    """
    shocked = [name for name in exog_names if name.startswith("d_")]
    if not shocked:
        raise DataError(f"regression has no rate regressors (d_*): {exog_names}")
    groups = [[name] for name in shocked]
    if len(shocked) > 1:
        groups.append(shocked)
    rows, index = [], []
    for group in groups:
        for bp in shocks_bp:
            vector = pd.Series(0.0, index=exog_names)
            vector[group] = bp / 100.0
            rows.append(vector)
            index.append((" + ".join(rates.REGRESSOR_LABELS.get(g, g) for g in group), float(bp)))
    return pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["shocked", "bp"]))


def rate_shock_table(
    results: RegressionResultsWrapper,
    shocks_bp: tuple[float, ...] = (25, 50, 100),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Implied weekly tech relative return for each shock, with its (1 - alpha) interval.

    Uses the results' own covariance (HAC when fitted so) through results.t_test on the shock
    vectors: impact = x'b, se = sqrt(x'Vx).
    """
    vectors = shock_vectors(list(results.model.exog_names), shocks_bp)
    test = results.t_test(vectors.to_numpy())
    bounds = np.asarray(test.conf_int(alpha=alpha))
    return pd.DataFrame(
        {
            "impact": np.ravel(test.effect),
            "se": np.ravel(test.sd),
            "lower": bounds[:, 0],
            "upper": bounds[:, 1],
            "pvalue": np.ravel(test.pvalue),
        },
        index=vectors.index,
    ).reset_index()


def scenario_table(
    panel: pd.DataFrame,
    shocks_bp: tuple[float, ...] = (25, 50, 100),
    alpha: float = 0.05,
    hac_lags: int = 4,
) -> pd.DataFrame:
    """Shock impacts from one fit per yield alone, plus both yields moving together.

    A yield alone is its total association with tech's relative return (the other yield free
    to co-move). With nominal and real both in the panel, the joint fit's combined shock is a
    real-yield rise with breakevens unchanged.
    """
    present = [c for c in rates.REGRESSOR_LABELS if c in panel]
    # The panel says which series stands for each yield (e.g. Moody's AAA on the sample source).
    measured_by = {c: panel.attrs.get(f"{c.removeprefix('d_')}_source", c) for c in present}
    parts = []
    for name in present:
        fit = rates.fit_rate_sensitivity(panel, [name], hac_lags)
        table = rate_shock_table(fit, shocks_bp, alpha)
        parts.append(table.assign(model="alone", n=int(fit.nobs), yields_from=measured_by[name]))
    if len(present) > 1:
        fit = rates.fit_rate_sensitivity(panel, present, hac_lags)
        table = rate_shock_table(fit, shocks_bp, alpha)
        table = table[table["shocked"].str.contains(" + ", regex=False)]
        table = table.assign(shocked=BOTH)
        sources = "; ".join(measured_by[c] for c in present)
        parts.append(table.assign(model=JOINT, n=int(fit.nobs), yields_from=sources))
    if not parts:
        raise DataError(f"rate panel has no yield changes; has {list(panel.columns)}")
    return pd.concat(parts, ignore_index=True)


def headline_shock(table: pd.DataFrame, bp: float = 50) -> pd.Series:
    """The bp-sized shock to the real yield alone (else the nominal yield) from scenario_table."""
    alone = table[(table["model"] == "alone") & (table["bp"] == float(bp))]
    for name in ("d_real", "d_nominal"):
        row = alone[alone["shocked"] == rates.REGRESSOR_LABELS[name]]
        if not row.empty:
            return row.iloc[0]
    raise DataError(f"scenario table has no {bp:g} bp single-yield shock")


def chart_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Long frame for a point-and-interval chart: lower, impact and upper (in %) per scenario."""
    label = table["shocked"] + " +" + table["bp"].map("{:g} bp".format)
    long = pd.concat(
        [
            pd.DataFrame({"scenario": label, "pct": 100 * table[c]})
            for c in ("lower", "impact", "upper")
        ]
    )
    return long.reset_index(drop=True)
