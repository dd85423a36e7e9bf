"""Markov-switching regimes recovered from simulated data with known regimes."""

import numpy as np
import pandas as pd
import pytest

from techflows.errors import DataError
from techflows.models import regimes


@pytest.fixture(scope="module")
def simulated():
    rng = np.random.default_rng(42)
    n, stay = 600, (0.97, 0.95)
    means, sds = (0.5, -1.0), (0.5, 2.0)
    state = np.zeros(n, dtype=int)
    for t in range(1, n):
        state[t] = state[t - 1] if rng.random() < stay[state[t - 1]] else 1 - state[t - 1]
    y = rng.normal(np.take(means, state), np.take(sds, state))
    index = pd.date_range("2010-01-01", periods=n, freq="W-FRI")
    result = regimes.fit(pd.Series(y, index=index), search_reps=3, seed=0)
    return result, pd.Series(state, index=index)


def test_recovers_means_variances_and_states(simulated):
    result, state = simulated
    table = regimes.regime_table(result)
    assert list(table.index) == ["calm", "volatile"]
    assert table.at["calm", "mean"] == pytest.approx(0.5, abs=0.15)
    assert table.at["calm", "sd"] == pytest.approx(0.5, abs=0.1)
    assert table.at["volatile", "mean"] == pytest.approx(-1.0, abs=0.4)
    assert table.at["volatile", "sd"] == pytest.approx(2.0, abs=0.3)
    volatile = regimes.probabilities(result)["volatile"] > 0.5
    assert (volatile.astype(int) == state).mean() > 0.9
    assert list(table["scenario"]) == ["bull", "bear"]


def test_current_regime_and_scenario_probabilities(simulated):
    result, _ = simulated
    now = regimes.current(result)
    smoothed = regimes.probabilities(result, "smoothed").iloc[-1]
    filtered = regimes.probabilities(result, "filtered").iloc[-1]
    assert now["regime"] == smoothed.idxmax()
    assert now["smoothed"] == pytest.approx(smoothed.max())
    assert now["filtered"] == pytest.approx(filtered[now["regime"]])
    assert filtered.iloc[-1] == pytest.approx(smoothed.iloc[-1])  # last week: same information
    shares = regimes.scenario_probabilities(result)
    assert shares.sum(axis=1).to_numpy() == pytest.approx(1.0)


def test_scenario_rule():
    assert regimes.scenario(2.5) == "bull"
    assert regimes.scenario(-1.96) == "bear"
    assert regimes.scenario(1.5) == "base"
    assert regimes.scenario(float("nan")) == "base"


def test_too_short_a_series_is_refused():
    with pytest.raises(DataError):
        regimes.fit(pd.Series(np.zeros(20)))
