"""Answers and charts at an as-of date whose data are too short for a section's models.

At 1999-03-05 the snapshot has ten weeks of its tech proxy: no rate regression, no GARCH, no
forecast backtest, no drift. Each figure is one "Not available" line on the page; the answer
box says what is unknown instead of failing on the missing figure (or inventing one)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import analogues, drawdowns
from techflows.errors import DataUnavailable
from techflows.monitor import checklist, scenarios, signals
from techflows.track import history as track
from techflows.views import drivers, monitor, predictions, risks, track_record

NO_CLAIMS = pd.DataFrame(columns=["verdict"])


def test_drivers_answer_without_the_rate_regression_says_it_is_unknown():
    box = drivers.answer(None, None, None, None, None, None, NO_CLAIMS, None)
    assert box.verdict == "Unknown"
    rates = box.sentence("rates").text
    assert "not available" in rates and "beta" not in rates
    assert not any("beta" in n.label for n in box.numbers)


def test_risks_answer_without_the_semiconductor_stress_leaves_it_out():
    close = pd.Series(
        100 * np.exp(np.cumsum(np.full(50, 0.002))),
        index=pd.bdate_range("1998-12-22", periods=50),
        name="XLK",
    )
    now = analogues.place_today(close)
    summary = analogues.conditional_summary(analogues.after_today(close, now))
    box = risks.answer("XLK", now, summary, None, None, None, NO_CLAIMS)
    assert "not available" in box.sentence("semis").text
    assert not any("volatility" in n.label for n in box.numbers)
    assert box.verdict == risks.drawdown_verdict(drawdowns.current(close)["depth"])


def test_predictions_answer_without_a_backtest_or_a_drift_is_too_short_to_tell():
    reading = scenarios.Reading(scenarios.UNDETERMINED, 3, 15, why="only 3 of 15 judgeable")
    box = predictions.answer(None, None, None, None, None, NO_CLAIMS, reading)
    assert box.verdict.startswith("Too short to tell")
    assert "not available" in box.sentence("forecast").text
    assert "not available" in box.sentence("drift").text
    assert not any("MASE" in n.label or "drift" in n.label for n in box.numbers)


def test_the_status_chart_without_a_checklist_week_is_not_available():
    """The snapshot's history at 1999-03-05 holds only the notional rank: no checklist signal
    has a week yet, so there is nothing to chart (it failed on an empty frame)."""
    history = pd.DataFrame(
        {
            "week_end": pd.date_range("1999-01-01", periods=9, freq="W-FRI"),
            "signal": track.NOTIONAL,
            "value": np.arange(1.0, 10.0),
            "status": "not a record",
        }
    )
    history.attrs.update({"source": "snapshot", "end": pd.Timestamp("1999-03-05")})
    with pytest.raises(DataUnavailable, match=r"checklist.*snapshot.*1999-03-05"):
        track_record.status_chart(history)


def test_monitor_answer_with_no_signal_measured_prints_no_net_score():
    """1999-03-05 on the snapshot: none of the 13 checklist signals has data; 05's answer read
    'net score +nan' in its sentence and its first number."""
    items = pd.DataFrame(
        [
            {"key": s.key, "signal": s.label, "shown": "", "status": "no data"}
            for s in signals.SIGNALS
        ]
    )
    items["value"] = np.nan
    score = checklist.concordance(items)
    summary = scenarios.scenario_summary(scenarios.scenario_table(None, items=items))
    box = monitor.answer(score, summary, items, NO_CLAIMS)
    text = json.dumps(box.as_dict())
    assert not re.search(r"\bnan\b", text, re.IGNORECASE), text
    assert "None of the 13 checklist signals can be measured" in box.sentence("checklist").text
    assert box.verdict == monitor.concordance_verdict(score)
