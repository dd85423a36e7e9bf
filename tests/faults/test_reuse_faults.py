"""Reuse means the same inputs: helper modules count, and runs into one folder take turns.

Issue 21 points 3 and 4. Papermill is replaced by a recording fake where the kernel is not
the point; two runs "at once" are two threads of this process, each with its own lock handle,
exactly as two processes would be.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from faults.conftest import NOTEBOOKS, Inline
from techflows.run import engine, execute, fingerprint, grid, report, sweep
from techflows.run.parameters import for_notebooks

OK = NOTEBOOKS / "01_ok.ipynb"
PARAMETERS = """\
as_of = "latest"  # date or latest: cut all data at this date
source = "sample"  # one of auto, yahoo, csv, snapshot, sample: where the data come from
data_dir = ""  # folder: the csv folder
output_dir = ""  # text: where figures go
"""
WAIT_S = 30.0  # the longest a test waits for another thread to get somewhere


def until(condition, what: str) -> None:
    """Poll condition until it holds; fail naming what never happened."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


# --- point 3: a helper module beside the notebook is an input ---------------------------------


def write_notebook(path: Path, code: str) -> Path:
    cells = [
        new_markdown_cell(f"# {path.stem}"),
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(code),
    ]
    nbformat.write(new_notebook(cells=cells), path)
    return path


@pytest.fixture
def helpers(tmp_path):
    """notebooks/07_mine.ipynb importing mine_helpers (beside it), which imports a package."""
    folder = tmp_path / "notebooks"
    (folder / "minepkg").mkdir(parents=True)
    (folder / "mine_helpers.py").write_text("from minepkg.scale import SCALE\n\nBASE = 2.5\n")
    (folder / "minepkg" / "__init__.py").write_text("")
    (folder / "minepkg" / "scale.py").write_text("SCALE = 1\n")
    code = "import techflows\nfrom mine_helpers import BASE, SCALE\nvalue = BASE * SCALE"
    return write_notebook(folder / "07_mine.ipynb", code)


def inputs(notebook: Path) -> fingerprint.Inputs:
    return fingerprint.run_inputs(notebook, {"source": "sample"}, "sample")


@pytest.mark.parametrize("edited", ["mine_helpers.py", "minepkg/scale.py", "minepkg/__init__.py"])
def test_a_helper_module_the_notebook_imports_is_an_input(helpers, edited):
    before = inputs(helpers)
    path = helpers.parent / edited
    path.write_text(path.read_text() + "SCALE = 1000\n")
    after = inputs(helpers)
    assert after.digest != before.digest, f"{edited} changed, the inputs did not"
    assert after.changed(asdict(before)) == ["code"]


def test_a_changed_helper_is_not_reused_and_a_worker_names_it(helpers, tmp_path):
    folder = tmp_path / "out" / "07_mine"
    folder.mkdir(parents=True)
    (folder / "figures.json").write_text('{"figures": [{"name": "value", "value": 2.5}]}\n')
    before = inputs(helpers)
    fingerprint.write_stamp(folder, before, ["figures.json"], {"started": "then"})
    assert fingerprint.reusable(folder, before) is not None
    assert fingerprint.differences(before, helpers, {"source": "sample"}) == []
    scale = helpers.parent / "minepkg" / "scale.py"
    scale.write_text("SCALE = 1000\n")
    assert fingerprint.reusable(folder, inputs(helpers)) is None
    differ = fingerprint.differences(before, helpers, {"source": "sample"})
    assert differ and all("minepkg" in d or "scale" in d for d in differ), differ


def test_a_module_of_the_same_name_elsewhere_is_not_mistaken_for_the_helper(helpers):
    """Only files the kernel would import count: a helper's sibling folder is not searched."""
    stray = helpers.parent.parent / "mine_helpers.py"
    stray.write_text("SCALE = 5\n")
    before = inputs(helpers)
    stray.write_text("SCALE = 6\n")
    assert inputs(helpers).digest == before.digest


# --- point 4: one run at a time into an output folder, and stamps of one's own files ---------


def recording(gates: dict[str, threading.Event], started: list[str]):
    """A papermill stand-in: records its as_of, waits at its gate (if any), writes its figures."""

    def run(job: execute.Job, executed: Path, folder: Path) -> None:
        as_of = job.parameters["as_of"]
        started.append(as_of)
        gate = gates.get(as_of)
        if gate is not None:
            assert gate.wait(WAIT_S), "the test never opened the gate"
        nbformat.write(new_notebook(cells=[new_markdown_cell("# 01_ok")]), executed)
        (folder / "figures.json").write_text(json.dumps({"as_of": as_of, "figures": []}) + "\n")

    return run


def test_a_second_report_into_the_same_folder_waits_for_the_first(tmp_path, monkeypatch):
    out = tmp_path / "out"
    gate, started, logs = threading.Event(), [], {"A": [], "B": []}
    monkeypatch.setattr(execute, "_execute", recording({"2015-01-02": gate}, started))

    def run(who: str, as_of: str) -> None:
        parameters = {"source": "sample", "as_of": as_of}
        report.run_reports([OK], out, parameters, jobs=1, log=logs[who].append)

    first = threading.Thread(target=run, args=("A", "2015-01-02"))
    second = threading.Thread(target=run, args=("B", "2016-01-04"))
    try:
        first.start()
        until(lambda: started == ["2015-01-02"], "the first run started its notebook")
        second.start()
        until(
            lambda: any("waiting" in line for line in logs["B"]) or not second.is_alive(),
            "the second run waited or ended",
        )
        assert second.is_alive() and started == ["2015-01-02"], (started, logs["B"])
        assert sum("waiting" in line for line in logs["B"]) == 1, logs["B"]
    finally:
        gate.set()
        first.join(WAIT_S)
        second.join(WAIT_S)
    assert started == ["2015-01-02", "2016-01-04"]
    # Everything in the folder is the second run's: files, stamp, runs.json, index.
    figures = json.loads((out / "01_ok" / "figures.json").read_text())
    stamp = fingerprint.read_stamp(out / "01_ok")
    runs = json.loads((out / "runs.json").read_text())["reports"]
    assert figures["as_of"] == "2016-01-04"
    assert stamp["inputs"]["parameters"]["as_of"] == "2016-01-04"
    assert [r["parameters"]["as_of"] for r in runs] == ["2016-01-04"]
    assert fingerprint.reusable(out / "01_ok", report.job_inputs(_job(out, "2016-01-04")))


def _job(out: Path, as_of: str) -> execute.Job:
    """The job the runner makes: every declared parameter, given or default."""
    notebook = OK.resolve()
    values = for_notebooks([notebook], {"source": "sample", "as_of": as_of})[notebook]
    return execute.Job(notebook, out.resolve(), values)


def test_a_stamp_never_describes_files_another_run_wrote(tmp_path, monkeypatch):
    """Files replaced between publishing and stamping are not claimed by the stamp."""
    out = tmp_path / "out"
    monkeypatch.setattr(execute, "_execute", recording({}, []))
    real = execute.publish

    def raced(staging: Path, final: Path) -> list[str]:
        published = real(staging, final)
        (final / "figures.json").write_text('{"as_of": "another run", "figures": []}\n')
        return published

    monkeypatch.setattr(execute, "publish", raced)
    (result,) = report.run_reports([OK], out, {"source": "sample", "as_of": "2015-01-02"}, jobs=1)
    assert result.ok
    assert fingerprint.reusable(out / "01_ok", report.job_inputs(_job(out, "2015-01-02"))) is None


def test_a_second_sweep_of_the_same_name_waits_and_reuses_the_first(tmp_path, monkeypatch):
    gate, executed, logs = threading.Event(), [], {"A": [], "B": []}

    def task_runner(task: sweep.Task) -> sweep.Outcome:
        executed.append(task.run)
        if len(executed) == 1:
            assert gate.wait(WAIT_S), "the test never opened the gate"
        result = execute.RunResult(
            task.name, task.notebook, "01 ok", "ok", "now", 0.1, 1, dict(task.parameters)
        )
        figures = json.dumps({"figures": [{"name": "x", "value": 1.0, "unit": ""}]})
        return sweep.Outcome(result, {"figures.json": figures.encode(), "01_ok.html": b"<p>"})

    monkeypatch.setattr(sweep, "execute_task", task_runner)
    monkeypatch.setattr(engine, "engine", lambda scheduler, jobs: Inline())
    spec = sweep.Sweep(
        name="weekly",
        notebooks=(OK,),
        points=tuple(grid.points(["2015-01-02", "2015-01-09"], {})),
        parameters={"source": "sample", "data_dir": ""},
        output_dir=tmp_path / "sweeps" / "weekly",
    )
    summaries = {}

    def run(who: str) -> None:
        summaries[who] = sweep.run_sweep(spec, log=logs[who].append, progress=False)

    first, second = (threading.Thread(target=run, args=(w,)) for w in "AB")
    try:
        first.start()
        until(lambda: len(executed) == 1, "the first sweep started a run")
        second.start()
        until(
            lambda: any("waiting" in line for line in logs["B"]) or not second.is_alive(),
            "the second sweep waited or ended",
        )
        assert second.is_alive(), logs["B"]
    finally:
        gate.set()
        first.join(WAIT_S)
        second.join(WAIT_S)
    assert sorted(executed) == ["2015-01-02", "2015-01-09"], "a run was executed twice"
    assert summaries["B"].counts == {"ok": 0, "reused": 2, "failed": 0}
    record = json.loads((spec.output_dir / "sweep.json").read_text())
    assert sorted(r["run"] for r in record["runs"]) == ["2015-01-02", "2015-01-09"]
