"""Run the section notebooks through papermill and publish code-free, self-contained HTML."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from techflows import atomic, config, index_page
from techflows.errors import DataError
from techflows.sources.network import network_available

DEFAULT_TIMEOUT_S = 900
DEFAULT_JOBS = 2
STAGING = ".staging"
RUNS_FILE = "runs.json"

# Messages of kernel start-up failures (ZMQ port races, slow starts); only these are retried.
KERNEL_START_MARKERS = (
    "address already in use",
    "kernel died before replying",
    "kernel didn't respond",
    "failed to start the kernel",
    "zmqerror",
)

# Only the template's head scripts reach the internet: require.js, MathJax, mermaid, widgets.
HTML_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
EXTERNAL_TAG = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>.*?</script\s*>"
    r"|<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//[^;]*;",
    re.IGNORECASE | re.DOTALL,
)
STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)

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
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the notebook ran through and its report was published."""
        return self.status == "ok"


def find_notebooks(
    names: Sequence[str] = (), notebook_dir: Path = config.NOTEBOOK_DIR
) -> list[Path]:
    """All notebooks in notebook_dir (sorted), or those named by path or stem."""
    notebook_dir = Path(notebook_dir)
    available = sorted(notebook_dir.glob("*.ipynb")) if notebook_dir.is_dir() else []
    if not names:
        if not available:
            raise DataError(f"no notebooks found in {notebook_dir}")
        return available
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
        if found not in chosen:
            chosen.append(found)
    stems = [p.stem for p in chosen]
    if len(set(stems)) != len(stems):
        raise DataError(f"notebooks {', '.join(stems)}: two share a name; reports would collide")
    return chosen


def notebook_title(notebook: nbformat.NotebookNode, default: str) -> str:
    """The first markdown heading of a notebook, without its hashes."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip() or default
    return default


def html_exporter() -> Any:
    """nbconvert's lab HTML exporter: outputs only, no prompts, nothing loaded from the web."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"techflows_report.html.j2": HTML_TEMPLATE})],
        template_file="techflows_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def self_contained(html: str) -> str:
    """Drop any tag that would fetch a script or style from the web, and CSS comments."""
    html = EXTERNAL_TAG.sub("", html)
    return STYLE_BLOCK.sub(lambda m: m[1] + CSS_COMMENT.sub("", m[2]) + m[3], html)


def to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """Render an executed notebook as a code-free, self-contained HTML page."""
    body, _ = html_exporter().from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return self_contained(body)


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
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return None


def _execute(job: Job, executed: Path, staging: Path) -> None:
    import papermill

    papermill.execute_notebook(
        str(job.notebook),
        str(executed),
        parameters={**job.parameters, "output_dir": str(staging)},
        execution_timeout=job.timeout,
        progress_bar=False,
        log_output=False,
        # The kernel starts in the notebook's folder; papermill's own cwd= would chdir the
        # whole process, which races between worker threads.
        resources={"metadata": {"path": str(job.notebook.parent)}},
        # Kernel start-up and shutdown chatter is not the report's business; cell errors still
        # surface through the executed notebook.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )


def publish(staging: Path, final: Path) -> list[str]:
    """Move every staged file into final (one os.replace each); drop files the run did not make."""
    final.mkdir(parents=True, exist_ok=True)
    staged = sorted(
        (p.relative_to(staging) for p in staging.rglob("*") if p.is_file()),
        key=lambda rel: (rel.suffix == ".html", str(rel)),
    )
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
    return [str(rel) for rel in staged]


def run_notebook(job: Job, log: Log | None = None) -> RunResult:
    """Run one notebook into a staging folder; publish on success, keep the old report if not."""
    log = log or _stderr
    name, final = job.name, job.output_dir / job.name
    source_nb = nbformat.read(job.notebook, as_version=4)
    title = notebook_title(source_nb, name)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    clock = time.monotonic()
    root = job.output_dir / STAGING
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=root))
    executed = staging / f"{name}.ipynb"
    error: CellError | None = None
    files: list[str] = []
    attempts = 0
    try:
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
                    shutil.rmtree(staging)
                    staging.mkdir()
                    continue
                error = describe_error(exc, notebook, job.timeout)
                break
        if error is None:
            try:
                html = to_html(nbformat.read(executed, as_version=4), title)
                atomic.write_text(staging / f"{name}.html", html)
                files = publish(staging, final)
            except Exception as exc:
                error = CellError(ename=type(exc).__name__, evalue=f"publishing failed: {exc}")
        if error is not None and executed.is_file():
            final.mkdir(parents=True, exist_ok=True)
            os.replace(executed, final / f"{name}.failed.ipynb")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
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


def _run_safely(job: Job, log: Log | None = None) -> RunResult:
    """run_notebook, turning an unexpected runner error into a failed result."""
    try:
        return run_notebook(job, log)
    except Exception as exc:
        return _crashed(job, exc)


def _crashed(job: Job, exc: BaseException) -> RunResult:
    return RunResult(
        name=job.name,
        notebook=_display_path(job.notebook),
        title=job.name,
        status="failed",
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=0.0,
        attempts=1,
        parameters=dict(job.parameters),
        error=CellError(ename=type(exc).__name__, evalue=f"runner error: {exc}"),
    )


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.REPO_ROOT))
    except ValueError:
        return str(path)


def _stderr(message: str) -> None:
    print(f"techflows: {message}", file=sys.stderr, flush=True)


def _progress_line(result: RunResult, done: int, total: int) -> str:
    head = f"[{done}/{total}] {result.name}:"
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
    )
    return record


def write_summary(results: Iterable[RunResult], output_dir: Path) -> list[dict[str, Any]]:
    """Write runs.json and index.html; sections not run this time keep their last entry."""
    output_dir = Path(output_dir)
    fresh = {r.name: report_record(r, output_dir) for r in results}
    previous = _read_json(output_dir / RUNS_FILE) or {}
    for old in previous.get("reports", []):
        name = old.get("name") if isinstance(old, dict) else None
        if name and name not in fresh and (output_dir / name).is_dir():
            fresh[name] = old
    records = [fresh[name] for name in sorted(fresh)]
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    payload = {"generated": generated, "reports": records}
    atomic.write_text(output_dir / RUNS_FILE, json.dumps(payload, indent=2, default=str) + "\n")
    index_page.write(output_dir, records, generated)
    return records


def run_jobs(work: Sequence[Job], workers: int, log: Log) -> list[RunResult]:
    """Run the jobs, workers at a time, logging one line as each finishes."""
    results: list[RunResult] = []

    def finished(result: RunResult) -> None:
        results.append(result)
        log(_progress_line(result, len(results), len(work)))

    if workers == 1:
        for job in work:
            finished(_run_safely(job, log))
        return results
    # Threads suffice: each kernel is its own process, a worker only waits on it.
    pool = ThreadPoolExecutor(max_workers=workers)
    futures = [pool.submit(_run_safely, job, log) for job in work]
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
) -> list[RunResult]:
    """Run the notebooks (jobs at a time), publish their reports, then the index and runs.json."""
    log = log or _stderr
    parameters = dict(parameters or {})
    output_dir = Path(output_dir).resolve()
    if str(parameters.get("source", "auto")).lower() == "auto" and not network_available():
        log(
            "Yahoo Finance and FRED cannot be reached: notebooks with source 'auto' "
            "fall back to the embedded sample data"
        )
    work = [Job(Path(nb).resolve(), output_dir, parameters, timeout) for nb in notebooks]
    workers = max(1, min(jobs, len(work)))
    log(f"running {len(work)} notebook(s), {workers} at a time, into {output_dir}")
    results = sorted(run_jobs(work, workers, log), key=lambda r: r.name)
    _remove_if_empty(output_dir / STAGING)
    write_summary(results, output_dir)
    failed = [r.name for r in results if not r.ok]
    tail = f": {', '.join(failed)}" if failed else ""
    log(f"{len(results) - len(failed)} ok, {len(failed)} failed{tail}; see {output_dir}/index.html")
    return results
