"""Rate-shock impacts against an independent x'b, sqrt(x'Vx) computation."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from techflows.errors import DataError
from techflows.models import rate_shocks


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 400
    d_nominal = rng.normal(0, 0.1, n)
    d_real = 0.7 * d_nominal + rng.normal(0, 0.05, n)
    tech_excess = 0.001 - 0.02 * d_real + 0.005 * d_nominal + rng.normal(0, 0.01, n)
    index = pd.date_range("2018-01-05", periods=n, freq="W-FRI")
    return pd.DataFrame(
        {"tech_excess": tech_excess, "d_nominal": d_nominal, "d_real": d_real}, index=index
    )


def _hac_fit(panel: pd.DataFrame, regressors: list[str]):
    exog = sm.add_constant(panel[regressors])
    return sm.OLS(panel["tech_excess"], exog).fit(cov_type="HAC", cov_kwds={"maxlags": 4})


def test_shock_table_matches_x_b_and_x_v_x(panel):
    fit = _hac_fit(panel, ["d_nominal", "d_real"])
    table = rate_shocks.rate_shock_table(fit, shocks_bp=(25, 50, 100), alpha=0.10)
    assert len(table) == 9  # nominal alone, real alone, both; three sizes each
    b, v = fit.params.to_numpy(), fit.cov_params().to_numpy()
    z = stats.norm.ppf(0.95)  # HAC results use the normal distribution
    for row, vector in zip(table.itertuples(), _vectors(), strict=True):
        x = np.array(vector)
        effect, se = x @ b, np.sqrt(x @ v @ x)
        assert row.impact == pytest.approx(effect)
        assert row.se == pytest.approx(se)
        assert row.lower == pytest.approx(effect - z * se)
        assert row.upper == pytest.approx(effect + z * se)


def _vectors() -> list[list[float]]:
    out = []
    for mask in ([0, 1, 0], [0, 0, 1], [0, 1, 1]):
        for bp in (25, 50, 100):
            out.append([m * bp / 100 for m in mask])
    return out


def test_plain_ols_uses_the_t_distribution(panel):
    exog = sm.add_constant(panel[["d_real"]])
    fit = sm.OLS(panel["tech_excess"], exog).fit()
    row = rate_shocks.rate_shock_table(fit, shocks_bp=(50,)).iloc[0]
    se = 0.5 * fit.bse["d_real"]
    t = stats.t.ppf(0.975, fit.df_resid)
    assert row["impact"] == pytest.approx(0.5 * fit.params["d_real"])
    assert row["upper"] - row["lower"] == pytest.approx(2 * t * se)


def test_scenario_table_fits_each_yield_alone_and_both_together(panel):
    table = rate_shocks.scenario_table(panel, shocks_bp=(50,))
    assert list(table["model"]) == ["alone", "alone", "joint"]
    alone = _hac_fit(panel, ["d_real"])
    assert table.iloc[1]["impact"] == pytest.approx(0.5 * alone.params["d_real"])
    joint = _hac_fit(panel, ["d_nominal", "d_real"])
    both = 0.5 * (joint.params["d_nominal"] + joint.params["d_real"])
    assert table.iloc[2]["impact"] == pytest.approx(both)
    assert table.iloc[2]["shocked"] == rate_shocks.BOTH


def test_no_rate_regressor_is_a_clear_error(panel):
    with pytest.raises(DataError, match="no rate regressors"):
        rate_shocks.shock_vectors(["const", "dollar"])


def test_headline_prefers_the_real_yield_and_the_chart_frame_spans_the_interval(panel):
    panel = panel.copy()
    panel.attrs.update({"nominal_source": "FRED DGS10", "real_source": "FRED DFII10"})
    table = rate_shocks.scenario_table(panel, shocks_bp=(25, 50))
    head = rate_shocks.headline_shock(table, bp=50)
    assert head["shocked"] == "10y real yield (TIPS)" and head["bp"] == 50
    assert head["yields_from"] == "FRED DFII10"
    nominal_only = rate_shocks.scenario_table(panel.drop(columns="d_real"), shocks_bp=(50,))
    assert rate_shocks.headline_shock(nominal_only)["shocked"] == "10y nominal yield"
    chart = rate_shocks.chart_frame(table)
    first = chart[chart["scenario"] == "10y nominal yield +25 bp"]["pct"].sort_values()
    assert first.tolist() == pytest.approx(
        100 * table.iloc[0][["lower", "impact", "upper"]].astype(float)
    )
