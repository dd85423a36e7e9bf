"""Section 07 as readers get it: its history against a real executed report's figures, and the
same figures on the csv folder as on the snapshot it was built from."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import techflows as tf
from conftest import ARTICLES_DATE, ARTICLES_WEEK, REPO_ROOT
from techflows.run import report
from techflows.track import history as track

pytestmark = pytest.mark.notebook
TRACK = "07_track_record"


def _figures(folder, section: str) -> dict[str, object]:
    payload = json.loads((folder / section / "figures.json").read_text())
    return {f["name"]: f["value"] for f in payload["figures"]}


def test_history_equals_the_executed_reports_of_the_articles_week(articles_week_reports):
    """The articles' week (snapshot, as of 2026-02-13, EPFR weeks) as sections 01, 02, 04 and
    05 published it, against the history's row for that date."""
    output_dir, results = articles_week_reports
    assert all(results[s].ok for s in ("01_current_status", "02_drivers", "04_predictions"))
    src = tf.open_source("snapshot")
    rows = track.history(src, ARTICLES_WEEK["week_end"], 10, dates=[ARTICLES_DATE])
    got = rows.set_index("signal")
    monitor = _figures(output_dir, "05_monitor")
    assert got.at[track.NET_SCORE, "value"] == pytest.approx(
        monitor["checklist net score (green - red) / measured"], abs=1e-6
    )
    checked = 0
    for key in (
        "ew_tech",
        "ew_market",
        "semis_rs",
        "real_yield",
        "fed_target",
        "flows_4w",
        "flows_8w",
        "highs_share",
        "adv_dec",
    ):
        label = track.spec(key).label
        if label in monitor:
            assert got.at[key, "value"] == pytest.approx(monitor[label], abs=1e-6), key
            checked += 1
    assert checked >= 8
    scenario = monitor["Scenario reading (seed 002's conditions on the checklist)"]
    assert got.at[track.SCENARIO, "status"] == scenario
    predictions = _figures(output_dir, "04_predictions")
    t = predictions["t-statistic of tech's 26-week drift against the market"]
    assert got.at[track.DRIFT_T, "value"] == pytest.approx(t, abs=1e-6)
    status = _figures(output_dir, "01_current_status")
    rank = status["tech notional: rank of latest week in trailing window"]
    assert got.at[track.NOTIONAL, "value"] == rank
    crowd = pd.read_csv(output_dir / "02_drivers" / "flow_zscores.csv").set_index("ticker")
    for fund in ("QQQ", "XLK", "XLC"):
        assert got.at[f"{track.FLOW_Z} {fund}", "value"] == pytest.approx(
            crowd.at[fund, "last_z"], rel=1e-5
        )


@pytest.fixture(scope="module")
def track_on_csv(tmp_path_factory, market_csv):
    """07 on the csv folder the snapshot was exported to, on the articles' week."""
    output_dir = tmp_path_factory.mktemp("track_csv")
    parameters = {**ARTICLES_WEEK, "source": "csv", "data_dir": str(market_csv)}
    notebook = REPO_ROOT / "notebooks" / f"{TRACK}.ipynb"
    (result,) = report.run_reports([notebook], output_dir=output_dir, parameters=parameters)
    return output_dir, result


def test_the_track_record_on_the_csv_folder_equals_the_snapshot(
    articles_week_reports, track_on_csv
):
    snapshot_dir, results = articles_week_reports
    csv_dir, result = track_on_csv
    assert results[TRACK].ok and result.ok, result.error
    assert _figures(csv_dir, TRACK) == _figures(snapshot_dir, TRACK)
    on_csv = json.loads((csv_dir / TRACK / "figures.json").read_text())
    on_snapshot = json.loads((snapshot_dir / TRACK / "figures.json").read_text())
    assert on_csv["answer"] == on_snapshot["answer"] and on_csv["source"] == "csv"
    written = pd.read_csv(csv_dir / TRACK / "signal_history.csv", keep_default_na=False)
    assert written.columns.tolist() == ["week_end", "signal", "value", "status"]
    assert pd.to_datetime(written["week_end"]).max() <= pd.Timestamp(ARTICLES_DATE)


def test_the_history_is_written_at_full_precision(track_on_csv, market_csv):
    csv_dir, _ = track_on_csv
    written = pd.read_csv(csv_dir / TRACK / "signal_history.csv", parse_dates=["week_end"])
    src = tf.open_source("csv", data_dir=market_csv, as_of=ARTICLES_DATE)
    computed = track.history(src, ARTICLES_WEEK["week_end"], 10)
    assert len(written) == len(computed)
    values = written["value"].to_numpy(dtype=float), computed["value"].to_numpy(dtype=float)
    assert ((values[0] == values[1]) | (pd.isna(values[0]) & pd.isna(values[1]))).all()
