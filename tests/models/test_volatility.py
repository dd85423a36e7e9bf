"""GARCH wrapper against a direct arch fit; VaR/ES against numpy and scipy on synthetic returns."""

import numpy as np
import pandas as pd
import pytest
from arch import arch_model
from scipy import stats

from handmade import source
from techflows.errors import DataUnavailable
from techflows.models import volatility


@pytest.fixture(scope="module")
def returns() -> pd.Series:
    rng = np.random.default_rng(7)
    dates = pd.bdate_range("2015-01-01", periods=2000)
    # Student-t draws scaled to ~1.3% daily: fat tails so historical and normal VaR differ.
    return pd.Series(0.013 * rng.standard_t(5, size=len(dates)) / np.sqrt(5 / 3), index=dates)


def test_garch_matches_a_direct_arch_fit(returns):
    fit = volatility.fit_garch(returns)
    direct = arch_model(100 * returns, mean="Constant", vol="GARCH", p=1, q=1).fit(disp="off")
    assert np.allclose(fit.params, direct.params, rtol=1e-6)
    summary = volatility.garch_summary(fit)
    omega, alpha, beta = direct.params["omega"], direct.params["alpha[1]"], direct.params["beta[1]"]
    assert summary["persistence"] == pytest.approx(alpha + beta)
    assert summary["vol_long_run"] == pytest.approx(
        np.sqrt(omega / (1 - alpha - beta)) * np.sqrt(252) / 100
    )
    assert summary["vol_last_day"] == pytest.approx(
        direct.conditional_volatility.iloc[-1] * np.sqrt(252) / 100
    )
    # Next-day variance by the GARCH recursion from the last residual and variance.
    last_var = direct.conditional_volatility.iloc[-1] ** 2
    next_var = omega + alpha * direct.resid.iloc[-1] ** 2 + beta * last_var
    assert summary["vol_next_day"] == pytest.approx(np.sqrt(next_var) * np.sqrt(252) / 100)
    series = volatility.conditional_volatility(fit)
    assert series.iloc[-1] == pytest.approx(summary["vol_last_day"])


def test_historical_var_es_are_the_quantile_and_the_tail_mean(returns):
    table = volatility.var_es(returns).set_index(["level", "method"])
    for level in (0.95, 0.99):
        cut = np.quantile(returns.to_numpy(), 1 - level)
        row = table.loc[(level, "historical")]
        assert row["VaR"] == pytest.approx(-cut)
        assert row["ES"] == pytest.approx(-returns.to_numpy()[returns.to_numpy() <= cut].mean())
        assert row["ES"] >= row["VaR"]


def test_normal_var_es_match_scipy(returns):
    table = volatility.var_es(returns).set_index(["level", "method"])
    mu, sigma = returns.mean(), returns.std()
    for level in (0.95, 0.99):
        dist = stats.norm(mu, sigma)
        row = table.loc[(level, "normal")]
        assert row["VaR"] == pytest.approx(-dist.ppf(1 - level))
        # ES of a normal: minus the mean of the distribution below its (1-level) quantile.
        tail_mean = dist.expect(lambda x: x, ub=dist.ppf(1 - level), conditional=True)
        assert row["ES"] == pytest.approx(-tail_mean, rel=1e-6)


def test_garch_var_uses_the_next_day_volatility(returns):
    fit = volatility.fit_garch(returns)
    row = volatility.var_es(returns, levels=(0.99,), garch=fit).iloc[-1]
    sigma = np.sqrt(fit.forecast(horizon=1).variance.iloc[-1, 0]) / 100
    mu = fit.params["mu"] / 100
    assert row["method"] == "GARCH next day (normal innovations)"
    assert row["VaR"] == pytest.approx(-stats.norm.ppf(0.01, mu, sigma))


def test_student_t_garch_var_and_es_match_scipy(returns):
    fit = volatility.fit_garch(returns, dist="t")
    table = volatility.var_es(returns, levels=(0.95, 0.99), garch=fit)
    nu = fit.params["nu"]
    sigma = np.sqrt(fit.forecast(horizon=1).variance.iloc[-1, 0]) / 100
    # arch's Student-t has unit variance: scipy's t scaled by sqrt((nu - 2) / nu).
    dist = stats.t(nu, loc=fit.params["mu"] / 100, scale=sigma * np.sqrt((nu - 2) / nu))
    assert dist.std() == pytest.approx(sigma)
    for level in (0.95, 0.99):
        row = table[(table["level"] == level) & table["method"].str.startswith("GARCH")].iloc[0]
        assert row["method"] == "GARCH next day (Student-t innovations)"
        cut = dist.ppf(1 - level)
        assert row["VaR"] == pytest.approx(-cut)
        assert row["ES"] == pytest.approx(-dist.expect(lambda x: x, ub=cut, conditional=True))


def test_innovations_are_chosen_by_bic_with_a_boundary_lr(returns):
    fits = {dist: volatility.fit_garch(returns, dist) for dist in ("normal", "t")}
    table = volatility.compare_innovations(fits).set_index("dist")
    lr = 2 * (fits["t"].loglikelihood - fits["normal"].loglikelihood)
    assert table.loc["t", "lr"] == pytest.approx(lr)
    assert table.loc["t", "lr_p"] == pytest.approx(0.5 * stats.chi2.sf(lr, 1))
    assert table.loc["t", "bic"] == pytest.approx(fits["t"].bic)
    assert table.loc["t", "nu"] == pytest.approx(fits["t"].params["nu"])
    assert table.loc["t", "chosen"] and not table.loc["normal", "chosen"]  # t(5) draws
    assert volatility.chosen_fit(fits)[0] == "t"
    # Normal draws: the extra parameter does not pay for itself under BIC.
    rng = np.random.default_rng(3)
    normal = pd.Series(0.013 * rng.standard_normal(len(returns)), index=returns.index)
    plain = {dist: volatility.fit_garch(normal, dist) for dist in ("normal", "t")}
    assert volatility.chosen_fit(plain)[0] == "normal"


def test_student_t_garch_on_smh(snapshot_source):
    """On SMH the Student-t fits far better and changes persistence and long-run volatility."""
    fits = volatility.stress_fits(snapshot_source, ["SMH"], years=10)["SMH"]
    table = volatility.compare_innovations(fits.fits).set_index("dist")
    assert fits.innovations == "t" and fits.garch is fits.fits["t"]
    assert table.loc["normal", "persistence"] == pytest.approx(0.982, abs=5e-4)
    assert table.loc["t", "persistence"] == pytest.approx(0.993, abs=5e-4)
    assert table.loc["normal", "vol_long_run"] == pytest.approx(0.335, abs=0.005)
    assert table.loc["t", "vol_long_run"] == pytest.approx(0.425, abs=0.005)
    assert table.loc["t", "lr_p"] < 1e-10 and table.loc["t", "bic"] < table.loc["normal", "bic"]
    row = volatility.stress_table({"SMH": fits}).iloc[0]
    assert row["innovations"] == "Student-t" and 4 < row["nu"] < 10
    risk = volatility.var_es(fits.returns, levels=(0.99,), garch=fits.garch)
    assert risk["method"].iloc[-1] == "GARCH next day (Student-t innovations)"
    assert row["VaR99_garch"] == risk["VaR"].iloc[-1]


def test_worst_days_and_drawdowns_on_a_hand_made_series():
    dates = pd.bdate_range("2024-01-01", periods=7)
    close = pd.Series([100, 90, 99, 79.2, 100, 101, 75.75], index=dates)
    days = volatility.worst_days(close, n=2)
    assert list(days["date"]) == [dates[6], dates[3]]
    assert days["return"].tolist() == pytest.approx([-0.25, -0.2])
    worst = volatility.worst_drawdowns(close, n=2)
    assert worst["depth"].tolist() == pytest.approx([-0.25, -0.208])
    assert worst.iloc[1]["peak"] == dates[0] and worst.iloc[1]["trough"] == dates[3]


def test_window_keeps_the_last_years():
    close = pd.Series(1.0, index=pd.bdate_range("2010-01-01", "2020-12-31"))
    cut = volatility.window(close, 2)
    assert cut.index[0] >= pd.Timestamp("2018-12-31") and cut.index[-1] == close.index[-1]
    assert volatility.window(close, 0).equals(close)


def test_stress_on_the_embedded_nasdaq(sample_source):
    tickers = volatility.stress_tickers(sample_source)
    assert tickers == ["^IXIC"]
    fits = volatility.stress_fits(sample_source, tickers, years=10)
    assert list(fits) == ["^IXIC"]
    table = volatility.stress_table(fits)
    row = table.iloc[0]
    assert 0 < row["persistence"] < 1
    assert 0.05 < row["vol_long_run"] < 0.6
    assert row["innovations"] in ("normal", "Student-t")
    assert set(fits["^IXIC"].fits) == {"normal", "t"}
    assert row["ES99_hist"] > row["VaR99_hist"] > 0
    # The table's 99% VaR/ES are var_es's historical row on the same returns.
    risk = volatility.var_es(fits["^IXIC"].returns, levels=(0.99,)).set_index("method")
    assert row["VaR99_hist"] == risk.loc["historical", "VaR"]
    assert row["ES99_hist"] == risk.loc["historical", "ES"]
    assert row["from"] == fits["^IXIC"].returns.index[0]


def test_stress_on_under_250_daily_returns_is_not_available():
    """1999-03-05 on the snapshot: no semiconductor fund yet and 49 daily returns of XLK; a
    GARCH fit needs 250. One 'Not available' line naming the fund and the count, not a
    DataError (03 failed on it)."""
    days = pd.bdate_range("1998-12-22", "1999-03-05").rename("Date")
    rng = np.random.default_rng(3)
    bars = {
        t: pd.DataFrame(
            {"Close": 100 * np.exp(np.cumsum(0.01 * rng.normal(size=len(days)))), "Volume": 1e6},
            index=days,
        )
        for t in ("XLK", "SPY")
    }
    src = source(as_of="1999-03-05", prices=bars)
    tickers = volatility.stress_tickers(src)
    assert tickers == ["XLK"]
    with pytest.raises(DataUnavailable, match=r"XLK.*handmade.*\d\d daily returns.*250"):
        volatility.stress_fits(src, tickers, years=10)


def test_a_fund_under_250_daily_returns_is_left_out_and_named_the_other_is_fitted():
    """From 2001-07-13 (SOXX starts) to mid-2002 SMH has years of returns and SOXX under 250:
    03 failed on every such date (DataError). SMH is fitted; SOXX is left out and named."""
    rng = np.random.default_rng(5)

    def bars(start: str) -> pd.DataFrame:
        days = pd.bdate_range(start, "2002-01-04").rename("Date")
        walk = np.exp(np.cumsum(0.015 * rng.standard_t(5, size=len(days))))
        return pd.DataFrame({"Close": 100 * walk, "Volume": 1e6}, index=days)

    prices = {"SMH": bars("2000-06-05"), "SOXX": bars("2001-07-13"), "SPY": bars("1999-01-04")}
    src = source(as_of="2002-01-04", prices=prices)
    fits = volatility.stress_fits(src, volatility.stress_tickers(src), years=10)
    assert list(fits) == ["SMH"]
    stress = volatility.stress_table(fits)
    short = len(prices["SOXX"]) - 1
    assert stress.attrs["left_out"] == {"SOXX": short}
    assert stress["ticker"].tolist() == ["SMH"]
