"""A drift state needs significance: the t of a 26-week mean against Student's t with 25 df."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from techflows.models import regimes
from techflows.views import predictions as view


def _window(mean: float, swing: float = 1.0, weeks: int = 26) -> pd.Series:
    """weeks + 1 weekly values whose last `weeks` alternate mean +- swing: t = mean / (swing / 5)
    for 26 weeks (the sample sd is swing * sqrt(26 / 25))."""
    values = mean + swing * np.tile([1.0, -1.0], weeks // 2)
    index = pd.date_range("2026-02-20", periods=weeks + 1, freq="W-FRI")
    return pd.Series(np.concatenate([[0.0], values]), index=index)


def test_a_26_week_drift_at_t_136_is_not_leading():
    table = regimes.drift(_window(0.272))
    last = table.iloc[-1]
    assert last["t"] == pytest.approx(1.36)
    assert last["p"] == pytest.approx(2 * stats.t.sf(1.36, 25))  # 0.19
    assert last["state"] == regimes.NO_DRIFT
    assert "not significant" in regimes.NO_DRIFT


def test_a_significant_drift_leads_or_lags():
    up, down = regimes.drift(_window(0.4)).iloc[-1], regimes.drift(_window(-0.4)).iloc[-1]
    assert up["t"] == pytest.approx(2.0) and up["p"] < 0.10
    assert up["state"] == regimes.LEADING and down["state"] == regimes.LAGGING
    # The threshold is Student's t at 10% two-sided with 25 degrees of freedom (1.708).
    edge = regimes.drift(_window(0.34)).iloc[-1]  # t = 1.70
    assert edge["state"] == regimes.NO_DRIFT


def test_the_drift_sentence_says_not_significant():
    readings = regimes.classify(regimes.drift(_window(0.272)))
    now = regimes.current(readings)
    text = view.reading_sentence(now, "XLK", "SPY")
    assert "not significant" in text and "p = 0.19" in text
    assert "leading" not in text
