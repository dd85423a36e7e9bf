"""The runner under faults: failed notebooks, a full disk, killed runs, Ctrl-C, plain papermill.

Papermill is replaced by a fake where the kernel is not the point; the fixture notebooks run
in real kernels where it is (a failing cell, the notebook's own parameter check).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellTimeoutError
from nbformat.v4 import new_code_cell, new_notebook
from papermill.exceptions import PapermillExecutionError

import techflows as tf
from faults.conftest import NOTEBOOKS, digest, in_process, one_line
from techflows import atomic
from techflows.run import cli, execute, report, staging
from techflows.run.parameters import check_parameters

OK = NOTEBOOKS / "01_ok.ipynb"


def quiet(message: str) -> None:
    """A log that drops progress lines."""


def fake(raises: BaseException | None = None, notebook: str | None = None):
    """Stand-in for papermill: writes an executed notebook (or the text given), maybe raises."""

    def run(job: execute.Job, executed: Path, folder: Path) -> None:
        if notebook is None:
            cell = new_code_cell("x = 1", execution_count=1)
            cell.metadata["papermill"] = {"start_time": "2026-02-13T00:00:00"}
            nbformat.write(new_notebook(cells=[cell]), executed)
        else:
            executed.write_text(notebook)
        (folder / "figures.json").write_text('{"figures": []}\n')
        if raises is not None:
            raise raises

    return run


def cell_error() -> PapermillExecutionError:
    return PapermillExecutionError(1, 1, "x = 1", "KeyError", "'XLK'", ["KeyError: 'XLK'"])


@pytest.fixture
def out(previous) -> Path:
    """An output folder with a previous good report of 01_ok."""
    return previous


def run(out: Path) -> execute.RunResult:
    (result,) = report.run_reports([OK], out, {"source": "sample"}, jobs=1, log=quiet)
    return result


def kept(out: Path) -> dict[str, str]:
    return {k: v for k, v in digest(out / "01_ok").items() if not k.endswith(".failed.ipynb")}


def test_a_failing_notebook_exits_1_and_keeps_the_previous_report(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(execute, "_execute", in_process)  # its cells, without a kernel
    out = tmp_path / "out"
    (out / "02_raises").mkdir(parents=True)
    (out / "02_raises" / "02_raises.html").write_text("<html>the last good one</html>\n")
    before = digest(out / "02_raises")
    notebook = str(NOTEBOOKS / "02_raises.ipynb")
    code = cli.main(["report", notebook, "--source", "sample", "--output-dir", str(out)])
    assert code == 1
    assert "[1/1] 02_raises: FAILED" in capsys.readouterr().err
    after = digest(out / "02_raises")
    assert {k: after[k] for k in before} == before
    failed = nbformat.read(out / "02_raises" / "02_raises.failed.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in failed.cells for o in c.get("outputs", []))


def test_a_full_disk_leaves_no_truncated_failed_notebook(out, monkeypatch):
    before = kept(out)
    (out / "01_ok" / "01_ok.failed.ipynb").write_text('{"an older": "failure"}')
    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(execute, "_execute", fake(full, notebook='{"cells": [{"cell_t'))
    result = run(out)
    assert not result.ok and "the failed notebook could not be saved" in result.error.evalue
    assert not (out / "01_ok" / "01_ok.failed.ipynb").exists()  # neither truncated nor stale
    assert kept(out) == before


def test_a_full_disk_while_saving_the_failed_notebook_leaves_nothing_half_written(out, monkeypatch):
    before = kept(out)
    monkeypatch.setattr(execute, "_execute", fake(cell_error()))
    real = atomic.write_with

    def full(path, writer):
        if path.name.endswith(".failed.ipynb"):

            def partial(tmp: Path) -> None:
                tmp.write_text('{"cells": [')
                raise OSError(errno.ENOSPC, "No space left on device")

            return real(path, partial)
        return real(path, writer)

    monkeypatch.setattr(atomic, "write_with", full)
    result = run(out)
    assert "No space left on device" in result.error.evalue
    assert sorted(p.name for p in (out / "01_ok").iterdir()) == ["01_ok.html", "figures.json"]
    assert kept(out) == before


def test_a_failed_notebook_is_a_valid_notebook(out, monkeypatch):
    monkeypatch.setattr(execute, "_execute", fake(cell_error()))
    result = run(out)
    assert result.error.ename == "KeyError"
    nbformat.validate(nbformat.read(out / "01_ok" / "01_ok.failed.ipynb", as_version=4))


def test_a_timeout_keeps_the_previous_report(out, monkeypatch):
    before = kept(out)
    monkeypatch.setattr(execute, "_execute", fake(CellTimeoutError("slow")))
    result = run(out)
    assert result.error.ename == "Timeout" and kept(out) == before


def test_a_kernel_that_does_not_start_is_retried_once(out, monkeypatch):
    errors = [RuntimeError("Kernel died before replying")]
    calls = []

    def flaky(job, executed, folder):
        calls.append(folder)
        if errors:
            raise errors.pop()
        fake()(job, executed, folder)

    monkeypatch.setattr(execute, "_execute", flaky)
    result = run(out)
    assert result.ok and result.attempts == 2


def test_staging_folders_of_killed_runs_are_removed_at_the_next_run(out, monkeypatch):
    killed = out / staging.STAGING / "01_ok.k1ll3d"
    killed.mkdir(parents=True)
    (killed / "01_ok.ipynb").write_text("{half")
    (killed / staging.LOCK).write_text("")  # its run is gone: nobody holds the lock
    legacy = out / staging.STAGING / "02_raises.0ld"  # left by a version without locks
    legacy.mkdir()
    old = time.time() - 3600
    os.utime(legacy, (old, old))
    monkeypatch.setattr(execute, "_execute", fake())
    assert run(out).ok
    assert not (out / staging.STAGING).exists()


def test_a_running_staging_folder_is_not_removed(tmp_path):
    with staging.staging_folder(tmp_path, "01_ok") as live:
        assert staging.remove_stale(tmp_path) == []
        assert live.is_dir()
    assert not live.exists()


def test_a_corrupt_runs_json_is_replaced(out, monkeypatch):
    (out / "runs.json").write_text("{not json")
    monkeypatch.setattr(execute, "_execute", fake())
    assert run(out).ok
    assert json.loads((out / "runs.json").read_text())["reports"][0]["name"] == "01_ok"


# --- Ctrl-C -----------------------------------------------------------------------------------


def test_ctrl_c_exits_130_with_one_line(previous, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "run_reports", interrupted)
    before = digest(previous)
    saved = signal.getsignal(signal.SIGINT)
    try:
        code = cli.main(["report", "--source", "sample", "--output-dir", str(previous)])
        assert signal.getsignal(signal.SIGINT) is cli.stop_now  # the next one stops at once
    finally:
        signal.signal(signal.SIGINT, saved)
    assert code == 130
    assert "interrupted" in one_line(capsys.readouterr().err)
    assert digest(previous) == before


SECOND_CTRL_C = """
import sys, threading, time
from techflows.run import cli, report

def hang(job, log=None):
    time.sleep(60)

report.run_safely = hang
print("ready", flush=True)
sys.exit(cli.main(["report", *sys.argv[1:]]))
"""


def test_a_second_ctrl_c_stops_quietly(tmp_path):
    args = [str(OK), str(NOTEBOOKS / "02_raises.ipynb"), "--source", "sample"]
    process = subprocess.Popen(
        [sys.executable, "-c", SECOND_CTRL_C, *args, "--output-dir", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"
    err = ""
    while "running 2, 2 at a time" not in err:
        line = process.stderr.readline()
        assert line, f"the runner ended before running anything: {err}"
        err += line
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=30)
    err += rest
    assert process.returncode == 130
    assert "Traceback" not in err and "interrupted" in err, err


# --- the notebook's own check: plain papermill, JupyterLab -------------------------------------


@pytest.mark.notebook
def test_plain_papermill_with_an_unknown_parameter_stops_in_the_first_cell(tmp_path):
    import papermill

    with pytest.raises(PapermillExecutionError) as caught:
        papermill.execute_notebook(
            str(OK),
            str(tmp_path / "out.ipynb"),
            parameters={"source": "sample", "lookback_year": 5},
            progress_bar=False,
            kernel_name="python3",
        )
    assert caught.value.ename == "DataError"
    assert "lookback_year: not a parameter of this notebook" in caught.value.evalue
    assert "did you mean lookback_years?" in caught.value.evalue


def test_the_check_in_jupyterlab_catches_an_edited_value():
    cell = nbformat.read(OK, as_version=4).cells[1].source
    edited = cell.replace("lookback_years = 10", "lookback_years = -3")
    namespace = {"In": ["", edited, "nb.check_parameters(globals())"], "lookback_years": -3}
    with pytest.raises(tf.DataError, match="lookback_years=-3: -3 is below the lowest allowed"):
        check_parameters(namespace)
    namespace.update(lookback_years=10, In=["", cell, "check"])
    assert check_parameters(namespace) == {"lookback_years": 10}
    with pytest.raises(tf.DataError, match="run the notebook's parameters cell first"):
        check_parameters({"In": ["import os", "check"]})
