"""Short-term forecast of tech's weekly return over the market: SARIMAX and a rolling backtest."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd
from scipy.stats import binomtest, ttest_1samp
from statsmodels.tsa.statespace.sarimax import SARIMAX, SARIMAXResultsWrapper

from techflows.analysis import flows, rates
from techflows.data import freshness
from techflows.data.source import Source
from techflows.data.sources.base import FLOWS_PROVIDER, LONGER_PRICES_PROVIDER
from techflows.errors import DataError, DataUnavailable

ORDER = (1, 0, 0)
MODEL = "SARIMAX"
NAIVE = ("last value", "zero", "historical mean")
MIN_TRAIN = 52
MIN_ORIGINS = 10  # the fewest backtest weeks a verdict rests on (the origins parameter's floor)
SKILL_P = 0.05

FrameT = TypeVar("FrameT", pd.Series, pd.DataFrame)


def model_inputs(
    src: Source, week_end: str = "W-FRI", years: int | None = None
) -> tuple[pd.Series, pd.DataFrame | None, str]:
    """Complete weeks' tech excess return (%) to the as-of date, weekly yield changes (pp) as
    exog, and a note saying what the exog is and how it meets the as-of date.

    The sample always runs to the last complete week, so the first forecast week follows the
    as-of date. Yields that end earlier (FRED lags prices) are carried forward when they end
    within the freshness limit (their level held, so zero change in the weeks after), and
    dropped when they end before it; the note says which. Without weekly yields, no exog.
    """
    y = _weekly(rates.relative_returns(src, week_end, years) * 100, week_end)
    y.attrs["source"] = src.name
    try:
        panel = rates.weekly_rate_panel(src, week_end)
    except DataUnavailable:
        panel = None
    if panel is None or panel.attrs.get("frequency") != "weekly":
        return y, None, "none: this source has no weekly yields"
    changes = panel.drop(columns="tech_excess")
    used = ", ".join(rates.REGRESSOR_LABELS.get(c, c) for c in changes.columns)
    what = f"weekly changes in the {used} (source: {panel.attrs['nominal_source']})"
    last, end = changes.index[-1], y.index[-1]
    if freshness.is_stale(last, end):
        dropped = (
            f"none: the {what} end {last.date()}, {freshness.stale_words(last, end)}, so they "
            "are dropped and the model uses tech's returns alone"
        )
        return y, None, dropped
    # A week without a yield change (a gap, or after the yields end) counts as no change.
    exog = changes.reindex(y.index).fillna(0.0)
    carried = int((y.index > last).sum())
    if carried:
        what += (
            f"; they end {last.date()}, so their level is carried forward over the {carried} "
            f"weeks to {end.date()} (zero change)"
        )
    return y, exog, what


def _weekly(frame: FrameT, week_end: str) -> FrameT:
    """Put the series on a regular weekly index so forecasts carry dates (gaps become NaN)."""
    return frame.asfreq(week_end)


def fit(
    y: pd.Series | np.ndarray,
    exog: pd.DataFrame | np.ndarray | None = None,
    order: tuple[int, int, int] = ORDER,
) -> SARIMAXResultsWrapper:
    """SARIMAX with a constant, fitted by maximum likelihood."""
    model = SARIMAX(y, exog=exog, order=order, trend="c")
    return model.fit(disp=False)


def forecast(result: SARIMAXResultsWrapper, steps: int = 4, alpha: float = 0.10) -> pd.DataFrame:
    """Next `steps` weeks: mean with a (1 - alpha) interval; future exog set to zero change."""
    future = np.zeros((steps, result.model.k_exog)) if result.model.k_exog else None
    frame = result.get_forecast(steps, exog=future).summary_frame(alpha=alpha)
    frame = frame.rename(
        columns={"mean_se": "se", "mean_ci_lower": "lower", "mean_ci_upper": "upper"}
    )
    return frame.rename_axis(index="week_end", columns=None)


def parameters(result: SARIMAXResultsWrapper) -> pd.DataFrame:
    """Fitted coefficients with standard errors and p-values."""
    return pd.DataFrame({"coef": result.params, "se": result.bse, "p": result.pvalues}).rename_axis(
        "parameter"
    )


def naive_forecasts(y: pd.Series, origins: int) -> pd.DataFrame:
    """One-step naive forecasts of the last `origins` values: last value, zero, historical mean."""
    frame = pd.DataFrame(
        {
            "actual": y,
            "last value": y.shift(1),
            "zero": 0.0,
            "historical mean": y.expanding().mean().shift(1),
        }
    )
    return frame.iloc[len(y) - origins :]


def rolling_forecasts(
    y: pd.Series,
    exog: pd.DataFrame | None = None,
    origins: int = 78,
    refit_every: int = 13,
    order: tuple[int, int, int] = ORDER,
    alpha: float | None = None,
) -> pd.DataFrame:
    """One-step forecasts from each of the last `origins` weeks: actual, SARIMAX and naive ones.

    The model is refitted every `refit_every` origins; in between, the fitted parameters are
    carried forward over the newer weeks (results.extend), so no forecast sees its target.
    With alpha, also the SARIMAX (1 - alpha) prediction band of each forecast: lower, upper.
    """
    n = len(y)
    first = n - origins
    if origins < 1 or first < MIN_TRAIN:
        raise DataError(f"backtest: {n} weeks; needs {MIN_TRAIN} to fit plus {origins} origins")
    # Plain arrays: a dated index makes statsmodels rebuild date ranges at every step.
    values = y.to_numpy(dtype=float)
    inputs = None if exog is None else exog.to_numpy(dtype=float)
    future = None if exog is None else np.zeros((1, exog.shape[1]))
    predictions = np.full((n - first, 3), np.nan)  # mean, lower, upper
    for start in range(first, n, refit_every):
        fitted = fit(values[:start], None if inputs is None else inputs[:start], order)
        for t in range(start, min(start + refit_every, n)):
            current = fitted
            if t > start:
                new_exog = None if inputs is None else inputs[start:t]
                current = fitted.extend(values[start:t], exog=new_exog)
            ahead = current.get_forecast(1, exog=future)
            predictions[t - first, 0] = float(ahead.predicted_mean[0])
            if alpha is not None:
                predictions[t - first, 1:] = np.asarray(ahead.conf_int(alpha=alpha))[0]
    table = naive_forecasts(y, origins)
    table.insert(1, MODEL, predictions[:, 0])
    if alpha is not None:
        table["lower"], table["upper"] = predictions[:, 1], predictions[:, 2]
    return table


def naive_scale(y: pd.Series) -> float:
    """In-sample MAE of the last-value forecast (the MASE denominator)."""
    scale = float(y.diff().abs().mean())
    if not np.isfinite(scale) or scale == 0:
        raise DataError("MASE scale: the in-sample series needs two different values")
    return scale


def direction_hits(forecast: pd.Series, actual: pd.Series) -> tuple[int, int]:
    """(weeks with the sign right, weeks compared); weeks with a zero forecast or actual skipped."""
    keep = (forecast != 0) & (actual != 0) & forecast.notna() & actual.notna()
    return int((np.sign(forecast[keep]) == np.sign(actual[keep])).sum()), int(keep.sum())


def skill(table: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Per forecaster: MAE, MASE (MAE / scale), MAE vs the best naive, hit rate and its p-value."""
    actual = table["actual"]
    rows = []
    for name in table.columns.drop("actual"):
        errors = (table[name] - actual).abs()
        hits, compared = direction_hits(table[name], actual)
        rows.append(
            {
                "forecaster": name,
                "n": int(errors.notna().sum()),
                "mae": float(errors.mean()),
                "mase": float(errors.mean()) / scale,
                "hit_rate": hits / compared if compared else float("nan"),
                "hit_p": binomtest(hits, compared, 0.5, "greater").pvalue
                if compared
                else float("nan"),
            }
        )
    frame = pd.DataFrame(rows).set_index("forecaster")
    best = frame.loc[[c for c in NAIVE if c in frame.index], "mae"].idxmin()
    frame.insert(3, "mae_vs_best_naive", frame["mae"] / frame.loc[best, "mae"])
    frame.insert(4, "dm_p", [accuracy_p(table[c], table[best], actual) for c in frame.index])
    return frame


def accuracy_p(candidate: pd.Series, benchmark: pd.Series, actual: pd.Series) -> float:
    """One-sided Diebold-Mariano p-value (absolute loss) that candidate beats the benchmark."""
    # For one-step forecasts the DM statistic is a t-test of the mean loss differential.
    differential = ((candidate - actual).abs() - (benchmark - actual).abs()).dropna()
    if len(differential) < 2 or (differential == 0).all():
        return float("nan")
    return float(ttest_1samp(differential, 0.0, alternative="less").pvalue)


def backtest(
    y: pd.Series,
    exog: pd.DataFrame | None = None,
    origins: int = 78,
    refit_every: int = 13,
    order: tuple[int, int, int] = ORDER,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rolling-origin forecasts and their skill table (MASE scaled on the weeks before them)."""
    table = rolling_forecasts(y, exog, origins, refit_every, order)
    return table, skill(table, naive_scale(y.iloc[: len(y) - origins]))


def verdict(metrics: pd.DataFrame, model: str = MODEL) -> tuple[str, str]:
    """Label ('skill' / 'no skill') and a sentence stating the backtest result."""
    # Skill = MAE below the best naive forecast's (Diebold-Mariano p < SKILL_P) AND a hit rate
    # above 50% (one-sided binomial p < SKILL_P). Either failing means no skill.
    row = metrics.loc[model]
    best = metrics.loc[[c for c in NAIVE if c in metrics.index], "mae"].idxmin()
    accurate = row["mae_vs_best_naive"] < 1 and row["dm_p"] < SKILL_P
    directional = row["hit_p"] < SKILL_P
    sentence = (
        f"Over {int(row['n'])} one-week-ahead forecasts the {model} mean absolute error is "
        f"{row['mae_vs_best_naive']:.2f}x that of the best naive forecast ({best}; "
        f"Diebold-Mariano p = {row['dm_p']:.2f}); its MASE is {row['mase']:.2f}, and it called "
        f"the direction right {row['hit_rate']:.0%} of the time (binomial p = {row['hit_p']:.2f}"
        f" against a coin flip). "
    )
    if accurate and directional:
        return "skill", sentence + "**The model shows forecasting skill over naive forecasts.**"
    reasons = []
    if not accurate:
        reasons.append(f"it is not measurably more accurate than the {best} forecast")
    if not directional:
        reasons.append("its direction calls are not distinguishable from a coin flip")
    return (
        "no skill",
        sentence + f"**The model has no forecasting skill: {' and '.join(reasons)}.**",
    )


def evaluate(
    y: pd.Series,
    exog: pd.DataFrame | None = None,
    origins: int = 78,
    refit_every: int = 13,
    steps: int = 4,
    alpha: float = 0.10,
) -> dict[str, object]:
    """Fit, forecast and backtest one series; returns each piece and the verdict sentence.

    DataUnavailable when y is too short to fit and backtest (require_history)."""
    require_history(y)
    if exog is not None:
        exog = exog.reindex(y.index).fillna(0.0)  # a week without a yield change counts as none
    # A short lookback backtests on fewer origins rather than not at all.
    origins = min(origins, len(y) - MIN_TRAIN)
    result = fit(y, exog)
    table, metrics = backtest(y, exog, origins, refit_every)
    label, sentence = verdict(metrics)
    return {
        "result": result,
        "forecast": forecast(result, steps, alpha),
        "parameters": parameters(result),
        "backtest": table,
        "metrics": metrics,
        "label": label,
        "verdict": sentence,
    }


def require_history(y: pd.Series) -> None:
    """DataUnavailable unless y has MIN_TRAIN weeks to fit and MIN_ORIGINS more to backtest on
    (an as-of date soon after the proxies start); y.attrs name its source (model_inputs)."""
    needed = MIN_TRAIN + MIN_ORIGINS
    if len(y) >= needed:
        return
    span = f" up to {y.index[-1].date()}" if len(y) else ""
    raise DataUnavailable(
        "SARIMAX forecasts of tech's weekly return over the market and their backtest",
        y.attrs.get("source", "given"),
        LONGER_PRICES_PROVIDER,
        note=f"{len(y)} weeks{span}; fitting needs {MIN_TRAIN} and a backtest {MIN_ORIGINS} "
        f"more, {needed}",
    )


def weekly_tech_flows(src: Source, week_end: str = "W-FRI") -> pd.Series:
    """Weekly net flows into tech funds ($bn), complete weeks only (flows.weekly_flows)."""
    _, by_group = flows.weekly_flows(src, week_end)
    if "tech" not in by_group:
        raise DataUnavailable("Flows of tech funds", src.name, FLOWS_PROVIDER)
    return _weekly((by_group["tech"] / 1e9).rename("tech_flows_bn"), week_end)


def after_date(weekly: pd.Series, after: object) -> dict[str, object]:
    """Weeks ending after a date: how many, how many above zero (and share), sum, first, last."""
    weekly = weekly.dropna()
    later = weekly.loc[weekly.index > pd.Timestamp(after)]
    empty = later.empty
    return {
        "weeks": len(later),
        "positive": int((later > 0).sum()),
        "share_positive": float("nan") if empty else float((later > 0).mean()),
        "total": float("nan") if empty else float(later.sum()),
        "first": None if empty else later.index[0],
        "last": None if empty else later.index[-1],
    }


def short_history(y: pd.Series, what: str, origins: int) -> str:
    """'' when y is long enough to fit and backtest; else a plain sentence saying why not."""
    y = y.dropna()
    needed = MIN_TRAIN + origins
    if len(y) >= needed:
        return ""
    span = f" ({y.index[0].date()} to {y.index[-1].date()})" if len(y) else ""
    return (
        f"{what}: only {len(y)} weeks of data{span}. Fitting a model and backtesting it on "
        f"{origins} weeks needs at least {needed} weeks, so this series is too short to model."
    )
