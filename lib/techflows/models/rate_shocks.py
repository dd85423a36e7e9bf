"""Rate-path scenarios in the regression's own units: yield moves of 1 and 2 standard deviations
over one period and over a quarter, turned into tech's relative return through betas fitted at
that horizon, each with its p-value and R^2.

A multi-period horizon is fitted on sums over non-overlapping blocks, once per phase offset
(stats.blocks): overlapping windows share all but one period with their neighbours and would
overstate the evidence. The figures come from the offset whose p-value is the median; the range
of p across offsets and how many fall below 0.05 go with them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import RegressionResultsWrapper

from techflows.analysis import rates
from techflows.errors import DataError
from techflows.stats import blocks

JOINT = "joint"
BOTH = "nominal and real together (breakevens unchanged)"
SD_MULTIPLES = (1.0, 2.0)
# Horizons in the panel's own periods: a week and a quarter, or a month and a quarter.
HORIZONS = {"weekly": (1, 13), "monthly": (1, 3)}


def horizons(panel: pd.DataFrame) -> tuple[int, ...]:
    """The horizons (in periods) used for this panel's frequency."""
    return HORIZONS.get(panel.attrs.get("frequency", "weekly"), HORIZONS["weekly"])


def horizon_label(panel: pd.DataFrame, periods: int) -> str:
    """'1 week', '13 weeks', '3 months' for the panel's frequency."""
    unit = period_noun(panel)
    return f"{periods} {unit}{'s' if periods != 1 else ''}"


def period_noun(panel: pd.DataFrame) -> str:
    """The panel's period as a noun: 'week' or 'month'."""
    return panel.attrs.get("frequency", "weekly").removesuffix("ly")


def horizon_panel(panel: pd.DataFrame, periods: int) -> pd.DataFrame:
    """The panel summed over `periods` consecutive periods, one (overlapping) row per period end.

    tech_excess becomes the cumulative relative return (sum of the periods' excess returns) and
    each d_* the yield change over the horizon. Rows sit on the panel's rule (attrs): a missing
    period, or a period still running, leaves the windows that contain it out.
    """
    if periods < 1:
        raise DataError(f"rate-shock horizon: {periods} periods; needs at least 1")
    if periods == 1:
        return panel
    rule = panel.attrs.get("rule")
    if not rule:
        raise DataError("rate panel: no 'rule' in its attrs, so its periods cannot be summed")
    regular = panel.asfreq(rule)
    out = regular.rolling(periods, min_periods=periods).sum().dropna()
    out.attrs.update(panel.attrs)
    return out


def block_fits(
    panel: pd.DataFrame, regressors: list[str], periods: int
) -> list[RegressionResultsWrapper]:
    """One OLS per phase offset on sums over non-overlapping blocks of `periods` periods.

    Blocks do not overlap, so plain OLS errors apply (Newey-West on a few dozen blocks would
    understate them). A block holding a missing or running period is left out.
    """
    rule = panel.attrs.get("rule")
    if not rule:
        raise DataError("rate panel: no 'rule' in its attrs, so its periods cannot be summed")
    regular = panel.asfreq(rule)
    return [
        rates.fit_rate_sensitivity(blocks.block_sums(regular, periods, offset), regressors, None)
        for offset in range(periods)
    ]


def block_beta(panel: pd.DataFrame, regressor: str, periods: int | None = None) -> dict:
    """The beta of tech's return to one yield over the longest horizon (or `periods`), fitted
    on non-overlapping blocks: from the offset with the median p-value, in % per +1pp, with
    the range of p across offsets and how many fall below 0.05."""
    periods = periods or max(horizons(panel))
    fits = block_fits(panel, [regressor], periods)
    spread = blocks.offset_summary([fit.pvalues[regressor] for fit in fits])
    fit = fits[spread["median_offset"]]
    return {
        "horizon": horizon_label(panel, periods),
        "periods": periods,
        "beta": 100 * float(fit.params[regressor]),
        "beta_p": spread["median"],
        "p_low": spread["low"],
        "p_high": spread["high"],
        "p_below": spread["below"],
        "offsets": spread["offsets"],
        "r2": float(fit.rsquared),
        "n": int(fit.nobs),
    }


def shock_table(
    results: RegressionResultsWrapper, vectors: pd.DataFrame, alpha: float = 0.05
) -> pd.DataFrame:
    """Implied relative return for each shock vector (rows; columns = the fit's exog names).

    Uses the results' own covariance (HAC when fitted so) through results.t_test:
    impact = x'b, se = sqrt(x'Vx), with its (1 - alpha) interval and p-value.
    """
    vectors = vectors.reindex(columns=list(results.model.exog_names), fill_value=0.0)
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
    )


def scenario_table(
    panel: pd.DataFrame,
    periods: tuple[int, ...] | None = None,
    sd_multiples: tuple[float, ...] = SD_MULTIPLES,
    alpha: float = 0.05,
    hac_lags: int = 4,
) -> pd.DataFrame:
    """Per horizon and yield: rises of 1 and 2 standard deviations of that horizon's changes,
    through the beta fitted at that horizon; with the beta, its p-value and the R^2.

    A yield alone is its total association with tech's relative return (the other yield free
    to co-move). With both yields in the panel, the joint fit's combined shock (both rising by
    the real yield's move) is a real-yield rise with breakevens unchanged. One period is
    fitted with Newey-West errors (hac_lags); a longer horizon on non-overlapping blocks at
    every phase offset (block_fits), reported from the offset with the median p-value, with
    offsets, p_low, p_high and p_below (offsets with p < 0.05).
    """
    present = [c for c in rates.REGRESSOR_LABELS if c in panel]
    if not present:
        raise DataError(f"rate panel has no yield changes; has {list(panel.columns)}")
    names = rates.labels(panel)
    measured_by = {c: panel.attrs.get(f"{c.removeprefix('d_')}_source", c) for c in present}
    groups = [[c] for c in present] + ([present] if len(present) > 1 else [])
    parts = []
    for h in periods or horizons(panel):
        scales = horizon_panel(panel, h)  # a shock's size: the sd over every h-period window
        for group in groups:
            scale = scales[group[-1]].std()  # the real yield's when both move
            vectors = pd.DataFrame(
                [dict.fromkeys(group, k * scale) for k in sd_multiples], index=list(sd_multiples)
            )
            if h == 1:
                fits = [rates.fit_rate_sensitivity(panel, group, hac_lags)]
            else:
                fits = block_fits(panel, group, h)
            tables = [shock_table(fit, vectors, alpha) for fit in fits]
            spread = blocks.offset_summary([t["pvalue"].iloc[0] for t in tables])
            fit, table = fits[spread["median_offset"]], tables[spread["median_offset"]]
            joint = len(group) > 1
            table = table.assign(
                horizon=horizon_label(panel, h),
                periods=h,
                model=JOINT if joint else "alone",
                shocked=BOTH if joint else names[group[0]],
                sd_multiple=list(sd_multiples),
                shock_bp=[100 * k * scale for k in sd_multiples],
                beta=[100 * fit.params[group[0]]] * len(table) if not joint else np.nan,
                beta_p=[fit.pvalues[group[0]]] * len(table) if not joint else np.nan,
                r2=fit.rsquared,
                n=int(fit.nobs),
                offsets=spread["offsets"],
                p_low=spread["low"],
                p_high=spread["high"],
                p_below=spread["below"],
                yields_from="; ".join(measured_by[c] for c in group),
            )
            parts.append(table)
    columns = ["horizon", "periods", "model", "shocked", "sd_multiple", "shock_bp"]
    columns += ["impact", "se", "lower", "upper", "pvalue", "beta", "beta_p", "r2", "n"]
    columns += ["offsets", "p_low", "p_high", "p_below", "yields_from"]
    return pd.concat(parts, ignore_index=True)[columns]


def headline_shock(table: pd.DataFrame, sd_multiple: float = 1.0) -> pd.Series:
    """The longest horizon's shock of sd_multiple to the real yield alone (else the nominal)."""
    longest = table[(table["periods"] == table["periods"].max()) & (table["model"] == "alone")]
    rows = longest[longest["sd_multiple"] == float(sd_multiple)]
    for name in ("d_real", "d_nominal"):
        row = rows[rows["shocked"] == rates.REGRESSOR_LABELS[name]]
        if not row.empty:
            return row.iloc[0]
    if not rows.empty:  # a stand-in (Moody's AAA) for the nominal yield
        return rows.iloc[0]
    raise DataError(f"scenario table has no {sd_multiple:g}-sd single-yield shock")


def shock_scale(panel: pd.DataFrame, bp: float = 50) -> pd.DataFrame:
    """How large a move of `bp` is at each horizon: in standard deviations, and how often the
    yield moved at least that much (share of periods). One row per horizon and yield."""
    names = rates.labels(panel)
    rows = []
    for h in horizons(panel):
        data = horizon_panel(panel, h)
        for column in [c for c in rates.REGRESSOR_LABELS if c in data]:
            changes = data[column].dropna()
            sd = changes.std()
            rows.append(
                {
                    "horizon": horizon_label(panel, h),
                    "yield": names[column],
                    "sd_bp": 100 * sd,
                    "move_bp": bp,
                    "move_in_sd": bp / (100 * sd),
                    "share_at_least": float((changes.abs() >= bp / 100 - 1e-9).mean()),
                    "n": len(changes),
                }
            )
    return pd.DataFrame(rows)


def chart_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Long frame for a point-and-interval chart: lower, impact and upper (in %) per scenario."""
    label = (
        table["shocked"]
        + " +"
        + table["sd_multiple"].map("{:g} sd".format)
        + " ("
        + table["shock_bp"].map("{:+.0f} bp".format)
        + "), "
        + table["horizon"]
    )
    long = pd.concat(
        [
            pd.DataFrame({"scenario": label, "pct": 100 * table[c]})
            for c in ("lower", "impact", "upper")
        ]
    )
    return long.reset_index(drop=True)
