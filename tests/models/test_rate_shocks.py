"""Rate shocks in the regression's own units, against independent x'b, sqrt(x'Vx) and OLS fits."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from techflows.analysis import rates
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
    frame = pd.DataFrame(
        {"tech_excess": tech_excess, "d_nominal": d_nominal, "d_real": d_real}, index=index
    )
    frame.attrs.update(
        {
            "frequency": "weekly",
            "rule": "W-FRI",
            "nominal_source": "FRED DGS10",
            "real_source": "FRED DFII10",
        }
    )
    return frame


def _hac_fit(panel: pd.DataFrame, regressors: list[str], lags: int = 4):
    exog = sm.add_constant(panel[regressors])
    return sm.OLS(panel["tech_excess"], exog).fit(cov_type="HAC", cov_kwds={"maxlags": lags})


def test_shock_table_matches_x_b_and_x_v_x(panel):
    fit = _hac_fit(panel, ["d_nominal", "d_real"])
    vectors = pd.DataFrame(
        [{"d_nominal": 0.25}, {"d_real": 0.5}, {"d_nominal": 0.1, "d_real": 0.1}]
    ).fillna(0.0)
    table = rate_shocks.shock_table(fit, vectors, alpha=0.10)
    b, v = fit.params.to_numpy(), fit.cov_params().to_numpy()
    z = stats.norm.ppf(0.95)  # HAC results use the normal distribution
    for row, vector in zip(table.itertuples(), vectors.itertuples(index=False), strict=True):
        x = np.array([0.0, *vector])  # the constant is not shocked
        effect, se = x @ b, np.sqrt(x @ v @ x)
        assert row.impact == pytest.approx(effect)
        assert row.se == pytest.approx(se)
        assert row.lower == pytest.approx(effect - z * se)
        assert row.upper == pytest.approx(effect + z * se)


def test_horizon_panel_sums_consecutive_complete_periods(panel):
    summed = rate_shocks.horizon_panel(panel, 13)
    assert summed.index[0] == panel.index[12] and len(summed) == len(panel) - 12
    assert summed.loc[panel.index[20], "d_real"] == pytest.approx(panel["d_real"].iloc[8:21].sum())
    assert summed.attrs["rule"] == "W-FRI"
    gappy = panel.drop(panel.index[30])
    gappy.attrs.update(panel.attrs)
    kept = rate_shocks.horizon_panel(gappy, 13).index
    assert not set(panel.index[30:43]) & set(kept)  # every window with the gap is out
    stub = pd.concat([panel, panel.iloc[[-1]].set_axis([panel.index[-1] + pd.Timedelta(days=2)])])
    stub.attrs.update(panel.attrs)
    assert rate_shocks.horizon_panel(stub, 13).index[-1] == panel.index[-1]  # a running week
    assert rate_shocks.horizon_panel(panel, 1) is panel
    with pytest.raises(DataError, match="at least 1"):
        rate_shocks.horizon_panel(panel, 0)


def test_shocks_are_standard_deviations_of_each_horizons_changes(panel):
    table = rate_shocks.scenario_table(panel)
    assert set(table["horizon"]) == {"1 week", "13 weeks"}
    real = table[(table["model"] == "alone") & (table["shocked"] == "10y real yield (TIPS)")]
    quarter = real[real["periods"] == 13].set_index("sd_multiple")
    # over 13 weeks the shock is 2 sd of every 13-week window's change (the fit: blocks, below)
    sd13 = rate_shocks.horizon_panel(panel, 13)["d_real"].std()
    assert quarter.loc[2.0, "shock_bp"] == pytest.approx(200 * sd13)
    for periods in (1,):
        data = rate_shocks.horizon_panel(panel, periods)
        fit = _hac_fit(data, ["d_real"], lags=max(4, periods))
        sd = data["d_real"].std()
        rows = real[real["periods"] == periods].set_index("sd_multiple")
        assert rows.loc[2.0, "shock_bp"] == pytest.approx(200 * sd)
        assert rows.loc[1.0, "impact"] == pytest.approx(sd * fit.params["d_real"])
        assert rows.loc[2.0, "se"] == pytest.approx(2 * sd * fit.bse["d_real"])
        assert rows.loc[1.0, "beta"] == pytest.approx(100 * fit.params["d_real"])
        assert rows.loc[1.0, "beta_p"] == pytest.approx(fit.pvalues["d_real"])
        assert rows.loc[1.0, "r2"] == pytest.approx(fit.rsquared)
        assert rows.loc[1.0, "n"] == len(data)
    joint = table[table["model"] == rate_shocks.JOINT]
    assert (joint["shocked"] == rate_shocks.BOTH).all() and joint["beta"].isna().all()
    fit = _hac_fit(panel, ["d_nominal", "d_real"])
    row = joint[(joint["periods"] == 1) & (joint["sd_multiple"] == 1.0)].iloc[0]
    assert row["impact"] == pytest.approx(panel["d_real"].std() * fit.params[1:].sum())


def test_a_monthly_panel_uses_months():
    rng = np.random.default_rng(3)
    index = pd.date_range("2005-01-31", periods=150, freq="ME")
    panel = pd.DataFrame(
        {"tech_excess": rng.normal(0, 0.03, 150), "d_nominal": rng.normal(0, 0.2, 150)}, index
    )
    panel.attrs.update({"frequency": "monthly", "rule": "ME", "nominal_source": "Moody's AAA"})
    table = rate_shocks.scenario_table(panel)
    assert list(dict.fromkeys(table["horizon"])) == ["1 month", "3 months"]
    head = rate_shocks.headline_shock(table)
    assert head["horizon"] == "3 months" and head["shocked"] == rates.AAA_LABEL


def test_headline_prefers_the_real_yield_at_the_longest_horizon(panel):
    table = rate_shocks.scenario_table(panel)
    head = rate_shocks.headline_shock(table)
    assert (head["shocked"], head["periods"], head["sd_multiple"]) == (
        "10y real yield (TIPS)",
        13,
        1.0,
    )
    assert head["yields_from"] == "FRED DFII10"
    nominal_only = panel.drop(columns="d_real")
    nominal_only.attrs.update(panel.attrs)
    head = rate_shocks.headline_shock(rate_shocks.scenario_table(nominal_only))
    assert head["shocked"] == "10y nominal yield"
    chart = rate_shocks.chart_frame(table)
    first = chart[chart["scenario"] == table.iloc[0]["shocked"] + " +1 sd (+10 bp), 1 week"]
    assert first["pct"].sort_values().tolist() == pytest.approx(
        100 * table.iloc[0][["lower", "impact", "upper"]].astype(float)
    )


def test_shock_scale_in_standard_deviations(panel):
    scale = rate_shocks.shock_scale(panel, bp=25)
    row = scale[(scale["horizon"] == "1 week") & (scale["yield"] == "10y nominal yield")].iloc[0]
    assert row["move_in_sd"] == pytest.approx(0.25 / panel["d_nominal"].std())
    assert row["share_at_least"] == pytest.approx((panel["d_nominal"].abs() >= 0.25).mean())


def test_no_rate_regressor_is_a_clear_error(panel):
    with pytest.raises(DataError, match="no yield changes"):
        rate_shocks.scenario_table(panel[["tech_excess"]])


def test_rate_shocks_on_real_data_are_in_scale(snapshot_source):
    """A +50 bp weekly TIPS move is many sd; the table says so and carries p and R^2."""
    panel = rates.weekly_rate_panel(snapshot_source, "W-WED", years=10)
    scale = rate_shocks.shock_scale(panel, bp=50).set_index(["horizon", "yield"])
    weekly = scale.loc[("1 week", "10y real yield (TIPS)")]
    assert weekly["move_in_sd"] > 4 and weekly["share_at_least"] < 0.01
    assert scale.loc[("13 weeks", "10y real yield (TIPS)"), "move_in_sd"] < 2
    table = rate_shocks.scenario_table(panel)
    assert table["shock_bp"].abs().max() < 100  # 2 sd over 13 weeks stays below 100 bp
    alone = table[table["model"] == "alone"]
    assert alone[["beta", "beta_p", "r2"]].notna().all().all()
    week = alone[(alone["periods"] == 1) & alone["shocked"].str.contains("real")].iloc[0]
    assert week["r2"] < 0.02 and week["beta_p"] > 0.05  # weekly: almost nothing explained
    head = rate_shocks.headline_shock(table)
    assert head["horizon"] == "13 weeks" and head["impact"] < 0


def _block_fits(panel: pd.DataFrame, regressor: str, periods: int) -> list:
    """Plain OLS on the sums of complete non-overlapping blocks, one fit per phase offset."""
    regular = panel.asfreq(panel.attrs["rule"])
    fits = []
    for offset in range(periods):
        part = regular.iloc[offset:]
        part = part.iloc[: len(part) // periods * periods]
        sums = part.groupby(np.arange(len(part)) // periods).sum()
        fits.append(sm.OLS(sums["tech_excess"], sm.add_constant(sums[[regressor]])).fit())
    return fits


@pytest.fixture(scope="module")
def weak() -> pd.DataFrame:
    """Tech's excess return weakly tied to the real yield's weekly change."""
    rng = np.random.default_rng(5)
    n = 260
    d_real = rng.normal(0, 0.08, n)
    frame = pd.DataFrame(
        {"tech_excess": -0.01 * d_real + rng.normal(0, 0.012, n), "d_real": d_real},
        index=pd.date_range("2016-01-08", periods=n, freq="W-FRI"),
    )
    frame.attrs.update({"frequency": "weekly", "rule": "W-FRI", "real_source": "FRED DFII10"})
    return frame


def test_multi_week_shocks_are_tested_on_non_overlapping_blocks_at_every_offset(weak):
    table = rate_shocks.scenario_table(weak, sd_multiples=(1.0,))
    row = table[table["periods"] == 13].iloc[0]
    fits = _block_fits(weak, "d_real", 13)
    ps = np.array([fit.pvalues["d_real"] for fit in fits])
    median = int(np.argsort(ps)[6])  # the offset whose p is the median of 13
    assert row["offsets"] == 13
    assert ps[median] == pytest.approx(np.median(ps))
    assert row["beta_p"] == pytest.approx(ps[median])
    assert (row["p_low"], row["p_high"]) == pytest.approx((ps.min(), ps.max()))
    assert row["p_below"] == int((ps < 0.05).sum())
    # impact, interval and R^2 all come from that one fit, not from 248 overlapping sums
    fit = fits[median]
    assert row["n"] == fit.nobs < 21
    assert row["beta"] == pytest.approx(100 * fit.params["d_real"])
    assert row["r2"] == pytest.approx(fit.rsquared)
    scale = rate_shocks.horizon_panel(weak, 13)["d_real"].std()  # the shock's size: all windows
    low, high = fit.conf_int().loc["d_real"]
    assert (row["lower"], row["upper"]) == pytest.approx((low * scale, high * scale))
    week = table[table["periods"] == 1].iloc[0]
    assert week["offsets"] == 1 and week["p_low"] == week["p_high"] == week["beta_p"]


def test_the_13_week_rate_shock_on_the_default_run_is_weak_on_non_overlapping_blocks():
    """issue 17: p = 0.0005 from 510 overlapping sums; on non-overlapping 13-week blocks the
    median p across the 13 offsets is 0.06, and only 5 of 13 offsets fall below 0.05."""
    import techflows

    latest = techflows.open_source("snapshot")
    panel = rates.weekly_rate_panel(latest, "W-FRI", years=10)
    head = rate_shocks.headline_shock(rate_shocks.scenario_table(panel))
    assert head["horizon"] == "13 weeks" and head["offsets"] == 13
    assert round(head["beta_p"], 2) == 0.06 and head["p_below"] == 5
    assert head["n"] in (39, 40)
