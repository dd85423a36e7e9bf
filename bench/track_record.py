"""The track record's history against the reports it stands for (issue 18), ratios in one run.

1. the whole history of the snapshot (every Friday from 1999, every signal) in one pass,
   track.history: wall and CPU seconds (target: at most 15 s);
2. the same signals at 20 sampled dates from 2008 to 2026 by the single-date lib path (05's
   checklist, net score and scenario reading, 04's regimes.current, 01's notional rank);
3. sections 05 and 04 swept over 20 dates from mid-2020 to 2026 (`techflows sweep`, 2 local
   workers; at earlier as-of dates section 04 stops with an error, its record-week sentence
   before the index members' 10-year window is full, and earlier dates would time failures);
then the time per date of 2 and 3 over the history's time per week (target: >= 100x).

Run by `make bench` (bench/run.py); alone: `.venv/bin/python bench/track_record.py [--dates N]
[--no-sweep]` (without the sweep the ratio is against the lib path, and says so).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import techflows as tf
from techflows.analysis import notional
from techflows.errors import DataError, DataUnavailable
from techflows.models import regimes
from techflows.monitor import checklist as ck
from techflows.monitor import scenarios
from techflows.track import history as track

BIN = Path(sys.executable).parent
WIDTH = 64
WEEK_END = "W-FRI"
SWEPT = ("05_monitor", "04_predictions")
SWEEP_FROM = "2020-06-05"  # sections 04 and 05 run at every as-of date from here on


def show(label: str, value: float, unit: str, target: str = "") -> None:
    """One line of the report: label, value, and the issue's target."""
    print(f"{label:<{WIDTH}} {value:10.3f} {unit:<9} {target}", flush=True)


def whole_history(repeat: int = 3) -> list[tuple[float, float, int, int]]:
    """Wall and CPU seconds, weeks and rows of the snapshot's whole history from a fresh source
    (data read included), `repeat` times: the first run reads the files cold."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        rows = track.history(tf.open_source("snapshot"), WEEK_END, 10)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        runs.append((wall, cpu, rows["week_end"].nunique(), len(rows)))
    return runs


def sampled_dates(count: int, start: str = "2008-01-04") -> list[str]:
    """count Fridays spread evenly from start to the snapshot's last week."""
    fridays = pd.date_range(start, tf.open_source("snapshot").end, freq=WEEK_END)
    picks = np.linspace(0, len(fridays) - 1, count).round().astype(int)
    return [str(fridays[i].date()) for i in picks]


def single_date(as_of: str) -> None:
    """The history's signals at one date by the reports' own lib calls."""
    src = tf.open_source("snapshot", as_of=as_of)
    items = ck.checklist(src, WEEK_END)
    ck.concordance(items)
    scenarios.reading(scenarios.scenario_summary(scenarios.scenario_table(src, WEEK_END, items)))
    share = None
    with contextlib.suppress(DataUnavailable):
        share = scenarios.weekly_breadth(src, WEEK_END)
    with contextlib.suppress(DataError):  # section 04 has no reading there either
        regimes.current(scenarios.weekly_readings(src, WEEK_END, share))
    weekly, _ = notional.weekly_tech_notional(src, WEEK_END)
    notional.notional_rank(weekly, 10).iloc[-1]


def sweep(dates: list[str]) -> float:
    """Seconds of a fresh sweep of 05 and 04 over the dates on 2 local workers."""
    with tempfile.TemporaryDirectory(prefix="techflows-bench-track-") as scratch:
        command = [str(BIN / "techflows"), "sweep", *SWEPT, "--as-of", ",".join(dates)]
        command += ["--source", "snapshot", "--output-dir", scratch, "--name", "track"]
        command += ["--jobs", "2"]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
        runs = json.loads((Path(scratch) / "track" / "sweep.json").read_text())["runs"]
        bad = [r for r in runs if r["status"] != "ok"]
        if bad:
            sys.exit(f"sweep: {len(bad)} of {len(runs)} runs did not run fresh: {bad[0]}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    """Run the track-record benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dates", type=int, default=20, help="sampled dates (20)")
    parser.add_argument("--no-sweep", action="store_true", help="the lib path only")
    args = parser.parse_args(argv)
    runs = whole_history()
    wall, cpu, weeks, rows = min(runs)
    label = f"1. track record: whole history, {weeks} weeks ({rows} rows)"
    show(f"{label}, wall, first run", runs[0][0], "s", "(target <= 15 s)")
    show("   CPU, first run", runs[0][1], "s")
    show(f"   wall, best of {len(runs)}", wall, "s")
    show(f"   CPU, best of {len(runs)}", cpu, "s")
    per_week = wall / weeks
    show("   per week", 1000 * per_week, "ms")
    dates = sampled_dates(args.dates)
    start = time.perf_counter()
    for day in dates:
        single_date(day)
    lib = time.perf_counter() - start
    show(f"2. single-date lib path at {len(dates)} dates", lib, "s")
    show("   per date / history per week", lib / len(dates) / per_week, "x", "(>= 100x)")
    if args.no_sweep:
        print("   (no notebook sweep: the ratio above is against the lib single-date path)")
        return
    dates = sampled_dates(args.dates, SWEEP_FROM)
    seconds = sweep(dates)
    show(f"3. sweep of 05 and 04 at {len(dates)} dates from mid-2020, 2 workers", seconds, "s")
    show("   per date / history per week", seconds / len(dates) / per_week, "x", "(>= 100x)")


if __name__ == "__main__":
    main()
