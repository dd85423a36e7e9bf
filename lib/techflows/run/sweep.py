"""techflows sweep: chosen notebooks over a grid of as-of dates and parameter values.

Each (grid point, notebook) is one task. Tasks whose inputs are those of a run already done
(fingerprint.Inputs, as for reports) are not run again, so rerunning a sweep resumes it. The rest
go to an engine (a local pool or a Dask cluster): a worker runs the notebook into a scratch
folder and sends the files back; this process publishes each run whole, by renaming its staged
folder into place, so a run is either complete, with its inputs stamped, or absent. Then the
figures of every run are gathered into one table and charted on the sweep's page.

Layout, under OUTPUT_DIR/NAME/: RUN/NOTEBOOK/ (the report, figures.json, tables, the stamp),
RUN/index.html and runs.json (the run's reports), figures.parquet and figures.csv (every figure
of every run), index.html (the charts), sweep.json (the grid and how each run went).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from techflows import atomic, config, local_paths
from techflows.run import fingerprint, locks
from techflows.run.execute import (
    CellError,
    Job,
    Log,
    RunResult,
    failed_result,
    local_folders,
    log_to_stderr,
    reused_result,
    run_safely,
)
from techflows.run.grid import Point
from techflows.run.parameters import for_notebooks
from techflows.run.staging import STAGING

SWEEP_FILE = "sweep.json"


@dataclass(frozen=True)
class Sweep:
    """What to run: notebooks, the grid, the parameters every run shares, and where it goes."""

    name: str
    notebooks: tuple[Path, ...]
    points: tuple[Point, ...]
    parameters: dict[str, Any]  # shared by every run: source, data_dir, constant --param values
    output_dir: Path  # the sweep's own folder (OUTPUT_DIR/sweeps/NAME)
    timeout: float = 900.0

    def run_parameters(self, point: Point) -> dict[str, Any]:
        """The parameters of one run: the shared ones, then the point's as_of and values.

        Every run's parameters are made here, once, before any kernel starts.
        """
        return {**self.parameters, **point.parameters()}

    def local_folders(self) -> list[local_paths.Root]:
        """The folders of this machine its shared files may name (techflows.local_paths)."""
        return local_folders(self.parameters, self.output_dir, notebooks=self.notebooks)


@dataclass(frozen=True)
class Task:
    """One notebook run as a worker receives it: paths and parameters, and the client's inputs."""

    notebook: str  # relative to the repository when inside it (workers have their own checkout)
    run: str
    parameters: dict[str, Any]
    timeout: float
    inputs: fingerprint.Inputs | None

    @property
    def name(self) -> str:
        """The report name: the notebook's stem."""
        return Path(self.notebook).stem


@dataclass
class Outcome:
    """What a worker sends back: the run's result and every file it made."""

    result: RunResult
    files: dict[str, bytes] = field(default_factory=dict)
    worker: str = ""


def notebook_reference(path: Path) -> str:
    """A notebook path as workers resolve it: relative to the repository when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(config.REPO_ROOT))
    except ValueError:
        return str(path)


def notebook_path(reference: str) -> Path:
    """The notebook a task names, on this machine."""
    path = Path(reference)
    return path if path.is_absolute() else config.REPO_ROOT / path


def _quiet(message: str) -> None:
    """Workers keep their progress lines to themselves; the client shows a bar."""


def _failed(task: Task, ename: str, evalue: str) -> RunResult:
    error = CellError(ename=ename, evalue=evalue)
    return failed_result(task.name, task.notebook, task.parameters, error, 0)


def execute_task(task: Task) -> Outcome:
    """On a worker: check it has the client's code, versions and data, run, send the files back."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    notebook = notebook_path(task.notebook)
    if task.inputs is not None:
        differ = fingerprint.differences(task.inputs, notebook, task.parameters)
        if not notebook.is_file() or fingerprint.notebook_digest(notebook) != task.inputs.notebook:
            differ.insert(0, f"notebook {task.notebook}")
        if differ:
            why = (
                f"worker {worker} differs from the client in {', '.join(differ[:4])}"
                f"{' and more' if len(differ) > 4 else ''}: install the same techflows commit "
                "and data on every worker"
            )
            return Outcome(_failed(task, "WorkerMismatch", why), worker=worker)
    with tempfile.TemporaryDirectory(prefix="techflows-run-") as scratch:
        job = Job(notebook, Path(scratch), dict(task.parameters), task.timeout)
        result = run_safely(job, _quiet)
        folder = Path(scratch) / task.name
        files = {
            str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != fingerprint.STAMP
        }
    return Outcome(result, files, worker)


def replace_folder(staged: Path, final: Path, trash_dir: Path) -> None:
    """Put staged in final's place: two renames, so final is always whole (or briefly absent)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        trash = Path(tempfile.mkdtemp(prefix=f"{final.name}.old.", dir=trash_dir))
        os.replace(final, trash / final.name)
        os.replace(staged, final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(staged, final)


def publish(sweep: Sweep, task: Task, outcome: Outcome) -> None:
    """Write a finished run into the sweep: whole and stamped if good, else its failed notebook."""
    folder = sweep.output_dir / task.run / task.name
    staging_root = sweep.output_dir / STAGING
    staging_root.mkdir(parents=True, exist_ok=True)
    result = outcome.result
    if not result.ok:
        failed = outcome.files.get(f"{task.name}.failed.ipynb")
        if failed is not None:
            atomic.write_bytes(folder / f"{task.name}.failed.ipynb", failed)
        return
    staged = Path(tempfile.mkdtemp(prefix=f"{task.run}.{task.name}.", dir=staging_root))
    try:
        for relative, data in outcome.files.items():
            (staged / relative).parent.mkdir(parents=True, exist_ok=True)
            (staged / relative).write_bytes(data)
        live = task.inputs is not None and fingerprint.is_live(task.inputs)
        if task.inputs is not None and not (
            live and not fingerprint.same_data(task.inputs, task.parameters)
        ):
            run = {
                "started": result.started,
                "seconds": result.seconds,
                "title": result.title,
                "worker": outcome.worker,
            }
            written = {f: hashlib.sha256(data).hexdigest() for f, data in outcome.files.items()}
            fingerprint.write_stamp(staged, task.inputs, written, run)
        replace_folder(staged, folder, staging_root)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def plan(sweep: Sweep, tick: Callable[[], object] = lambda: None) -> list[Task]:
    """One task per grid point and notebook, with its inputs as they are now (tick after each)."""
    tasks = []
    source = fingerprint.resolve_source(sweep.parameters)  # once: 'auto' probes the network
    for point in sweep.points:
        # Each notebook gets the values it declares, typed; bad input stops the sweep here.
        typed = for_notebooks(list(sweep.notebooks), sweep.run_parameters(point))
        for notebook in sweep.notebooks:
            parameters = typed[notebook]
            try:
                inputs = fingerprint.run_inputs(notebook, parameters, source)
            except (OSError, SyntaxError, ValueError):
                inputs = None  # unknown inputs: always run, never reused
            tasks.append(
                Task(notebook_reference(notebook), point.name, parameters, sweep.timeout, inputs)
            )
            tick()
    return tasks


@dataclass
class Summary:
    """How a sweep went."""

    sweep: Sweep
    results: dict[tuple[str, str], RunResult]  # (run, notebook name) -> result
    seconds: float
    engine: str

    @property
    def counts(self) -> dict[str, int]:
        """Runs per status: ok (ran now), reused, failed."""
        counts = {"ok": 0, "reused": 0, "failed": 0}
        for result in self.results.values():
            counts[result.status] = counts.get(result.status, 0) + 1
        return counts

    def line(self) -> str:
        """The one summary line."""
        c = self.counts
        ran = c["ok"] + c["failed"]
        rate = f" ({ran / self.seconds * 60:.1f} runs/min)" if ran and self.seconds > 0 else ""
        sweep = self.sweep
        return (
            f"{len(self.results)} runs ({len(sweep.points)} grid points x "
            f"{len(sweep.notebooks)} notebooks): {c['ok']} ran, {c['reused']} reused, "
            f"{c['failed']} failed in {self.seconds:.0f} s on {self.engine}{rate}; "
            f"see {sweep.output_dir / 'index.html'}"
        )


def _clear_staging(root: Path) -> None:
    """Staged runs left by an interrupted sweep were never published: drop them."""
    shutil.rmtree(root / STAGING, ignore_errors=True)


def write_record(summary: Summary) -> None:
    """sweep.json: the grid, the shared parameters, and how each run went."""
    sweep = summary.sweep
    runs = []
    for (run, _), result in sorted(summary.results.items()):
        record = asdict(result)
        record.pop("files")
        runs.append({"run": run, **record})
    payload = {
        "name": sweep.name,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "notebooks": [notebook_reference(n) for n in sweep.notebooks],
        "parameters": sweep.parameters,
        "points": [{"run": p.name, **p.parameters()} for p in sweep.points],
        "runs": runs,
    }
    payload = local_paths.redact(payload, sweep.local_folders())
    text = json.dumps(payload, indent=1, default=str) + "\n"
    atomic.write_text(sweep.output_dir / SWEEP_FILE, text)


def write_run_indexes(summary: Summary) -> None:
    """Each run folder's index.html and runs.json, as `techflows report` writes them."""
    from techflows.run.report import write_summary

    by_run: dict[str, list[RunResult]] = {}
    for (run, _), result in summary.results.items():
        by_run.setdefault(run, []).append(result)
    for run, results in by_run.items():
        if (summary.sweep.output_dir / run).is_dir():
            write_summary(results, summary.sweep.output_dir / run)


def run_sweep(
    sweep: Sweep,
    scheduler: str = "",
    jobs: int = 2,
    force: bool = False,
    log: Log | None = None,
    progress: bool = True,
) -> Summary:
    """Run the sweep's tasks not yet done (all with force), then its table and page.

    One sweep at a time in a sweep's folder: a second one of the same name waits, then reuses
    what the first made.
    """
    from techflows.run.report import require_parameters_cell

    require_parameters_cell(sweep.notebooks)
    log = log or log_to_stderr
    clock = time.monotonic()
    total, notebooks = len(sweep.points) * len(sweep.notebooks), len(sweep.notebooks)
    log(
        f"sweep {sweep.name}: {total} runs ({len(sweep.points)} grid points x {notebooks} "
        f"notebook{'s' if notebooks != 1 else ''}); checking which are done"
    )
    with locks.holding(sweep.output_dir, f"techflows sweep {sweep.name}", log):
        return _run_locked(sweep, scheduler, jobs, force, log, progress, clock)


def _bar(total: int, progress: bool, **options: Any) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit="run",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
        **options,
    )


def _run_locked(
    sweep: Sweep,
    scheduler: str,
    jobs: int,
    force: bool,
    log: Log,
    progress: bool,
    clock: float,
) -> Summary:
    """run_sweep once it holds the sweep folder's lock."""
    from techflows.run import engine as engines
    from techflows.run import sweep_figures, sweep_page

    root = sweep.output_dir
    _clear_staging(root)
    checking = _bar(len(sweep.points) * len(sweep.notebooks), progress, desc="inputs", leave=False)
    with checking:
        tasks = plan(sweep, checking.update)
    results: dict[tuple[str, str], RunResult] = {}
    todo = []
    for task in tasks:
        folder = root / task.run / task.name
        stamp = None if force or task.inputs is None else fingerprint.reusable(folder, task.inputs)
        if stamp is not None:
            results[task.run, task.name] = reused_result(
                task.name, task.notebook, task.parameters, stamp
            )
        else:
            todo.append(task)
    engine = engines.engine(scheduler, jobs) if todo else None
    where = engine.description if engine else "nothing to run"
    log(f"sweep {sweep.name}: {len(tasks)} runs, {len(results)} already done; {where}")
    bar = _bar(len(tasks), progress, initial=len(results))
    try:
        for task, outcome in engine.run(execute_task, todo) if engine else ():
            if isinstance(outcome, BaseException):
                outcome = Outcome(_failed(task, type(outcome).__name__, str(outcome)))
            publish(sweep, task, outcome)
            results[task.run, task.name] = outcome.result
            bar.update()
            if not outcome.result.ok:
                bar.write(f"techflows: {task.run} {task.name} failed: {_error(outcome.result)}")
    except BaseException:
        bar.leave = False  # stopped: the one line saying so is the command's
        raise
    finally:
        bar.close()
        if engine is not None:
            engine.close()
        _clear_staging(root)
    summary = Summary(sweep, results, time.monotonic() - clock, where)
    write_run_indexes(summary)
    table = sweep_figures.gather(summary)
    sweep_figures.write(table, root)
    sweep_page.write(summary, table)
    write_record(summary)
    summary.seconds = time.monotonic() - clock
    log(f"sweep {sweep.name}: {summary.line()}")
    return summary


def _error(result: RunResult) -> str:
    from techflows.run.index_page import error_line

    return error_line(asdict(result.error) if result.error else None)
