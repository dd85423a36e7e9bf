"""Benchmarks: how long the data layer and each report take. Run with `make bench`."""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import track_record  # bench/track_record.py, beside this script

import techflows
from techflows.analysis import flows
from techflows.config import NOTEBOOK_DIR, REPO_ROOT
from techflows.data import market_calendar
from techflows.data.snapshot.export import export_csv

MARKET_DATA = REPO_ROOT.parent / "shared" / "market-data"
WIDTH = 64  # label column


def timed(label: str, action: Callable[[], object], repeat: int = 3) -> float:
    """Print and return the best of `repeat` wall-clock timings of action."""
    best = min(_once(action) for _ in range(repeat))
    print(f"{label:<{WIDTH}} {best:8.3f} s")
    return best


def ratio(label: str, seconds: float, baseline: float) -> None:
    """Print a timing as a ratio of its baseline measured in the same run."""
    print(f"{label:<{WIDTH}} {seconds / baseline:8.2f} x")


def _once(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_data_layer() -> None:
    """Opening sources and loading the whole universe: the snapshot against a csv folder."""
    timed(
        "sample: open + ^IXIC/^GSPC closes",
        lambda: techflows.open_source("sample").close(["^IXIC", "^GSPC"]),
    )
    with tempfile.TemporaryDirectory() as scratch:
        # The baseline: ../shared/market-data, else the snapshot written out as a csv folder.
        folder = MARKET_DATA if MARKET_DATA.is_dir() else export_csv(Path(scratch) / "csv")
        print(f"csv baseline: {folder}")
        sources = {"csv": {"data_dir": folder}, "snapshot": {}}
        times = {
            (kind, what): timed(f"{kind}: {what}", functools.partial(read, kind, options))
            for kind, options in sources.items()
            for what, read in LOADS.items()
        }
        for what in LOADS:
            ratio(f"snapshot / csv: {what}", times["snapshot", what], times["csv", what])


def _universe_closes(kind: str, options: dict[str, object]) -> None:
    src = techflows.open_source(kind, **options)
    src.close(list(src.universe.index))


LOADS: dict[str, Callable[[str, dict[str, object]], object]] = {
    "open + every universe close": _universe_closes,
    "98 constituent closes": lambda k, o: techflows.open_source(k, **o).constituent_close(),
    "fund flows": lambda k, o: techflows.open_source(k, **o).flows(),
}


def many_funds(folder: Path, funds: int, days: int) -> tuple[Path, Path]:
    """A csv folder of `funds` tech funds' daily flows over `days` sessions, and its universe."""
    (folder / "flows").mkdir(parents=True)
    sessions = market_calendar.sessions()
    sessions = sessions[sessions <= "2026-02-13"][-days:]
    names = [f"F{i:04d}" for i in range(funds)]
    rng = np.random.default_rng(funds)
    pd.DataFrame(
        {
            "date": np.repeat(sessions.strftime("%Y-%m-%d"), funds),
            "ticker": np.tile(names, days),
            "flow_usd": rng.normal(0, 5e7, funds * days).round(),
        }
    ).to_csv(folder / "flows" / "etf_flows.csv", index=False)
    assets = pd.DataFrame({"ticker": names, "aum_usd": rng.uniform(1e9, 5e10, funds).round()})
    assets.assign(updated_date="2026-02-13").to_csv(folder / "flows" / "etf_aum.csv", index=False)
    universe = folder / "universe.csv"
    rows = [f"{n},Fund {n},tech_etf,broad tech" for n in names]
    universe.write_text("\n".join(["ticker,name,group,segment", *rows]) + "\n")
    return folder, universe


FLOW_STEPS: dict[str, Callable[[techflows.Source], object]] = {
    "read and validate the file": lambda src: (src.flows(), src.aum()),
    "weekly flows by fund and class": lambda src: flows.weekly_flows(src, "W-WED"),
    "coverage per fund": flows.coverage,
    "flows against assets": lambda src: flows.flows_against_assets(src, "W-WED"),
}


def bench_flows(days: int = 1000, sizes: tuple[int, ...] = (500, 2000)) -> None:
    """The flows steps on 0.5 and 2 million rows: linear steps take 4x, quadratic ones 16x."""
    times: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for funds in sizes:
            folder, universe = many_funds(Path(scratch) / str(funds), funds, days)
            src = techflows.open_source("csv", data_dir=folder, universe=universe)
            for step, action in FLOW_STEPS.items():
                label = f"flows, {funds:,} funds x {days:,} days: {step}"
                times[step, funds] = timed(label, functools.partial(action, src), repeat=1)
    small, large = sizes[0], sizes[-1]
    for step in FLOW_STEPS:
        ratio(f"flows: {step}, {large:,} / {small:,} funds", times[step, large], times[step, small])
    read = times["read and validate the file", large]
    ratio(
        f"flows against assets / reading, {large:,} funds",
        times["flows against assets", large],
        read,
    )


def bench_reports(source_args: list[str]) -> None:
    """Each notebook through the runner, one at a time (wall clock includes kernel start)."""
    for notebook in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        with tempfile.TemporaryDirectory() as out:
            command = [sys.executable, "-m", "techflows", "report", notebook.stem]
            command += ["--output-dir", out, *source_args]
            start = time.perf_counter()
            finished = subprocess.run(command, check=False, capture_output=True)
            seconds = time.perf_counter() - start
        status = "" if finished.returncode == 0 else "  FAILED"
        label = f"report {notebook.stem} ({' '.join(source_args)})"
        print(f"{label:<{WIDTH}} {seconds:8.3f} s{status}")


def main() -> None:
    """Run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-reports", action="store_true", help="time the data layer only")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, techflows {techflows.__version__}")
    bench_data_layer()
    bench_flows()
    if not args.no_reports:
        bench_reports(["--source", "snapshot", "--as-of", "2026-02-13"])
        bench_reports(["--source", "sample"])
        track_record.main([])  # the track record's history against a sweep of 05 and 04


if __name__ == "__main__":
    main()
