"""Seed 002's scenario conditions judged on the checklist; the real csv data end to end."""

import numpy as np
import pandas as pd
import pytest

from handmade import closes, source
from techflows.errors import DataUnavailable
from techflows.models import regimes
from techflows.monitor import rules, signals
from techflows.monitor import scenarios as sc

GREEN, AMBER, RED, NO_DATA = rules.GREEN, rules.AMBER, rules.RED, rules.NO_DATA


def _items(statuses: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"key": s.key, "signal": s.label, "shown": "x", "status": statuses.get(s.key, NO_DATA)}
            for s in signals.SIGNALS
        ]
    )


def test_scenario_conditions_met_not_met_and_no_data():
    items = _items(
        {
            "fed_target": GREEN,
            "real_yield": RED,
            "ew_tech": GREEN,
            "highs_share": GREEN,
            "adv_dec": AMBER,
            "flows_4w": RED,
        }
    )
    table = pd.DataFrame([sc.evaluate(c, items) for c in sc.CONDITIONS])
    result = table.set_index("condition")["result"]
    assert result["The Fed signals and executes rate cuts"] == sc.MET
    assert result["Real yields fall"] == sc.NOT_MET
    assert result["Real yields rise"] == sc.MET
    # one of two measured breadth signals is not green: not met
    bull_breadth = "Breadth improves beyond the mega-caps (tech stocks at highs, advancers lead)"
    assert result[bull_breadth] == sc.NOT_MET
    # eps and guidance unmeasured: no data
    monetization = "Faster-than-expected AI monetization: earnings and cloud/AI guidance revised up"
    assert result[monetization] == NO_DATA
    # flows_8w unmeasured, flows_4w red: judged on what is measured
    assert result["Flows move away from tech/AI strategies"] == sc.MET
    summary = sc.scenario_summary(table).set_index("scenario")
    for scenario, group in table.groupby("scenario"):
        assert summary.loc[scenario, "met"] == (group["result"] == sc.MET).sum()
        assert summary.loc[scenario, "no data"] == (group["result"] == NO_DATA).sum()
    # favoured marks the run's one reading, when it is not undetermined.
    reading = sc.reading(summary.reset_index())
    assert summary["favoured"].sum() == (reading.scenario != sc.UNDETERMINED)
    assert summary.index[summary["favoured"]].tolist() in ([], [reading.scenario])


def test_scenarios_cover_the_three_cases_and_known_signals():
    assert {c.scenario for c in sc.CONDITIONS} == {"bull", "base", "bear"}
    for condition in sc.CONDITIONS:
        assert set(condition.keys) <= set(signals.SIGNAL_KEYS)
        assert set(condition.accept) <= {GREEN, AMBER, RED}


def test_scenarios_on_the_real_csv_data(snapshot_source):
    conditions = sc.scenario_table(snapshot_source)
    assert conditions["result"].isin([sc.MET, sc.NOT_MET, NO_DATA]).all()
    assert len(conditions) == len(sc.CONDITIONS)


def test_weekly_readings_tell_the_2020_rally_from_the_2022_slump(snapshot_source):
    """A calm/volatile regime model read both as 'base'; the drift-and-breadth rule must not."""
    readings = sc.weekly_readings(
        snapshot_source, "W-WED", sc.weekly_breadth(snapshot_source, "W-WED")
    )
    assert readings.attrs["breadth"] and readings.index[-1] <= pd.Timestamp("2026-02-13")
    check = regimes.check_periods(readings).set_index("period")
    slump, rally = check.loc["2022 slump"], check.loc["2020-21 rally"]
    assert slump["weeks"] == 52 and rally["weeks"] >= 104
    assert slump["most_weeks"] == "bear" and slump["bear"] > 0.8 and slump["bull"] == 0
    # A leading drift needs p <= 0.10: in 2020 a third of the weeks clear it, none in 2022.
    assert rally["bear"] < 0.05 and rally["bull"] > 0.2
    assert check.loc["2020", "bull"] > 0.3 and check.loc["2020", "bear"] < 0.1
    assert check.loc["2021", "most_weeks"] == "base"  # tech roughly matched the market


def test_weekly_readings_without_constituents_use_the_drift_alone(sample_source):
    with pytest.raises(LookupError, match="constituents"):
        sc.weekly_breadth(sample_source)
    readings = sc.weekly_readings(sample_source)
    assert not readings.attrs["breadth"]
    assert set(readings["reading"]) <= {"bull", "base", "bear"}
    leading = readings["state"] == "leading"
    assert (readings.loc[leading, "reading"] == "bull").all()


def _young_members_source(as_of: str = "2021-12-31"):
    """Two years of XLK and SPY, and two IT members priced only from 2021-03-01: under a
    year of member prices, as the snapshot's (from 2010-01-04) on 2010-12-10."""
    prices = {"XLK": closes("2020-01-01", as_of, 100, 0.004), "SPY": closes("2020-01-01", as_of)}
    noise = np.random.default_rng(2).normal(0, 0.002, len(prices["XLK"]))
    prices["XLK"]["Close"] *= np.exp(noise)  # a drift with a spread, so it has a t-statistic
    members = {"AAA": "Information Technology", "BBB": "Information Technology"}
    member_prices = {m: closes("2021-03-01", as_of, 50, 0.003) for m in members}
    return source(as_of=as_of, prices=prices, members=members, member_prices=member_prices)


def test_before_a_year_of_member_prices_breadth_is_not_available_and_the_drift_decides():
    """Section 04 at 2010-12-10 failed: 'no week has both a drift and breadth'. Breadth is one
    'Not available' line (the members' prices start 2021-03-01 here), and the drift alone
    gives the week's reading, as on a source without members."""
    src = _young_members_source()
    with pytest.raises(DataUnavailable, match=r"52-week highs.*handmade.*2021-03-01"):
        sc.weekly_breadth(src)
    readings = sc.weekly_readings(src, "W-FRI", None)
    now = regimes.current(readings)
    assert now["week_end"] == pd.Timestamp("2021-12-31") and not now["breadth"]
    assert now["state"] == regimes.LEADING and now["reading"] == "bull"  # 0.4% vs 0.0% a week


def test_too_few_weeks_for_a_drift_are_not_available():
    """1999-03-05 on the snapshot: 9 weeks of returns, a drift needs 27."""
    src = source(
        as_of="1999-03-05", prices={t: closes("1998-12-22", "1999-03-05") for t in ("XLK", "SPY")}
    )
    with pytest.raises(DataUnavailable, match=r"26-week drift.*handmade.*9 weeks.*27"):
        sc.weekly_readings(src, "W-FRI", None)
    flat = pd.Series(1.0, index=pd.date_range("2020-01-03", periods=30, freq="W-FRI"))
    empty = regimes.classify(regimes.drift(flat))  # no spread: no week has a t-statistic
    with pytest.raises(DataUnavailable):
        regimes.current(empty)
