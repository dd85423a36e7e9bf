"""The track record's history is what each week's report showed: the same signals, values and
statuses as the single-date computation at that date, never using data after it."""

from __future__ import annotations

import contextlib
import math

import numpy as np
import pandas as pd
import pytest

import techflows as tf
from handmade import closes, source
from techflows.analysis import markets, notional, rotation
from techflows.errors import DataError, DataUnavailable
from techflows.models import regimes
from techflows.monitor import checklist as ck
from techflows.monitor import scenarios
from techflows.monitor.analyst_table import ANALYST_COLUMNS
from techflows.track import asof
from techflows.track import history as track

# Spread from 2008 to 2026: the 2008 crisis (no Fed range yet, no index members: the notional
# rank falls back to tech ETFs), 2010 (members priced for under a year: no breadth yet), 2011,
# a Good Friday (the week is not complete on that day), March 2020, 2022, a week inside the
# snapshot's flow file and its last day.
DATES = (
    "2008-10-10",
    "2010-12-10",
    "2011-08-12",
    "2016-03-25",
    "2020-03-20",
    "2022-06-17",
    "2026-03-13",
    "2026-08-21",
)


@pytest.fixture(scope="module")
def snapshot_history() -> pd.DataFrame:
    """The history of the whole snapshot, every Friday."""
    return track.history(tf.open_source("snapshot"), "W-FRI", 10)


def single_date(as_of: str, week_end: str = "W-FRI") -> dict[str, tuple[float, str | None]]:
    """What the reports dated as_of show, computed as the notebooks compute it: 05's checklist,
    net score and scenario reading, 04's regimes.current, 01's notional rank, 02's flow
    z-scores. signal -> (value, status); None where the report shows no status."""
    src = tf.open_source("snapshot", as_of=as_of)
    items = ck.checklist(src, week_end)
    shown: dict[str, tuple[float, str | None]] = {
        row.key: (row.value, row.status) for row in items.itertuples()
    }
    shown[track.NET_SCORE] = (float(ck.concordance(items)["net_score"]), None)
    summary = scenarios.scenario_summary(scenarios.scenario_table(src, week_end, items=items))
    reading = scenarios.reading(summary).scenario
    shown[track.SCENARIO] = (track.ORDINAL.get(reading, math.nan), reading)
    share = None  # as section 04: without constituent prices the drift alone decides
    with contextlib.suppress(DataUnavailable):
        share = scenarios.weekly_breadth(src, week_end)
    try:
        now = regimes.current(scenarios.weekly_readings(src, week_end, share))
        shown[track.DRIFT_T] = (now["t"], now["state"])
        shown[track.REGIME] = (track.ORDINAL[now["reading"]], now["reading"])
        shown[track.BREADTH] = (now["share_at_highs"], None)
    except DataUnavailable:  # section 04 has no reading yet (too few weeks for a drift)
        pass
    weekly, _ = notional.weekly_tech_notional(src, week_end)
    ranked = notional.notional_rank(weekly, 10)
    record = track.RECORD if ranked["is_record"].iloc[-1] else track.NOT_RECORD
    shown[track.NOTIONAL] = (float(ranked["rank"].iloc[-1]), record)
    try:
        zscores = rotation.flow_zscores(rotation.weekly_flows(src, week_end))
    except (DataUnavailable, DataError):
        zscores = pd.DataFrame(columns=["ticker", "week", "z"])
    tech = {"QQQ", "XLK", "XLC", "ARKK", "SMH", "SOXX", "IYW", "VGT", "IGV"}
    for fund, rows in zscores[zscores["ticker"].isin(tech)].groupby("ticker"):
        shown[f"{track.FLOW_Z} {fund}"] = (float(rows.loc[rows["week"].idxmax(), "z"]), None)
    return shown


def _same(a: float, b: float) -> bool:
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("day", DATES)
def test_history_equals_the_single_date_report_for_every_signal(snapshot_history, day):
    shown = single_date(day)
    rows = snapshot_history[snapshot_history["week_end"] == pd.Timestamp(day)]
    got = rows.set_index("signal")
    wrong = []
    for key, (value, status) in shown.items():
        if key not in got.index:
            if pd.notna(value) or status not in (None, "no data"):
                wrong.append(f"{key}: missing from the history (report: {value}, {status})")
            continue
        if not _same(value, got.at[key, "value"]):
            wrong.append(f"{key}: value {got.at[key, 'value']} != report {value}")
        if status is not None and status != got.at[key, "status"]:
            wrong.append(f"{key}: status {got.at[key, 'status']} != report {status}")
    unknown = [k for k in got.index if k not in shown and got.at[k, "status"] != "no data"]
    assert not wrong and not unknown, "\n".join(
        wrong + [f"{k}: not in the report" for k in unknown]
    )
    assert len(got) >= 8  # a score and a reading, checklist signals, drift, notional at least


def test_history_spans_the_snapshot_and_starts_each_signal_with_its_data(snapshot_history):
    firsts = snapshot_history.groupby("signal")["week_end"].min()
    assert snapshot_history["week_end"].max() == pd.Timestamp("2026-08-21")
    assert firsts["ew_tech"] == pd.Timestamp("2007-02-09")  # RSPT from 2006-11-07, + 3 months
    assert firsts["fed_target"] == pd.Timestamp("2009-06-19")  # the range from 2008-12-16 + 26w
    assert firsts["flows_4w"] == pd.Timestamp("2026-01-30")  # four whole weeks of flows
    assert snapshot_history.columns.tolist() == ["week_end", "signal", "value", "status"]
    assert snapshot_history["week_end"].nunique() >= 1000


@pytest.mark.parametrize(
    "cut", ["1999-03-05", "2010-12-10", "2011-03-11", "2026-01-05", "2026-03-13"]
)
def test_no_week_uses_data_after_it(snapshot_history, cut):
    """The history of a source cut at a date is the whole history up to that date."""
    early = track.history(tf.open_source("snapshot", as_of=cut), "W-FRI", 10)
    late = snapshot_history[snapshot_history["week_end"] <= pd.Timestamp(cut)]
    merged = early.merge(late, on=["week_end", "signal"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    values = merged[["value_x", "value_y"]].to_numpy(dtype=float)
    assert np.allclose(values[:, 0], values[:, 1], rtol=1e-12, atol=1e-12, equal_nan=True)
    assert (merged["status_x"] == merged["status_y"]).all()


# Hand-made sources: one rule at a time


def _market(start: str = "2020-01-01", end: str = "2021-12-31") -> dict[str, pd.DataFrame]:
    return {"XLK": closes(start, end, 100, 0.004), "SPY": closes(start, end, 100, 0.002)}


def _rows(history: pd.DataFrame, signal: str) -> pd.DataFrame:
    return history[history["signal"] == signal].set_index("week_end")


def test_a_stopped_series_keeps_its_value_but_stops_voting_after_45_days():
    days = pd.bdate_range("2020-01-01", "2021-03-31")
    real = pd.Series(np.linspace(1.0, -1.0, len(days)), index=days)  # falling: green
    src = source(prices=_market(), series={"DFII10": real})
    rows = _rows(track.history(src, "W-FRI", analyst=pd.DataFrame(_no_entries())), "real_yield")
    last = real.iloc[-1] - real.asof(real.index[-1] - pd.Timedelta(days=91))
    assert rows.loc["2021-05-14", "status"] == "green"  # 44 days after 2021-03-31
    assert rows.loc["2021-05-21", "status"] == "no data"  # 51 days: stale
    assert rows.loc["2021-05-21", "value"] == pytest.approx(last)


def test_the_semiconductor_fund_is_the_one_preferred_at_each_date():
    prices = _market()
    prices["SMH"] = closes("2020-01-01", "2021-03-31", 50, 0.01)
    prices["SOXX"] = closes("2020-01-01", "2021-12-31", 50, -0.005)
    src = source(prices=prices)
    rows = _rows(track.history(src, "W-FRI", analyst=pd.DataFrame(_no_entries())), "semis_rs")
    for fund, day in (("SMH", "2021-05-14"), ("SOXX", "2021-05-21")):
        both = pd.concat([prices[fund]["Close"], prices["SPY"]["Close"]], axis=1).loc[:day]
        expected = 100 * markets.trailing_relative(both.iloc[:, 0], both.iloc[:, 1]).dropna()
        assert rows.loc[day, "value"] == pytest.approx(expected.iloc[-1]), fund
    # SMH ends 2021-03-31: within 45 days of SOXX's last price it is still the first choice.


def _no_entries() -> dict[str, list]:
    return {c: [] for c in ANALYST_COLUMNS} | {"date": pd.to_datetime([])}


def test_an_analyst_entry_counts_from_its_date_until_it_turns_stale():
    table = pd.DataFrame(
        {
            "item": ["guidance"],
            "date": pd.to_datetime(["2021-02-03"]),
            "value": [3.0],
            "unit": ["companies"],
            "basis": ["observed"],
            "status": [""],
            "note": [""],
            "source": ["analyst"],
        }
    )
    rows = _rows(track.history(source(prices=_market()), "W-FRI", analyst=table), "guidance")
    assert rows.index.min() == pd.Timestamp("2021-02-05")  # the first report after the entry
    assert rows.loc["2021-02-05", "status"] == "green"  # +3 companies: green at +2
    assert rows.loc["2021-03-19", "status"] == "green"  # 44 days old
    assert rows.loc["2021-03-26", "status"] == "no data"  # 51 days old: stale


def test_a_week_counts_only_once_it_is_complete_on_the_data_up_to_the_date():
    daily = pd.bdate_range("2024-03-04", "2024-04-05").drop(pd.Timestamp("2024-03-29"))
    weekly = pd.date_range("2024-03-08", "2024-04-05", freq="W-FRI")
    dates = pd.DatetimeIndex(["2024-03-22", "2024-03-29", "2024-03-30", "2024-04-05"])
    shown = pd.to_datetime(["2024-03-22", "2024-03-22", "2024-03-22", "2024-04-05"])
    # Good Friday 2024-03-29 has no close: that week is not complete on the data up to it, nor
    # on the Saturday after (a calendar cut there has not seen the week end either).
    assert list(asof.seen_weeks(weekly, daily, dates, "W-FRI")) == list(shown)
    assert list(asof.seen_weeks(weekly, daily, dates, "W-FRI", sessions=daily)) == list(shown)


def test_last_values_take_the_last_known_value_on_or_before_each_date():
    series = pd.Series(
        [1.0, np.nan, 3.0], index=pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-05"])
    )
    dates = pd.to_datetime(["2024-01-01", "2024-01-04", "2024-01-05", "2024-02-01"])
    seen = asof.last_values(series, dates)
    assert seen["value"].tolist()[1:] == [1.0, 3.0, 3.0] and np.isnan(seen["value"].iloc[0])
    assert (
        seen["date"].tolist()[1:]
        == pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-05"]).tolist()
    )


def test_before_a_year_of_member_prices_the_drift_alone_reads_the_week():
    """The snapshot at 2010-12-10: members priced since 2010-01-04, so no share at 52-week
    highs yet. Section 04 reads the week from the drift alone; so does the history (it
    failed there: IndexError in seen_weeks)."""
    prices = _market("2019-01-01", "2021-12-31")
    noise = np.random.default_rng(4).normal(0, 0.002, len(prices["XLK"]))
    prices["XLK"]["Close"] *= np.exp(noise)
    members = {"AAA": "Information Technology", "BBB": "Information Technology"}
    member_prices = {m: closes("2021-03-01", "2021-12-31", 50, 0.003) for m in members}
    frames = {"prices": prices, "members": members, "member_prices": member_prices}
    history = track.history(source(**frames), "W-FRI", analyst=pd.DataFrame(_no_entries()))
    day = "2021-12-31"
    now = regimes.current(scenarios.weekly_readings(source(as_of=day, **frames), "W-FRI", None))
    drift, regime = _rows(history, track.DRIFT_T), _rows(history, track.REGIME)
    assert drift.loc[day, "value"] == pytest.approx(now["t"])
    assert (drift.loc[day, "status"], regime.loc[day, "status"]) == (now["state"], now["reading"])
    assert track.BREADTH not in set(history["signal"])  # no week had a share to show


def test_a_weekly_series_with_no_whole_week_yet_shows_none():
    """The snapshot at 2026-01-05: two days of flows, no whole week; 07 failed (IndexError)."""
    dates = pd.DatetimeIndex(["2026-01-02", "2026-01-05"])
    daily = pd.DatetimeIndex(["2026-01-02", "2026-01-05"])
    seen = asof.seen_weeks(pd.DatetimeIndex([]), daily, dates, "W-FRI")
    assert len(seen) == 2 and seen.isna().all()
