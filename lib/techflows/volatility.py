"""Stress in one price series: GARCH(1,1) volatility, VaR/ES, worst days and worst drawdowns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from arch import arch_model
from arch.univariate.base import ARCHModelResult
from scipy import stats

from techflows import drawdowns
from techflows.data import Source
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


def garch_summary(result: ARCHModelResult) -> dict[str, float | pd.Timestamp]:
    """Annualised GARCH volatility on the last day and the next, its long-run level, persistence."""
    params = result.params
    persistence = float(params["alpha[1]"] + params["beta[1]"])
    daily_long_run = (
        np.sqrt(params["omega"] / (1 - persistence)) if persistence < 1 else float("nan")
    )
    next_day = float(np.sqrt(result.forecast(horizon=1).variance.iloc[-1, 0]))
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
    mu, sigma = float(returns.mean()), float(returns.std())
    sources = [("historical", mu, sigma), ("normal", mu, sigma)]
    if garch is not None:
        next_var = float(garch.forecast(horizon=1).variance.iloc[-1, 0])
        sources.append(("GARCH next day", float(garch.params["mu"]) / 100, np.sqrt(next_var) / 100))
    rows = []
    for level in levels:
        tail = 1 - level
        for method, m, s in sources:
            if method == "historical":
                cut = float(np.quantile(returns, tail))
                var, es = -cut, -float(returns[returns <= cut].mean())
            else:
                z = stats.norm.ppf(tail)
                var, es = -(m + s * z), -(m - s * stats.norm.pdf(z) / tail)
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


def stress_table(src: Source, tickers: list[str], years: int | None = None) -> pd.DataFrame:
    """Per ticker: GARCH vol now / next day / long run, persistence, and 99% historical VaR/ES."""
    closes = src.close(tickers)
    rows = []
    for ticker in closes.columns:
        returns = daily_returns(window(closes[ticker], years))
        fit = fit_garch(returns)
        risk = var_es(returns, levels=(0.99,)).set_index("method").loc["historical"]
        rows.append(
            {
                "ticker": ticker,
                "from": returns.index[0],
                **garch_summary(fit),
                "VaR99_hist": float(risk["VaR"]),
                "ES99_hist": float(risk["ES"]),
            }
        )
    return pd.DataFrame(rows)


def window(close: pd.Series, years: int | None) -> pd.Series:
    """The last `years` years of a series (all of it when years is None or 0)."""
    close = close.dropna()
    if not years:
        return close
    return close.loc[close.index[-1] - pd.DateOffset(years=years) :]
