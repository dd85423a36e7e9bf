"""The sweep page for weekly readers: stale figures drawn as stale, signal colours, a table of
values beside each chart, axes that keep a move in scale. Hand-made runs of four August Fridays.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from techflows.run import grid, sweep, sweep_figures, sweep_page
from techflows.run.execute import RunResult
from techflows.views import sweep as charts

DATES = ["2026-07-31", "2026-08-07", "2026-08-14", "2026-08-21"]
FLOW = "latest weekly tech net flow"
NET = "checklist net score (green - red) / measured"
BREADTH = "Tech stocks at a 52-week high (share, 10-day average)"
ADV = "Tech advancers / decliners, last 20 sessions"
# Breadth per date and its status by the rule (green >= 10, red <= 3); the last is stale.
BREADTH_RUNS = [(11.0, "green", None), (4.7, "amber", None), (2.5, "red", None),
                (2.5, "no data", "2026-06-05")]  # fmt: skip


def figure(name, value, unit, as_of, **extra):
    return {"name": name, "value": value, "unit": unit, "as_of": as_of, "source": "snapshot",
            "headline": True, **extra}  # fmt: skip


def runs(root: Path) -> sweep.Summary:
    """A finished sweep of 01 and 05 over DATES, with the figures each run would record."""
    notebooks = (Path("notebooks/01_current_status.ipynb"), Path("notebooks/05_monitor.ipynb"))
    spec = sweep.Sweep("weekly", notebooks, tuple(grid.points(DATES, {})), {}, root)
    results = {}
    for i, date in enumerate(DATES):
        breadth, status, stopped = BREADTH_RUNS[i]
        files = {
            "01_current_status": [
                # The flow file ends in March: every August run shows the week to 2026-03-27.
                figure(FLOW, -2.55631, "USD bn", "2026-03-27"),
                figure("XLK drawdown from peak", -7.4 + i, "%", date),
            ],
            "05_monitor": [
                figure(NET, [0.22, 0.11, 0.2, 0.15][i], "score -1..+1", date),
                figure(
                    BREADTH,
                    breadth,
                    "%",
                    stopped or date,
                    status=status,
                    headline=False,
                    rule="green ≥ 10.0%, red ≤ 3.0%, amber between",
                    thresholds={"green": 10.0, "red": 3.0},
                ),
                figure(
                    ADV,
                    1.1,
                    "x",
                    date,
                    status="amber",
                    headline=False,
                    thresholds={"green": 1.2, "red": 0.9},
                ),
            ],
        }
        for name, found in files.items():
            folder = root / date / name
            folder.mkdir(parents=True)
            (folder / "figures.json").write_text(json.dumps({"figures": found}))
            results[date, name] = RunResult(name, name, name, "ok", "", 1.0, 1, {"as_of": date})
    return sweep.Summary(spec, results, 1.0, "local")


@pytest.fixture
def table(tmp_path):
    summary = runs(tmp_path)
    return summary, sweep_figures.gather(summary)


def chart(key: str) -> charts.Chart:
    return next(c for c in charts.CHARTS if c.key == key)


def test_the_figures_table_keeps_each_signals_status_and_thresholds(table):
    _, found = table
    signals = found[found["status"].notna()]
    assert list(signals["figure"].unique()) == [BREADTH, ADV]
    breadth = signals[signals["figure"] == BREADTH]
    assert list(breadth["status"]) == ["green", "amber", "red", "no data"]
    assert set(breadth["green_at"]) == {10.0} and set(breadth["red_at"]) == {3.0}
    assert found.loc[found["figure"] == FLOW, "status"].isna().all()


def test_a_figure_whose_data_stopped_early_is_drawn_stale_with_its_data_date(table):
    _, found = table
    flows = charts.points(found, chart("flows"), [])
    assert list(flows["stale"]) == [True] * 4  # every run repeats the week to 2026-03-27
    assert set(flows["data_as_of"]) == {pd.Timestamp("2026-03-27")}
    drawn = charts.chart_figure(flows, chart("flows"))
    ax = drawn.axes[0]
    notes = [t.get_text() for t in ax.texts]
    assert notes == ["data to 2026-03-27"]  # said once for the run of repeats
    hollow = [c for c in ax.collections if len(c.get_offsets())]
    assert len(hollow) == 1 and to_hex(hollow[0].get_facecolors()[0]) == "#ffffff"
    drawdown = charts.points(found, chart("drawdown"), [])
    assert not drawdown["stale"].any()
    # A weekly figure a few days behind a mid-week as-of is not stale.
    mid_week = pd.Series(pd.to_datetime(["2026-08-19"]))
    assert not charts.is_stale(mid_week, pd.Series(pd.to_datetime(["2026-08-14"]))).any()
    assert charts.is_stale(mid_week, pd.Series(pd.to_datetime(["2026-08-07"]))).all()


def test_axes_keep_a_move_in_scale(table):
    """0.22 to 0.11 on a score from -1 to +1 is a small step, not a collapse."""
    _, found = table
    net = charts.points(found, chart("checklist"), [])
    ax = charts.chart_figure(net, chart("checklist")).axes[0]
    low, high = ax.get_ylim()
    assert low <= -1 and high >= 1
    assert (0.22 - 0.11) / (high - low) < 0.06
    # Without a scale, zero is on the axis: -2.56 bn is drawn from zero, not as a flat line.
    low, high = charts.limits(pd.Series([-2.55631] * 4))
    assert low < -2.56 and high >= 0
    low, high = charts.limits(pd.Series([0.22, 0.11]))
    assert low <= 0 and (0.22 - 0.11) / (high - low) < 0.55


def test_each_signal_is_coloured_by_its_status_between_its_thresholds(table):
    _, found = table
    signals = charts.signal_points(found)
    panels = charts.signals_figure(signals).axes
    breadth = next(ax for ax in panels if ax.get_title().startswith("Tech stocks at a 52-week"))
    colours = {}
    for collection in breadth.collections:
        for (_, y), face, edge in zip(
            collection.get_offsets(),
            np.resize(collection.get_facecolors(), (len(collection.get_offsets()), 4)),
            np.resize(collection.get_edgecolors(), (len(collection.get_offsets()), 4)),
            strict=True,
        ):
            hollow = to_hex(face) == "#ffffff"
            colours.setdefault(float(y), []).append(to_hex(edge if hollow else face))
    assert colours[11.0] == [charts.STATUS_COLOURS["green"]]
    assert colours[4.7] == [charts.STATUS_COLOURS["amber"]]
    assert sorted(colours[2.5]) == sorted(
        [charts.STATUS_COLOURS["red"], charts.STATUS_COLOURS["no data"]]
    )
    levels = sorted(round(line.get_ydata()[0], 6) for line in breadth.lines[1:])
    assert levels == [3.0, 10.0]  # the red and green thresholds, drawn
    low, high = breadth.get_ylim()
    assert low < 2.5 and high > 11.0


def test_the_page_has_signal_statuses_and_a_table_of_values_beside_each_chart(table):
    summary, found = table
    page = sweep_page.render(summary, found)
    assert 'id="signals"' in page and 'id="flows"' in page and 'id="checklist"' in page
    section = page[page.index('id="flows"') :]
    section = section[: section.index("</section>")]
    assert section.index("<img") < section.index("<table>")  # the chart, then its values
    cells = re.findall(r"<td class=\"num\">(.*?)</td>", section, flags=re.DOTALL)
    assert len(cells) == 8  # four dates: the date and the value
    assert all("data to 2026-03-27" in c for c in cells[1::2])
    assert "-2.56 USD bn" in cells[1]
    signals = page[page.index('id="signals"') :]
    signals = signals[: signals.index("</section>")]
    statuses = re.findall(r'class="st st-([a-z-]+)">', signals)
    assert statuses.count("green") == 1 and statuses.count("red") == 1
    assert statuses.count("amber") == 1 + 4 and statuses.count("no-data") == 1
    assert "Dashed lines: each signal" in signals and "data to 2026-06-05" in signals
