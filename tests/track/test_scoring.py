"""Scoring the history against what followed: rank ICs with HAC intervals, non-overlapping
windows at every phase offset, hit rates by state with exact intervals, the false-discovery
rate over many signals, and the coverage of section 04's forecast bands."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import techflows as tf
from handmade import source
from techflows.errors import DataUnavailable
from techflows.models import forecast
from techflows.stats import intervals
from techflows.track import history as track
from techflows.track import scoring

WEEKS = pd.date_range("2010-01-01", periods=600, freq="W-FRI", name="week_end")


def _history(signals: dict[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """A tidy history from {key: (values, statuses)} on WEEKS."""
    parts = [
        pd.DataFrame({"week_end": WEEKS, "signal": key, "value": values, "status": statuses})
        for key, (values, statuses) in signals.items()
    ]
    return pd.concat(parts, ignore_index=True)


def _outcome(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({4: values, 13: values}, index=WEEKS)


def _rated(values: np.ndarray) -> np.ndarray:
    return np.where(values > 0.5, "green", np.where(values < -0.5, "red", "amber"))


def test_the_rank_ic_is_spearmans_with_a_hac_interval():
    rng = np.random.default_rng(3)
    x = pd.Series(rng.normal(size=300))
    y = pd.Series(0.3 * x + rng.normal(size=300))
    found = scoring.rank_ic(x, y, lags=4)
    assert found["ic"] == pytest.approx(stats.spearmanr(x, y).statistic)
    assert found["low"] < found["ic"] < found["high"] and found["p"] < 0.01
    # Overlapping sums of the same noise: HAC errors over the overlap widen the interval.
    noise = pd.Series(rng.normal(size=600))
    summed = noise.rolling(13).sum().dropna()
    lead = summed.shift(-13).dropna()
    plain = scoring.rank_ic(summed.loc[lead.index], lead, lags=0)
    hac = scoring.rank_ic(summed.loc[lead.index], lead, lags=13)
    assert hac["high"] - hac["low"] > plain["high"] - plain["low"]


def test_a_signal_that_calls_the_outcome_has_skill_in_its_direction_only():
    rng = np.random.default_rng(7)
    value = rng.normal(size=len(WEEKS))
    outcome = _outcome(value + 0.5 * rng.normal(size=len(WEEKS)))
    history = _history(
        {
            "net_score": (value, _rated(value)),  # read higher-is-better: skill
            "real_yield": (value, _rated(value)),  # read lower-is-better: the wrong way
            "notional_rank": (value, _rated(value)),  # read in no direction
            "ew_tech": (rng.normal(size=len(WEEKS)), _rated(value)),  # unrelated
        }
    )
    table = scoring.skill_table(history, outcome).set_index(["signal", "horizon"])
    assert table.loc[("net_score", 4), "verdict"] == scoring.SKILL
    assert table.loc[("real_yield", 13), "verdict"] == scoring.REVERSED
    assert table.loc[("notional_rank", 4), "verdict"] == scoring.RELATED
    assert table.loc[("ew_tech", 4), "verdict"] in (scoring.NO_SKILL, scoring.CHANCE)
    assert table.loc[("net_score", 13), "offsets"] == 13
    assert table.loc[("net_score", 4), "windows"] == len(WEEKS) // 4


def test_stale_and_reported_weeks_are_not_scored_and_a_short_history_is_not_either():
    rng = np.random.default_rng(1)
    value = rng.normal(size=len(WEEKS))
    status = _rated(value).astype(object)
    status[: len(WEEKS) - 60] = "no data"  # only the last 60 weeks count: 15 windows of 4
    history = _history({"ew_tech": (value, status)})
    row = scoring.skill_table(history, _outcome(value)).iloc[0]
    assert row["weeks"] == 60 and row["verdict"] == scoring.TOO_SHORT


def test_many_tests_at_once_demote_a_lone_significant_one_to_chance():
    rng = np.random.default_rng(11)
    outcome = rng.normal(size=len(WEEKS))
    signals = {}
    for i in range(20):  # twenty unrelated signals ...
        noise = rng.normal(size=len(WEEKS))
        signals[f"flow_z F{i}"] = (noise, np.full(len(WEEKS), ""))
    weak = outcome + 9 * rng.normal(size=len(WEEKS))  # ... and one weakly related
    signals["flow_z WEAK"] = (weak, np.full(len(WEEKS), ""))
    table = scoring.skill_table(_history(signals), _outcome(outcome))
    tested = table[["p", "offset_p"]].max(axis=1)
    # q is Benjamini-Hochberg over every test: p(i) * m / i, made monotone from the top.
    order = tested.sort_values()
    ranked = (order * len(order) / np.arange(1, len(order) + 1))[::-1].cummin()[::-1]
    assert table["q"].to_numpy() == pytest.approx(ranked.clip(upper=1).reindex(table.index))
    alone = table[table["alone"] != ""]
    assert len(alone), "the seed gives at least one test significant on its own"
    assert (alone["verdict"] == np.where(alone["q"] <= 0.10, alone["alone"], scoring.CHANCE)).all()
    assert not table["verdict"].isin(scoring.FINDINGS).any()


def test_hit_rates_count_non_overlapping_windows_with_exact_intervals():
    states = np.tile(["green", "amber", "red"], len(WEEKS) // 3)
    outcome = np.where(states == "green", 1.0, -1.0)
    outcome[::5] *= -1  # some misses
    history = _history({"ew_tech": (np.arange(len(WEEKS), dtype=float), states)})
    hits = scoring.hit_rates(history, _outcome(outcome))
    row = hits[(hits["horizon"] == 4) & (hits["state"] == "green")].iloc[0]
    # Independently: every offset's green windows, the offset with the lower-median share.
    phase = np.arange(len(WEEKS)) % 4
    counts = [
        (
            int((outcome[(phase == o) & (states == "green")] > 0).sum()),
            int(((phase == o) & (states == "green")).sum()),
        )
        for o in range(4)
    ]
    shares = sorted(k / n for k, n in counts)
    assert row["share"] == pytest.approx(shares[1])
    k, n = next(c for c in counts if c[0] / c[1] == shares[1])
    assert (row["beat"], row["windows"]) == (k, n)
    assert (row["low"], row["high"]) == pytest.approx(intervals.clopper_pearson(k, n))
    assert (row["share_min"], row["share_max"]) == pytest.approx((shares[0], shares[-1]))


def test_band_coverage_counts_the_weeks_inside_section_04s_band():
    rng = np.random.default_rng(5)
    days = pd.bdate_range("2018-01-01", "2021-12-31")
    walk = lambda s: pd.DataFrame(  # noqa: E731
        {"Close": 100 * np.exp(np.cumsum(s * rng.normal(size=len(days)))), "Volume": 1e6},
        index=days.rename("Date"),
    )
    src = source(prices={"XLK": walk(0.012), "SPY": walk(0.008)})
    found = scoring.band_coverage(src, "W-FRI", None, origins=40, refit_every=20)
    table = found["table"].dropna(subset=["actual"])
    inside = (table["actual"] >= table["lower"]) & (table["actual"] <= table["upper"])
    assert found["share"].k == inside.sum() and found["share"].n == 40
    assert found["nominal"] == pytest.approx(0.90)
    # The band is the model's own 90% prediction interval at that origin.
    y, _, _ = forecast.model_inputs(src, "W-FRI", None)
    first = forecast.fit(y.iloc[: len(y) - 40].to_numpy())
    band = first.get_forecast(1).conf_int(alpha=0.10)[0]
    assert (table["lower"].iloc[0], table["upper"].iloc[0]) == pytest.approx(tuple(band))


def test_every_history_signal_has_a_spec_and_a_reading_direction():
    for spec in track.SPECS:
        assert spec.direction in (-1, 0, 1) and spec.label
    assert track.spec("real_yield").direction == -1  # lower real yields read as good for tech
    assert track.spec("flow_z QQQ").direction == 0


def test_band_coverage_on_too_few_weeks_is_not_available():
    """1999-03-05 on the snapshot: 9 weeks, too few to fit section 04's model at all."""
    days = pd.bdate_range("1998-12-22", "1999-03-05").rename("Date")
    bars = {
        t: pd.DataFrame({"Close": 100 + np.arange(len(days)) * g, "Volume": 1e6}, index=days)
        for t, g in (("XLK", 0.3), ("SPY", 0.1))
    }
    src = source(as_of="1999-03-05", prices=bars)
    with pytest.raises(DataUnavailable, match=r"handmade.*9 weeks"):
        scoring.band_coverage(src, "W-FRI", 10)


def test_a_signal_constant_on_an_offset_is_too_short_without_a_warning_on_the_page():
    """The snapshot at 2005-06-30: a signal that never changed on one phase offset printed
    scipy's ConstantInputWarning (with its file) on 07's page; it is too short to score."""
    src = tf.open_source("snapshot", as_of="2005-06-30")
    history = track.history(src, "W-FRI", 10)
    outcome = scoring.outcomes(src, "W-FRI")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        info = scoring.skill_table(history, outcome)
    assert (info["verdict"] == scoring.TOO_SHORT).any()
