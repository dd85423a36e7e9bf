"""Fed policy path: change detection on a small frame and the real 2024-2025 cuts."""

import pandas as pd
import pytest

from techflows.analysis import fed


def _path(uppers: list[float]) -> pd.DataFrame:
    index = pd.date_range("2025-01-01", periods=len(uppers), freq="60D")
    path = pd.DataFrame({"lower": [u - 0.25 for u in uppers], "upper": uppers}, index=index)
    path.attrs["kind"] = "target range"
    return path


def test_changes_and_cycle_from_a_small_path():
    path = _path([5.0, 5.25, 5.25, 5.0, 4.5, 4.5, 4.5, 4.5, 4.25])
    changes = fed.rate_changes(path)
    assert changes["change_bp"].tolist() == [25, -25, -50, -25]
    assert changes["kind"].tolist() == ["hike", "cut", "cut", "cut"]
    assert (changes["effective"] - changes["announced"]).dt.days.eq(1).all()
    cycle = fed.cycle_summary(changes, pause_days=180).set_index("moves")
    assert cycle.loc[3, "cumulative_bp"] == -100  # the run of cuts: 5.25 -> 4.25
    assert cycle.loc[3, "from_range"] == "5.00-5.25%"
    assert cycle.loc[1, "to_range"] == "4.00-4.25%"  # the leg after a 240-day pause


def test_proxy_path_has_no_decisions(sample_source):
    path = fed.policy_path(sample_source)
    assert path.attrs["kind"] == "proxy"
    rf = sample_source.series(["FF_RF"])["FF_RF"].dropna()
    assert path["upper"].iloc[-1] == pytest.approx(12 * rf.iloc[-1])
    with pytest.raises(LookupError, match="FOMC target-range changes"):
        fed.rate_changes(path)


def test_the_2025_cuts_in_fred(snapshot_source):
    path = fed.policy_path(snapshot_source)
    changes = fed.rate_changes(path)
    cuts_2025 = fed.moves_in_year(changes, 2025)
    assert cuts_2025["announced"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-09-17",
        "2025-10-29",
        "2025-12-10",
    ]
    assert cuts_2025["change_bp"].tolist() == [-25, -25, -25]
    assert fed.current_range(path)["label"] == "3.50-3.75%"
    cycle = fed.cycle_summary(changes).iloc[0]
    assert (cycle["moves"], cycle["cumulative_bp"]) == (6, -175)


def test_versus_articles_reads_the_reported_table(snapshot_source):
    table = fed.versus_articles(fed.rate_changes(fed.policy_path(snapshot_source))).set_index(
        "item"
    )
    assert table.loc["FOMC cuts in 2025", "article"].startswith("2 ")
    assert table.loc["FOMC cuts in 2025", "measured"].startswith("3 ")
    assert table.loc["Range after December 2025", "measured"] == "3.50-3.75%"


def _market(days: int = 60) -> pd.DataFrame:
    index = pd.bdate_range("2025-09-01", periods=days)
    two_year = pd.Series(3.5, index=index)
    funds = pd.Series(4.33, index=index).where(index < "2025-09-18", 4.08)
    market = pd.DataFrame({"two_year": two_year, "funds": funds})
    market["spread"] = market["two_year"] - market["funds"]
    market["curve"] = 0.5
    return market


def test_around_moves_reads_the_day_before_and_after():
    moves = pd.DataFrame(
        {"announced": pd.to_datetime(["2025-09-17", "2025-11-20"]), "change_bp": [-25, -25]}
    )
    around = fed.around_moves(moves, _market(), days=10)
    first = around.iloc[0]
    assert first["spread_day_before"] == pytest.approx(3.5 - 4.33)
    assert first["spread_10d_after"] == pytest.approx(3.5 - 4.08)
    assert first["spread_change"] == pytest.approx(0.25)
    assert first["curve_10d_before"] == 0.5
    assert pd.isna(around.iloc[1]["spread_10d_after"])  # the data end before it
    assert pd.isna(around.iloc[1]["spread_change"])


def test_market_path_against_the_raw_fred_files(snapshot_source, market_csv):
    market = fed.market_path(snapshot_source)
    assert market.attrs == {"funds_id": "DFF", "curve_source": "FRED T10Y2Y"}
    assert market.index[-1] == pd.Timestamp("2026-02-13")

    def raw(series_id: str) -> pd.Series:
        frame = pd.read_csv(market_csv / "fred" / f"{series_id}.csv", na_values=".")
        return frame.set_index(pd.to_datetime(frame["observation_date"]))[series_id].dropna()

    day = pd.Timestamp("2026-02-13")
    expected = raw("DGS2")[day] - raw("DFF")[day]
    assert market.loc[day, "spread"] == pytest.approx(expected)
    assert market.loc[day, "curve"] == pytest.approx(raw("T10Y2Y")[day])
    leg = fed.latest_leg(fed.rate_changes(fed.policy_path(snapshot_source)))
    assert leg["announced"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-09-17",
        "2025-10-29",
        "2025-12-10",
    ]
    around = fed.around_moves(leg, market)
    before = pd.Timestamp("2025-09-16")
    assert around.iloc[0]["spread_day_before"] == pytest.approx(
        raw("DGS2")[before] - raw("DFF")[before]
    )
    # The 2-year sat below the funds rate before every 2025 cut: the cuts were priced.
    assert (around["spread_day_before"] < 0).all()


def test_market_path_is_not_available_on_the_sample(sample_source):
    with pytest.raises(LookupError, match=r"DGS2.*fred"):
        fed.market_path(sample_source)
