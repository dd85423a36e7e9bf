"""Tech's return over the market against moves in yields, the dollar and volatility."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.regression.linear_model import RegressionResultsWrapper
from statsmodels.regression.rolling import RollingOLS

from techflows.analysis import weeks
from techflows.analysis.markets import last_years
from techflows.data.source import Source
from techflows.data.sources.base import LATER_PROVIDER, PRICES_PROVIDER, SERIES_PROVIDER
from techflows.errors import DataError, DataUnavailable

REGRESSOR_LABELS = {"d_nominal": "10y nominal yield", "d_real": "10y real yield (TIPS)"}
# The rate regressions need a year of periods: 13-week sums on non-overlapping blocks fit at
# every phase offset on at least three blocks (3 x 13 + 12 = 51 weeks), a 52-week rolling beta.
MIN_PERIODS = {"weekly": 52, "monthly": 12}
MONTHLY_RULE = "ME"
Frame = TypeVar("Frame", pd.DataFrame, pd.Series)
AAA_LABEL = "Moody's AAA corporate yield (stand-in for the 10y)"


def tnx_in_percent(tnx: pd.Series) -> pd.Series:
    """^TNX in percent: old Yahoo history quotes it x10 (42.0 for 4.20%), which is rescaled."""
    tnx = tnx.dropna()
    # A 10-year yield above 25% never happened; levels that high are the x10 quote.
    return tnx.where(tnx < 25, tnx / 10)


def _yields(src: Source) -> tuple[pd.DataFrame, str, dict[str, str]]:
    """Daily (or monthly) 10-year yields in percent: columns nominal[, real]; rule; sources."""
    try:
        fred = src.series(["DGS10", "DFII10"])
    except DataUnavailable:
        fred = pd.DataFrame()
    found = {"nominal": "DGS10", "real": "DFII10"}
    yields = pd.DataFrame(
        {k: fred[v] for k, v in found.items() if v in fred and fred[v].notna().any()}
    )
    sources = {k: f"FRED {found[k]}" for k in yields}
    if "nominal" not in yields and src.available(["^TNX"]):
        yields["nominal"] = tnx_in_percent(src.close(["^TNX"])["^TNX"])
        sources["nominal"] = "Yahoo ^TNX (CBOE 10-year yield index)"
    if "nominal" in yields:
        return yields, "", sources
    try:
        aaa = src.series(["AAA"])["AAA"].dropna()
    except DataUnavailable:
        aaa = pd.Series(dtype=float)
    if aaa.empty:
        raise DataUnavailable(
            "10-year yields (DGS10, DFII10, ^TNX or Moody's AAA)",
            src.name,
            f"{SERIES_PROVIDER}, or {PRICES_PROVIDER} for ^TNX",
        )
    # Moody's AAA is a monthly average dated on the 1st: it belongs to that month's bin.
    monthly = aaa.resample(MONTHLY_RULE).last().to_frame("nominal")
    return monthly, MONTHLY_RULE, {"nominal": "Moody's AAA corporate yield (monthly average)"}


def labels(panel: pd.DataFrame) -> dict[str, str]:
    """Readable names of the panel's yield columns (the AAA stand-in is named as such)."""
    names = dict(REGRESSOR_LABELS)
    if "AAA" in panel.attrs.get("nominal_source", ""):
        names["d_nominal"] = AAA_LABEL
    return names


def period_last(values: Frame, rule: str, end: pd.Timestamp) -> Frame:
    """Last value per complete period up to end: weeks of the week calendar, or months (ME).

    A period still running at end (or cut by the start of the data) is left out.
    """
    values = values.loc[:end]
    if rule == MONTHLY_RULE:
        last = values.resample(rule).last()
        return last.loc[last.index <= end]
    return weeks.bucket(values, rule, "last")


def proxy_closes(src: Source) -> pd.DataFrame:
    """Daily closes of the tech and market proxies on the days both have one.

    Columns: tech, market; attrs: tech, market (the tickers).
    """
    tech, market = src.tech_ticker, src.market_ticker
    closes = src.close([tech, market])[[tech, market]].dropna()
    closes.columns = ["tech", "market"]
    closes.attrs.update({"tech": tech, "market": market})
    return closes


def period_closes(src: Source, rule: str = weeks.DEFAULT) -> pd.DataFrame:
    """The proxies' last close per complete period (columns tech, market; attrs the tickers).

    A week lacking exchange sessions in a proxy's bars (a data-quality flag) stays, blank, so
    no return is computed across it.
    """
    closes = proxy_closes(src)
    last = period_last(closes, rule, src.end)
    if rule == MONTHLY_RULE:
        last = last.dropna()
    else:
        gaps = src.missing_sessions([closes.attrs["tech"], closes.attrs["market"]])
        last.loc[last.index.isin(weeks.label(gaps, rule))] = np.nan
    last.attrs.update(closes.attrs)
    return last


def weekly_moves(src: Source, week_end: str = weeks.DEFAULT) -> pd.DataFrame:
    """Each complete week's return of the tech and market proxies and their difference (decimal).

    Columns: tech, market, tech_vs_market; attrs: tech, market (the tickers).
    """
    closes = period_closes(src, week_end)
    moves = closes.pct_change().dropna()
    moves["tech_vs_market"] = moves["tech"] - moves["market"]
    moves.attrs.update(closes.attrs)
    return moves


def relative_returns(src: Source, rule: str, years: int | None = None) -> pd.Series:
    """Return of the tech proxy minus the market proxy (decimal) per complete period of rule.

    years keeps the periods within that many years of the last complete one.
    """
    closes = period_closes(src, rule)
    period = closes.pct_change()
    return last_years((period["tech"] - period["market"]).dropna(), years).rename("tech_excess")


def weekly_rate_panel(
    src: Source, week_end: str = weeks.DEFAULT, years: int | None = None
) -> pd.DataFrame:
    """Weekly tech excess return and 10-year yield changes (pp); monthly when only Moody's exists.

    Columns: tech_excess (decimal), d_nominal, d_real (percentage points; d_real only when the
    source has real yields). attrs: frequency, rule, nominal_source, real_source, tech, market.
    Complete periods only (a week still running on the as-of date is left out); years keeps
    the rows within that many years of the last.
    """
    yields, rule, sources = _yields(src)
    rule = rule or week_end
    changes = period_last(yields, rule, src.end).diff().add_prefix("d_")
    both = pd.concat([relative_returns(src, rule), changes], axis=1, join="inner")
    panel = last_years(both.dropna(), years)
    frequency = "monthly" if rule == MONTHLY_RULE else "weekly"
    needed = MIN_PERIODS[frequency]
    if len(panel) < needed and "d_real" in both:
        # A real yield younger than a year (DFII10 starts 2003-01-02) would cut the nominal
        # one's years to its months: the nominal yield alone, and the page says why.
        nominal = last_years(both.drop(columns="d_real").dropna(), years)
        if len(nominal) >= needed:
            noun = frequency.removesuffix("ly")
            sources["real"] = (
                f"{sources['real']} not used: {len(panel)} {noun}s up to {src.end.date()}, "
                f"under the {needed} the regressions need"
            )
            panel = nominal
    if len(panel) < needed:
        raise _short_panel(src, panel, frequency)
    panel.attrs.update(
        {
            "frequency": frequency,
            "rule": rule,
            "nominal_source": sources["nominal"],
            "real_source": sources.get("real", "not available"),
            "tech": src.tech_ticker,
            "market": src.market_ticker,
            "source": src.name,
        }
    )
    return panel


def _short_panel(src: Source, panel: pd.DataFrame, frequency: str) -> DataUnavailable:
    """Under a year of periods with both tech's return over the market and yield changes."""
    noun = frequency.removesuffix("ly")
    span = f", from {panel.index[0].date()}" if len(panel) else ""
    return DataUnavailable(
        f"{noun.capitalize()}s of tech's return over the market beside yield changes",
        src.name,
        f"{LATER_PROVIDER}, or a csv folder with longer histories (prices/<TICKER>.csv, "
        "fred/<SERIES>.csv)",
        note=f"{len(panel)} complete {noun}{'' if len(panel) == 1 else 's'} of "
        f"{src.tech_ticker} over {src.market_ticker} with "
        f"yields up to {src.end.date()}{span}; the rate regressions need a year, "
        f"{MIN_PERIODS[frequency]}",
    )


def fit_rate_sensitivity(
    panel: pd.DataFrame, regressors: list[str] | None = None, hac_lags: int | None = 4
) -> RegressionResultsWrapper:
    """OLS of tech_excess on a constant and yield changes, Newey-West (HAC) standard errors;
    hac_lags None: plain OLS errors (observations that do not overlap, such as block sums)."""
    regressors = regressors or [c for c in REGRESSOR_LABELS if c in panel]
    missing = [c for c in ["tech_excess", *regressors] if c not in panel]
    if missing:
        raise DataError(f"rate panel: column {missing[0]!r} missing; has {list(panel.columns)}")
    data = panel[["tech_excess", *regressors]].dropna()
    if len(data) <= len(regressors) + 1:
        raise DataError(f"rate panel: {len(data)} complete rows, too few to fit {regressors}")
    exog = sm.add_constant(data[regressors], has_constant="add")
    if hac_lags is None:
        return sm.OLS(data["tech_excess"], exog).fit()
    return sm.OLS(data["tech_excess"], exog).fit(
        cov_type="HAC", cov_kwds={"maxlags": int(hac_lags)}
    )


def sensitivity_table(panel: pd.DataFrame, hac_lags: int = 4) -> pd.DataFrame:
    """One row per model and yield: beta in % excess return per +1pp, HAC se, t, p, R2, n."""
    names = labels(panel)
    present = [c for c in REGRESSOR_LABELS if c in panel]
    models = [[c] for c in present] + ([present] if len(present) > 1 else [])
    rows = []
    for regressors in models:
        fit = fit_rate_sensitivity(panel, regressors, hac_lags)
        for name in regressors:
            rows.append(
                {
                    "model": " + ".join(names[r] for r in regressors),
                    "yield": names[name],
                    "beta_pct_per_pp": 100 * fit.params[name],
                    "hac_se": 100 * fit.bse[name],
                    "t": fit.tvalues[name],
                    "p": fit.pvalues[name],
                    "r2": fit.rsquared,
                    "n": int(fit.nobs),
                    "source": panel.attrs.get(
                        "real_source" if name == "d_real" else "nominal_source", ""
                    ),
                }
            )
    return pd.DataFrame(rows)


def headline_beta(panel: pd.DataFrame, hac_lags: int = 4) -> dict[str, object]:
    """Tech's beta to the real yield alone (else the nominal), in % per +1pp, with its HAC se and
    p-value and the regression's R^2."""
    regressor = "d_real" if "d_real" in panel else "d_nominal"
    fit = fit_rate_sensitivity(panel, [regressor], hac_lags)
    source = panel.attrs.get("real_source" if regressor == "d_real" else "nominal_source", "")
    return {
        "regressor": regressor,
        "label": labels(panel)[regressor],
        "source": source,
        "beta": 100 * float(fit.params[regressor]),
        "se": 100 * float(fit.bse[regressor]),
        "p": float(fit.pvalues[regressor]),
        "r2": float(fit.rsquared),
        "n": int(fit.nobs),
        "frequency": panel.attrs.get("frequency", ""),
    }


def rolling_window(panel: pd.DataFrame, weeks: int = 52) -> int:
    """Rolling window in periods: weeks for a weekly panel, 36 months for a monthly one."""
    return int(weeks) if panel.attrs.get("frequency") != "monthly" else 36


def rolling_beta(panel: pd.DataFrame, regressor: str, window: int = 52) -> pd.DataFrame:
    """Rolling OLS beta of tech_excess on one yield change with a +-2 standard-error band."""
    if regressor not in panel:
        raise DataError(f"rate panel: column {regressor!r} missing; has {list(panel.columns)}")
    data = panel[["tech_excess", regressor]].dropna()
    if len(data) < window:  # a long window on an early as-of date, or a short lookback
        noun = panel.attrs.get("frequency", "weekly").removesuffix("ly")
        raise DataUnavailable(
            f"{window}-{noun} rolling betas",
            panel.attrs.get("source", "given"),
            f"{LATER_PROVIDER}, a longer lookback_years or a shorter rolling_weeks",
            note=f"{len(data)} {noun}s in the rate panel up to {data.index[-1].date()}"
            if len(data)
            else "",
        )
    exog = sm.add_constant(data[[regressor]], has_constant="add")
    fit = RollingOLS(data["tech_excess"], exog, window=window).fit()
    beta, se = fit.params[regressor], fit.bse[regressor]
    out = pd.DataFrame({"beta": beta, "se": se, "lower": beta - 2 * se, "upper": beta + 2 * se})
    return out.dropna()


def _dollar(src: Source) -> tuple[pd.Series, str]:
    for ticker in ("DX-Y.NYB", "UUP"):
        if src.available([ticker]):
            return src.close([ticker])[ticker], ticker
    try:
        return src.series(["DTWEXBGS"])["DTWEXBGS"].dropna(), "FRED DTWEXBGS"
    except DataUnavailable:
        raise DataUnavailable(
            "The dollar (DX-Y.NYB, UUP or DTWEXBGS)", src.name, PRICES_PROVIDER
        ) from None


def _vix(src: Source) -> tuple[pd.Series, str]:
    if src.available(["^VIX"]):
        return src.close(["^VIX"])["^VIX"], "^VIX"
    try:
        return src.series(["VIXCLS"])["VIXCLS"].dropna(), "FRED VIXCLS"
    except DataUnavailable:
        raise DataUnavailable("The VIX (^VIX or VIXCLS)", src.name, PRICES_PROVIDER) from None


def macro_panel(
    src: Source, week_end: str = weeks.DEFAULT, years: int | None = None
) -> pd.DataFrame:
    """Complete weeks' tech excess return with the dollar's % change and the VIX change (points).

    Columns: tech_excess, dollar (decimal change; absent without dollar data), d_vix.
    attrs: dollar_source, vix_source (what fed each column or 'not available').
    """
    parts = [relative_returns(src, week_end)]
    attrs = {"dollar_source": "not available", "vix_source": "not available"}
    for name, loader, transform in (
        ("dollar", _dollar, lambda s: s.pct_change()),
        ("d_vix", _vix, lambda s: s.diff()),
    ):
        try:
            series, label = loader(src)
        except DataUnavailable:
            continue
        weekly = period_last(series, week_end, src.end).dropna()
        parts.append(transform(weekly).rename(name))
        attrs[f"{name.removeprefix('d_')}_source"] = label
    if len(parts) == 1:
        raise DataUnavailable("The dollar and the VIX", src.name, PRICES_PROVIDER)
    panel = last_years(pd.concat(parts, axis=1, join="inner").dropna(), years)
    panel.attrs.update(attrs)
    return panel


def correlation_table(panel: pd.DataFrame, window: int = 52) -> pd.DataFrame:
    """Correlation of tech_excess with each driver: whole period and the last window."""
    rows = []
    for column in panel.columns.drop("tech_excess"):
        data = panel[["tech_excess", column]].dropna()
        recent = data.iloc[-window:]
        rows.append(
            {
                "driver": column,
                "source": panel.attrs.get(f"{column.removeprefix('d_')}_source", ""),
                "corr_full": data.corr().iloc[0, 1],
                "n_full": len(data),
                "corr_recent": recent.corr().iloc[0, 1],
                "n_recent": len(recent),
                "recent_from": recent.index[0],
            }
        )
    return pd.DataFrame(rows)


def rolling_correlations(panel: pd.DataFrame, window: int = 52) -> pd.DataFrame:
    """Rolling correlation of tech_excess with every other column (pandas rolling corr)."""
    drivers = panel.drop(columns="tech_excess")
    return drivers.rolling(window).corr(panel["tech_excess"]).dropna(how="all")
