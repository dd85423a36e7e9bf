"""The many-dates forms the history uses give what the one-date forms give, case by case:
the scenario reading, the preferred fund, trailing-window starts, ages."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from techflows.analysis import markets
from techflows.data import freshness
from techflows.monitor import scenarios
from techflows.monitor.rules import AMBER, GREEN, NO_DATA, RED, REPORTED
from techflows.monitor.signals import SIGNALS

KEYS = [s.key for s in SIGNALS]


def test_readings_of_many_checklists_equal_the_one_checklist_reading():
    rng = np.random.default_rng(2)
    statuses = pd.DataFrame(
        rng.choice(
            [GREEN, AMBER, RED, NO_DATA, REPORTED],
            size=(150, len(KEYS)),
            p=[0.25, 0.25, 0.25, 0.2, 0.05],
        ),
        columns=KEYS,
    )
    many = scenarios.readings_of(statuses)
    for i, row in statuses.iterrows():
        items = pd.DataFrame({"key": KEYS, "signal": KEYS, "shown": "", "status": list(row)})
        summary = scenarios.scenario_summary(scenarios.scenario_table(None, items=items))
        one = scenarios.reading(summary)
        assert (many.at[i, "scenario"], many.at[i, "judged"]) == (one.scenario, one.judged), i
    assert set(many["scenario"]) >= {"bull", "base", "bear", scenarios.UNDETERMINED}


def test_preferred_each_row_equals_preferred():
    days = [
        pd.Timestamp("2026-06-05"),
        pd.Timestamp("2026-07-31"),
        pd.Timestamp("2026-07-20"),
        pd.NaT,
    ]
    rows = list(itertools.product(days, repeat=2))
    table = pd.DataFrame(rows, columns=["SMH", "SOXX"])
    many = freshness.preferred_each(table)
    for i, row in table.iterrows():
        if row.isna().all():
            assert many[i] is None
            with pytest.raises(ValueError):
                freshness.preferred(row)
        else:
            assert many[i] == freshness.preferred(row), row.to_dict()


def test_window_starts_equal_window_start_every_day():
    days = pd.date_range("2023-12-25", "2024-03-31")
    for window in ("1w", "1m", "3m", "6m", "1y", "YTD"):
        starts = markets.window_starts(days, window)
        assert list(starts) == [markets.window_start(d, window) for d in days], window


def test_ages_equal_age_days():
    last = pd.DatetimeIndex([pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-27 15:00"), pd.NaT])
    as_of = pd.DatetimeIndex(["2026-02-15", "2026-08-21", "2026-08-21"])
    ages = freshness.ages(last, as_of)
    pairs = zip(last[:2], as_of[:2], strict=True)
    assert ages[:2].tolist() == [freshness.age_days(a, b) for a, b in pairs]
    assert np.isnan(ages[2])
