"""A historical as_of: what has no data by then is "Not available", the rest runs.

The snapshot's ETF flows start on 2026-01-02; on 2025-06-30 the sections that failed on them
(01, 04, 05) must say so in one line and measure everything else.
"""

from __future__ import annotations

import json

import pytest

import techflows as tf
from techflows.analysis import flows
from techflows.models import forecast
from techflows.monitor import checklist
from techflows.run import report

HISTORY = "2025-06-30"
NO_FLOWS = "Fund flows up to 2025-06-30 are not in the snapshot source (its flows start 2026-01-02"


@pytest.fixture(scope="module")
def src():
    return tf.open_source("snapshot", as_of=HISTORY)


def test_flows_before_the_file_starts_are_not_available(src):
    for call in (src.flows, lambda: flows.weekly_flows(src, "W-WED"), lambda: flows.coverage(src)):
        with pytest.raises(tf.DataUnavailable, match=NO_FLOWS.replace("(", r"\(")):
            call()


def test_the_prediction_section_measures_what_it_can(src):
    with pytest.raises(tf.DataUnavailable, match="Fund flows up to 2025-06-30"):
        forecast.weekly_tech_flows(src, "W-FRI")
    y, _, _ = forecast.model_inputs(src, "W-FRI", 10)
    assert y.index.max() <= src.as_of and len(y) > 400


def test_the_checklist_runs_with_flows_as_no_data(src):
    items = checklist.checklist(src, "W-FRI", stale_days=45)
    score = checklist.concordance(items)
    assert score["measured"] >= 5
    flow_rows = items[items["signal"].str.contains("flow", case=False)]
    assert len(flow_rows) and (flow_rows["status"] == "no data").all()


def test_series_and_prices_that_start_later_say_so(src):
    old = tf.open_source("snapshot", as_of="1980-01-02")
    with pytest.raises(tf.DataUnavailable, match=r"nothing up to the as-of date 1980-01-02: XLK"):
        old.close("XLK")
    with pytest.raises(tf.DataUnavailable, match=r"DFII10 from 2003-01-02"):
        old.series(["DFII10"])
    with pytest.raises(tf.DataError, match="before the snapshot source's tech and market prices"):
        tf.open_source("snapshot", as_of="1900-01-01").date_range()


@pytest.mark.notebook
def test_the_current_status_section_runs_on_a_historical_date(tmp_path):
    """One real notebook (01, the one most tied to flows) end to end at 2025-06-30."""
    notebook = report.find_notebooks(["01_current_status"])
    parameters = {"source": "snapshot", "as_of": HISTORY}
    (result,) = report.run_reports(notebook, tmp_path, parameters, jobs=1, log=lambda m: None)
    assert result.ok, result.error
    figures = json.loads((tmp_path / "01_current_status" / "figures.json").read_text())
    assert figures["as_of"] == HISTORY
    assert any(m.startswith(NO_FLOWS) for m in figures["missing"])
    names = {f["name"] for f in figures["figures"]}
    assert "XLK drawdown from peak" in names and "IYW close (quoted)" in names
    html = (tmp_path / "01_current_status" / "01_current_status.html").read_text()
    assert "Not available:" in html
