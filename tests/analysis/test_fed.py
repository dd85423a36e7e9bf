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
