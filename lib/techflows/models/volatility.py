"""Stress in one price series: GARCH(1,1) volatility, VaR/ES, worst days and worst drawdowns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from arch import arch_model
from arch.univariate.base import ARCHModelResult
from scipy import stats

from techflows.analysis import drawdowns
from techflows.data.source import Source
from techflows.errors import DataError

TRADING_DAYS = 252
STRESS_CANDIDATES = ("SMH", "SOXX")


def stress_tickers(src: Source, candidates: tuple[str, ...] = STRESS_CANDIDATES) -> list[str]:
    """The semiconductor ETFs the source has, else its tech proxy (^IXIC on sample)."""
    return src.available(candidates) or [src.tech_ticker]


def daily_returns(close: pd.Series) -> pd.Series:
    """Simple daily returns (decimal) of a close series."""
    return close.dropna().pct_change().dropna().rename(close.name)


def fit_garch(returns: pd.Series, dist: str = "normal") -> ARCHModelResult:
    """GARCH(1,1) with a constant mean on daily returns scaled to percent (arch's advice)."""
    returns = returns.dropna()
    if len(returns) < 250:
        raise DataError(f"{returns.name}: {len(returns)} daily returns; GARCH needs at least 250")
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


def historical_var_es(returns: pd.Series, level: float) -> tuple[float, float]:
    """One-day VaR and ES (positive loss fractions): the empirical quantile and the tail mean."""
    cut = float(np.quantile(returns, 1 - level))
    return -cut, -float(returns[returns <= cut].mean())


def normal_var_es(mean: float, sd: float, level: float) -> tuple[float, float]:
    """One-day VaR and ES (positive loss fractions) of normal returns with this mean and sd."""
    tail = 1 - level
    z = stats.norm.ppf(tail)
    return -(mean + sd * z), -(mean - sd * stats.norm.pdf(z) / tail)


def var_es(
    returns: pd.Series,
    levels: tuple[float, ...] = (0.95, 0.99),
    garch: ARCHModelResult | None = None,
) -> pd.DataFrame:
    """One-day VaR and ES as positive loss fractions: historical, normal, and GARCH next-day.

    Historical: the empirical quantile and the mean of returns at or below it. Normal: from the
    sample mean and standard deviation. GARCH (when given): normal with the fitted mean and the
    next-day conditional volatility.
    """
    returns = returns.dropna()
    normals = {"normal": (float(returns.mean()), float(returns.std()))}
    if garch is not None:
        sd = np.sqrt(next_day_variance(garch)) / 100
        normals["GARCH next day"] = (float(garch.params["mu"]) / 100, sd)
    rows = []
    for level in levels:
        var, es = historical_var_es(returns, level)
        rows.append({"level": level, "method": "historical", "VaR": var, "ES": es})
        for method, (mean, sd) in normals.items():
            var, es = normal_var_es(mean, sd, level)
            rows.append({"level": level, "method": method, "VaR": var, "ES": es})
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
    """One series' daily returns over the window and their GARCH(1,1) fit."""

    returns: pd.Series
    garch: ARCHModelResult


def stress_fits(src: Source, tickers: list[str], years: int | None = None) -> dict[str, StressFit]:
    """Per ticker: daily returns over the last `years` years and their GARCH(1,1) fit."""
    closes = src.close(tickers)
    fits = {}
    for ticker in closes.columns:
        returns = daily_returns(window(closes[ticker], years))
        fits[ticker] = StressFit(returns, fit_garch(returns))
    return fits


def stress_table(fits: dict[str, StressFit]) -> pd.DataFrame:
    """Per ticker: GARCH vol now / next day / long run, persistence, and 99% historical VaR/ES."""
    rows = []
    for ticker, fit in fits.items():
        var, es = historical_var_es(fit.returns, 0.99)
        rows.append(
            {
                "ticker": ticker,
                "from": fit.returns.index[0],
                **garch_summary(fit.garch),
                "VaR99_hist": var,
                "ES99_hist": es,
            }
        )
    return pd.DataFrame(rows)


def window(close: pd.Series, years: int | None) -> pd.Series:
    """The last `years` years of a series (all of it when years is None or 0)."""
    close = close.dropna()
    if not years:
        return close
    return close.loc[close.index[-1] - pd.DateOffset(years=years) :]
