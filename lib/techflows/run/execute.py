"""Run one notebook with papermill into a staging folder, and publish it only if it succeeds."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from techflows import atomic, config, local_paths
from techflows.publish.archive import report_as_of
from techflows.publish.page import dated_title
from techflows.run import cell_outputs
from techflows.run.fingerprint import drop_stamp, file_digest
from techflows.run.staging import LOCK, STAGING, staging_folder

if TYPE_CHECKING:
    import nbformat

# jsonschema, under nbformat, imports rfc3987_syntax when it is installed, which compiles 35
# Earley parsers (~3 s) for the "iri" format no notebook schema uses: the runner goes without.
sys.modules.setdefault("rfc3987_syntax", None)

DEFAULT_TIMEOUT_S = 900
# Batch runs use the runner's own Python, not the notebooks' interactive "techflows" kernel.
BATCH_KERNEL = "python3"
__all__ = ["STAGING", "Job", "RunResult", "run_notebook", "run_safely"]


# Messages of kernel start-up failures (ZMQ port races, slow starts); only these are retried.
KERNEL_START_MARKERS = (
    "address already in use",
    "kernel died before replying",
    "kernel didn't respond",
    "failed to start the kernel",
    "zmqerror",
)


Log = Callable[[str], None]


@dataclass(frozen=True)
class Job:
    """One notebook to run: where it is, where its report goes, and with what."""

    notebook: Path
    output_dir: Path
    parameters: dict[str, Any]
    timeout: float = DEFAULT_TIMEOUT_S

    @property
    def name(self) -> str:
        """The report name: the notebook's stem."""
        return self.notebook.stem


@dataclass
class CellError:
    """Why a run failed, and in which cell of the executed notebook."""

    ename: str
    evalue: str
    cell_index: int | None = None
    execution_count: int | None = None
    cell_source: str = ""


@dataclass
class RunResult:
    """The outcome of one notebook run."""

    name: str
    notebook: str
    title: str
    status: str
    started: str
    seconds: float
    attempts: int
    parameters: dict[str, Any]
    error: CellError | None = None
    # Every file the run published, with its sha256 as the run wrote it.
    files: dict[str, str] = field(default_factory=dict)
    reused_from: str = ""  # a reused report: when the run that made it started

    @property
    def ok(self) -> bool:
        """True when the report is current: run now, or reused (its inputs are unchanged)."""
        return self.status in ("ok", "reused")


def is_kernel_start_error(exc: BaseException, executed: nbformat.NotebookNode | None) -> bool:
    """True for a failure to start the kernel (worth one retry), not for a cell that failed."""
    if executed is not None and any(
        cell.get("metadata", {}).get("papermill", {}).get("start_time") for cell in executed.cells
    ):
        return False
    text = f"{type(exc).__module__}.{type(exc).__name__}: {exc}".lower()
    return any(marker in text for marker in KERNEL_START_MARKERS)


def _last_started_cell(executed: nbformat.NotebookNode | None) -> tuple[int, Any] | None:
    if executed is None:
        return None
    started = [
        (i, c)
        for i, c in enumerate(executed.cells)
        if c.cell_type == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    return started[-1] if started else None


def _first_line(source: str, width: int = 80) -> str:
    line = next((s.strip() for s in source.splitlines() if s.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


def describe_error(
    exc: BaseException, executed: nbformat.NotebookNode | None, timeout: float
) -> CellError:
    """Name the error and the cell it came from."""
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return CellError(
            ename=exc.ename,
            evalue=str(exc.evalue),
            cell_index=exc.cell_index,
            execution_count=exc.exec_count,
            cell_source=_first_line(exc.source),
        )
    if isinstance(exc, CellTimeoutError):
        ename, evalue = "Timeout", f"a cell ran longer than {timeout:g} s and was stopped"
    else:
        ename, evalue = type(exc).__name__, str(exc).strip()
    cell = _last_started_cell(executed)
    if cell is None:
        return CellError(ename=ename, evalue=evalue)
    index, code = cell
    return CellError(
        ename=ename,
        evalue=evalue,
        cell_index=index,
        execution_count=code.get("execution_count"),
        cell_source=_first_line(code.source),
    )


def _read_notebook(path: Path) -> nbformat.NotebookNode | None:
    import nbformat

    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return None


def _execute(job: Job, executed: Path, staging: Path) -> None:
    import papermill

    from techflows.run.warm_kernels import WarmKernelManager

    papermill.execute_notebook(
        str(job.notebook),
        str(executed),
        parameters={**job.parameters, "output_dir": str(staging)},
        kernel_name=BATCH_KERNEL,
        execution_timeout=job.timeout,
        progress_bar=False,
        log_output=False,
        # The kernel starts in the notebook's folder; papermill's own cwd= would chdir the
        # whole process, which races between worker threads.
        resources={"metadata": {"path": str(job.notebook.parent)}},
        # Kernel start-up and shutdown chatter is not the report's business; cell errors still
        # surface through the executed notebook.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        # A kernel forked from a process that has already imported the notebooks' libraries.
        kernel_manager_class=WarmKernelManager,
    )


def publish(staging: Path, final: Path) -> dict[str, str]:
    """Move every staged file into final (one os.replace each); drop files the run did not make.

    Returns each file published with the sha256 it had when staged: what this run wrote.
    """
    final.mkdir(parents=True, exist_ok=True)
    # The folder's files stop matching their recorded inputs from the first replacement on.
    drop_stamp(final)
    staged = sorted(
        (p.relative_to(staging) for p in staging.rglob("*") if p.is_file() and p.name != LOCK),
        key=lambda rel: (rel.suffix == ".html", str(rel)),
    )
    digests = {str(rel): file_digest(staging / rel) for rel in staged}
    for rel in staged:
        (final / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, final / rel)
    keep = set(staged)
    for old in sorted(final.rglob("*"), reverse=True):
        rel = old.relative_to(final)
        if old.is_file() and rel not in keep:
            old.unlink()
        elif old.is_dir() and not any(old.iterdir()):
            old.rmdir()
    return digests


def local_folders(
    parameters: Mapping[str, Any],
    output_dir: Path,
    staging: tuple[Path, str] | None = None,
    notebooks: Sequence[str | Path] = (),
) -> list[local_paths.Root]:
    """The folders of this machine a run's files may name, and what they say instead.

    staging: (folder, report name): the staging folder is the report's own folder (NAME/); the
    data folder, a universe file's folder, the output folder and the notebooks' folders are
    named by their last part (techflows.local_paths).
    """
    universe = str(parameters.get("universe") or "")
    folders: list[tuple[str | Path, str] | str | Path] = [
        *([staging] if staging is not None else []),
        str(parameters.get("data_dir") or ""),
        str(config.resolve_folder(universe).parent) if universe else "",
        output_dir,
        *(Path(n).parent for n in notebooks if Path(n).is_absolute()),
    ]
    return local_paths.roots(folders)


def save_failed(executed: Path, target: Path, folders: list[local_paths.Root] | None = None) -> str:
    """Keep a failed run's notebook as target, written atomically; '' or why it could not be.

    A notebook papermill could not finish writing (a full disk) is not kept: a truncated file
    would pass for the failed run's notebook. An older failed notebook is then removed too.
    """
    import nbformat

    notebook = _read_notebook(executed) if executed.is_file() else None
    try:
        if notebook is None:
            raise OSError("the executed notebook is missing or incomplete")
        cell_outputs.bound(notebook)
        text = nbformat.writes(notebook)
        atomic.write_text(target, local_paths.redact(text, folders) if folders else text)
    except OSError as exc:
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)
        return f"the failed notebook could not be saved: {exc.strerror or exc}"
    return ""


def run_notebook(job: Job, log: Log | None = None) -> RunResult:
    """Run one notebook into a staging folder; publish on success, keep the old report if not."""
    log = log or log_to_stderr
    name, final = job.name, job.output_dir / job.name
    import nbformat

    from techflows.run.html_export import notebook_title, to_html

    source_nb = nbformat.read(job.notebook, as_version=4)
    title = notebook_title(source_nb, name)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    clock = time.monotonic()
    error: CellError | None = None
    files: dict[str, str] = {}
    attempts = 0
    with staging_folder(job.output_dir, name) as staging:
        executed = staging / f"{name}.ipynb"
        while True:
            attempts += 1
            log(f"{name}: running" + (f" (attempt {attempts})" if attempts > 1 else ""))
            try:
                _execute(job, executed, staging)
                error = None
                break
            except Exception as exc:
                notebook = _read_notebook(executed)
                if attempts == 1 and is_kernel_start_error(exc, notebook):
                    log(f"{name}: the kernel did not start ({type(exc).__name__}); retrying once")
                    for stale in staging.iterdir():
                        if stale.name != LOCK:
                            _remove(stale)
                    continue
                error = describe_error(exc, notebook, job.timeout)
                break
        folders = local_folders(job.parameters, job.output_dir, (staging, name), [job.notebook])
        if error is None:
            try:
                notebook = nbformat.read(executed, as_version=4)
                for number, total in cell_outputs.bound(notebook):
                    log(
                        f"{name}: cell {number} output {total / cell_outputs.MB:.1f} MB, "
                        "truncated in the report (it keeps "
                        f"{cell_outputs.MAX_CELL_OUTPUT_BYTES / cell_outputs.MB:.1f} MB a cell)"
                    )
                    atomic.write_text(executed, nbformat.writes(notebook))
                page_title = dated_title(title, report_as_of(staging))
                html = to_html(notebook, page_title)
                atomic.write_text(staging / f"{name}.html", html)
                local_paths.publish_files(staging, folders)  # names no folder of this machine
                files = publish(staging, final)
            except Exception as exc:
                error = CellError(ename=type(exc).__name__, evalue=f"publishing failed: {exc}")
        if error is not None:
            final.mkdir(parents=True, exist_ok=True)
            if problem := save_failed(executed, final / f"{name}.failed.ipynb", folders):
                error.evalue = f"{error.evalue} ({problem})"
    return RunResult(
        name=name,
        notebook=_display_path(job.notebook),
        title=title,
        status="ok" if error is None else "failed",
        started=started,
        seconds=round(time.monotonic() - clock, 1),
        attempts=attempts,
        parameters=dict(job.parameters),
        error=error,
        files=files,
    )


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def run_safely(job: Job, log: Log | None = None) -> RunResult:
    """run_notebook, turning an unexpected runner error into a failed result."""
    try:
        return run_notebook(job, log)
    except Exception as exc:
        return _crashed(job, exc)


def reused_result(
    name: str, notebook: str, parameters: Mapping[str, Any], stamp: Mapping[str, Any]
) -> RunResult:
    """The result of a run whose outputs are reused: the files its stamp lists."""
    run = stamp.get("run") or {}
    return RunResult(
        name=name,
        notebook=str(run.get("notebook") or notebook),
        title=str(run.get("title") or name),
        status="reused",
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=0.0,
        attempts=0,
        parameters=dict(parameters),
        files=dict(sorted((stamp.get("files") or {}).items())),
        reused_from=str(run.get("started") or ""),
    )


def failed_result(
    name: str, notebook: str, parameters: Mapping[str, Any], error: CellError, attempts: int
) -> RunResult:
    """The result of a run that failed before its notebook could run."""
    return RunResult(
        name=name,
        notebook=notebook,
        title=name,
        status="failed",
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=0.0,
        attempts=attempts,
        parameters=dict(parameters),
        error=error,
    )


def _crashed(job: Job, exc: BaseException) -> RunResult:
    error = CellError(ename=type(exc).__name__, evalue=f"runner error: {exc}")
    return failed_result(job.name, _display_path(job.notebook), job.parameters, error, 1)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.REPO_ROOT))
    except ValueError:
        return str(path)


def log_to_stderr(message: str) -> None:
    """The runner's progress line on stderr."""
    print(f"techflows: {message}", file=sys.stderr, flush=True)
