"""Checklist rules, measures, analyst rows, concordance; the real csv data end to end."""

import math

import numpy as np
import pandas as pd
import pytest
from test_analyst_table import DATED_ENTRIES, OBS, REP, analyst_frame

import techflows as tf
from techflows.analysis import markets
from techflows.data.universe import load_universe
from techflows.monitor import checklist as ck
from techflows.monitor import rules, signals

GREEN, AMBER, RED, NO_DATA = rules.GREEN, rules.AMBER, rules.RED, rules.NO_DATA


# --- rules -----------------------------------------------------------------------------------


def test_higher_is_better_boundaries():
    rule = rules.Rule(green=2.0, red=-2.0, unit="%")
    assert rule.higher_is_better
    assert rule.status(2.0) == GREEN and rule.status(5.0) == GREEN
    assert rule.status(1.999) == AMBER and rule.status(-1.999) == AMBER
    assert rule.status(-2.0) == RED and rule.status(-7.0) == RED
    assert rule.status(math.nan) == NO_DATA and rule.status(None) == NO_DATA


def test_lower_is_better_boundaries():
    rule = rules.Rule(green=-0.15, red=0.15, unit=" pp")
    assert not rule.higher_is_better
    assert rule.status(-0.15) == GREEN and rule.status(-1.0) == GREEN
    assert rule.status(-0.149) == AMBER and rule.status(0.149) == AMBER
    assert rule.status(0.15) == RED and rule.status(0.5) == RED
    assert rule.describe() == "green ≤ -0.15 pp, red ≥ +0.15 pp, amber between"


def test_trend_follows_the_rule_direction_and_flat_band():
    up = rules.Rule(green=1.10, red=0.90, unit="x", flat=0.0625)
    assert up.trend(1.2, 1.0) == rules.IMPROVING
    assert up.trend(1.0, 1.2) == rules.WORSENING
    assert (
        up.trend(1.04, 1.0) == rules.FLAT and up.trend(1.0625, 1.0) == rules.FLAT
    )  # band inclusive
    assert up.trend(1.0, math.nan) == rules.NO_TREND
    down = rules.Rule(green=-0.25, red=0.25, unit=" pp")
    assert down.trend(3.75, 4.0) == rules.IMPROVING and down.trend(4.0, 3.75) == rules.WORSENING
    assert down.trend(3.75, 3.75) == rules.FLAT


@pytest.mark.parametrize("signal", signals.SIGNALS, ids=lambda s: s.key)
def test_every_signal_rule_has_ordered_thresholds(signal):
    rule = signal.rule
    middle = (rule.green + rule.red) / 2
    assert rule.status(rule.green) == GREEN
    assert rule.status(rule.red) == RED
    assert rule.status(middle) == AMBER
    beyond = rule.green + (rule.green - rule.red)
    assert rule.status(beyond) == GREEN
    assert rule.show(rule.green) in rule.describe() and rule.show(rule.red) in rule.describe()


# --- measures on small synthetic inputs --------------------------------------------------------


class FakeSource:
    """Just enough of a Source: an end date, an as-of date, closes, a universe, EPS trends."""

    name = "fake"

    def __init__(self, end, as_of=None, closes=None, eps=None):
        self.end = pd.Timestamp(end)
        self.as_of = None if as_of is None else pd.Timestamp(as_of)
        self.closes = closes if closes is not None else pd.DataFrame()
        self.eps = eps or {}
        self.universe = load_universe()  # the shipped universe

    def available(self, tickers):
        return [t for t in tickers if t in self.closes]

    def close(self, tickers):
        return self.closes[list(tickers)]

    def preferred(self, candidates):
        return next(t for t in candidates if t in self.closes)

    def note_input(self, name, last):
        """The input ledger is the real Source's; nothing to keep here."""

    @property
    def market_ticker(self):
        return "SPY"

    def eps_trend(self, ticker):
        if ticker not in self.eps:
            raise tf.DataUnavailable(f"EPS for {ticker}", self.name, "yahoo")
        return self.eps[ticker]


def test_relative_three_month_return_against_hand_ratio():
    dates = pd.bdate_range("2024-01-01", periods=80)
    rng = np.random.default_rng(3)
    closes = pd.DataFrame(
        50 * np.exp(np.cumsum(rng.normal(0, 0.01, (80, 2)), axis=0)),
        index=dates,
        columns=["RSPT", "XLK"],
    )
    measure = signals._equal_weight_tech(FakeSource(dates[-1], closes=closes), "W-FRI")
    a, b = closes["RSPT"], closes["XLK"]
    # Return minus return since the last close on or before three months earlier (as in 03).
    base = closes.loc[: dates[-1] - pd.DateOffset(months=3)].iloc[-1]
    expected = 100 * ((a.iloc[-1] / base["RSPT"] - 1) - (b.iloc[-1] / base["XLK"] - 1))
    assert measure.series.iloc[-1] == pytest.approx(expected)
    assert measure.series.iloc[:63].isna().all()
    with pytest.raises(tf.DataUnavailable, match="RSP"):
        signals._equal_weight_market(FakeSource(dates[-1], closes=closes), "W-FRI")


def test_change_over_calendar_days():
    level = pd.Series(
        [1.0, 1.5, 2.5, 2.0],
        index=pd.to_datetime(["2024-01-01", "2024-01-20", "2024-02-05", "2024-02-10"]),
    )
    change = signals._change(level, 28)
    assert math.isnan(change.iloc[0]) and math.isnan(change.iloc[1])
    assert change.iloc[2] == pytest.approx(2.5 - 1.0)  # 28 days before Feb 5 is Jan 8 -> Jan 1
    assert change.iloc[3] == pytest.approx(2.0 - 1.0)  # Jan 13 -> Jan 1


def test_live_eps_revisions_average_this_and_next_quarter():
    def trend(ticker, rows):
        columns = ["period", "eps_current", "eps_30d_ago", "eps_60d_ago"]
        return pd.DataFrame(rows, columns=columns).assign(ticker=ticker)

    eps = {
        "AAPL": trend("AAPL", [["0q", 1.10, 1.00, 1.00], ["+1q", 2.0, 2.0, 1.0], ["0y", 9, 1, 1]]),
        "MSFT": trend("MSFT", [["0q", 0.95, 1.00, 1.00]]),
    }
    measure = signals._eps_revisions(FakeSource("2026-02-13", eps=eps), "W-FRI")
    assert measure.series.iloc[-1] == pytest.approx(100 * (0.10 + 0.0 - 0.05) / 3)
    assert measure.series.iloc[0] == pytest.approx(100 * (0.0 + 1.0 + 0.0) / 3)
    with pytest.raises(tf.DataUnavailable, match="live estimates"):
        signals._eps_revisions(FakeSource("2026-02-13", as_of="2026-02-13", eps=eps), "W-FRI")


def test_measured_row_trend_and_staleness():
    dates = pd.date_range("2024-01-01", "2024-03-31", freq="D")
    series = pd.Series(np.linspace(0.0, 9.0, len(dates)), index=dates)
    signal = rules.Signal(
        "test",
        "Test item",
        "A rising value",
        rules.Rule(5.0, 1.0, "%", flat=0.5),
        lambda src, week_end: rules.Measure(series, "synthetic"),
    )
    items = ck.checklist(FakeSource("2024-03-31"), analyst=analyst_frame([]), signals=(signal,))
    row = items.iloc[0]
    assert row["status"] == GREEN and row["trend"] == rules.IMPROVING
    assert row["value"] == pytest.approx(9.0) and row["as_of"] == dates[-1]
    later = ck.checklist(FakeSource("2024-06-30"), analyst=analyst_frame([]), signals=(signal,))
    assert later.iloc[0]["stale"] and later.iloc[0]["status"] == NO_DATA
    assert "stale" in later.iloc[0]["source"]


# --- rows from the analyst table ----------------------------------------------------------------


ANALYST_ONLY = tuple(s for s in signals.SIGNALS if s.analyst and s.measure is None)


def test_analyst_entries_after_as_of_are_ignored_and_old_ones_are_stale():
    table = analyst_frame(DATED_ENTRIES)
    items = ck.checklist(FakeSource("2026-02-13"), analyst=table, signals=ANALYST_ONLY)
    rows = items.set_index("key")
    semis = rows.loc["semis_orders"]  # the observed 20, not the later reported 56
    assert semis["value"] == 20.0 and semis["status"] == GREEN and semis["trend"] == rules.IMPROVING
    assert "dated 2026-02-01" in semis["source"]
    assert rows.loc["guidance", "status"] == NO_DATA and "stale" in rows.loc["guidance", "source"]
    assert (
        rows.loc["filings_13f", "status"] == NO_DATA
        and "no entry" in rows.loc["filings_13f", "source"]
    )
    later = ck.checklist(FakeSource("2026-03-10"), analyst=table, signals=ANALYST_ONLY)
    later = later.set_index("key")
    assert (
        later.loc["semis_orders", "status"] == RED and later.loc["filings_13f", "status"] == GREEN
    )


def test_a_reported_figure_is_shown_but_never_scored():
    table = analyst_frame(
        [
            ["eps_revisions", "2026-02-10", 2.0, "%", REP, NO_DATA, "the article's 2026 EPS", "x"],
            ["semis_orders", "2026-02-10", 56.0, "%", REP, NO_DATA, "a capex forecast", "y"],
            ["guidance", "2026-02-10", 3.0, " companies", OBS, NO_DATA, "counted", "z"],
        ]
    )
    analyst = tuple(s for s in signals.SIGNALS if s.analyst)
    src = FakeSource("2026-02-13", as_of="2026-02-13")  # no live EPS: the table stands in
    items = ck.checklist(src, analyst=table, signals=analyst)
    rows = items.set_index("key")
    for key in ("eps_revisions", "semis_orders"):
        assert rows.loc[key, "status"] == rules.REPORTED
        assert rows.loc[key, "shown"].endswith("(reported)")
        assert "reported" in rows.loc[key, "source"]
    assert rows.loc["eps_revisions", "value"] == 2.0  # shown as the article gave it
    assert rows.loc["guidance", "status"] == GREEN  # an observation votes
    score = ck.concordance(items)
    assert (score["green"], score["measured"], score["reported"]) == (1, 1, 2)
    assert score["net_score"] == 1.0


def test_recorded_status_is_used_only_without_a_value():
    table = analyst_frame([["guidance", "2026-02-10", math.nan, "", OBS, AMBER, "view", "x"]])
    rows = ck.checklist(FakeSource("2026-02-13"), analyst=table, signals=ANALYST_ONLY)
    assert rows.set_index("key").loc["guidance", "status"] == AMBER


def test_eps_falls_back_to_the_analyst_table_offline():
    table = analyst_frame([["eps_revisions", "2026-02-10", -1.5, "%", OBS, "", "cut", "x"]])
    signal = next(s for s in signals.SIGNALS if s.key == "eps_revisions")
    src = FakeSource("2026-02-13", as_of="2026-02-13")
    row = ck.checklist(src, analyst=table, signals=(signal,)).iloc[0]
    assert row["status"] == RED and "analyst table" in row["source"]


# --- concordance -------------------------------------------------------------------------------


def test_concordance_counts_and_net_score():
    items = pd.DataFrame({"status": [GREEN, GREEN, GREEN, AMBER, RED, NO_DATA, NO_DATA]})
    score = ck.concordance(items)
    assert (score["green"], score["amber"], score["red"], score["no_data"]) == (3, 1, 1, 2)
    assert score["measured"] == 5 and score["signals"] == 7
    assert score["net_score"] == pytest.approx((3 - 1) / 5)
    assert score["majority"] == GREEN and score["majority_share"] == pytest.approx(3 / 5)
    tie = ck.concordance(pd.DataFrame({"status": [GREEN, RED]}))
    assert tie["net_score"] == 0 and tie["majority"] == "green/red"
    empty = ck.concordance(pd.DataFrame({"status": [NO_DATA]}))
    assert empty["measured"] == 0 and math.isnan(empty["net_score"])


# --- real data ----------------------------------------------------------------------------------


def test_checklist_on_the_real_csv_data(snapshot_source):
    items = ck.checklist(snapshot_source)
    assert list(items["key"]) == list(signals.SIGNAL_KEYS)
    assert items["status"].isin([*rules.STATUSES, rules.REPORTED]).all()
    again = ck.checklist(snapshot_source, measures=ck.measure_signals(snapshot_source))
    pd.testing.assert_frame_equal(again, items)
    assert ck.from_analyst_table(items).tolist() == [
        s.key == "eps_revisions" or s.measure is None for s in signals.SIGNALS
    ]
    measured = items[items["status"].isin(rules.SCORED)]
    assert len(measured) >= 8
    assert np.isfinite(measured["value"].astype(float)).all()
    rows = items.set_index("key")
    for key in ("ew_tech", "ew_market", "semis_rs", "real_yield", "fed_target", "highs_share"):
        assert math.isfinite(rows.loc[key, "value"]), key
        assert rows.loc[key, "as_of"] == pd.Timestamp("2026-02-13"), key
    assert rows.loc["fed_target", "shown"].endswith("(upper bound now 3.75%)")
    score = ck.concordance(items)
    assert score["measured"] == len(measured) and -1 <= score["net_score"] <= 1
    assert ck.leading_indicators(items)["measured by"].str.len().gt(0).all()
    ratios = signals.equal_cap_ratios(snapshot_source, years=2)
    assert list(ratios.columns) == ["RSPT / XLK", "RSP / SPY"]
    assert ratios.iloc[0].tolist() == pytest.approx([100.0, 100.0])


def test_the_articles_figures_do_not_vote_on_the_real_csv_data(snapshot_source):
    """Seed 000's '2026 EPS +2.0%' and JPMorgan's '+56% capex' are shown, never evidence."""
    from techflows.monitor import scenarios as sc

    items = ck.checklist(snapshot_source, "W-WED")
    rows = items.set_index("key")
    for key in ("eps_revisions", "semis_orders", "guidance"):
        assert rows.loc[key, "status"] == rules.REPORTED, key
    assert rows.loc["eps_revisions", "shown"] == "+2.00% (reported)"
    score = ck.concordance(items)
    scored = items[items["status"].isin(rules.SCORED)]
    assert score["measured"] == len(scored) and score["reported"] == 3
    assert not set(scored["key"]) & {"eps_revisions", "semis_orders", "guidance"}
    conditions = sc.scenario_table(snapshot_source, "W-WED", items=items).set_index("condition")
    monetization = "Faster-than-expected AI monetization: earnings and cloud/AI guidance revised up"
    assert conditions.loc[monetization, "result"] == NO_DATA
    keep_delivering = "Large, high-quality names keep delivering (earnings not revised down)"
    assert conditions.loc[keep_delivering, "result"] == NO_DATA


def test_sample_uses_the_labelled_nominal_proxy(sample_source):
    measures = ck.measure_signals(sample_source)
    assert isinstance(measures["ew_tech"], tf.DataUnavailable)  # kept: it explains the gap
    assert isinstance(measures["real_yield"], rules.Measure) and "guidance" not in measures
    items = ck.checklist(sample_source).set_index("key")
    assert "nominal proxy" in items.loc["real_yield", "signal"]
    assert math.isfinite(items.loc["real_yield", "value"])
    assert items.loc["ew_tech", "status"] == NO_DATA
    assert items.loc["eps_revisions", "source"].startswith("analyst table: no entry")


def test_flow_windows_against_a_direct_weekly_sum(snapshot_source):
    windows = signals.tech_flow_windows(snapshot_source, "W-FRI")
    daily = snapshot_source.flows()
    daily = daily[daily["ticker"].isin(windows.attrs["tickers"])]
    assert {"XLK", "QQQ"} <= set(windows.attrs["tickers"])
    last = windows.index[-1]
    days = daily[(daily["date"] > last - pd.Timedelta(days=7)) & (daily["date"] <= last)]
    assert windows.loc[last, "weekly"] == pytest.approx(days["flow_usd"].sum() / 1e9)
    assert windows.loc[last, "4w"] == pytest.approx(windows["weekly"].iloc[-4:].sum())
    assert windows["8w"].isna().all()  # the flow file starts 2026-01-02: 7 weeks by 2026-02-13


def test_history_ranges_against_a_direct_quantile(snapshot_source):
    ranges = ck.history_ranges(ck.measure_signals(snapshot_source, "W-FRI"), years=10)
    ranges = ranges.set_index("signal")
    label = next(s.label for s in signals.SIGNALS if s.key == "ew_tech")
    closes = snapshot_source.close(["RSPT", "XLK"]).dropna()
    relative = (100 * markets.trailing_relative(closes["RSPT"], closes["XLK"])).dropna()
    relative = relative.loc[relative.index > relative.index[-1] - pd.DateOffset(years=10)]
    assert ranges.loc[label, "p10"] == pytest.approx(relative.quantile(0.1))
    assert ranges.loc[label, "now"] == pytest.approx(relative.iloc[-1])
    assert ((ranges["p10"] <= ranges["median"]) & (ranges["median"] <= ranges["p90"])).all()
    assert ranges["now_percentile"].between(0, 100).all()
