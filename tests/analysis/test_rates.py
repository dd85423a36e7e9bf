"""Rate sensitivity: statsmodels fits against numpy lstsq, and the panels on real data."""

import numpy as np
import pandas as pd
import pytest

from handmade import closes, source
from techflows.analysis import rates
from techflows.errors import DataUnavailable


def _synthetic_panel(n: int = 150, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2020-01-03", periods=n, freq="W-FRI")
    d_nominal = rng.normal(0, 0.1, n)
    d_real = 0.7 * d_nominal + rng.normal(0, 0.05, n)
    excess = 0.001 - 0.02 * d_real + 0.005 * d_nominal + rng.normal(0, 0.01, n)
    return pd.DataFrame(
        {"tech_excess": excess, "d_nominal": d_nominal, "d_real": d_real}, index=index
    )


def test_coefficients_match_numpy_lstsq():
    panel = _synthetic_panel()
    fit = rates.fit_rate_sensitivity(panel, hac_lags=4)
    design = np.column_stack([np.ones(len(panel)), panel["d_nominal"], panel["d_real"]])
    expected, *_ = np.linalg.lstsq(design, panel["tech_excess"].to_numpy(), rcond=None)
    assert fit.params.to_numpy() == pytest.approx(expected, rel=1e-10)
    assert fit.cov_type == "HAC"
    single = rates.fit_rate_sensitivity(panel, ["d_real"])
    alone, *_ = np.linalg.lstsq(design[:, [0, 2]], panel["tech_excess"].to_numpy(), rcond=None)
    assert single.params.to_numpy() == pytest.approx(alone, rel=1e-10)


def test_missing_regressor_is_a_data_error():
    panel = _synthetic_panel().drop(columns="d_real")
    with pytest.raises(Exception, match="d_real"):
        rates.fit_rate_sensitivity(panel, ["d_real"])


def test_rolling_beta_last_window_matches_lstsq():
    panel = _synthetic_panel()
    roll = rates.rolling_beta(panel, "d_real", window=52)
    last = panel.iloc[-52:]
    design = np.column_stack([np.ones(52), last["d_real"]])
    expected, *_ = np.linalg.lstsq(design, last["tech_excess"].to_numpy(), rcond=None)
    assert roll["beta"].iloc[-1] == pytest.approx(expected[1], rel=1e-9)
    assert (roll["upper"] - roll["lower"]).iloc[-1] == pytest.approx(4 * roll["se"].iloc[-1])


def test_headline_beta_is_the_real_yield_alone():
    panel = _synthetic_panel()
    head = rates.headline_beta(panel)
    alone = rates.fit_rate_sensitivity(panel, ["d_real"])
    assert head["regressor"] == "d_real"
    assert head["beta"] == pytest.approx(100 * alone.params["d_real"])
    assert head["p"] == pytest.approx(alone.pvalues["d_real"])
    assert head["r2"] == pytest.approx(alone.rsquared)
    assert rates.headline_beta(panel.drop(columns="d_real"))["regressor"] == "d_nominal"


def test_sensitivity_table_rows():
    table = rates.sensitivity_table(_synthetic_panel())
    assert len(table) == 4  # nominal alone, real alone, both (two rows)
    assert set(table["n"]) == {150}


def test_tnx_scale_is_percent():
    tnx = pd.Series([42.0, 4.2, 4.3], index=pd.date_range("2000-01-03", periods=3))
    assert rates.tnx_in_percent(tnx).tolist() == pytest.approx([4.2, 4.2, 4.3])


def test_weekly_panel_on_csv(snapshot_source):
    panel = rates.weekly_rate_panel(snapshot_source, years=5)
    assert panel.attrs["frequency"] == "weekly"
    assert panel.attrs["nominal_source"] == "FRED DGS10"
    assert {"tech_excess", "d_nominal", "d_real"} <= set(panel.columns)
    assert panel.index[-1] == pd.Timestamp("2026-02-13")
    assert panel.index.day_of_week.unique().tolist() == [4]
    # XLK minus SPY over the week to 2026-02-13, from the closes directly.
    closes = snapshot_source.close(["XLK", "SPY"])
    week = closes.loc["2026-02-06":"2026-02-13"]
    expected = (week.iloc[-1] / week.iloc[0] - 1).pipe(lambda r: r["XLK"] - r["SPY"])
    assert panel["tech_excess"].iloc[-1] == pytest.approx(expected)
    dgs10 = snapshot_source.series(["DGS10"])["DGS10"]
    assert panel["d_nominal"].iloc[-1] == pytest.approx(
        dgs10.loc["2026-02-13"] - dgs10.loc["2026-02-06"]
    )


def test_monthly_panel_on_sample(sample_source):
    panel = rates.weekly_rate_panel(sample_source)
    assert panel.attrs["frequency"] == "monthly"
    assert "AAA" in panel.attrs["nominal_source"]
    assert "d_real" not in panel
    assert rates.fit_rate_sensitivity(panel).nobs > 200


def test_macro_panel_on_csv(snapshot_source):
    panel = rates.macro_panel(snapshot_source, years=3)
    assert panel.attrs["dollar_source"] == "DX-Y.NYB"
    assert panel.attrs["vix_source"] == "^VIX"
    table = rates.correlation_table(panel, window=52)
    assert table["corr_full"].between(-1, 1).all()
    assert table["n_recent"].eq(52).all()


def test_period_last_keeps_complete_weeks_only():
    days = pd.bdate_range("2026-06-22", "2026-06-30")  # Mon..Fri, then Mon-Tue of next week
    closes = pd.Series(range(len(days)), index=days, dtype=float)
    weekly = rates.period_last(closes, "W-FRI", days[-1])
    assert weekly.index.tolist() == [pd.Timestamp("2026-06-26")]
    assert weekly.tolist() == [4.0]
    # A week ending on the as-of date is complete.
    friday = rates.period_last(pd.Series(1.0, index=days[:5]), "W-FRI", days[4])
    assert friday.index.tolist() == [pd.Timestamp("2026-06-26")]


def test_period_closes_keep_complete_weeks_only(sample_source):
    weekly = rates.period_closes(sample_source)
    assert list(weekly.columns) == ["tech", "market"]
    assert weekly.attrs == {"tech": "^IXIC", "market": "^GSPC"}
    # The embedded data end on Monday 2018-12-31: that week is still running and left out.
    assert weekly.index[-1] == pd.Timestamp("2018-12-28")


def test_rate_panel_of_the_articles_week_has_no_stub_week(snapshot_source):
    # Data end Friday 13 Feb: the two days 12-13 Feb are not a Wednesday week.
    panel = rates.weekly_rate_panel(snapshot_source, "W-WED", years=10)
    assert panel.index[-1] == pd.Timestamp("2026-02-11")
    macro = rates.macro_panel(snapshot_source, "W-WED", years=10)
    assert macro.index[-1] == pd.Timestamp("2026-02-11")


def test_relative_returns_cut_years_and_drop_the_running_week(sample_source):
    # Lookback measured from the as-of date, as in the rate panel of the other sections.
    complete = rates.relative_returns(sample_source, "W-FRI", years=2)
    assert complete.index[0] > pd.Timestamp("2016-12-28")  # two years before the last week
    assert complete.index[-1] == pd.Timestamp("2018-12-28")


def _young_source(start: str = "1998-12-22", as_of: str = "1999-03-05"):
    """XLK and SPY from the day XLK starts, and the 10-year yield since 1990: the snapshot at
    1999-03-05, ten weeks after its tech proxy begins."""
    prices = {t: closes(start, as_of, 100, w) for t, w in (("XLK", 0.004), ("SPY", 0.002))}
    days = pd.bdate_range("1990-01-02", as_of)
    dgs10 = pd.Series(5 + 0.1 * np.sin(np.arange(len(days)) / 7), index=days)
    return source(as_of=as_of, prices=prices, series={"DGS10": dgs10})


def test_a_rate_panel_under_a_year_is_not_available():
    """1999-03-05 on the snapshot: 9 complete weeks of XLK, so no 13-week block fit at every
    offset and no 52-week rolling beta; the regressions are one 'Not available' line naming
    the weeks there are and the year they need, not a DataError (02 and 03 failed on it)."""
    src = _young_source()
    with pytest.raises(DataUnavailable, match=r"handmade.*9 complete weeks.*52") as gap:
        rates.weekly_rate_panel(src, "W-FRI", 10)
    assert "later as-of date" in str(gap.value)
    panel = rates.weekly_rate_panel(_young_source(as_of="2000-01-07"), "W-FRI", 10)
    assert len(panel) >= rates.MIN_PERIODS["weekly"] and panel.attrs["source"] == "handmade"


def test_a_rolling_window_longer_than_the_panel_is_not_available():
    panel = _synthetic_panel(60)
    panel.attrs.update({"source": "handmade", "frequency": "weekly"})
    with pytest.raises(DataUnavailable, match=r"104-week rolling beta.*handmade.*60 weeks"):
        rates.rolling_beta(panel, "d_real", 104)
    assert len(rates.rolling_beta(panel, "d_real", 52).dropna()) == 60 - 52 + 1


def test_a_real_yield_under_a_year_old_is_left_out_and_the_nominal_one_used():
    """2003-06-27 on the snapshot: DFII10 starts 2003-01-02, DGS10 decades before. A panel of
    the weeks with both had 25 rows (02 and 03 failed on its 13-week blocks); the nominal
    yield alone has years, so it is used and the page says why the real one is not."""
    as_of = "2003-06-27"
    prices = {t: closes("1999-01-04", as_of, 100, w) for t, w in (("XLK", 0.004), ("SPY", 0.002))}
    noise = np.random.default_rng(6).normal(0, 0.002, len(prices["XLK"]))
    prices["XLK"]["Close"] *= np.exp(noise)
    days = pd.bdate_range("1990-01-02", as_of)
    dgs10 = pd.Series(5 + np.cumsum(np.random.default_rng(7).normal(0, 0.05, len(days))), days)
    dfii10 = dgs10.loc["2003-01-02":] - 2
    src = source(as_of=as_of, prices=prices, series={"DGS10": dgs10, "DFII10": dfii10})
    panel = rates.weekly_rate_panel(src, "W-FRI", 10)
    assert "d_real" not in panel and len(panel) > 200
    assert "DFII10" in panel.attrs["real_source"] and "not used" in panel.attrs["real_source"]
    assert rates.headline_beta(panel)["regressor"] == "d_nominal"
