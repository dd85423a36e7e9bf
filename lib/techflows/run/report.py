"""The batch runner: every notebook, a few at a time, then runs.json and the index page."""

from __future__ import annotations

import json
import math
import tempfile
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from techflows import atomic, config, local_paths
from techflows.data.snapshot.manifest import describe, read_manifest
from techflows.errors import DataError
from techflows.run import fingerprint, index_page, locks, staging
from techflows.run.execute import (
    DEFAULT_TIMEOUT_S,
    Job,
    Log,
    RunResult,
    local_folders,
    log_to_stderr,
    reused_result,
    run_safely,
)
from techflows.run.parameters import for_notebooks, saved_edits
from techflows.run.sections import HOW, is_section

DEFAULT_JOBS = 2


RUNS_FILE = "runs.json"


def section_notebooks(found: Sequence[Path], log: Log | None = None) -> list[Path]:
    """The notebooks named like sections (NN_name.ipynb); one line names the others, skipped."""
    skipped = [p.name for p in found if not is_section(p)]
    if skipped and log is not None:
        log(f"skipped {', '.join(skipped)}: not published ({HOW})")
    return [p for p in found if is_section(p)]


def find_notebooks(
    names: Sequence[str] = (), notebook_dir: Path = config.NOTEBOOK_DIR, log: Log | None = None
) -> list[Path]:
    """All section notebooks in notebook_dir (sorted), or those named by path or stem."""
    notebook_dir = Path(notebook_dir)
    available = sorted(notebook_dir.glob("*.ipynb")) if notebook_dir.is_dir() else []
    if not names:
        sections = section_notebooks(available, log)
        if not sections:
            raise DataError(f"no section notebooks found in {notebook_dir} ({HOW})")
        return sections
    by_stem = {p.stem: p for p in available}
    chosen: list[Path] = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            found = path.resolve()
        elif path.name in by_stem or path.stem in by_stem:
            found = by_stem.get(path.name, by_stem.get(path.stem))
        else:
            known = ", ".join(by_stem) or f"none in {notebook_dir}"
            raise DataError(f"notebook {name!r}: not found (known: {known})")
        if not is_section(found):
            raise DataError(f"notebook {name!r}: not a section; {HOW} (techflows new NN_name)")
        if found not in chosen:
            chosen.append(found)
    stems = [p.stem for p in chosen]
    if len(set(stems)) != len(stems):
        raise DataError(f"notebooks {', '.join(stems)}: two share a name; reports would collide")
    return chosen


def require_parameters_cell(notebooks: Sequence[Path]) -> None:
    """DataError (one line) for a notebook without a cell tagged `parameters`, or with an empty one.

    The runner passes --source, --as-of and the report's own folder through that cell; a
    notebook without one would run on its own defaults and write outside --output-dir.
    """
    from techflows.run.parameters import parameters_cell

    for notebook in notebooks:
        try:
            loaded = json.loads(Path(notebook).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(f"notebook {Path(notebook).stem}: cannot be read ({exc})") from None
        if not isinstance(loaded, dict) or not parameters_cell(loaded).strip():
            raise DataError(
                f"notebook {Path(notebook).stem}: no cell tagged `parameters`, so the runner "
                "cannot give it --source, --as-of or its output folder; tag the cell that sets "
                "them (JupyterLab: the cell's property inspector, tag `parameters`)"
            )


def prepare_output_dir(output_dir: Path) -> None:
    """Create the output folder and prove it writable; DataError (one line) if it is not."""
    for folder in (output_dir, *output_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                raise DataError(f"output folder {output_dir}: {folder} is a file, not a folder")
            break
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=output_dir):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DataError(f"output folder {output_dir}: cannot be written ({reason})") from None


def preflight(parameters: dict[str, Any], live: bool) -> None:
    """Before any kernel: an as_of before all of an offline source's data is bad input.

    Live sources are left to the notebooks (asking them would mean downloading).
    """
    source, as_of = parameters.get("source", "auto"), parameters.get("as_of", "latest")
    if as_of == "latest" or source == "yahoo" or (source == "auto" and live):
        return
    from techflows.data.source import open_source

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = open_source(
            source,
            data_dir=parameters.get("data_dir") or None,
            as_of=as_of,
            universe=parameters.get("universe") or None,
        )
    src.date_range()  # DataError when as_of is before all market data


def _progress_line(result: RunResult, done: int, total: int) -> str:
    head = f"[{done}/{total}] {result.name}:"
    if result.status == "reused":
        return f"{head} reused: inputs unchanged since its run of {result.reused_from}"
    if result.ok:
        return f"{head} ok in {result.seconds:.1f} s"
    error = index_page.error_line(asdict(result.error) if result.error else None)
    return f"{head} FAILED in {result.seconds:.1f} s: {error}"


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def report_record(result: RunResult, output_dir: Path) -> dict[str, Any]:
    """The runs.json entry of one run, with the data vintage and headlines of its figures.json."""
    folder = output_dir / result.name
    figures = _read_json(folder / "figures.json") or {}

    def existing(filename: str) -> str | None:
        return f"{result.name}/{filename}" if (folder / filename).is_file() else None

    record = asdict(result)
    record.pop("files")
    record.update(
        html=existing(f"{result.name}.html"),
        executed=existing(f"{result.name}.ipynb"),
        failed_notebook=existing(f"{result.name}.failed.ipynb"),
        figures=existing("figures.json"),
        # After a failure the figures on disk are those of the last good run.
        figures_current=result.ok,
        source=figures.get("source"),
        source_description=figures.get("source_description"),
        data_range=figures.get("data_range"),
        fallback=figures.get("fallback"),
        as_of=figures.get("as_of"),
        headlines=[
            {k: f.get(k) for k in ("name", "value", "unit", "as_of")}
            for f in figures.get("figures", [])
            if isinstance(f, dict) and f.get("headline")
        ],
        missing=figures.get("missing", []),
        inputs=figures.get("inputs", []),
        answer=figures.get("answer"),
        changes=figures.get("changes"),
    )
    # runs.json and the index are shared: no folder of this machine by its absolute path.
    folders = local_folders(result.parameters, Path(output_dir), notebooks=[result.notebook])
    return local_paths.redact(record, folders)


def _still_there(record: dict[str, Any]) -> bool:
    """True while the notebook of a report from an earlier run still exists as a section."""
    notebook = Path(str(record.get("notebook") or ""))
    path = notebook if notebook.is_absolute() else config.REPO_ROOT / notebook
    return path.is_file() and is_section(path)


def write_summary(results: Iterable[RunResult], output_dir: Path) -> list[dict[str, Any]]:
    """Write runs.json and index.html; sections not run this time keep their last entry."""
    output_dir = Path(output_dir)
    fresh = {r.name: report_record(r, output_dir) for r in results}
    previous = _read_json(output_dir / RUNS_FILE) or {}
    for old in previous.get("reports", []):
        name = old.get("name") if isinstance(old, dict) else None
        if name and name not in fresh and (output_dir / name).is_dir() and _still_there(old):
            fresh[name] = old
    records = [fresh[name] for name in sorted(fresh)]
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    payload = {"generated": generated, "reports": records}
    atomic.write_text(output_dir / RUNS_FILE, json.dumps(payload, indent=2, default=str) + "\n")
    index_page.write(output_dir, records, generated)
    return records


def travel(output_dir: Path, records: list[dict[str, Any]], log: Log) -> None:
    """The PDFs and the zip of the report; a failure there is one line, the report stands."""
    from techflows.publish import publish_report

    try:
        publish_report(output_dir, records, log)
    except OSError as exc:
        log(f"the PDFs and zip of the report could not be written: {exc.strerror or exc}")


def offline(parameters: dict[str, Any]) -> str:
    """What source 'auto' reads without a network: the csv folder named first, then the snapshot."""
    snapshot = f"the {describe(read_manifest(config.SNAPSHOT_DIR))}"
    folder = parameters.get("data_dir")
    return f"the csv folder {folder} first, then {snapshot}" if folder else snapshot


def longest_first(work: Sequence[Job]) -> list[Job]:
    """The jobs by the run time their stamps recorded, longest (or never timed) first."""

    def last(job: Job) -> float:
        run = (fingerprint.read_stamp(job.output_dir / job.name) or {}).get("run") or {}
        seconds = run.get("seconds")
        return float(seconds) if isinstance(seconds, int | float) and seconds > 0 else math.inf

    return sorted(work, key=last, reverse=True)


def reusable_results(
    work: Sequence[Job], inputs: dict[str, fingerprint.Inputs | None]
) -> list[RunResult]:
    """A reused result for each job whose report's stamp matches its inputs."""
    reused = []
    for job in work:
        found = inputs.get(job.name)
        stamp = fingerprint.reusable(job.output_dir / job.name, found) if found else None
        if stamp is not None:
            reused.append(reused_result(job.name, str(job.notebook), job.parameters, stamp))
    return reused


def job_inputs(job: Job, source: str = "") -> fingerprint.Inputs | None:
    """The inputs of a job, or None when they cannot be known (then it always runs)."""
    try:
        return fingerprint.run_inputs(job.notebook, job.parameters, source)
    except (OSError, SyntaxError, ValueError, DataError):
        return None


def run_and_stamp(
    job: Job, inputs: fingerprint.Inputs | None, log: Log, refreshed: list | None = None
) -> RunResult:
    """Run a job; after a good run, record its inputs beside its report.

    A run that refreshed the live cache read data newer than its recorded inputs: it goes to
    `refreshed`, stamped when every notebook of the run is done (stamp_refreshed).
    """
    result = run_safely(job, log)
    if not result.ok or inputs is None:
        return result
    if fingerprint.is_live(inputs) and not fingerprint.same_data(inputs, job.parameters):
        if refreshed is not None:
            refreshed.append((job, inputs, result))
        return result
    run = {"started": result.started, "seconds": result.seconds, "title": result.title}
    fingerprint.write_stamp(job.output_dir / job.name, inputs, result.files, run)
    return result


def stamp_refreshed(refreshed: list, source: str) -> None:
    """Stamp the reports of a run that refreshed the live cache, with the cache it left.

    The next unchanged run then reuses them. Not when the market closed during the run, nor
    when a site was down or a fetch failed (the next run should try again).
    """
    from techflows.data.sources.outages import Outages
    from techflows.data.store import Store

    if not refreshed or Outages(Store(config.CACHE_DIR)).troubled():
        return
    for job, inputs, result in refreshed:
        data = fingerprint.data_inputs(job.parameters, source)
        if data.get("latest close") != inputs.data.get("latest close"):
            continue
        run = {"started": result.started, "seconds": result.seconds, "title": result.title}
        stamped = fingerprint.Inputs(**{**asdict(inputs), "data": data})
        fingerprint.write_stamp(job.output_dir / job.name, stamped, result.files, run)


def run_jobs(
    work: Sequence[Job],
    workers: int,
    log: Log,
    inputs: dict[str, fingerprint.Inputs | None] | None = None,
    done: int = 0,
    total: int | None = None,
    refreshed: list | None = None,
) -> list[RunResult]:
    """Run the jobs, workers at a time, logging one line as each finishes (numbered after done)."""
    inputs = inputs or {}
    total = total if total is not None else len(work)
    results: list[RunResult] = []

    def finished(result: RunResult) -> None:
        results.append(result)
        log(_progress_line(result, done + len(results), total))

    if workers == 1:
        for job in work:
            finished(run_and_stamp(job, inputs.get(job.name), log, refreshed))
        return results
    # Threads suffice: each kernel is its own process, a worker only waits on it.
    pool = ThreadPoolExecutor(max_workers=workers)
    futures = [
        pool.submit(run_and_stamp, job, inputs.get(job.name), log, refreshed) for job in work
    ]
    try:
        for future in as_completed(futures):
            finished(future.result())
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        log("interrupted: queued notebooks cancelled; running ones finish first")
        raise
    pool.shutdown()
    return results


def run_reports(
    notebooks: Sequence[Path],
    output_dir: Path = config.OUTPUT_DIR,
    parameters: dict[str, Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    jobs: int = DEFAULT_JOBS,
    log: Log | None = None,
    force: bool = False,
) -> list[RunResult]:
    """Run the notebooks (jobs at a time), publish their reports, then the index and runs.json.

    A notebook whose inputs (fingerprint.Inputs) are those of its report's last good run is not
    run again: that report is reused. force runs every notebook.
    """
    log = log or log_to_stderr
    output_dir = Path(output_dir).resolve()
    # Bad input stops here, in one line, before any kernel starts or any file is written.
    require_parameters_cell(notebooks)
    plan = for_notebooks([Path(nb).resolve() for nb in notebooks], dict(parameters or {}))
    for notebook in plan:  # every parameter is passed: a value saved in a notebook is unused
        for edit in saved_edits(notebook):
            log(f"warning: {edit}")
    shared = {k: v for typed in reversed(plan.values()) for k, v in typed.items()}
    prepare_output_dir(output_dir)
    # One run at a time in a folder: what to reuse is decided, and stamps written, inside.
    with locks.holding(output_dir, "techflows report", log):
        return _run_locked(plan, shared, output_dir, timeout, jobs, log, force)


def _run_locked(
    plan: dict[Path, dict[str, Any]],
    shared: dict[str, Any],
    output_dir: Path,
    timeout: float,
    jobs: int,
    log: Log,
    force: bool,
) -> list[RunResult]:
    """run_reports once it holds the output folder's lock."""
    # Decided once per run: for 'auto' it means probing the network.
    source = fingerprint.resolve_source(shared)
    auto_offline = shared.get("source", "auto") == "auto" and source != "yahoo"
    # output_dir as recorded: the report's folder beside the index (papermill gets the staging one)
    work = [
        Job(nb, output_dir, {**typed, "output_dir": f"{nb.stem}/"}, timeout)
        for nb, typed in plan.items()
    ]
    inputs = {job.name: job_inputs(job, source) for job in work}
    reused = [] if force else reusable_results(work, inputs)
    todo = longest_first([job for job in work if job.name not in {r.name for r in reused}])
    workers = max(1, min(jobs, len(todo)))
    if todo:
        # A reused report passed this check when it ran.
        preflight(shared, live=not auto_offline)
        from techflows.run import warm_kernels

        warm_kernels.prestart()  # its imports overlap the runner's own
    if auto_offline:
        log(
            "Yahoo Finance and FRED cannot be reached and nothing is cached: source 'auto' "
            f"uses {offline(shared)}"
        )
    if removed := staging.remove_stale(output_dir):
        log(f"removed {len(removed)} staging folder(s) left by an interrupted run")
    unchanged = f"{len(reused)} reused (inputs unchanged), " if reused else ""
    running = f"running {len(todo)}, {workers} at a time" if todo else "nothing to run"
    log(f"{len(work)} notebook(s): {unchanged}{running}, into {output_dir}")
    for i, result in enumerate(reused, 1):
        log(_progress_line(result, i, len(work)))
    refreshed: list = []
    ran = run_jobs(todo, workers, log, inputs, len(reused), len(work), refreshed)
    stamp_refreshed(refreshed, source)
    results = sorted(reused + ran, key=lambda r: r.name)
    staging.remove_stale(output_dir)
    from techflows.run import archiving

    archiving.mark_changes(results, output_dir)
    records = write_summary(results, output_dir)
    travel(output_dir, records, log)
    archiving.keep(results, output_dir, log)
    failed = [r.name for r in results if not r.ok]
    tail = f": {', '.join(failed)}" if failed else ""
    counts = f"{len(ran) - len(failed)} ok, {len(reused)} reused, {len(failed)} failed{tail}"
    log(f"{counts}; see {output_dir}/index.html")
    return results
