"""The fault suite's tools: a csv folder to damage, the headline figures, one-line CLI runs.

Every case damages a copy of a clean input (a csv folder written from the snapshot, see
conftest.market_csv) or calls the command line or the library wrongly, then asserts what a
user sees: the exit code, one line naming the input (no traceback), previous outputs left
byte-identical and, for data faults, either that clear error or a headline figure that did
not move (or moved with a data-quality flag saying why).

Data faults run `techflows report` on a fixture notebook of the headline figures
(fixtures/notebooks/04_headlines.ipynb) whose cells run in this process (in_process): the
runner, its staging, exit codes and messages are the real ones; only the kernel is left out.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_output

import techflows as tf
from conftest import ARTICLES_DATE
from conftest import FIXTURES as FIXTURE_ROOT
from techflows.analysis import drawdowns, flows, markets, rates
from techflows.run import cli, execute

NOTEBOOKS = FIXTURE_ROOT / "notebooks"
YEAR, FIRST_WEEKS = 2026, 5


# --- a damaged copy of a clean csv folder --------------------------------------------------


def damaged(clean: Path, target: Path, edits: dict[str, Callable[[str], str]]) -> Path:
    """A csv folder: clean's files linked, those in edits copied and changed by their edit."""
    for path in clean.rglob("*.csv"):
        relative = path.relative_to(clean)
        out = target / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        if str(relative) in edits:
            out.write_text(edits[str(relative)](path.read_text()))
        else:
            out.symlink_to(path)
    return target


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]))


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def set_cell(key: str, column: str, value: str) -> Callable[[str], str]:
    """An edit: the cell of `column` in the row starting with `key` (e.g. '2026-02-10')."""

    def edit(text: str) -> str:
        lines = text.split("\n")
        row = next(i for i, line in enumerate(lines) if line.startswith(key))
        cells = _cells(lines[row])
        cells[_cells(lines[0]).index(column)] = value
        lines[row] = _line(cells)
        return "\n".join(lines)

    return edit


def duplicate_row(key: str, value_column: str | None = None, value: str = "") -> Callable:
    """An edit: the row starting with key written twice (the second with another value)."""

    def edit(text: str) -> str:
        lines = text.split("\n")
        row = next(i for i, line in enumerate(lines) if line.startswith(key))
        copy = lines[row]
        if value_column is not None:
            cells = _cells(copy)
            cells[_cells(lines[0]).index(value_column)] = value
            copy = _line(cells)
        lines.insert(row + 1, copy)
        return "\n".join(lines)

    return edit


def header(new: str) -> Callable[[str], str]:
    """An edit: a new header line."""
    return lambda text: "\n".join([new, *text.split("\n")[1:]])


# --- headline figures, measured with the library ------------------------------------------


def open_csv(folder: Path) -> tf.Source:
    return tf.open_source("csv", data_dir=folder, as_of=ARTICLES_DATE)


def drawdown(src: tf.Source) -> float:
    """XLK's drawdown from its peak (01's headline)."""
    return float(drawdowns.current(src.close("XLK")["XLK"])["depth"])


def tech_week(src: tf.Source) -> float:
    """Broad tech's 1-week return (01's segment table)."""
    table = markets.segment_returns(markets.segment_closes(src), src.universe, src.market_ticker)
    return float(table.loc[table["segment"] == "broad tech", "1w"].iloc[0])


def tech_first_weeks(src: tf.Source) -> float:
    """Tech's net flows over the year's first weeks (01's headline), USD."""
    _, by_group = flows.weekly_flows(src, "W-FRI")
    return float(flows.year_to_date(by_group, YEAR, FIRST_WEEKS).iloc[-1]["tech"])


def beta(src: tf.Source) -> float:
    """Tech's beta to the 10-year nominal yield, DGS10 (02's rate-sensitivity table)."""
    panel = rates.weekly_rate_panel(src, week_end="W-FRI", years=10)
    return 100 * float(rates.fit_rate_sensitivity(panel, ["d_nominal"], 4).params["d_nominal"])


# Cheapest first: a report stopped by a damaged file reads little before it.
HEADLINES = {
    "drawdown": drawdown,
    "tech_first_weeks": tech_first_weeks,
    "beta": beta,
    "tech_week": tech_week,
}


@pytest.fixture(scope="session")
def clean_headlines(market_csv) -> dict[str, float]:
    """Each headline on the undamaged folder."""
    src = open_csv(market_csv)
    return {name: measure(src) for name, measure in HEADLINES.items()}


# --- the command line ----------------------------------------------------------------------


RUN_LOCK = ".run.lock"  # techflows.run.locks.LOCK_FILE: where a run holds its folder


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under folder, by relative path (the runs' lock file aside)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != RUN_LOCK
    }


@pytest.fixture
def previous(tmp_path) -> Path:
    """An output folder holding a previous good report."""
    out = tmp_path / "out"
    (out / "01_ok").mkdir(parents=True)
    (out / "01_ok" / "01_ok.html").write_text("<html>the previous report</html>\n")
    (out / "01_ok" / "figures.json").write_text('{"figures": [{"name": "x", "value": 1}]}\n')
    (out / "runs.json").write_text('{"reports": []}\n')
    (out / "index.html").write_text("<html>index</html>\n")
    return out


def one_line(err: str) -> str:
    """The single line a failed command printed; fails the test on a traceback or more lines."""
    assert "Traceback" not in err, err
    assert err.count("\n") == 1, err
    return err.strip()


@pytest.fixture
def report(previous, capsys):
    """Run `techflows report ARGS --output-dir <previous>`; returns (exit code, stderr)."""

    def run(*args: str) -> tuple[int, str]:
        before = digest(previous)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code = cli.main(["report", *args, "--output-dir", str(previous)])
        err = capsys.readouterr().err
        assert digest(previous) == before, "previous outputs changed"
        return code, err

    return run


# --- data faults through the command line ---------------------------------------------------

HEADLINES_NB = NOTEBOOKS / "04_headlines.ipynb"


def in_process(job: execute.Job, executed: Path, folder: Path) -> None:
    """papermill's part without a kernel: the parameterised notebook's cells run here, in order."""
    from papermill.exceptions import PapermillExecutionError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    values = {**job.parameters, "output_dir": str(folder)}
    notebook = parameterize_notebook(load_notebook_node(str(job.notebook)), values)
    namespace: dict[str, object] = {"In": [""]}  # IPython's history, as check_parameters reads it
    code = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    try:
        for count, (index, cell) in enumerate(code, 1):
            cell.execution_count = count
            namespace["In"].append(cell.source)
            try:
                exec(compile(cell.source, f"<cell {count}>", "exec"), namespace)
            except Exception as exc:
                name, value = type(exc).__name__, str(exc)
                cell.outputs = [new_output("error", ename=name, evalue=value, traceback=[])]
                raise PapermillExecutionError(index, count, cell.source, name, value, []) from None
    finally:
        nbformat.write(notebook, executed)


def figures(folder: Path) -> dict[str, float]:
    """The headline figures of a 04_headlines report."""
    import json

    payload = json.loads((folder / "04_headlines" / "figures.json").read_text())
    return {f["name"]: f["value"] for f in payload["figures"]}


def quality(folder: Path) -> list[dict[str, object]]:
    """The data-quality flags a 04_headlines report recorded."""
    import json

    return json.loads((folder / "04_headlines" / "figures.json").read_text())["data_quality"]


def _report_headlines(data_dir: Path, output_dir: Path, measure: str) -> tuple[int, str]:
    """techflows report 04_headlines on a csv folder, cells in process; (exit code, stderr)."""
    err = io.StringIO()
    argv = [str(HEADLINES_NB), "--source", "csv", "--data-dir", str(data_dir)]
    argv += ["--as-of", ARTICLES_DATE, "--param", f"measure={measure}"]
    argv += ["--output-dir", str(output_dir)]
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        patch.setattr(execute, "_execute", in_process)
        patch.setattr("sys.stderr", err)
        code = cli.main(["report", *argv])
    return code, err.getvalue()


@pytest.fixture(scope="session")
def clean_report(market_csv, tmp_path_factory) -> Path:
    """The headline report on the undamaged folder: what every data fault starts from."""
    out = tmp_path_factory.mktemp("clean_report")
    code, err = _report_headlines(market_csv, out, "all")
    assert code == 0, err
    return out


@pytest.fixture
def report_on(clean_report, tmp_path):
    """Run the headline report on a damaged folder over a copy of the clean report.

    measure: the headlines to measure (all of them by default; a success measures only those
    the damaged file feeds, to keep the suite fast). Returns (exit code, stderr, output
    folder); asserts no traceback, and that a failed run left the previous report
    byte-identical.
    """

    def run(data_dir: Path, measure: str = "all") -> tuple[int, str, Path]:
        out = tmp_path / "report"
        shutil.copytree(clean_report, out)
        before = digest(out / "04_headlines")
        code, err = _report_headlines(data_dir, out, measure)
        assert "Traceback" not in err, err
        if code != 0:
            after = digest(out / "04_headlines")
            kept = {k: v for k, v in after.items() if not k.endswith(".failed.ipynb")}
            assert kept == before, "the previous report changed"
        return code, err, out

    return run


def error_line(err: str) -> str:
    """The one line that says what was wrong: the runner's error, or the section's FAILED line."""
    lines = [x for x in err.splitlines() if ": error: " in x or ": FAILED" in x]
    assert len(lines) == 1, err
    return lines[0]


class Inline:
    """An engine that runs each task in the calling thread."""

    description = "this process"

    def run(self, fn, tasks):
        for task in tasks:
            yield task, fn(task)

    def close(self):
        pass
