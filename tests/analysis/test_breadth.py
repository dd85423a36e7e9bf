"""Tech market internals against loops over a small synthetic panel, and on the real csv data."""

import math

import numpy as np
import pandas as pd
import pytest

import techflows as tf
from techflows.analysis import breadth
from techflows.data.source import Source
from techflows.data.sources.base import Adapter


@pytest.fixture
def panel() -> pd.DataFrame:
    """Four stocks over 340 sessions: one listed late, one with a gap, one flat for a while."""
    rng = np.random.default_rng(7)
    n = 340
    dates = pd.bdate_range("2024-01-01", periods=n)
    close = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.02, (n, 4)), axis=0)),
        index=dates,
        columns=["AAA", "BBB", "CCC", "DDD"],
    )
    close.iloc[:12, 1] = np.nan  # BBB lists on day 13
    close.iloc[290, 2] = np.nan  # CCC misses one day
    close.iloc[295:300, 3] = close.iloc[295, 3]  # DDD unchanged for five days
    close.iloc[300, 0] = close.iloc[:300, 0].max() + 1  # AAA sets a high
    return close


def loop_internals(close: pd.DataFrame) -> pd.DataFrame:
    """The same counts, one stock and one day at a time; 52 weeks = the 364 days to a date."""
    rows = []
    for t in range(1, len(close)):
        day = close.index[t]
        members = at_high = up = down = flat = 0
        for name in close.columns:
            series = close[name]
            listed = series.first_valid_index()
            today, before = series.iloc[t], series.iloc[t - 1]
            if not np.isnan(today) and day - listed >= pd.Timedelta(days=363):
                members += 1
                past = series[(series.index > day - pd.Timedelta(days=364)) & (series.index <= day)]
                at_high += today == past.max()
            if not (np.isnan(today) or np.isnan(before)):
                up += today > before
                down += today < before
                flat += today == before
        rows.append((members, at_high, up, down, flat))
    columns = ["members", "at_high", "advancers", "decliners", "unchanged"]
    return pd.DataFrame(rows, index=close.index[1:], columns=columns)


def test_daily_internals_match_loops(panel):
    daily = breadth.daily_internals(panel)
    expected = loop_internals(panel)
    columns = list(expected.columns)
    pd.testing.assert_frame_equal(daily[columns], expected, check_dtype=False, check_names=False)
    share = expected["at_high"] / expected["members"].replace(0, np.nan)
    np.testing.assert_allclose(daily["share_at_high"], share, equal_nan=True)
    assert daily.loc[panel.index[300], "at_high"] >= 1  # AAA's new high is counted
    # BBB lists 12 sessions late: it joins the count 12 sessions after the others.
    assert daily["members"].iloc[-1] == 4 and daily["members"].max() == 4


def test_one_52_week_high_for_markets_and_breadth(snapshot_source):
    from techflows.analysis import markets

    close = breadth.sector_close(snapshot_source)["AAPL"]
    status = markets.price_status(snapshot_source.ohlcv("AAPL"), "2026-02-13")
    # price_status's 52-week high is the same number breadth counts highs against.
    assert status["high_52w"] == pytest.approx(markets.high_52w(close).loc["2026-02-13"])


def test_smoothed_signals_match_hand_sums(panel):
    daily = breadth.daily_internals(panel)
    share = breadth.share_at_highs(daily, days=5)
    last = daily["share_at_high"].iloc[-5:]
    assert share.iloc[-1] == pytest.approx(100 * last.mean())
    ratio = breadth.advance_decline_ratio(daily, days=8)
    tail = daily.iloc[-8:]
    assert ratio.iloc[-1] == pytest.approx(tail["advancers"].sum() / tail["decliners"].sum())
    assert ratio.iloc[:6].isna().all()


def test_weekly_internals_group_by_friday(panel):
    daily = breadth.daily_internals(panel)
    weekly = breadth.weekly_internals(daily, "W-FRI")
    for week_end, row in weekly.iterrows():
        days = daily[(daily.index > week_end - pd.Timedelta(days=7)) & (daily.index <= week_end)]
        assert row["advancers"] == days["advancers"].sum()
        assert row["decliners"] == days["decliners"].sum()
        expected = 100 * days["share_at_high"].mean()
        assert row["share_at_high_pct"] == pytest.approx(expected, nan_ok=True)
    assert (weekly.index.day_of_week == 4).all()


class MemberAdapter(Adapter):
    """An adapter with constituents and their prices, nothing else."""

    name = "fake"

    def __init__(self, close: pd.DataFrame, sectors: dict[str, str]) -> None:
        self._close = close
        self._members = pd.DataFrame(
            {"Symbol": list(sectors), "GICS Sector": list(sectors.values())}
        )

    def constituents(self) -> pd.DataFrame:
        return self._members

    def constituent_prices(self, symbols) -> dict[str, pd.DataFrame]:
        # Days before a listing are absent, as in every real source (a bar needs its close).
        return {s: self._close[[s]].dropna().rename(columns={s: "Close"}) for s in self._close}


def member_source(close: pd.DataFrame, sectors: dict[str, str]) -> Source:
    """A real Source over the fake adapter."""
    return Source(MemberAdapter(close, sectors))


def test_sector_close_keeps_only_the_sector(panel):
    sectors = {"AAA": "Information Technology", "BBB": "Energy", "CCC": "Information Technology"}
    close = breadth.sector_close(member_source(panel, sectors))
    assert list(close.columns) == ["AAA", "CCC"]
    with pytest.raises(tf.DataUnavailable, match="Utilities"):
        breadth.sector_close(member_source(panel, sectors), sector="Utilities")
    internals = breadth.sector_internals(member_source(panel, sectors))
    assert internals.equals(breadth.daily_internals(panel[["AAA", "CCC"]]))


def test_sample_source_has_no_constituents(sample_source):
    with pytest.raises(tf.DataUnavailable):
        breadth.sector_close(sample_source)


def test_real_tech_internals(snapshot_source):
    close = breadth.sector_close(snapshot_source)
    assert close.shape[1] >= 60 and close.index[-1] == pd.Timestamp("2026-02-13")
    daily = breadth.daily_internals(close)
    assert (daily["at_high"] <= daily["members"]).all()
    assert (daily[["advancers", "decliners", "unchanged"]].sum(axis=1) <= close.shape[1]).all()
    share = breadth.share_at_highs(daily).iloc[-1]
    ratio = breadth.advance_decline_ratio(daily).iloc[-1]
    assert 0 <= share <= 100 and math.isfinite(ratio) and ratio > 0


def test_share_at_highs_before_a_year_of_member_prices_is_not_available(panel):
    """2010-12-10 on the snapshot: its member prices start 2010-01-04, so no member has 52
    weeks of closes and no day has a share at highs. That is one 'Not available' line
    naming the source and when the prices start, not an empty series (05 crashed on it)."""
    early = panel.iloc[:200]  # 200 sessions: under a year for every member
    sectors = {"AAA": "Information Technology", "CCC": "Information Technology"}
    daily = breadth.sector_internals(member_source(early, sectors))
    with pytest.raises(tf.DataUnavailable, match=r"52-week highs.*fake.*2024-01-01"):
        breadth.share_at_highs(daily)
    # Advancers and decliners need two days, not a year: they stay.
    assert breadth.advance_decline_ratio(daily).notna().sum() == len(daily) - 19
    # A year and more: the share is there (the days before the first full window stay NaN).
    full = breadth.share_at_highs(breadth.sector_internals(member_source(panel, sectors)))
    assert full.notna().any() and full.isna().any()


def test_share_at_highs_at_2010_on_the_snapshot_is_not_available():
    src = tf.open_source("snapshot", as_of="2010-12-10")
    with pytest.raises(tf.DataUnavailable, match=r"52-week highs.*snapshot.*2010-01"):
        breadth.share_at_highs(breadth.sector_internals(src))


def test_members_not_yet_priced_on_the_as_of_date_say_so(panel):
    """Before 2010 on the snapshot the members exist but none is priced yet: the line says
    that, not only that the prices are 'not in the source'."""
    sectors = {"AAA": "Information Technology", "CCC": "Information Technology"}
    early = Source(MemberAdapter(panel, sectors), as_of="2023-06-30")  # panel starts 2024
    with pytest.raises(tf.DataUnavailable, match="none priced up to the as-of date 2023-06-30"):
        breadth.sector_close(early)
