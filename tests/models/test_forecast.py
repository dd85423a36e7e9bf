"""Forecast backtest metrics against hand-computed cases, and the SARIMAX rolling origins."""

import numpy as np
import pandas as pd
import pytest

from handmade import source
from techflows.errors import DataError, DataUnavailable
from techflows.models import forecast


def weekly(values) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2024-01-05", periods=len(values), freq="W-FRI"))


def ar1(n: int, phi: float, const: float = 0.0, seed: int = 1) -> pd.Series:
    rng = np.random.default_rng(seed)
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = const + phi * y[t - 1] + rng.normal()
    return weekly(y)


def test_naive_backtest_metrics_by_hand():
    y = weekly([1.0, 3, 2, 5, 4, -1])
    table = forecast.naive_forecasts(y, origins=3)
    assert list(table["actual"]) == [5, 4, -1]
    assert list(table["last value"]) == [2, 5, 4]
    assert list(table["historical mean"]) == pytest.approx([2, 2.75, 3])
    scale = forecast.naive_scale(y.iloc[:3])  # (|3 - 1| + |2 - 3|) / 2
    assert scale == pytest.approx(1.5)
    metrics = forecast.skill(table, scale)
    # last value errors 3, 1, 5; zero 5, 4, 1; historical mean 3, 1.25, 4
    assert metrics.loc["last value", "mae"] == pytest.approx(3.0)
    assert metrics.loc["zero", "mae"] == pytest.approx(10 / 3)
    assert metrics.loc["historical mean", "mae"] == pytest.approx(2.75)
    assert metrics.loc["last value", "mase"] == pytest.approx(2.0)
    assert metrics.loc["zero", "mase"] == pytest.approx((10 / 3) / 1.5)
    assert metrics.loc["last value", "mae_vs_best_naive"] == pytest.approx(3 / 2.75)
    assert metrics.loc["historical mean", "mae_vs_best_naive"] == pytest.approx(1.0)
    # signs: forecasts +,+,+ against actuals +,+,-
    assert metrics.loc["last value", "hit_rate"] == pytest.approx(2 / 3)
    assert np.isnan(metrics.loc["zero", "hit_rate"])  # a zero forecast calls no direction


def test_direction_hits_skip_zero_forecasts_and_actuals():
    hits, compared = forecast.direction_hits(weekly([1.0, -1, 0, 2]), weekly([2.0, 1, 3, 0]))
    assert (hits, compared) == (1, 2)


def test_mase_scale_is_in_sample_naive_mae():
    y = weekly([10.0, 12, 9, 9, 13])
    assert forecast.naive_scale(y) == pytest.approx(np.mean([2, 3, 0, 4]))
    with pytest.raises(DataError):
        forecast.naive_scale(weekly([1.0, 1.0, 1.0]))


def test_rolling_sarimax_forecasts_match_the_ar1_equation_and_never_see_the_target():
    y = ar1(160, phi=0.6, const=0.3)
    table = forecast.rolling_forecasts(y, origins=40, refit_every=20)
    first = forecast.fit(y.iloc[:120])
    c, phi = first.params["intercept"], first.params["ar.L1"]
    block = table.iloc[:20]  # forecasts from the first fit, carried forward with extend
    expected = c + phi * y.shift(1).loc[block.index]
    assert block[forecast.MODEL].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-6)
    changed = y.copy()
    changed.iloc[-1] += 100.0
    again = forecast.rolling_forecasts(changed, origins=40, refit_every=20)
    assert again[forecast.MODEL].to_numpy() == pytest.approx(table[forecast.MODEL].to_numpy())


def test_backtest_finds_skill_on_a_strong_ar1_and_none_on_noise():
    _, metrics = forecast.backtest(ar1(240, phi=0.7), origins=80, refit_every=40)
    assert metrics.loc[forecast.MODEL, "mae_vs_best_naive"] < 1
    assert forecast.verdict(metrics)[0] == "skill"
    noise = weekly(np.random.default_rng(5).normal(size=300))
    label, sentence = forecast.verdict(forecast.backtest(noise, origins=80, refit_every=40)[1])
    assert label == "no skill" and "no forecasting skill" in sentence


def test_forecast_interval_and_zero_future_exog():
    y = ar1(150, phi=0.3, seed=2)
    exog = pd.DataFrame({"d_nominal": np.random.default_rng(3).normal(size=150)}, index=y.index)
    result = forecast.fit(y, exog)
    frame = forecast.forecast(result, steps=3, alpha=0.10)
    assert list(frame.index) == list(pd.date_range(y.index[-1], periods=4, freq="W-FRI")[1:])
    assert (frame["upper"] - frame["mean"]).to_numpy() == pytest.approx(
        1.6448536 * frame["se"].to_numpy(), rel=1e-5
    )
    zero = result.get_forecast(3, exog=np.zeros((3, 1))).predicted_mean
    assert frame["mean"].to_numpy() == pytest.approx(zero.to_numpy())


def test_backtest_needs_enough_history_and_short_history_says_so():
    with pytest.raises(DataError):
        forecast.rolling_forecasts(weekly(np.arange(60.0)), origins=20)
    assert forecast.short_history(weekly(np.arange(200.0)), "x", origins=78) == ""
    note = forecast.short_history(weekly(np.arange(7.0)), "Tech flows", origins=78)
    assert "only 7 weeks" in note and "too short to model" in note


def test_model_inputs_on_the_csv_folder(snapshot_source):
    y, exog, note = forecast.model_inputs(snapshot_source, "W-FRI", years=3)
    assert list(exog.columns) == ["d_nominal", "d_real"]
    assert y.index.equals(exog.index) and y.index[-1] == pd.Timestamp("2026-02-13")
    assert y.abs().max() < 20  # percent, not decimals or basis points
    assert "DGS10" in note


def test_after_date_counts_only_later_weeks():
    flows = weekly([1.0, -2.0, 3.0, -0.5, 4.0])
    out = forecast.after_date(flows, flows.index[1])
    assert (out["weeks"], out["positive"]) == (3, 2)
    assert out["total"] == pytest.approx(6.5)
    assert out["first"] == flows.index[2] and out["last"] == flows.index[-1]
    assert out["share_positive"] == pytest.approx(2 / 3)
    none = forecast.after_date(flows, flows.index[-1])
    assert none["weeks"] == 0 and np.isnan(none["total"]) and np.isnan(none["share_positive"])


def test_too_few_weeks_to_fit_and_backtest_are_not_available():
    """1999-03-05 on the snapshot: 9 weeks of tech's return over the market; the model needs
    MIN_TRAIN weeks to fit and MIN_ORIGINS to backtest. One 'Not available' line naming the
    source and the weeks, not a DataError (04 and 07 failed on it)."""
    days = pd.bdate_range("1998-12-22", "1999-03-05")
    bars = {
        t: pd.DataFrame({"Close": 100 + np.arange(len(days)) * g, "Volume": 1e6}, index=days)
        for t, g in (("XLK", 0.3), ("SPY", 0.1))
    }
    src = source(as_of="1999-03-05", prices=bars)
    y, exog, _ = forecast.model_inputs(src, "W-FRI", 10)
    assert len(y) == 9 and y.attrs["source"] == "handmade"
    with pytest.raises(DataUnavailable, match=r"handmade.*9 weeks.*1999-03-05.*62"):
        forecast.evaluate(y, exog, origins=78)
    # Enough to fit, and ten origins: the backtest runs on what there is.
    long = ar1(forecast.MIN_TRAIN + forecast.MIN_ORIGINS, 0.3)
    assert forecast.evaluate(long, origins=78)["metrics"].loc[forecast.MODEL, "n"] == 10
