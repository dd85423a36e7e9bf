"""Benchmarks: how long the data layer and each report take. Run with `make bench`."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import techflows
from techflows.config import NOTEBOOK_DIR, REPO_ROOT

MARKET_DATA = REPO_ROOT.parent / "shared" / "market-data"


def timed(label: str, action: Callable[[], object], repeat: int = 3) -> None:
    """Print the best of `repeat` wall-clock timings of action."""
    best = min(_once(action) for _ in range(repeat))
    print(f"{label:<55} {best:8.3f} s")


def _once(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_data_layer() -> None:
    """Opening sources and loading the whole universe."""
    timed(
        "sample: open + ^IXIC/^GSPC closes",
        lambda: techflows.open_source("sample").close(["^IXIC", "^GSPC"]),
    )
    if MARKET_DATA.is_dir():

        def load_universe_closes() -> None:
            src = techflows.open_source("csv", data_dir=MARKET_DATA)
            src.close(list(src.universe.index))

        timed("csv: open + every universe close", load_universe_closes)
        timed(
            "csv: 98 constituent closes",
            lambda: techflows.open_source("csv", data_dir=MARKET_DATA).constituent_close(),
        )
        timed("csv: fund flows", lambda: techflows.open_source("csv", data_dir=MARKET_DATA).flows())


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
        print(f"{label:<55} {seconds:8.3f} s{status}")


def main() -> None:
    """Run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-reports", action="store_true", help="time the data layer only")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, techflows {techflows.__version__}")
    bench_data_layer()
    if not args.no_reports:
        bench_reports(["--source", "sample"])
        if MARKET_DATA.is_dir():
            bench_reports(
                ["--source", "csv", "--data-dir", str(MARKET_DATA), "--as-of", "2026-02-13"]
            )


if __name__ == "__main__":
    main()
