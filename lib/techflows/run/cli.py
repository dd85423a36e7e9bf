"""The `techflows` command: run the section notebooks into HTML reports."""

from __future__ import annotations

import argparse
import keyword
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from techflows import config
from techflows.config import resolve_folder
from techflows.errors import DataError
from techflows.run.grid import MAX_RUNS

# Parameters the runner sets itself, or that have their own option.
OWN_OPTION = {"source": "--source", "data_dir": "--data-dir", "as_of": "--as-of"}

REPORT_DESCRIPTION = """\
Run the section notebooks (all of notebooks/, sorted, or only those named) with the same
parameters through papermill, and publish each as an HTML report without code.
"""

REPORT_EPILOG = """\
output layout (OUTPUT_DIR, default outputs/ in the repository):
  index.html                headline figures of every section, then each run: status (and the
                            error of a failed one), run time, parameters, data source and as-of
  runs.json                 the same summary, machine-readable
  NAME/NAME.html            the report: outputs only, self-contained (images embedded)
  NAME/NAME.ipynb           the executed notebook
  NAME/figures.json, *.csv  the section's figures (source, as_of, headline flags) and tables
  NAME/NAME.failed.ipynb    only after a failed run: the executed notebook, for debugging
  archive/DATE/             every good report also kept by its as-of date, with that date's
                            index (removed only by: techflows archive prune)

A run writes into a staging folder first: a failed notebook leaves its previous report, figures
and tables in place. Other notebooks still run. Exit status: 0 all ran; 1 a notebook failed;
2 bad input (an option, a parameter, the output folder, or a damaged data file a notebook
stopped on); 130 interrupted; 143 stopped by kill.

examples:
  techflows report --source snapshot --as-of 2026-02-13 --param week_end=W-WED
  techflows report --data-dir ../shared/market-data --as-of 2026-02-13
  techflows report --source yahoo --data-dir ~/epfr-export   (live prices, your own flows)
  techflows report 01_current_status notebooks/02_drivers.ipynb --param lookback_years=5
"""


SNAPSHOT_BUILD_DESCRIPTION = """\
Read the selected tickers, FRED series and tables (lib/techflows/data/snapshot/selection.py)
from a csv folder in the documented layout, drop intraday last rows and rows after --through,
and write one compressed long parquet file per dataset plus manifest.json (rows, tickers or
series, first and last date, sha256 and origin of each file). The same input gives
byte-identical data files; the manifest's build date is SOURCE_DATE_EPOCH when set.
"""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> NoReturn:
        """Print one line naming the problem, then exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def parse_param(text: str) -> tuple[str, str]:
    """NAME=VALUE for --param; the value stays text, typed by the notebooks' declarations."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE (NAME a Python identifier)")
    if keyword.iskeyword(name):
        raise argparse.ArgumentTypeError(f"{name!r} is a Python keyword, not a parameter name")
    if name == "output_dir":
        raise argparse.ArgumentTypeError("output_dir is set by the runner; use --output-dir")
    if name in OWN_OPTION:
        raise argparse.ArgumentTypeError(f"use {OWN_OPTION[name]} to set {name}")
    return name, value


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def convert(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            noun = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be positive")
        return value

    convert.__name__ = kind.__name__
    return convert


def build_parser() -> Parser:
    """The techflows command line."""
    from techflows.run.report import DEFAULT_JOBS

    parser = Parser(
        prog="techflows",
        description="Capital flows into US tech funds and the tech recovery, measured from data.",
    )
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    report = commands.add_parser(
        "report",
        help="run the notebooks and publish HTML reports with an index",
        description=REPORT_DESCRIPTION,
        epilog=REPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebooks to run, by path or by name (e.g. 01_current_status); default: all of "
        f"{config.NOTEBOOK_DIR}",
    )
    add_source_options(report)
    report.add_argument(
        "--as-of",
        metavar="DATE",
        default="latest",
        help="cut all data at this date, YYYY-MM-DD (default: latest)",
    )
    report.add_argument(
        "--output-dir",
        metavar="DIR",
        type=Path,
        default=config.OUTPUT_DIR,
        help=f"where reports, index.html and runs.json go (default: {config.OUTPUT_DIR})",
    )
    report.add_argument(
        "--param",
        metavar="NAME=VALUE",
        type=parse_param,
        action="append",
        default=[],
        help="any other notebook parameter, e.g. lookback_years=5 or week_end=W-WED "
        "(repeatable; checked against the type and range each notebook declares for it)",
    )
    add_run_options(report, DEFAULT_JOBS, "notebooks run at the same time")
    add_sweep_command(commands)
    add_snapshot_commands(commands)
    add_archive_commands(commands)
    add_new_command(commands)
    return parser


def add_new_command(commands: argparse._SubParsersAction) -> None:
    """techflows new: start a section notebook with the conventions in place."""
    new = commands.add_parser(
        "new",
        help="write a new section notebook (NN_name) with the project's conventions in place",
        description="Write NOTEBOOK_DIR/NAME.ipynb: the title, the shared parameters cell, the "
        "set-up (parameter check, source, figures, banner), one measured example with its "
        "method note, and the answer cell. It runs as it is; replace the example with the "
        "section's own evidence (README: Adding a section).",
    )
    new.add_argument("name", metavar="NN_name", help="e.g. 07_semiconductors")
    new.add_argument(
        "--notebook-dir",
        metavar="DIR",
        type=Path,
        default=config.NOTEBOOK_DIR,
        help=f"where the notebook goes (default: {config.NOTEBOOK_DIR})",
    )


def add_source_options(command: argparse.ArgumentParser) -> None:
    """--source and --data-dir: where the notebooks' data comes from."""
    command.add_argument(
        "--source",
        choices=config.SOURCES,
        help="data source: auto (Yahoo/FRED through the cache when online or cached, else the "
        "embedded snapshot of real market data), yahoo, csv (a folder, see --data-dir), snapshot "
        "or sample (arch's 1999-2018 history); default: csv when --data-dir is given, else auto. "
        "yahoo or auto with --data-dir: the folder first, live data for the rest",
    )
    command.add_argument(
        "--data-dir",
        metavar="DIR",
        default="",
        help="your own data folder (prices/, fred/, flows/, constituents/): the csv source, or "
        "with --source yahoo/auto the parts live data lacks (e.g. EPFR or ICI fund flows)",
    )


def add_run_options(command: argparse.ArgumentParser, jobs: int, jobs_help: str) -> None:
    """--timeout, --jobs and --force: how the notebooks run."""
    from techflows.run.execute import DEFAULT_TIMEOUT_S

    command.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_positive(int),
        default=DEFAULT_TIMEOUT_S,
        help="stop a notebook when one cell runs longer than this many whole seconds "
        "(default: %(default)s)",
    )
    command.add_argument(
        "--jobs",
        metavar="N",
        type=_positive(int),
        default=jobs,
        help=f"{jobs_help} (default: %(default)s)",
    )
    command.add_argument(
        "--force",
        action="store_true",
        help="run every notebook, even those whose inputs are unchanged since their report was "
        "made (by default those reports are reused)",
    )


SWEEP_DESCRIPTION = """\
Run the chosen notebooks (default: all) over a grid: every --as-of date, crossed with every
combination of --param values. Each run sees only data up to its as-of date and keeps its full
outputs. Runs already done with the same inputs (notebook, parameters, techflows code, package
versions, data) are not run again, so rerunning a sweep resumes it; --force reruns all.
"""

SWEEP_EPILOG = """\
output layout (OUTPUT_DIR/NAME/):
  index.html                 headline figures charted against as_of, then every run
  figures.parquet, .csv      every figure of every run: run, as_of, swept parameters, notebook,
                             figure, value (or text), unit, figure_as_of, source, headline
  sweep.json                 the grid, the shared parameters and how each run went
  RUN/NOTEBOOK/              that run's report, figures.json and tables (as techflows report)
  RUN/index.html, runs.json  that run's reports

examples:
  techflows sweep 01_current_status 05_monitor --as-of 2025-10-03..2026-06-26/W-FRI
  techflows sweep 05_monitor --as-of 2026-01-02,2026-02-13 --param week_end=W-WED,W-FRI
  techflows sweep 03_risks --as-of 2026-02-13 --param "shock_sds=1,2;0.5,1"  (list values)
  techflows sweep --as-of 2026-01-02..2026-06-26/W-FRI --scheduler tcp://10.0.0.5:8786
"""


def parse_param_values(text: str) -> str:
    """NAME=V1,V2 for sweep --param, its name checked as --param checks it.

    The values are split once the notebooks are known: a list parameter's commas belong to
    its value (grid.parameter_values).
    """
    parse_param(text)
    return text


def add_sweep_command(commands: argparse._SubParsersAction) -> None:
    """techflows sweep: notebooks over as-of dates and parameter values."""
    sweep = commands.add_parser(
        "sweep",
        help="run notebooks over a grid of as-of dates and parameter values, with a chart page",
        description=SWEEP_DESCRIPTION,
        epilog=SWEEP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sweep.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help=f"notebooks to run, by path or by name; default: all of {config.NOTEBOOK_DIR}",
    )
    sweep.add_argument(
        "--as-of",
        metavar="DATES",
        required=True,
        help="as-of dates: a list (2026-01-02,2026-01-09), or START..END/STEP with a pandas "
        "frequency as the step (2025-10-03..2026-06-26/W-FRI: every Friday), or both",
    )
    sweep.add_argument(
        "--param",
        metavar="NAME=V1,V2",
        type=parse_param_values,
        action="append",
        default=[],
        help="a notebook parameter and its values (repeatable; checked against each notebook's "
        "declaration, as report --param is); several values are crossed with the dates and the "
        "other parameters. Values are separated by commas; those of a list parameter (declared "
        "N ints or floats), whose values hold commas, by semicolons: shock_sds=1,2;0.5,1",
    )
    add_source_options(sweep)
    sweep.add_argument(
        "--name",
        default="",
        help="the sweep's folder under --output-dir (default: FIRST..LAST as-of date)",
    )
    sweep.add_argument(
        "--output-dir",
        metavar="DIR",
        type=Path,
        default=config.OUTPUT_DIR / "sweeps",
        help=f"where sweeps go (default: {config.OUTPUT_DIR / 'sweeps'})",
    )
    sweep.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default="",
        help="send the runs to this Dask distributed scheduler (tcp://HOST:8786), one task per "
        "run; workers need techflows installed from the same commit, and the data (see README). "
        "Default: a pool of --jobs local processes",
    )
    sweep.add_argument(
        "--max-runs",
        metavar="N",
        type=_positive(int),
        default=MAX_RUNS,
        help="refuse a grid of more runs than this, before planning any (default: %(default)s)",
    )
    add_run_options(sweep, 2, "runs at the same time on this machine, without --scheduler")


def add_snapshot_commands(commands: argparse._SubParsersAction) -> None:
    """techflows snapshot build: the embedded offline data, from a csv folder."""
    snapshot = commands.add_parser(
        "snapshot",
        help="build the embedded snapshot of real market data (data/snapshot/)",
        description="The snapshot is the offline default: real market data kept in the "
        "repository as compact parquet, with a manifest of what it holds and where it came from.",
    )
    actions = snapshot.add_subparsers(dest="action", title="actions", metavar="ACTION")
    actions.required = True
    build = actions.add_parser(
        "build",
        help="read a csv folder and write the snapshot",
        description=SNAPSHOT_BUILD_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "--from",
        dest="folder",
        metavar="DIR",
        required=True,
        help="csv folder in the documented layout (e.g. ../shared/market-data)",
    )
    build.add_argument(
        "--through",
        metavar="DATE",
        default="",
        help="leave out every row after this date, YYYY-MM-DD (default: keep all)",
    )
    build.add_argument(
        "--output-dir",
        metavar="DIR",
        type=Path,
        default=config.SNAPSHOT_DIR,
        help=f"where the snapshot goes (default: {config.SNAPSHOT_DIR})",
    )


ARCHIVE_DESCRIPTION = """\
Every report run also keeps its pages under OUTPUT_DIR/archive/<as-of>/ (the pages, figures.json
and tables of each section, that date's index; not the executed notebooks). Nothing removes
them but this command.
"""


def _date(text: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_archive_commands(commands: argparse._SubParsersAction) -> None:
    """techflows archive list | prune: the dated reports kept under OUTPUT_DIR/archive/."""
    archive = commands.add_parser(
        "archive",
        help="list or prune the dated reports kept under OUTPUT_DIR/archive/",
        description=ARCHIVE_DESCRIPTION,
    )
    actions = archive.add_subparsers(dest="action", title="actions", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="the archived dates and their sizes")
    prune = actions.add_parser(
        "prune",
        help="remove archived dates: all but the newest N, or those before a date",
        description="Remove archived dates. Give --keep, --before or both (a date goes when "
        "either says so).",
    )
    prune.add_argument(
        "--keep", metavar="N", type=_positive(int), help="keep the newest N dates, remove the rest"
    )
    prune.add_argument(
        "--before", metavar="DATE", type=_date, help="remove the dates before DATE (YYYY-MM-DD)"
    )
    for action in (listing, prune):
        action.add_argument(
            "--output-dir",
            metavar="DIR",
            type=Path,
            default=config.OUTPUT_DIR,
            help=f"the reports' folder, whose archive/ this is (default: {config.OUTPUT_DIR})",
        )


def notebook_parameters(args: argparse.Namespace) -> dict[str, object]:
    """The parameters every notebook gets (the notebooks' declarations check them)."""
    return {**source_parameters(args), "as_of": args.as_of, **dict(args.param)}


def source_parameters(args: argparse.Namespace) -> dict[str, object]:
    """source and data_dir from --source and --data-dir; raises DataError on a bad combination."""
    source = args.source or ("csv" if args.data_dir else "auto")
    if source == "csv" and not args.data_dir:
        raise DataError("source 'csv' needs --data-dir: the folder with prices/, fred/, flows/")
    folder = resolve_folder(args.data_dir) if args.data_dir else None
    if folder is not None and not folder.is_dir():
        raise DataError(f"--data-dir {args.data_dir}: no such folder")
    data_dir = str(folder.resolve()) if folder is not None else ""
    return {"source": source, "data_dir": data_dir}


def run_report(args: argparse.Namespace) -> int:
    """techflows report: 0 if all ran, 2 if those that failed stopped on bad data, else 1."""
    from techflows.run.execute import log_to_stderr
    from techflows.run.report import find_notebooks, run_reports

    parameters = notebook_parameters(args)
    notebooks = find_notebooks(args.notebooks, log=log_to_stderr)
    results = run_reports(
        notebooks,
        output_dir=args.output_dir,
        parameters=parameters,
        timeout=args.timeout,
        jobs=args.jobs,
        force=args.force,
    )
    failed = [r for r in results if not r.ok]
    if not failed:
        return 0
    return BAD_INPUT if all(r.error and r.error.ename == "DataError" for r in failed) else 1


def run_sweep(args: argparse.Namespace) -> int:
    """techflows sweep: 0 if every run is good (ran or reused), 1 if any failed."""
    from techflows.run import grid, sweep
    from techflows.run.execute import log_to_stderr
    from techflows.run.report import find_notebooks, require_parameters_cell

    dates = grid.as_of_dates(args.as_of)
    notebooks = find_notebooks(args.notebooks, log=log_to_stderr)
    require_parameters_cell(notebooks)
    values = grid.swept_values(args.param, notebooks)
    swept = {name: found for name, found in values.items() if len(found) > 1}
    shared = {name: found[0] for name, found in values.items() if len(found) == 1}
    grid.check_size(len(dates), swept, len(notebooks), args.max_runs)
    name = args.name or f"{dates[0]}..{dates[-1]}"
    if grid.UNSAFE.search(name) or name.startswith("."):
        raise DataError(f"--name {name!r}: use letters, digits and . _ - only")
    spec = sweep.Sweep(
        name=name,
        notebooks=tuple(notebooks),
        points=tuple(grid.points(dates, swept)),
        parameters={**source_parameters(args), **shared},
        output_dir=Path(args.output_dir).resolve() / name,
        timeout=args.timeout,
    )
    summary = sweep.run_sweep(spec, scheduler=args.scheduler, jobs=args.jobs, force=args.force)
    return 1 if summary.counts["failed"] else 0


def run_snapshot(args: argparse.Namespace) -> int:
    """techflows snapshot build: 0 when the snapshot is written."""
    from techflows.data.snapshot.build import build

    def log(message: str) -> None:
        print(f"techflows snapshot: {message}", file=sys.stderr, flush=True)

    folder = resolve_folder(args.folder)
    manifest = build(folder, args.output_dir, through=args.through, log=log)
    datasets = manifest["datasets"].values()
    rows = sum(d["rows"] for d in datasets)
    size = sum((args.output_dir / d["file"]).stat().st_size for d in datasets)
    log(
        f"{len(datasets)} datasets, {rows:,} rows, {size / 1e6:.1f} MB, through "
        f"{manifest['through']}, into {args.output_dir}"
    )
    return 0


def run_archive(args: argparse.Namespace) -> int:
    """techflows archive list | prune: 0 when done, 2 for prune without --keep or --before."""
    from techflows.publish import archive
    from techflows.run import archiving

    def log(message: str) -> None:
        print(f"techflows archive: {message}", file=sys.stderr, flush=True)

    root = archive.root(args.output_dir)
    if args.action == "prune":
        if args.keep is None and args.before is None:
            raise DataError("archive prune: give --keep N or --before DATE (or both)")
        removed = archiving.prune(args.output_dir, keep=args.keep, before=args.before)
        log(f"removed {len(removed)} date(s){': ' + ', '.join(removed) if removed else ''}")
    dates = archive.dates(args.output_dir)
    if args.action == "list":
        for date in dates:
            megabytes = archive.size(archive.folder(args.output_dir, date)) / 1e6
            print(f"{date}  {megabytes:6.1f} MB  {archive.folder(args.output_dir, date)}")
    total = archive.size(root) / 1e6 if root.is_dir() else 0.0
    log(f"{len(dates)} date(s) in {root}, {total:.1f} MB")
    return 0


def run_new(args: argparse.Namespace) -> int:
    """techflows new: 0 when the notebook is written."""
    from techflows.run.new_section import write_section

    path = write_section(args.name, args.notebook_dir)
    print(
        f"techflows new: wrote {path}; open it with make lab, then techflows report {args.name}",
        file=sys.stderr,
    )
    return 0


COMMANDS = {
    "report": run_report,
    "sweep": run_sweep,
    "snapshot": run_snapshot,
    "archive": run_archive,
    "new": run_new,
}
BAD_INPUT, INTERRUPTED, TERMINATED = 2, 130, 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """`kill` (SIGTERM): stop as Ctrl-C stops, cleaning up on the way (a sweep ends its workers)."""


def terminate(signum: int, frame: object) -> None:
    """SIGTERM: stop the run; a second one, or Ctrl-C, stops at once."""
    signal.signal(signal.SIGTERM, stop_now)
    signal.signal(signal.SIGINT, stop_now)
    raise Terminated


def stop_now(signum: int, frame: object) -> None:
    """A second Ctrl-C: stop at once, without a traceback (the next run cleans up)."""
    os._exit(TERMINATED if signum == signal.SIGTERM else INTERRUPTED)


def first_interrupt(signum: int, frame: object) -> None:
    """The first Ctrl-C interrupts the run; from then on, another one stops at once."""
    signal.signal(signal.SIGINT, stop_now)
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the techflows command: 0 ok, 1 a notebook failed, 2 bad input, 130 ^C."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, or bad input already reported in one line
        return done.code if isinstance(done.code, int) else 2
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, first_interrupt) if main_thread else None
    previous_term = signal.signal(signal.SIGTERM, terminate) if main_thread else None
    try:
        code = COMMANDS[args.command](args)
    except DataError as exc:
        code = BAD_INPUT
        print(f"techflows {args.command}: error: {exc}", file=sys.stderr)
    except OSError as exc:  # the output cannot be written (a full disk, ...)
        code = BAD_INPUT
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"techflows {args.command}: error: {exc.strerror or exc}{where}", file=sys.stderr)
    except Terminated:
        print(f"techflows {args.command}: stopped (terminated)", file=sys.stderr, flush=True)
        return TERMINATED
    except KeyboardInterrupt:
        # Running notebooks finish or stop before the process exits; a second Ctrl-C ends
        # it at once.
        if main_thread:
            signal.signal(signal.SIGINT, stop_now)
        print(
            f"techflows {args.command}: interrupted (Ctrl-C again to stop at once)",
            file=sys.stderr,
            flush=True,
        )
        return INTERRUPTED
    if previous is not None:
        signal.signal(signal.SIGINT, previous)
    if previous_term is not None:
        signal.signal(signal.SIGTERM, previous_term)
    return code


if __name__ == "__main__":
    sys.exit(main())
