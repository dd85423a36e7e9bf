"""Batch reruns, as ratios measured in the same run (issue 11). Run with `make bench`.

1. a full report of every notebook against a naive loop of `papermill` then
   `jupyter nbconvert --no-input` per notebook (target: at most 0.35x);
2. the same report rerun unchanged: seconds, and whether any kernel started (target: <= 2 s, none);
3. a weekly sweep of 01 and 05 (26 Fridays by default) on 2 local workers against 1 (>= 1.8x);
4. the throughput of that sweep in runs per minute on a Dask LocalCluster of 2 workers.

Every step runs in a fresh process, as a user would run it. --dates N shortens the sweep.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from techflows.config import NOTEBOOK_DIR, REPO_ROOT

MARKET_DATA = REPO_ROOT.parent / "shared" / "market-data"
BIN = Path(sys.executable).parent
FIRST_FRIDAY = date(2025, 10, 3)
SWEPT = ("01_current_status", "05_monitor")
WIDTH = 64


def report_arguments() -> list[str]:
    """The articles' week: the csv folder when present, else the snapshot."""
    data = ["--source", "csv", "--data-dir", str(MARKET_DATA)] if MARKET_DATA.is_dir() else []
    week = ["--as-of", "2026-02-13", "--param", "week_end=W-WED"]
    return [*(data or ["--source", "snapshot"]), *week]


def clock(command: list[str]) -> tuple[float, str]:
    """Seconds a command takes, and its stderr; fails loudly when it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    return seconds, done.stderr


def show(label: str, value: float, unit: str, target: str = "") -> None:
    """One line of the report: label, value, and the issue's target."""
    print(f"{label:<{WIDTH}} {value:8.2f} {unit:<9} {target}", flush=True)


def naive_loop(folder: Path) -> float:
    """papermill, then jupyter nbconvert --no-input, notebook after notebook."""
    parameters = {"source": "snapshot", "as_of": "2026-02-13", "week_end": "W-WED"}
    if MARKET_DATA.is_dir():
        parameters.update(source="csv", data_dir=str(MARKET_DATA))
    folder.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for notebook in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        executed = folder / notebook.name
        flags = [a for k, v in parameters.items() for a in ("-p", k, v)]
        flags += ["-p", "output_dir", str(folder / notebook.stem)]
        seconds, _ = clock([str(BIN / "papermill"), str(notebook), str(executed), *flags])
        total += seconds
        seconds, _ = clock(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]
        )
        total += seconds
    return total


def bench_reports(scratch: Path) -> None:
    """Numbers 1 and 2: the full report against the naive loop, then the unchanged rerun."""
    naive = naive_loop(scratch / "naive")
    show("naive loop: papermill + nbconvert --no-input, 6 notebooks", naive, "s")
    command = [str(BIN / "techflows"), "report", *report_arguments()]
    command += ["--output-dir", str(scratch / "report")]
    full, _ = clock([*command, "--force"])
    show("techflows report, 6 notebooks", full, "s")
    show("1. full report / naive loop", full / naive, "x", "(target <= 0.35x)")
    rerun, log = clock(command)
    runs = json.loads((scratch / "report" / "runs.json").read_text())["reports"]
    reused = sum(r["status"] == "reused" for r in runs)
    started = "no kernel started" if "nothing to run" in log else "KERNELS STARTED"
    show(f"2. unchanged rerun ({reused}/{len(runs)} reused, {started})", rerun, "s", "(<= 2 s)")
    show("   unchanged rerun / full report", rerun / full, "x")


def fridays(count: int) -> str:
    """The first count Fridays of the 2026 weekly sweep, as a --as-of list."""
    return ",".join((FIRST_FRIDAY + timedelta(weeks=i)).isoformat() for i in range(count))


def sweep(scratch: Path, name: str, dates: str, engine: list[str]) -> float:
    """Seconds of a fresh sweep of 01 and 05 over dates."""
    command = [str(BIN / "techflows"), "sweep", *SWEPT, "--as-of", dates, "--source", "snapshot"]
    command += ["--output-dir", str(scratch / "sweeps"), "--name", name, *engine]
    seconds, _ = clock(command)
    record = json.loads((scratch / "sweeps" / name / "sweep.json").read_text())
    bad = [r for r in record["runs"] if r["status"] != "ok"]
    if bad:
        sys.exit(f"sweep {name}: {len(bad)} runs did not run fresh: {bad[0]}")
    return seconds


def bench_sweeps(scratch: Path, count: int) -> None:
    """Numbers 3 and 4: the weekly sweep on 1 and 2 local workers, then on a LocalCluster of 2."""
    dates = fridays(count)
    runs = count * len(SWEPT)
    one = sweep(scratch, "one", dates, ["--jobs", "1"])
    show(f"sweep of 01 and 05 at {count} Fridays ({runs} runs), 1 worker", one, "s")
    two = sweep(scratch, "two", dates, ["--jobs", "2"])
    show(f"sweep of 01 and 05 at {count} Fridays ({runs} runs), 2 workers", two, "s")
    show("3. speed-up, 2 local workers / 1", one / two, "x", "(target >= 1.8x)")
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        dask = sweep(scratch, "dask", dates, ["--scheduler", cluster.scheduler_address])
    show(f"sweep on a Dask LocalCluster of 2 ({runs} runs)", dask, "s")
    show("4. throughput on a LocalCluster of 2", runs / dask * 60, "runs/min")
    show("   LocalCluster of 2 / 2 local workers (time)", dask / two, "x")


def main() -> None:
    """Run the batch benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dates", type=int, default=26, help="Fridays in the sweep (26)")
    parser.add_argument("--no-sweeps", action="store_true", help="numbers 1 and 2 only")
    parser.add_argument("--no-reports", action="store_true", help="numbers 3 and 4 only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="techflows-bench-") as scratch:
        if not args.no_reports:
            bench_reports(Path(scratch))
        if not args.no_sweeps:
            bench_sweeps(Path(scratch), args.dates)


if __name__ == "__main__":
    main()
