"""Models start at the as-of date: a regressor that ends earlier is carried forward or dropped."""

import numpy as np
import pandas as pd
import pytest

from handmade import source
from techflows.models import forecast

AS_OF = pd.Timestamp("2026-08-21")  # a Friday: the week ending that day is complete


def _prices(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2021-01-04", AS_OF)
    close = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(days))))
    return pd.DataFrame({"Close": close, "Volume": 1e6}, index=days)


def _yield(seed: int, level: float, end: str) -> pd.Series:
    """A daily yield in percent, a random walk from `level`, to `end`."""
    days = pd.bdate_range("2021-01-04", end)
    steps = np.random.default_rng(seed).normal(0.0, 0.05, len(days))
    return pd.Series(level + np.cumsum(steps), index=days)


def _source(yields_end: str):
    return source(
        prices={"XLK": _prices(1), "SPY": _prices(2)},
        series={"DGS10": _yield(3, 1.0, yields_end), "DFII10": _yield(4, -1.0, yields_end)},
    )


def test_yields_that_stop_five_weeks_early_are_carried_forward():
    y, exog, note = forecast.model_inputs(_source("2026-07-17"), "W-FRI")
    assert y.index[-1] == AS_OF  # the model's sample runs to the as-of date, not FRED's end
    assert exog is not None and exog.index.equals(y.index)
    after = exog.loc["2026-07-18":]
    assert len(after) == 5 and (after == 0).all().all()  # level carried forward: no change
    assert exog.loc["2026-07-17"].abs().sum() > 0
    assert "carried forward" in note and "2026-07-17" in note
    model = forecast.evaluate(y, exog, origins=20, refit_every=10, steps=4)
    ahead = model["forecast"]
    assert ahead.index[0] == AS_OF + pd.Timedelta(weeks=1)
    assert (ahead.index > AS_OF).all()


def test_yields_older_than_the_freshness_limit_are_dropped():
    y, exog, note = forecast.model_inputs(_source("2026-05-01"), "W-FRI")
    assert y.index[-1] == AS_OF
    assert exog is None
    assert "dropped" in note and "2026-05-01" in note


@pytest.mark.parametrize("end", ["2026-07-17", "2026-05-01"])
def test_the_first_forecast_week_follows_the_as_of_date(end):
    y, exog, _ = forecast.model_inputs(_source(end), "W-FRI")
    ahead = forecast.forecast(forecast.fit(y, exog), steps=2)
    assert ahead.index[0] == pd.Timestamp("2026-08-28")


def test_on_the_snapshot_the_model_runs_to_its_last_week():
    import techflows

    y, exog, note = forecast.model_inputs(techflows.open_source("snapshot"), "W-FRI", 10)
    assert y.index[-1] == AS_OF and exog is not None
    assert exog.index.equals(y.index) and "carried forward" in note
