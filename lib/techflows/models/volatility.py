"""Stress in one price series: GARCH(1,1) volatility with normal or Student-t innovations (chosen
by BIC), VaR/ES, worst days and worst drawdowns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
from arch import arch_model
from arch.univariate.base import ARCHModelResult
from scipy import stats

from techflows.analysis import drawdowns
from techflows.data.source import Source
from techflows.data.sources.base import LONGER_PRICES_PROVIDER
from techflows.errors import DataError, DataUnavailable

FrameOrSeries = TypeVar("FrameOrSeries", pd.Series, pd.DataFrame)
TRADING_DAYS = 252
MIN_RETURNS = 250  # daily returns a GARCH(1,1) fit needs
STRESS_CANDIDATES = ("SMH", "SOXX")
INNOVATIONS = {"normal": "normal", "t": "Student-t"}  # arch's dist name -> the reports' word


def stress_tickers(src: Source, candidates: tuple[str, ...] = STRESS_CANDIDATES) -> list[str]:
    """The semiconductor ETFs the source has, else its tech proxy (^IXIC on sample)."""
    return src.available(candidates) or [src.tech_ticker]


def daily_returns(close: pd.Series) -> pd.Series:
    """Simple daily returns (decimal) of a close series."""
    return close.dropna().pct_change().dropna().rename(close.name)


def fit_garch(returns: pd.Series, dist: str = "normal") -> ARCHModelResult:
    """GARCH(1,1) with a constant mean on daily returns scaled to percent (arch's advice)."""
    returns = returns.dropna()
    if len(returns) < MIN_RETURNS:
        raise DataError(
            f"{returns.name}: {len(returns)} daily returns; GARCH needs at least {MIN_RETURNS}"
        )
    model = arch_model(100 * returns, mean="Constant", vol="GARCH", p=1, q=1, dist=dist)
    return model.fit(disp="off")


def next_day_variance(result: ARCHModelResult) -> float:
    """GARCH one-day-ahead variance forecast (in percent squared, like the fit)."""
    return float(result.forecast(horizon=1).variance.iloc[-1, 0])


def garch_summary(result: ARCHModelResult) -> dict[str, float | pd.Timestamp]:
    """Annualised GARCH volatility on the last day and the next, its long-run level, persistence."""
    params = result.params
    persistence = float(params["alpha[1]"] + params["beta[1]"])
    daily_long_run = (
        np.sqrt(params["omega"] / (1 - persistence)) if persistence < 1 else float("nan")
    )
    next_day = float(np.sqrt(next_day_variance(result)))
    annual = np.sqrt(TRADING_DAYS) / 100
    return {
        "date": result.conditional_volatility.index[-1],
        "vol_last_day": float(result.conditional_volatility.iloc[-1] * annual),
        "vol_next_day": next_day * annual,
        "vol_long_run": float(daily_long_run * annual),
        "persistence": persistence,
        "half_life_days": float(np.log(0.5) / np.log(persistence))
        if 0 < persistence < 1
        else float("nan"),
    }


def conditional_volatility(result: ARCHModelResult) -> pd.Series:
    """Annualised GARCH conditional volatility (decimal) by date."""
    return result.conditional_volatility * np.sqrt(TRADING_DAYS) / 100


def compare_innovations(fits: dict[str, ARCHModelResult]) -> pd.DataFrame:
    """Normal against Student-t GARCH(1,1) on the same returns: fit, persistence, the choice.

    Columns: innovations, loglik, params, aic, bic, lr, lr_p, nu, persistence, vol_long_run,
    chosen. Normal innovations are Student-t's limit as nu -> infinity, so the models are
    nested with the extra parameter on the boundary of its space: the likelihood-ratio
    statistic is compared with a 50:50 mixture of chi2(0) and chi2(1) (half the chi2(1)
    p-value). The choice is the lowest BIC, which charges ln(n) per parameter (stricter than
    AIC's 2), so fat tails must earn their parameter.
    """
    if "normal" not in fits:
        raise DataError(f"GARCH comparison needs the normal fit; has {sorted(fits)}")
    normal = fits["normal"].loglikelihood
    rows = []
    for dist, fit in fits.items():
        lr = 2 * (fit.loglikelihood - normal)
        nested = dist != "normal"
        summary = garch_summary(fit)
        rows.append(
            {
                "innovations": INNOVATIONS.get(dist, dist),
                "dist": dist,
                "loglik": fit.loglikelihood,
                "params": fit.num_params,
                "aic": fit.aic,
                "bic": fit.bic,
                "lr": lr if nested else np.nan,
                "lr_p": 0.5 * stats.chi2.sf(max(lr, 0.0), 1) if nested else np.nan,
                "nu": float(fit.params["nu"]) if "nu" in fit.params else np.nan,
                "persistence": summary["persistence"],
                "vol_long_run": summary["vol_long_run"],
            }
        )
    table = pd.DataFrame(rows)
    table["chosen"] = table["bic"] == table["bic"].min()
    return table


def chosen_fit(fits: dict[str, ARCHModelResult]) -> tuple[str, ARCHModelResult]:
    """The innovations with the lowest BIC (compare_innovations) and their fit."""
    table = compare_innovations(fits)
    dist = str(table.loc[table["chosen"], "dist"].iloc[0])
    return dist, fits[dist]


def historical_var_es(returns: pd.Series, level: float) -> tuple[float, float]:
    """One-day VaR and ES (positive loss fractions): the empirical quantile and the tail mean."""
    cut = float(np.quantile(returns, 1 - level))
    return -cut, -float(returns[returns <= cut].mean())


def normal_var_es(mean: float, sd: float, level: float) -> tuple[float, float]:
    """One-day VaR and ES (positive loss fractions) of normal returns with this mean and sd."""
    tail = 1 - level
    z = stats.norm.ppf(tail)
    return -(mean + sd * z), -(mean - sd * stats.norm.pdf(z) / tail)


def t_var_es(mean: float, sd: float, nu: float, level: float) -> tuple[float, float]:
    """One-day VaR and ES (positive loss fractions) of Student-t returns with this mean, sd and
    nu degrees of freedom (the t scaled to unit variance, as in the GARCH likelihood)."""
    tail = 1 - level
    x = stats.t.ppf(tail, nu)
    scale = np.sqrt((nu - 2) / nu)
    tail_mean = -scale * (nu + x**2) / (nu - 1) * stats.t.pdf(x, nu) / tail
    return -(mean + sd * scale * x), -(mean + sd * tail_mean)


def garch_method(garch: ARCHModelResult) -> str:
    """The VaR table's name for a GARCH fit, e.g. 'GARCH next day (Student-t innovations)'."""
    dist = "t" if "nu" in garch.params else "normal"
    return f"GARCH next day ({INNOVATIONS[dist]} innovations)"


def var_es(
    returns: pd.Series,
    levels: tuple[float, ...] = (0.95, 0.99),
    garch: ARCHModelResult | None = None,
) -> pd.DataFrame:
    """One-day VaR and ES as positive loss fractions: historical, normal, and GARCH next-day.

    Historical: the empirical quantile and the mean of returns at or below it. Normal: from the
    sample mean and standard deviation. GARCH (when given): the fitted mean and next-day
    conditional volatility, with the fit's own innovations (normal or Student-t).
    """
    returns = returns.dropna()
    rows = []
    for level in levels:
        var, es = historical_var_es(returns, level)
        rows.append({"level": level, "method": "historical", "VaR": var, "ES": es})
        var, es = normal_var_es(float(returns.mean()), float(returns.std()), level)
        rows.append({"level": level, "method": "normal", "VaR": var, "ES": es})
        if garch is not None:
            sd = np.sqrt(next_day_variance(garch)) / 100
            mean = float(garch.params["mu"]) / 100
            if "nu" in garch.params:
                var, es = t_var_es(mean, sd, float(garch.params["nu"]), level)
            else:
                var, es = normal_var_es(mean, sd, level)
            rows.append({"level": level, "method": garch_method(garch), "VaR": var, "ES": es})
    return pd.DataFrame(rows)


def worst_days(close: pd.Series, n: int = 10) -> pd.DataFrame:
    """The n largest one-day falls: date, close and return, worst first."""
    returns = daily_returns(close)
    worst = returns.nsmallest(n)
    return pd.DataFrame(
        {"date": worst.index, "close": close.reindex(worst.index).to_numpy(), "return": worst}
    ).reset_index(drop=True)


def worst_drawdowns(close: pd.Series, n: int = 5, min_depth: float = 0.10) -> pd.DataFrame:
    """The n deepest peak-to-recovery drawdowns (drawdowns.episodes), deepest first."""
    table = drawdowns.episodes(close, min_depth=min_depth)
    return table.sort_values("depth").head(n).reset_index(drop=True)


@dataclass(frozen=True)
class StressFit:
    """One series' daily returns over the window, its GARCH(1,1) fits and the one chosen."""

    returns: pd.Series
    fits: dict[str, ARCHModelResult]
    innovations: str  # the chosen fit's dist: 'normal' or 't'

    @property
    def garch(self) -> ARCHModelResult:
        """The fit chosen by BIC (compare_innovations)."""
        return self.fits[self.innovations]


class StressFits(dict[str, StressFit]):
    """stress_fits' result: ticker -> StressFit; left_out: the tickers with too few daily
    returns to fit, with how many they have."""

    def __init__(self, fits: dict[str, StressFit], left_out: dict[str, int]) -> None:
        super().__init__(fits)
        self.left_out = left_out


def stress_fits(src: Source, tickers: list[str], years: int | None = None) -> StressFits:
    """Per ticker: daily returns over the last `years` years, normal and Student-t GARCH(1,1).

    A ticker with under MIN_RETURNS daily returns by the as-of date is left out (named in
    left_out); DataUnavailable when every one is."""
    closes = src.close(tickers)
    out, short = {}, {}
    for ticker in closes.columns:
        returns = daily_returns(window(closes[ticker], years))
        if len(returns) < MIN_RETURNS:
            short[ticker] = len(returns)
            continue
        fits = {dist: fit_garch(returns, dist) for dist in INNOVATIONS}
        out[ticker] = StressFit(returns, fits, chosen_fit(fits)[0])
    if not out:
        counts = "; ".join(f"{t}: {n} daily returns" for t, n in short.items())
        raise DataUnavailable(
            f"Daily returns of {', '.join(short)} for a GARCH(1,1) fit",
            src.name,
            LONGER_PRICES_PROVIDER,
            note=f"{counts} up to {src.end.date()}; a fit needs {MIN_RETURNS}",
        )
    return StressFits(out, short)


def stress_table(fits: dict[str, StressFit]) -> pd.DataFrame:
    """Per ticker: the chosen GARCH's innovations (nu), vol now / next day / long run,
    persistence, and 99% historical and GARCH VaR/ES. attrs left_out: the tickers stress_fits
    left out for too few daily returns, with their counts."""
    rows = []
    for ticker, fit in fits.items():
        var, es = historical_var_es(fit.returns, 0.99)
        garch = var_es(fit.returns, (0.99,), fit.garch).iloc[-1]
        rows.append(
            {
                "ticker": ticker,
                "from": fit.returns.index[0],
                "innovations": INNOVATIONS[fit.innovations],
                "nu": float(fit.garch.params.get("nu", np.nan)),
                **garch_summary(fit.garch),
                "VaR99_hist": var,
                "ES99_hist": es,
                "VaR99_garch": garch["VaR"],
                "ES99_garch": garch["ES"],
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["left_out"] = dict(getattr(fits, "left_out", {}))
    return table


def window(close: FrameOrSeries, years: int | None) -> FrameOrSeries:
    """The last `years` years of a series, or of a frame's rows with any value (all of it when
    years is None or 0)."""
    close = close.dropna(how="all") if isinstance(close, pd.DataFrame) else close.dropna()
    if not years or close.empty:
        return close
    return close.loc[close.index[-1] - pd.DateOffset(years=years) :]
